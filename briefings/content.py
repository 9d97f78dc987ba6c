"""Stage 1, content: content/briefings/*.md and content/pages/*.md → parsed, checked files.

Reading is lenient only where nothing can be lost (a UTF-8 BOM, CRLF line ends, stray control
characters); everything else wrong with a file is a located Problem, and every file is read
before the stage reports, so one build shows every broken file at once.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import yaml

from briefings.errors import ContentError, Problem
from briefings.frontmatter import (
    FieldError,
    FrontMatter,
    LocatedProblem,
    compose,
    line_of,
    split_front_matter,
    to_bool,
    to_list,
    to_pairs,
    to_required_text,
    to_stamp,
    to_text,
)
from briefings.limits import body_problem
from briefings.model import Located, ParsedBriefing, ParsedPage, SiteConfig, Source, Stamp
from briefings.reuse import Taken, metadata_stamp
from briefings.slugs import slug_problem

BRIEFINGS_DIR = Path("content") / "briefings"
PAGES_DIR = Path("content") / "pages"
DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
# C0 controls but tab and newline, DEL, C1 controls, and the private-use pair markup reserves.
STRAY = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000\ue001]")
# In UTF-8 those are these bytes, C2 80 to C2 9F, and EE 80 80 and EE 80 81.
_STRAY_ASCII = bytes([*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
BRIEFING_KEYS = (
    "title", "date", "sources", "source", "via", "captured", "topics", "related",
    "summary", "draft", "slug", "imported", "canonical",
)  # fmt: skip
PAGE_KEYS = ("title", "summary", "draft", "slug")
SOURCE_KEYS = ("name", "url", "author", "published")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Document:
    """A content file as read: its kind ("briefing" or "page"), path and bytes, and its stamp.

    The stamp names this version of the file by its place and metadata (see `metadata_stamp`), or
    is "" for a file changed too recently to be judged so. `data` is None for a file not read yet
    (see `list_documents`)."""

    kind: str
    path: Path
    data: bytes | None
    stamp: str = ""


Parsed = ParsedBriefing | ParsedPage


def list_documents(config: SiteConfig, taken: Taken | None = None) -> tuple[list[Document], list[Problem]]:
    """Every content file, in a fixed order, not read yet (see `with_data`), and a problem for each
    folder or file that cannot be looked at. `taken` holds the files' metadata when the caller
    took it already."""
    taken = taken or Taken()
    documents, problems = [], []
    for kind, folder in (("briefing", BRIEFINGS_DIR), ("page", PAGES_DIR)):
        directory = config.root / folder
        try:
            with os.scandir(directory) as scan:
                entries = sorted((e for e in scan if e.name.endswith(".md")), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            continue  # a site without pages, or not yet with briefings
        except OSError as error:
            problems.append(Problem(f"cannot read folder: {error.strerror}", directory))
            continue
        for entry in entries:
            if entry.name.startswith("."):  # editors' lock and swap files (emacs's .#x.md), not briefings
                continue
            path = directory / entry.name
            try:
                stamp = metadata_stamp(taken.metadata.get(entry.path) or entry.stat(), taken.now_ns)
            except OSError as error:
                problems.append(_unreadable(path, error))
                continue
            stamp = stamp and f"{kind}|{folder.as_posix()}/{entry.name}|{stamp}"
            documents.append(Document(kind, path, None, stamp))
    return documents, problems


def with_data(document: Document) -> Document | Problem:
    """A document listed unread (see `list_documents`) with its bytes, or why they cannot be read."""
    try:
        return replace(document, data=document.path.read_bytes())
    except OSError as error:
        return _unreadable(document.path, error)


def _unreadable(path: Path, error: OSError) -> Problem:
    return Problem(f"cannot read file: {error.strerror}", path)


def parse_document(document: Document, config: SiteConfig) -> Parsed:
    """One briefing or page, its front matter checked; a ContentError lists what is wrong with it."""
    path = document.path
    try:
        assert document.data is not None, "a document left unread is never parsed"
        text = decode_text(path, document.data)
        if document.kind == "briefing":
            return _parse_briefing(path, text, config)
        return _parse_page(path, text, config)
    except LocatedProblem as error:
        raise ContentError([error.problem]) from None
    except FieldErrors as errors:
        raise ContentError(Problem(e.message, path, e.line, e.hint) for e in errors.errors) from None


def read_text(path: Path) -> str:
    """The file as text with `\\n` line ends, or a located problem saying why it is not text."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LocatedProblem(_unreadable(path, error)) from None
    return decode_text(path, data)


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8 text with `\\n` line ends and no stray control characters, or a located problem."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LocatedProblem(Problem("file is UTF-16", path, 1, "save it as UTF-8"))
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise LocatedProblem(Problem("file contains a NUL byte; is it binary?", path, line))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise LocatedProblem(Problem("file is not UTF-8", path, line, "save it as UTF-8")) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(data.translate(None, _STRAY_ASCII)) == len(data) and not (b"\xc2" in data or b"\xee\x80" in data):
        return text  # nothing to drop, found faster than by STRAY
    return STRAY.sub("", text)


