"""Import, feeds: an RSS or Atom feed (file or URL) → one article per entry.

feedparser reads what real feeds are: RSS 0.9x-2.0, RSS 1.0 (RDF), Atom, invalid XML, legacy
encodings, relative links. Each entry with a title becomes an article; one without is reported as
skipped. The link is the original's (FeedBurner's origLink, else the entry's alternate link),
never a click-tracking one. Dates are read as the feed wrote them, offset kept (dates.py); an
entry whose date cannot be read is still imported, with no `published` and a note, since a wrong
date is worse than none. An entry that names its publisher (`<source>`, as Google News writes)
credits that publisher and records the feed as `via`. HTML in entries is sanitized before it
becomes Markdown.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import feedparser  # type: ignore[import-untyped]

from briefings.dates import NO_DATE, parse_published
from briefings.importers.article import Article
from briefings.importers.links import clean_url
from briefings.importers.text import html_to_markdown, paragraphs
from briefings.markup import clean_html, plain_text
from briefings.model import Source, Stamp

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_DATE_KEYS = ("published", "updated", "created")  # RSS pubDate and dc:date, Atom's two, RSS 1.0's


@dataclass(frozen=True, slots=True)
class FeedItems:
    """The articles a feed gave, (entry, why) for each entry left out, and how many it had."""

    articles: tuple[Article, ...]
    skipped: tuple[tuple[str, str], ...]
    entries: int = 0


def read_feed(
    raw: bytes,
    url: str | None,
    *,
    since: dt.date | None = None,
    limit: int | None = None,
    content_type: str = "",
) -> FeedItems | None:
    """The feed's entries as articles, newest first when limited; None when `raw` is no feed.
    `content_type` is the server's, whose charset can name the feed's encoding."""
    headers = {"content-location": url} if url else {}
    if content_type:
        headers["content-type"] = content_type
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
    return _select(articles, skipped, since, limit, len(parsed.entries))


def _select(
    articles: list[Article],
    skipped: list[tuple[str, str]],
    since: dt.date | None,
    limit: int | None,
    entries: int,
) -> FeedItems:
    """--since on the published day (an entry without one is kept, with a note), then --limit."""
    if since is not None:
        early = [a for a in articles if a.source.published and a.source.published.moment.date() < since]
        if early:
            skipped.append((_entries(len(early)), f"published before {since}"))
        articles = [_undated_since(a, since) for a in articles if a not in early]
    if limit is not None and len(articles) > limit:
        # Newest first; entries without a date cannot be ranked and come last, in feed order.
        articles = sorted(articles, key=_published_at, reverse=True)
        skipped.append((_entries(len(articles) - limit, "older "), f"beyond --limit {limit}"))
        articles = articles[:limit]
    return FeedItems(tuple(articles), tuple(skipped), entries)


def _entries(count: int, kind: str = "") -> str:
    return f"{count} {kind}entr{'y' if count == 1 else 'ies'}"


def _undated_since(article: Article, since: dt.date) -> Article:
    if article.source.published:
        return article
    return replace(article, notes=(*article.notes, f"kept by --since {since}: its date is unknown"))


def _published_at(article: Article) -> dt.datetime:
    return article.source.published.moment if article.source.published else _EPOCH


def _article(entry: Any, name: str, base: str | None) -> Article | str:
    """The entry as an article, or why it cannot be one."""
    title = _plain(entry.get("title_detail"), entry.get("title"))
    if not title:
        return "no title"
    published, notes = _date(entry)
    link = _link(entry, base)
    publisher = _publisher(entry)
    if publisher:
        title = _without_publisher(title, publisher)
    credit = Source(name=publisher or name, url=link, author=_author(entry), published=published)
    return Article(
        title=title,
        source=credit,
        text=_body(entry, link or base),
        via=name if publisher and publisher != name else None,
        lang=_lang(entry),
        notes=notes,
    )


def _label(entry: Any, number: int) -> str:
    title = _plain(entry.get("title_detail"), entry.get("title"))
    return f"entry {number}" + (f" ({title[:60]})" if title else "")


_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


def _plain(detail: Any, value: Any) -> str:
    """A title as plain text, whether the feed sent it as text or as HTML; tags in a title said
    to be text are still tags (feeds escape HTML twice as often as they label it)."""
    if not isinstance(value, str):
        return ""
    if (isinstance(detail, dict) and "html" in str(detail.get("type", ""))) or _TAG.search(value):
        value = plain_text(clean_html(value))
    return " ".join(value.split())


def _host(url: str | None) -> str | None:
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def _link(entry: Any, base: str | None) -> str | None:
    """The original's address: FeedBurner's origLink, else the alternate link, else the entry's link."""
    links = entry.get("links") or []
    alternates = [
        link.get("href")
        for link in links
        if isinstance(link, dict) and link.get("rel", "alternate") == "alternate" and link.get("href")
    ]
    for candidate in (entry.get("feedburner_origlink"), *alternates, entry.get("link")):
        cleaned = clean_url(candidate if isinstance(candidate, str) else None, base)
        if cleaned:
            return _unwrapped(cleaned)
    return None


