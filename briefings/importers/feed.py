"""Import, feeds: an RSS or Atom feed (file or URL) → one article per entry.

feedparser reads what real feeds are: invalid XML, legacy encodings, relative links. Each entry
that has a title and a date becomes an article; the rest are reported as skipped, never
guessed. Dates keep the offset the feed wrote; HTML in entries is sanitized before it becomes
Markdown.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import feedparser  # type: ignore[import-untyped]

from briefings.dates import parse_published
from briefings.importers.article import Article
from briefings.importers.links import clean_url
from briefings.importers.text import html_to_markdown, paragraphs
from briefings.markup import clean_html, plain_text
from briefings.model import Source, Stamp


@dataclass(frozen=True, slots=True)
class FeedItems:
    """The articles a feed gave, and (entry, why) for each entry left out."""

    articles: tuple[Article, ...]
    skipped: tuple[tuple[str, str], ...]


def read_feed(
    raw: bytes, url: str | None, *, since: dt.date | None = None, limit: int | None = None
) -> FeedItems | None:
    """The feed's entries as articles, newest first when limited; None when `raw` is no feed."""
    headers = {"content-location": url} if url else {}
    parsed = feedparser.parse(raw, response_headers=headers, sanitize_html=True, resolve_relative_uris=True)
    if not parsed.get("version") and not parsed.entries:
        return None
    feed = parsed.feed
    base = clean_url(feed.get("link"), url) or url
    name = _plain(feed.get("title_detail"), feed.get("title")) or _host(base) or "Unknown source"
    articles: list[Article] = []
    skipped: list[tuple[str, str]] = []
    for number, entry in enumerate(parsed.entries, start=1):
        article = _article(entry, name, base)
        if isinstance(article, str):
            skipped.append((_label(entry, number), article))
        else:
            articles.append(article)
    return _select(articles, skipped, since, limit)


def _select(
    articles: list[Article], skipped: list[tuple[str, str]], since: dt.date | None, limit: int | None
) -> FeedItems:
    kept = [a for a in articles if since is None or a.date.moment.date() >= since]
    if len(kept) < len(articles):
        skipped.append((f"{len(articles) - len(kept)} entries", f"published before {since}"))
    if limit is not None and len(kept) > limit:
        kept.sort(key=lambda a: a.date.moment, reverse=True)
        skipped.append((f"{len(kept) - limit} older entries", f"beyond --limit {limit}"))
        kept = kept[:limit]
    return FeedItems(tuple(kept), tuple(skipped))


def _article(entry: Any, name: str, base: str | None) -> Article | str:
    """The entry as an article, or why it cannot be one."""
    title = _plain(entry.get("title_detail"), entry.get("title"))
    if not title:
        return "no title"
    date = _date(entry)
    if date is None:
        return "no publication date that can be read"
    link = clean_url(entry.get("link"), base)
    source = Source(name=name, url=link, author=_author(entry), published=date)
    return Article(title=title, date=date, source=source, body=_body(entry, link or base))


def _label(entry: Any, number: int) -> str:
    title = _plain(entry.get("title_detail"), entry.get("title"))
    return f"entry {number}" + (f" ({title[:60]})" if title else "")


def _plain(detail: Any, value: Any) -> str:
    """A title as plain text, whether the feed sent it as text or as HTML."""
    if not isinstance(value, str):
        return ""
    if isinstance(detail, dict) and "html" in str(detail.get("type", "")):
        value = plain_text(clean_html(value))
    return " ".join(value.split())


def _host(url: str | None) -> str | None:
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def _date(entry: Any) -> Stamp | None:
    # dict.get: feedparser's own get() maps 'updated' to 'published' with a deprecation warning.
    for key in ("published", "updated", "created"):
        stamp = parse_published(dict.get(entry, key))
        if stamp is not None:
            return stamp
    for key in ("published_parsed", "updated_parsed"):
        parsed = dict.get(entry, key)
        if parsed:
            # feedparser read a date we could not; it gives the moment in UTC.
            return Stamp(dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.UTC), False)
    return None


def _author(entry: Any) -> str | None:
    detail = entry.get("author_detail")
    name = detail.get("name") if isinstance(detail, dict) else None
    name = name or entry.get("author")
    if not isinstance(name, str) or not name.strip() or "://" in name:
        return None
    return " ".join(name.split())


def _body(entry: Any, base: str | None) -> str:
    contents = entry.get("content") or []
    detail = contents[0] if contents else entry.get("summary_detail")
    value = contents[0].get("value") if contents else entry.get("summary")
    if not isinstance(value, str) or not value.strip():
        return ""
    if isinstance(detail, dict) and detail.get("type") == "text/plain":
        return paragraphs(value.split("\n\n"))
    return html_to_markdown(value, base)