class FieldErrors(Exception):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(errors[0].message)
        self.errors = errors


def _fields(
    path: Path, text: str, allowed: tuple[str, ...]
) -> tuple[FrontMatter, dict[str, tuple[Any, int]], list[FieldError]]:
    """Split and compose the front matter: (value node, line) per known key, and the unknown keys."""
    front = split_front_matter(path, text)
    root = compose(path, front)
    try:
        pairs = to_pairs(front, root, "front matter")
    except FieldError as error:
        raise FieldErrors([error]) from None
    fields: dict[str, tuple[Any, int]] = {}
    unknown: list[FieldError] = []
    for key, node, line in pairs:
        if key in allowed:
            fields[key] = (node, line)
        else:
            unknown.append(FieldError(f"unknown key '{key}'", line, _suggest(key, allowed)))
    too_costly = body_problem(front.body)  # before Markdown sees it: some shapes of text stall it
    if too_costly:
        unknown.append(FieldError(too_costly[1], front.body_line + too_costly[0]))
    return front, fields, unknown


def _suggest(key: str, allowed: tuple[str, ...]) -> str:
    near = difflib.get_close_matches(key.lower(), allowed, n=1, cutoff=0.6)
    return f"did you mean '{near[0]}'?" if near else "known keys: " + ", ".join(allowed)


class _Reader:
    """Converts each field, collecting every FieldError instead of stopping at the first."""

    def __init__(
        self, front: FrontMatter, fields: dict[str, tuple[Any, int]], errors: list[FieldError]
    ) -> None:
        self.front = front
        self.fields = fields
        self.errors = errors

    def get(self, key: str, convert: Callable[[FrontMatter, Any, str], T], default: T) -> T:
        if key not in self.fields:
            return default
        try:
            return convert(self.front, self.fields[key][0], key)
        except FieldError as error:
            self.errors.append(error)
            return default

    def require(self, key: str, convert: Callable[[FrontMatter, Any, str], T], default: T) -> T:
        if key not in self.fields:
            self.errors.append(FieldError(f"'{key}' is required", self.front.yaml_line))
        return self.get(key, convert, default)

    def line(self, key: str) -> int:
        return self.fields[key][1] if key in self.fields else self.front.yaml_line

    def done(self) -> None:
        if self.errors:
            raise FieldErrors(sorted(self.errors, key=lambda e: e.line))


def _parse_briefing(path: Path, text: str, config: SiteConfig) -> ParsedBriefing:
    read = _Reader(*_fields(path, text, BRIEFING_KEYS))
    front = read.front
    tz = config.tz
    title = read.require("title", to_required_text, "")
    date = read.require("date", lambda f, n, k: to_stamp(f, n, k, tz), _EPOCH)
    sources = _sources(read, tz)
    slug, slug_line = _slug(read, path, dated=True)
    briefing = ParsedBriefing(
        path=path,
        slug=slug,
        slug_line=slug_line,
        title=title,
        date=date,
        sources=sources,
        body=front.body,
        body_line=front.body_line,
        via=read.get("via", to_text, None),
        captured=read.get("captured", lambda f, n, k: to_stamp(f, n, k, tz), None),
        topics=read.get("topics", _located_list, ()),
        related=read.get("related", _located_list, ()),
        summary=read.get("summary", to_text, None),
        draft=read.get("draft", to_bool, False),
        imported=read.get("imported", to_text, None),
        canonical=read.get("canonical", _web_url, None),
    )
    read.done()
    return briefing


