"""Import: captures, HTML pages and feeds (files or http(s) URLs) → briefing files in content/briefings/.

    source ──read──► bytes ──detect──► capture.py | html.py | feed.py ──► Found articles
    every source read and checked ──► writer.py ──► new, updated, unchanged or skipped files

Every source is read before anything is written, so a source that is not a capture, page or
feed stops the import with a CaptureError naming it and leaves the site as it was; so does an
import that finds no article at all (an empty feed, entries that cannot be read, all of them
before --since), saying why. Only cli.py prints; this returns an ImportReport.
"""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from briefings import __version__
from briefings.config import load_config
from briefings.dates import parse_captured
from briefings.errors import CaptureError, Problem
from briefings.importers.article import Article, Found
from briefings.importers.capture import read_capture
from briefings.importers.feed import read_feed
from briefings.importers.html import read_page
from briefings.importers.writer import Outcome, write_briefings
from briefings.model import SiteConfig, Stamp

MAX_BYTES = 20 * 1024 * 1024
TIMEOUT_SECONDS = 30


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """The choices a curator makes on the command line."""

    captured: str | None = None
    via: str | None = None
    format: str = "auto"
    draft: bool = False
    full_text: bool = False
    since: dt.date | None = None
    limit: int | None = None
    captured_at: dt.datetime | None = None  # `captured` read in the site's timezone


@dataclass(frozen=True, slots=True)
class ImportReport:
    """One outcome per article found (with what the importer could not find in it, "no date"),
    and the (entry, why) pairs left out of feeds."""

    outcomes: tuple[Outcome, ...]
    skipped: tuple[tuple[str, str], ...]

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


@dataclass(frozen=True, slots=True)
class _Raw:
    """A source's bytes, the address they came from (for URLs), and when they were captured."""

    data: bytes
    url: str | None
    content_type: str
    captured: dt.datetime


class _Unusable(Exception):
    """Why one source cannot be imported; becomes a Problem naming it."""


def import_sources(
    root: Path, sources: Sequence[str], options: ImportOptions, *, now: dt.datetime
) -> ImportReport:
    """Read every source, then write what they hold into the site at `root`."""
    config = load_config(root)
    if options.captured:
        options = replace(options, captured_at=parse_captured(options.captured, config.tz))
    found: list[Found] = []
    problems: list[Problem] = []
    for source in sources:
        try:
            found.append(_read_source(source, config, options, now))
        except _Unusable as why:
            problems.append(_problem(source, str(why)))
    if not problems and not any(f.articles for f in found):
        problems = [_problem(f.origin, _why_nothing(f)) for f in found]
    if problems:
        raise CaptureError(problems)
    outcomes = write_briefings(config, found, draft=options.draft, full_text=options.full_text)
    skipped = tuple((f"{f.origin}: {what}", why) for f in found for what, why in f.skipped)
    skipped += tuple((f.origin, "the feed has no entries") for f in found if not f.articles and not f.skipped)
    return ImportReport(outcomes, skipped)


def _why_nothing(found: Found) -> str:
    """Why a source gave no article: the feed was empty, or each entry's reason, in short."""
    if not found.skipped:
        return "nothing to import: the feed has no entries"
    reasons = [f"{what}: {why}" for what, why in found.skipped]
    shown = "; ".join(reasons[:3]) + (f"; and {len(reasons) - 3} more" if len(reasons) > 3 else "")
    return f"nothing to import: {shown}"


def _problem(source: str, why: str) -> Problem:
    if _is_url(source):
        return Problem(f"{source}: {why}")
    return Problem(why, Path(source))


def _is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def _read_source(source: str, config: SiteConfig, options: ImportOptions, now: dt.datetime) -> Found:
    raw = _fetch(source, options, now) if _is_url(source) else _load(source, config, options)
    kind = options.format if options.format != "auto" else detect(raw.data, raw.content_type)
    captured = Stamp(raw.captured, False)
    if kind == "feed":
        return _from_feed(source, raw, captured, options)
    if kind == "html":
        article = read_page(raw.data, raw.url)
        if article is None:
            raise _Unusable("no article text found in this HTML page")
        return Found(source, (_with_via(article, options.via),), captured)
    return _from_capture(source, raw, captured, options, guessed=options.format == "auto")


def _with_via(article: Article, via: str | None) -> Article:
    return replace(article, via=via) if via else article


def _from_feed(source: str, raw: _Raw, captured: Stamp, options: ImportOptions) -> Found:
    items = read_feed(
        raw.data, raw.url, since=options.since, limit=options.limit, content_type=raw.content_type
    )
    if items is None:
        raise _Unusable("not an RSS or Atom feed")
    articles = tuple(_with_via(a, options.via) for a in items.articles)
    return Found(source, articles, captured, skipped=items.skipped)


def _from_capture(source: str, raw: _Raw, captured: Stamp, options: ImportOptions, *, guessed: bool) -> Found:
    text = _decode(raw.data)
    articles = read_capture(text, raw.captured, options.via)
    if not articles:
        what = "not an aggregator capture, an HTML page or a feed" if guessed else "not an aggregator capture"
        hint = "a capture has a title, then its source and a time such as 'Japan Times3 days ago'"
        raise _Unusable(f"{what} ({hint})")
    return Found(source, articles, captured, related=True)


def _decode(data: bytes) -> str:
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Unusable("this is a binary file, not an aggregator capture, an HTML page or a feed")
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        raise _Unusable("a capture must be UTF-8 text; save it as UTF-8") from None


def detect(data: bytes, content_type: str = "") -> str:
    """'feed', 'html' or 'capture', from the content type when it says, else the first bytes."""
    head = data[:4096].decode("latin-1").lstrip("\ufeff\xef\xbb\xbf \t\r\n").lower()
    kind = content_type.split(";")[0].strip().lower()
    if kind in ("application/rss+xml", "application/atom+xml", "application/rdf+xml") or (
        head.startswith(("<?xml", "<rss", "<feed", "<rdf"))
        and any(t in head for t in ("<rss", "<feed", "<rdf:rdf"))
    ):
        return "feed"
    if kind in ("text/html", "application/xhtml+xml") or head.startswith(("<!doctype html", "<html")):
        return "html"
    if any(tag in head for tag in ("<html", "<head>", "<body")):
        return "html"
    return "capture"


def _load(source: str, config: SiteConfig, options: ImportOptions) -> _Raw:
    path = Path(source)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise _Unusable(f"larger than {MAX_BYTES // 2**20} MB; is it really a capture, page or feed?")
        data = path.read_bytes()
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        raise _Unusable("no such file") from None
    except IsADirectoryError:
        raise _Unusable("is a folder; name the files to import") from None
    except OSError as error:
        raise _Unusable(f"cannot read: {error.strerror}") from None
    captured = options.captured_at or dt.datetime.fromtimestamp(int(mtime), tz=config.tz)
    return _Raw(data, None, "", captured)


def _fetch(url: str, options: ImportOptions, now: dt.datetime) -> _Raw:
    request = urllib.request.Request(url, headers={"User-Agent": f"briefings/{__version__} (import)"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            data = response.read(MAX_BYTES + 1)
            final, content_type = response.geturl(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        raise _Unusable(f"the server answered {error.code} {error.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        raise _Unusable(f"cannot fetch: {getattr(error, 'reason', error)}") from None
    if len(data) > MAX_BYTES:
        raise _Unusable(f"larger than {MAX_BYTES // 2**20} MB")
    return _Raw(data, final, content_type, options.captured_at or now.replace(microsecond=0))
