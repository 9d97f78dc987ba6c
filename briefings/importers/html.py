"""Import, article pages: a saved HTML page (or one fetched from a URL) → one article.

trafilatura finds the main text (comments, navigation and ads left out) and some metadata; the
page's own machine-readable metadata (JSON-LD, Open Graph, article:* meta tags) is preferred
where it is more exact, because it keeps a published time's offset. Nothing is guessed: a page
that does not say who wrote it or when gets no author or date from us.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from trafilatura.metadata import extract_metadata
from trafilatura.utils import decode_file

from briefings.dates import parse_published
from briefings.importers.article import Article
from briefings.importers.links import clean_url
from briefings.importers.text import safe_markdown
from briefings.model import Source, Stamp

ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
                 "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "webpage",
                 "liveblogposting"}  # fmt: skip
PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
                  "publish-date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.created",
                  "sailthru.date", "parsely-pub-date", "date")  # fmt: skip
# Between a headline and the site's name: bar, hyphen, en or em dash, '::', dots, guillemet, slash.
TITLE_SEPARATORS = re.compile("\\s+(?:\\||-|\u2013|\u2014|::|·|•|»|/)\\s+")


class _Metadata(HTMLParser):
    """The page's <meta> tags, canonical link, <title>, JSON-LD and datePublished <time>s."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.title = ""
        self.json_ld: list[str] = []
        self.times: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if key and values.get("content", "").strip():
                self.meta.setdefault(key, values["content"].strip())
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonical = self.canonical or values.get("href")
        elif (
            tag == "time" and values.get("itemprop", "").lower() == "datepublished" and values.get("datetime")
        ):
            self.times.append(values["datetime"])
        elif tag == "title" or (tag == "script" and "ld+json" in values.get("type", "").lower()):
            self._in = tag
            if tag == "script":
                self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title" and not self.title:
            self.title = " ".join(data.split())
        elif self._in == "script":
            self.json_ld[-1] += data


def _ld_articles(blocks: list[str]) -> list[dict[str, Any]]:
    """The JSON-LD objects that describe an article, wherever they are nested."""
    found: list[dict[str, Any]] = []
    stack: list[Any] = []
    for block in blocks:
        try:
            stack.append(json.loads(block))
        except ValueError:
            continue
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            types = item.get("@type", [])
            types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
            if any(isinstance(t, str) and t.lower() in ARTICLE_TYPES for t in types):
                found.append(item)
            stack.extend(v for k, v in item.items() if k == "@graph")
    found.sort(key=lambda i: "webpage" in str(i.get("@type", "")).lower())
    return found