_EPOCH = Stamp(dt.datetime(1970, 1, 1, tzinfo=dt.UTC), True)


def _parse_page(path: Path, text: str, config: SiteConfig) -> ParsedPage:
    read = _Reader(*_fields(path, text, PAGE_KEYS))
    front = read.front
    slug, slug_line = _slug(read, path, dated=False)
    page = ParsedPage(
        path=path,
        slug=slug,
        slug_line=slug_line,
        title=read.require("title", to_required_text, ""),
        body=front.body,
        body_line=front.body_line,
        summary=read.get("summary", to_text, None),
        draft=read.get("draft", to_bool, False),
    )
    read.done()
    return page


def _located_list(front: FrontMatter, node: Any, key: str) -> tuple[Located, ...]:
    items = []
    for item in to_list(front, node, key):
        value = to_text(front, item, key)
        if value is not None:
            items.append(Located(value, line_of(front, item)))
    return tuple(items)


def _sources(read: _Reader, tz: dt.tzinfo) -> tuple[Source, ...]:
    if "sources" in read.fields and "source" in read.fields:
        read.errors.append(FieldError("use 'sources' or 'source', not both", read.line("source")))
        return ()
    key = "source" if "source" in read.fields else "sources"
    if key not in read.fields:
        hint = "every briefing names where its facts came from: 'sources: [{name: ..., url: ...}]'"
        read.errors.append(FieldError("no source", read.front.yaml_line, hint))
        return ()
    node = read.fields[key][0]
    try:
        items = [node] if key == "source" else to_list(read.front, node, key)
        if not items:
            raise FieldError(f"'{key}' is empty; name at least one source", read.line(key))
        return tuple(_source(read.front, item, tz) for item in items)
    except FieldError as error:
        read.errors.append(error)
        return ()


def _source(front: FrontMatter, node: Any, tz: dt.tzinfo) -> Source:
    if isinstance(node, yaml.ScalarNode):
        return Source(name=to_required_text(front, node, "source"))
    values: dict[str, Any] = {}
    for key, value, line in to_pairs(front, node, "source"):
        if key not in SOURCE_KEYS:
            raise FieldError(f"unknown source key '{key}'", line, _suggest(key, SOURCE_KEYS))
        values[key] = value
    if "name" not in values:
        raise FieldError("a source needs a 'name'", line_of(front, node))
    url = to_text(front, values["url"], "url") if "url" in values else None
    if url is not None and not is_web_url(url):
        raise FieldError(f"source url must be http(s): '{url}'", line_of(front, values["url"]))
    published = values.get("published")
    return Source(
        name=to_required_text(front, values["name"], "name"),
        url=url,
        author=to_text(front, values["author"], "author") if "author" in values else None,
        published=to_stamp(front, published, "published", tz) if published is not None else None,
    )


def _web_url(front: FrontMatter, node: Any, key: str) -> str | None:
    url = to_text(front, node, key)
    if url is not None and not is_web_url(url):
        raise FieldError(f"'{key}' must be an http(s) URL: '{url}'", line_of(front, node))
    return url


WEB_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)


def is_web_url(url: str) -> bool:
    """An absolute http(s) URL with a host and no whitespace or control characters."""
    return bool(WEB_URL.match(url)) and url.isprintable()


def _slug(read: _Reader, path: Path, *, dated: bool) -> tuple[str, int]:
    if "slug" in read.fields:
        slug, line = read.get("slug", to_required_text, ""), read.line("slug")
    else:
        slug, line = path.stem, 1
        match = DATED_NAME.match(slug) if dated else None
        if match:
            slug = match.group(2)
    slug = unicodedata.normalize("NFC", slug)
    problem = slug_problem(slug)
    if slug and problem:
        read.errors.append(FieldError(f"slug '{slug}' {problem}", line))
    return slug, line