# The query parameter in which a click-counting address carries the original's:
# "https://www.bing.com/news/apiclick.aspx?ref=FexRss&url=https%3a%2f%2fwww.reuters.com%2f...".
_CARRIERS = ("url", "u", "target", "dest", "destination", "redirect", "redirect_url", "to")


def _unwrapped(url: str) -> str:
    """The original address a click-counting one forwards to, else `url` itself."""
    carried = dict(parse_qsl(urlsplit(url).query))
    for name in _CARRIERS:
        original = clean_url(carried.get(name))
        if original:
            return original
    return url


def _publisher(entry: Any) -> str | None:
    """The publisher an entry credits: `<source>` (Google News and planets write it), or
    Bing News's `<News:Source>`."""
    source = entry.get("source")
    title = source.get("title") if isinstance(source, dict) else entry.get("news_source")
    return " ".join(title.split()) or None if isinstance(title, str) else None


def _without_publisher(title: str, publisher: str) -> str:
    """ "Headline - Reuters" → "Headline": Google News appends the publisher to every title."""
    for dash in (" - ", " \u2013 ", " \u2014 ", " | "):  # and the en and em dashes
        if title.endswith(dash + publisher) and len(title) > len(dash + publisher):
            return title[: -len(dash + publisher)].rstrip()
    return title


def _date(entry: Any) -> tuple[Stamp | None, tuple[str, ...]]:
    """The entry's date as written, or None and a note; feedparser's own reading is never used,
    since it reads "2020/01/10" as 1 December and an unknown zone as UTC."""
    # dict.get: feedparser's own get() maps 'updated' to 'published' with a deprecation warning.
    written = [
        value for key in _DATE_KEYS if isinstance(value := dict.get(entry, key), str) and value.strip()
    ]
    for value in written:
        stamp = parse_published(value)
        if stamp is not None:
            return stamp, ()
    if written:
        return None, (f'{NO_DATE} (the feed\'s date "{written[0].strip()[:60]}" cannot be read)',)
    return None, (f"{NO_DATE} (the feed gives none)",)


# RSS 2.0's <author>: "address (Name)".
_ADDRESS_AND_NAME = re.compile(r"\s*\S+@\S+\s*\((?P<name>[^()]+)\)\s*")


def _author(entry: Any) -> str | None:
    """The named authors (dc:creator, author, Atom's author); an address alone names no one."""
    written = entry.get("author")
    match = _ADDRESS_AND_NAME.fullmatch(written) if isinstance(written, str) else None
    if match:
        return " ".join(match.group("name").split())
    details = entry.get("authors") or [entry.get("author_detail") or {}]
    names = [d.get("name") for d in details if isinstance(d, dict)]
    if not any(names):
        names = [written]
    clean = [_BY.sub("", " ".join(n.split())) for n in names if isinstance(n, str) and _is_name(n)]
    return ", ".join(dict.fromkeys(clean)) or None


def _is_name(text: str) -> bool:
    text = text.strip()
    return bool(text) and "://" not in text and not ("@" in text and " " not in text)


_BY = re.compile(r"^by\s+", re.IGNORECASE)


def _lang(entry: Any) -> str | None:
    detail = entry.get("title_detail")
    lang = detail.get("language") if isinstance(detail, dict) else None
    return lang.strip() if isinstance(lang, str) and lang.strip() else None


def _body(entry: Any, base: str | None) -> str:
    contents = entry.get("content") or []
    detail = contents[0] if contents else entry.get("summary_detail")
    value = contents[0].get("value") if contents else entry.get("summary")
    if not isinstance(value, str) or not value.strip():
        return ""
    if isinstance(detail, dict) and detail.get("type") == "text/plain":
        return paragraphs(value.split("\n\n"))
    return html_to_markdown(value, base)
