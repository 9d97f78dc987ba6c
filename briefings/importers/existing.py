"""Import, what is already there: the briefings in content/briefings/, read leniently.

The importer must not stop at a briefing the build would reject (a curator may be halfway
through an edit), so each file is read on its own and whatever cannot be read only reserves its
slug. Articles are recognised by their source url, or by their title and source name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from briefings.content import DATED_NAME, read_text
from briefings.frontmatter import LocatedProblem, split_front_matter
from briefings.importers.article import Article
from briefings.importers.links import same_url_key

IMPORTED = re.compile(r"^imported: *([0-9a-f]{64}) *\n", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Existing:
    """A briefing file already in the site, as far as the importer needs to know it."""

    path: Path
    slug: str
    title: str
    keys: tuple[str, ...]
    related: tuple[str, ...]
    text: str
    imported: str | None
    edited: bool


def content_hash(text: str) -> str:
    """SHA-256 of a briefing's text without its `imported:` line."""
    return hashlib.sha256(IMPORTED.sub("", text, count=1).encode("utf-8")).hexdigest()


def read_existing(folder: Path) -> list[Existing]:
    """Every briefing file in `folder`, sorted by name; unreadable ones with only their slug."""
    return [_read_one(path) for path in sorted(folder.glob("*.md"))] if folder.is_dir() else []


def _read_one(path: Path) -> Existing:
    slug = _file_slug(path)
    try:
        text = read_text(path)
        data = yaml.safe_load(split_front_matter(path, text).yaml_text)
    except (LocatedProblem, yaml.YAMLError):
        return Existing(path, slug, "", (), (), "", None, True)
    if not isinstance(data, dict):
        data = {}
    if isinstance(data.get("slug"), str) and data["slug"].strip():
        slug = unicodedata.normalize("NFC", data["slug"].strip())
    title = data["title"].strip() if isinstance(data.get("title"), str) else ""
    match = IMPORTED.search(text)
    imported = match.group(1) if match else None
    edited = imported is not None and content_hash(text) != imported
    keys = tuple(_keys(title, _sources(data)))
    return Existing(path, slug, title, keys, _texts(data.get("related")), text, imported, edited)


def _file_slug(path: Path) -> str:
    match = DATED_NAME.match(path.stem)
    return unicodedata.normalize("NFC", match.group(2) if match else path.stem)


def _sources(data: dict[str, Any]) -> list[tuple[str, str | None]]:
    raw = data.get("sources", data.get("source"))
    items = raw if isinstance(raw, list) else [raw]
    found: list[tuple[str, str | None]] = []
    for item in items:
        if isinstance(item, str):
            found.append((item, None))
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            url = item.get("url")
            found.append((item["name"], url if isinstance(url, str) else None))
    return found


def _texts(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(str(item).strip() for item in items if isinstance(item, str | int) and str(item).strip())


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _keys(title: str, sources: list[tuple[str, str | None]]) -> list[str]:
    keys = [f"url:{same_url_key(url)}" for _, url in sources if url]
    keys += [f"title:{_fold(title)}|{_fold(name)}" for name, _ in sources if title]
    return keys


def article_keys(article: Article) -> tuple[str, ...]:
    """The keys under which an article found again is recognised as the same one."""
    return tuple(_keys(article.title, [(article.source.name, article.source.url)]))