def _ld_text(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("name") or value.get("@id")
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def _ld_authors(item: dict[str, Any]) -> str | None:
    value = item.get("author")
    people = value if isinstance(value, list) else [value]
    names = [p.get("name") if isinstance(p, dict) else p for p in people]
    clean = [" ".join(n.split()) for n in names if isinstance(n, str) and n.strip() and "://" not in n]
    return ", ".join(dict.fromkeys(clean)) or None


def read_page(raw: bytes | str, url: str | None, captured: dt.datetime) -> Article | None:
    """The page's article, or None when it has no main text (so it is no article page)."""
    html = decode_file(raw) if isinstance(raw, bytes) else raw
    url = url or _saved_from(html)
    meta = _Metadata()
    meta.feed(html)
    meta.close()
    ld = _ld_articles(meta.json_ld)
    found = extract_metadata(
        html, default_url=url, date_config={"extensive_search": False, "original_date": True}
    )
    canonical = _canonical(meta, ld, url)
    markdown = trafilatura.extract(
        html, url=canonical or url, output_format="markdown", include_comments=False, include_links=True,
        include_formatting=True, include_tables=True, include_images=False, with_metadata=False,
    )  # fmt: skip
    if not markdown or not markdown.strip():
        return None
    site = _site_name(meta, ld, found.sitename, canonical or url)
    title = _title(meta, ld, found.title, site)
    if not title:
        return None
    published = _published(meta, ld, found.date)
    source = Source(name=site, url=canonical, author=_author(meta, ld, found.author), published=published)
    body = _without_title(safe_markdown(markdown, canonical or url), title)
    # A page that does not say when it was published is dated by the day it was captured.
    date = published or Stamp(captured.replace(hour=0, minute=0, second=0, microsecond=0), True)
    return Article(title=title, date=date, source=source, body=body)


SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(https?://[^\s>]+?)\s*-->", re.IGNORECASE)


def _saved_from(html: str) -> str | None:
    """The address a browser's "Save page as" noted at the top of the file, if any."""
    match = SAVED_FROM.search(html[:2048])
    return clean_url(match.group(1)) if match else None


def _canonical(meta: _Metadata, ld: list[dict[str, Any]], url: str | None) -> str | None:
    for candidate in (meta.canonical, meta.meta.get("og:url"), *(_ld_text(i, "url") for i in ld), url):
        cleaned = clean_url(candidate, url) if candidate else None
        if cleaned:
            return cleaned
    return None


def _site_name(meta: _Metadata, ld: list[dict[str, Any]], found: str | None, url: str | None) -> str:
    names = [meta.meta.get("og:site_name"), *(_ld_text(i, "publisher") for i in ld), found,
             meta.meta.get("application-name")]  # fmt: skip
    for name in names:
        if name and name.strip() and "://" not in name:
            return " ".join(name.split())
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else "Unknown source"


def _title(meta: _Metadata, ld: list[dict[str, Any]], found: str | None, site: str) -> str:
    for candidate in (*(_ld_text(i, "headline") for i in ld), meta.meta.get("og:title"), found, meta.title):
        if candidate and candidate.strip():
            return strip_site_suffix(" ".join(candidate.split()), site)
    return ""


def strip_site_suffix(title: str, site: str) -> str:
    """'Headline | Site' → 'Headline', when the part cut off is the site's name or its address."""
    breaks = list(TITLE_SEPARATORS.finditer(title))
    if not breaks or not _squash(site):
        return title
    last, first = breaks[-1], breaks[0]
    if _names(title[last.end() :], site):
        return title[: last.start()].strip()
    if _names(title[: first.start()], site):
        return title[first.end() :].strip()
    return title


def _names(part: str, site: str) -> bool:
    squashed, wanted = _squash(part), _squash(site)
    return bool(squashed) and (squashed in wanted or wanted in squashed)


def _squash(text: str) -> str:
    text = text.casefold().removeprefix("www.")
    text = re.sub(r"\.(com|org|net|co\.\w+|\w{2})$", "", text)
    return re.sub(r"[\W_]+", "", text.removeprefix("the"))


def _published(meta: _Metadata, ld: list[dict[str, Any]], found: str | None) -> Stamp | None:
    candidates = [*(_ld_text(i, "datePublished") for i in ld), *(meta.meta.get(k) for k in PUBLISHED_META)]
    candidates += meta.times
    for candidate in candidates:
        stamp = parse_published(candidate)
        if stamp is not None:
            return stamp
    return parse_published(found)


def _author(meta: _Metadata, ld: list[dict[str, Any]], found: str | None) -> str | None:
    candidates = [_ld_authors(i) for i in ld] + [
        meta.meta.get("author"),
        meta.meta.get("article:author"),
        found,
    ]
    for candidate in candidates:
        if candidate and candidate.strip() and "://" not in candidate:
            return re.sub(r"^by\s+", "", " ".join(candidate.split()), flags=re.IGNORECASE)
    return None


def _without_title(markdown: str, title: str) -> str:
    """The extracted text without the headline the page repeats as its first line."""
    first, _, rest = markdown.strip().partition("\n")
    if first.lstrip("# ").strip().casefold() == title.casefold():
        return rest.strip()
    return markdown.strip()
