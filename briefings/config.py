"""Stage 0, config: site.toml → SiteConfig, with every wrong key named at its line."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from briefings.errors import ConfigError, Problem
from briefings.model import RelatedConfig, SiteConfig, TopicRule

CONFIG_NAME = "site.toml"
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

Check = Callable[[Any], str | None]


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be text in quotes"


def _positive(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 100_000
    return None if ok else "must be a whole number from 1 to 100000"


def _base_url(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be text in quotes"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "must be an absolute http(s) URL such as 'https://example.org/'"
    if parts.query or parts.fragment:
        return "must not have a query or fragment"
    return None


def _language(value: Any) -> str | None:
    ok = isinstance(value, str) and LANGUAGE.match(value)
    return None if ok else "must be a language tag such as 'en' or 'ja-JP'"


def _timezone(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be text in quotes"
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"'{value}' is not a known timezone; use a name such as 'Asia/Tokyo' or 'UTC'"
    return None


def _topics(value: Any) -> str | None:
    if not isinstance(value, dict):
        return 'must be a table: [topics] then lines like \'North Korea = ["Pyongyang", "DPRK"]\''
    for name, aliases in value.items():
        ok = isinstance(aliases, list) and all(isinstance(a, str) and a.strip() for a in aliases)
        if not name.strip() or not ok:
            return f"topic '{name}' must be a list of aliases in quotes, e.g. [\"DPRK\"]"
    return None


RELATED_NUMBERS = ("threshold", "topics", "sources", "text")


def _related(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "must be a table: [related] then lines like 'count = 5'"
    for key, item in value.items():
        if key == "count" and _positive(item) and item != 0:
            return "count must be a whole number from 0 to 100000"
        if key == "include_newer" and not isinstance(item, bool):
            return "include_newer must be true or false"
        if key in RELATED_NUMBERS and (
            isinstance(item, bool) or not isinstance(item, int | float) or item < 0
        ):
            return f"{key} must be a number, 0 or more"
        if key not in ("count", "include_newer", *RELATED_NUMBERS):
            known = ", ".join(("count", "include_newer", *RELATED_NUMBERS))
            return f"has no key '{key}' (known: {known})"
    return None


def _search(value: Any) -> str | None:
    if not isinstance(value, dict) or set(value) - {"enabled"} or not isinstance(value.get("enabled"), bool):
        return "must be a table: [search] then 'enabled = true' or 'enabled = false'"
    return None


KEYS: dict[str, Check] = {
    "title": _text,
    "description": _text,
    "base_url": _base_url,
    "language": _language,
    "author": _text,
    "timezone": _timezone,
    "feed_size": _positive,
    "page_size": _positive,
    "topics": _topics,
    "related": _related,
    "search": _search,
}
REQUIRED = ("title", "base_url")


def load_config(root: Path, base_url: str | None = None) -> SiteConfig:
    """Read `root/site.toml`; `base_url`, when given, replaces the file's."""
    path = root / CONFIG_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([Problem(f"no {CONFIG_NAME} here; is this a site folder?", path)]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([Problem(f"cannot read {CONFIG_NAME}: {error}", path)]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([_toml_problem(path, error)]) from None
    if base_url is not None:
        data["base_url"] = base_url
    problems = list(_check(path, text, data))
    if problems:
        raise ConfigError(problems)
    # The site's own folder, however it was named (`.`, a relative or an absolute path): what is
    # built from it, and the cache of what was built, must not depend on the spelling.
    return _build(root.absolute(), data)


def _toml_problem(path: Path, error: tomllib.TOMLDecodeError) -> Problem:
    match = re.search(r"\(at line (\d+), column \d+\)$", str(error))
    message = re.sub(r"\s*\(at line \d+, column \d+\)$", "", str(error))
    line = int(match.group(1)) if match else None
    return Problem(f"invalid TOML: {message}", path, line)


def _check(path: Path, text: str, data: dict[str, Any]) -> list[Problem]:
    problems = []
    for key, value in data.items():
        line = _line_of(text, key)
        if key not in KEYS:
            near = difflib.get_close_matches(key, KEYS, n=1)
            hint = f"did you mean '{near[0]}'?" if near else "known keys: " + ", ".join(KEYS)
            problems.append(Problem(f"unknown key '{key}'", path, line, hint))
        elif (wrong := KEYS[key](value)) is not None:
            problems.append(Problem(f"'{key}' {wrong}", path, line))
    for key in REQUIRED:
        if key not in data:
            problems.append(Problem(f"'{key}' is required", path, None))
        elif key == "title" and isinstance(data[key], str) and not data[key].strip():
            problems.append(Problem("'title' must not be empty", path, _line_of(text, key)))
    return problems


def _line_of(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^\s*(\[\s*{re.escape(key)}\s*\]|\"?{re.escape(key)}\"?\s*=)")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def _build(root: Path, data: dict[str, Any]) -> SiteConfig:
    base_url = data["base_url"] if data["base_url"].endswith("/") else data["base_url"] + "/"
    rules = tuple(
        TopicRule(name.strip(), tuple(a.strip() for a in aliases))
        for name, aliases in data.get("topics", {}).items()
    )
    return SiteConfig(
        root=root,
        title=data["title"].strip(),
        base_url=base_url,
        description=data.get("description", ""),
        language=data.get("language", "en"),
        author=data.get("author", ""),
        timezone=data.get("timezone", "UTC"),
        feed_size=data.get("feed_size", 50),
        page_size=data.get("page_size", 20),
        topics=rules,
        related=RelatedConfig(**data.get("related", {})),
        search=data.get("search", {}).get("enabled", False),
    )
