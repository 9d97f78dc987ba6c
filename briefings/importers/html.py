"""Import, article pages: a saved HTML page (or one fetched from a URL) → one article.

trafilatura finds the main text (comments, navigation and ads left out); the page's own
statements (pagemeta.py: JSON-LD, Open Graph, <meta>, microdata, <time>, the byline) give the
headline, publisher, authors and date, most exact first, with trafilatura's metadata as the
fallback. Nothing is guessed: a page that does not say who wrote it or when gets no author or
date from us, and the notes tell the curator what is missing. An aggregator's page credits the
publisher it carries and is kept as `via`.
"""

from __future__ import annotations

# Full-width brackets and colons are what CJK pages write: the patterns name them as written.
# ruff: noqa: RUF001, RUF002
import re
import tomllib
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from trafilatura.metadata import extract_metadata
from trafilatura.utils import decode_file

from briefings.importers.article import Article
from briefings.importers.attribution import (
    SECTIONS,
    Names,
    choose_title,
    fold,
    leftover,
    site_part,
    strip_site,
)
from briefings.importers.bylines import clean_authors
from briefings.importers.links import clean_url
from briefings.importers.pagedates import printed_day, read_stamp, url_day
from briefings.importers.pagemeta import PageMeta, read_meta, squash
from briefings.importers.pagetext import article_text, extract_blocks
from briefings.model import Source, Stamp

PUBLISHED_META = ("article:published_time", "og:article:published_time", "og:published_time",
                  "datepublished", "article.published", "publish-date", "publishdate", "publish_date",
                  "pubdate", "pub_date", "dc.date.issued", "dcterms.issued", "dcsext.articlefirstpublished",
                  "sailthru.date", "parsely-pub-date", "dc.date", "dcterms.created", "date",
                  "originalpublicationdate", "article_date_original")  # fmt: skip
AUTHOR_META = ("author", "article:author", "byl", "dc.creator", "sailthru.author", "parsely-author",
               "search.byline", "byline", "og:author", "citation_author", "dcterms.creator",
               "twitter:creator")  # fmt: skip
ORGANIZATIONS = {"organization", "newsmediaorganization", "corporation", "website"}
PROVIDER_LINE = re.compile(
    r"^(?:提供|配信|出典|出处|来源|來源|출처|source|quelle|fuente|fonte)\s*[:：]\s*(\S.{0,40})$",
    re.IGNORECASE,
)


def read_page(raw: bytes | str, url: str | None) -> Article | None:
    """The page's article, or None when it has no main text (so it is no article page)."""
    html = decode_file(raw) if isinstance(raw, bytes) else raw
    url = url or _saved_from(html)
    tree = trafilatura.load_html(html)
    if tree is None:
        return None
    page = read_meta(tree)
    canonical = _canonical(page, url)
    blocks = extract_blocks(html, canonical or url)
    if not blocks:
        return None
    found = extract_metadata(
        html, default_url=url, date_config={"extensive_search": False, "original_date": True}
    )
    aggregator = _aggregator(canonical or url)
    twitter = (page.first("twitter:site") or "").removeprefix("@")
    names = Names([*_publishers(page), page.first("og:site_name"), page.first("application-name"), twitter,
                   aggregator], canonical or url)  # fmt: skip
    if found.sitename and names.like_host(found.sitename):
        names = names.plus(found.sitename)
    text = "\n\n".join(blocks)
    # An aggregator's page names the publisher it carries; that name is cut from the headline too.
    carried = _carried(page, aggregator, text) if aggregator else None
    names = names.plus(carried)
    title, cut = choose_title(_title_candidates(page), names)
    if not title:
        title, cut = choose_title([found.title or ""], names)
    if not title:
        return None
    publisher = carried or _publisher(page, names, canonical or url, title)
    via = aggregator if carried else None
    authors = _authors(page, names, text)
    text = article_text(blocks, tree, [title, *page.headings], authors)
    lang = _lang(page)
    published = _published(page, canonical or url, _month_first(lang, canonical or url))
    notes = [n for n, missing in (("no author", not authors), ("no date: add `published:`", not published),
                                  ("title shortened", cut)) if missing]  # fmt: skip
    if title.endswith(("...", "…")):
        notes.append("title cut off on the page")
    source = Source(name=publisher, url=canonical, author=", ".join(authors) or None, published=published)
    return Article(title=title, source=source, text=text, via=via, lang=lang, notes=tuple(notes))


SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(https?://[^\s>]+?)\s*-->", re.IGNORECASE)


def _saved_from(html: str) -> str | None:
    """The address a browser's "Save page as" noted at the top of the file, if any."""
    match = SAVED_FROM.search(html[:2048])
    return clean_url(match.group(1)) if match else None


def _canonical(page: PageMeta, url: str | None) -> str | None:
    ld_urls = [a.get("url") for a in page.articles if isinstance(a.get("url"), str)]
    for candidate in (page.canonical, page.first("og:url"), *ld_urls, url):
        cleaned = clean_url(candidate, url) if candidate else None
        if cleaned:
            return cleaned
    return None


@cache
def _aggregators() -> dict[str, str]:
    """Aggregator hosts → the aggregator's name, from aggregators.toml."""
    text = resources.files("briefings.importers").joinpath("aggregators.toml").read_text("utf-8")
    tables = tomllib.loads(text).get("aggregators", {}).values()
    return {str(host): str(table["name"]) for table in tables for host in table.get("hosts", [])}


def _aggregator(url: str | None) -> str | None:
    parts = urlsplit(url or "")
    host = (parts.hostname or "").removeprefix("www.")
    for known, name in _aggregators().items():
        where, _, path = known.partition("/")
        if (host == where or host.endswith("." + where)) and parts.path.lstrip("/").startswith(path):
            return name
    return None


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if _name(v)), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("legalName")
    return squash(value) if isinstance(value, str) and value.strip() and "://" not in value else None


def _publishers(page: PageMeta) -> list[str]:
    """Publisher names from JSON-LD: the article's publisher, then the organisations described."""
    named = [_name(a.get("publisher")) for a in page.articles]
    named += [_name(t) for t in page.things if {str(t.get("@type")).lower()} & ORGANIZATIONS]
    named += list(page.micro.get("publisher", ()))
    return [n for n in named if n and n.casefold() not in SECTIONS]


def _title_candidates(page: PageMeta) -> list[str]:
    headlines = [a.get("headline") or a.get("name") for a in page.articles]
    texts = [*headlines, page.first("og:title"), page.first("twitter:title"), *page.micro.get("headline", ()),
             page.first("title", "dc.title", "dc:title", "sailthru.title", "search.title", "fb_title"),
             page.title, *page.headings]  # fmt: skip
    return [squash(t) for t in texts if isinstance(t, str) and t.strip()]


def _publisher(page: PageMeta, names: Names, url: str | None, title: str) -> str:
    """The site's own name: JSON-LD, og:site_name unless a section, the <title>'s site part, the address."""
    site_name = page.first("og:site_name")
    cut = strip_site(page.title, names)[1] or leftover(page.title, title)
    candidates = [*_publishers(page), site_name, site_part(cut, names), page.first("application-name"),
                  page.first("dc.publisher", "publisher", "search.source", "content_source")]  # fmt: skip
    usable = [c for c in candidates if c and "://" not in c and c.casefold() not in SECTIONS and fold(c)]
    # A name written as an address ("www.liberation.fr") only when the page gives no other.
    usable.sort(key=lambda c: bool(re.fullmatch(r"(?:www\.)?[\w-]+(?:\.[\w-]+)+", c)))
    own = next((c for c in usable if names.like_host(c)), usable[0] if usable else None)
    if own is None:
        host = (urlsplit(url).hostname or "") if url else ""
        own = host.removeprefix("www.") or "Unknown source"
    return own


def _carried(page: PageMeta, aggregator: str, text: str) -> str | None:
    """The publisher whose story an aggregator's page carries, as the page names it."""
    site = Names([aggregator, page.first("og:site_name"), page.first("application-name")], None)
    stated: list[str | None] = []
    for article in page.articles:
        stated += [_name(article.get(k)) for k in ("sourceOrganization", "provider", "publisher")]
        author = article.get("author")
        for person in author if isinstance(author, list) else [author]:
            if isinstance(person, dict) and str(person.get("@type", "")).lower() in ORGANIZATIONS:
                stated.append(_name(person))
    credit = re.search(r"[（(]([^（）()]{2,30})[）)]\s*$", strip_site(page.title, site)[0])
    stated += [credit.group(1) if credit else None]
    lines = [*page.providers, *text.splitlines()[:3], *text.splitlines()[-3:]]
    stated += [m.group(1) for m in map(PROVIDER_LINE.match, (squash(line) for line in lines)) if m]
    stated += [p for p in page.providers if len(p.split()) <= 4 and not PROVIDER_LINE.match(p)]
    for name in stated:
        if name and not site.is_site(name) and name.casefold() not in SECTIONS:
            return name.strip()
    return None


def _authors(page: PageMeta, names: Names, text: str) -> list[str]:
    """The article's authors from the most exact statement that names someone.

    trafilatura's guess is not among them: it takes names from lists of other stories.
    """
    sources: list[list[str]] = []
    for article in page.articles:
        author = article.get("author") or article.get("creator")
        stated = author if isinstance(author, list) else [author]
        sources.append([n for p in stated if (n := _name(p))])
    sources += [
        [v for v in page.meta.get(key, ()) if key != "twitter:creator" or " " in v] for key in AUTHOR_META
    ]
    sources.append(list(page.credited))
    # Byline elements nest and repeat: the first that names someone is the byline.
    sources += [[line] for line in page.bylines]
    sources.append(_text_bylines(text))
    for statements in sources:
        people: list[str] = []
        for statement in statements:
            people += [
                p for p in clean_authors(statement, names) if p.casefold() not in map(str.casefold, people)
            ]
        if people:
            return people
    return []


KOREAN_BYLINE = re.compile(r"(?:^|[\s=(\[])([가-힣]{2,4})\s?(?:객원|인턴|선임)?기자(?:\s|=|$|\s*\S+@)")
CHINESE_BYLINE = re.compile(
    r"[（(](?:新华社|中新社|人民网)?记者\s*([\u4e00-\u9fff]{2,4}(?:[、\s][\u4e00-\u9fff]{2,4})*)[）)]"
)


def _text_bylines(text: str) -> list[str]:
    """Bylines written inside the text: "홍길동 기자", "（记者 张三）", a first line "By …"."""
    lines = [squash(line) for line in text.splitlines() if line.strip()]
    edges = lines[:3] + lines[-3:]
    found = [m.group(1) for line in edges for m in KOREAN_BYLINE.finditer(line)]
    found += [m.group(1) for line in edges for m in CHINESE_BYLINE.finditer(line)]
    found += [
        line
        for line in lines[:2]
        if re.match(r"^(?:by|par|von|por)\s+\S", line, re.IGNORECASE) and len(line) < 80
    ]
    return found


def _month_first(lang: str | None, url: str | None) -> bool:
    """Whether "04/05/13" means April 5: on English pages, and on unlabelled ones with a generic address."""
    tld = ((urlsplit(url).hostname or "") if url else "").rsplit(".", 1)[-1]
    return lang == "en" or (lang is None and tld in ("com", "org", "net", "us", "edu", "gov"))


def _published(page: PageMeta, url: str | None, month_first: bool) -> Stamp | None:
    """When the original appeared: structured data, then the header's dates, then a dated address."""
    structured = [a.get("datePublished") or a.get("dateCreated") for a in page.articles]
    structured += [v for key in PUBLISHED_META for v in page.meta.get(key, ())]
    structured += [*page.micro.get("datePublished", ()), *page.stamps]
    for value in structured:
        stamp = read_stamp(value) if isinstance(value, str) else None
        if stamp is not None:
            return stamp
    for printed in page.printed_dates:
        stamp = printed_day(printed, month_first)
        if stamp is not None:
            return stamp
    return url_day(url)


def _lang(page: PageMeta) -> str | None:
    """The page's language as a BCP 47 primary tag ("ja", "zh", "en"), when the page names one."""
    ld = [a.get("inLanguage") for a in page.articles]
    for value in (
        page.lang,
        page.first("og:locale"),
        page.first("content-language", "dc.language", "language"),
        *ld,
    ):
        match = re.match(r"\s*([a-zA-Z]{2,3})(?:[-_]|\s*$)", value) if isinstance(value, str) else None
        if match:
            return match.group(1).lower()
    return None
