"""Import, article pages: what a page says about itself, read from its HTML tree.

A page states its headline, publisher, authors and dates in several places, most exact first:
JSON-LD (schema.org NewsArticle and its kin), Open Graph and other <meta> tags, microdata,
<time> elements, and the byline printed near the headline. This module only collects what is
there, as written; html.py decides which statement to believe and cleans it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from lxml.html import HtmlElement

ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
                 "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "liveblogposting",
                 "socialmediaposting", "scholarlyarticle", "techarticle", "report", "posting"}  # fmt: skip
# Page parts that are not the article's own header: readers' comments, lists of other stories.
ASIDE = re.compile(
    r"(?:[a-z0-9]+[-_])?(?:comments?|comment[-_]\w+|related[-\w]*|sidebar|footer|promo\w*|popular|most[-_]\w+|"
    r"trending|newsletter|teaser\w*|dont[-_]?miss\w*|more[-_]on\w*|more[-_]from\w*|rail|outbrain|"
    r"taboola|nav|navbar|navigation|menu|recommend\w*)",
    re.IGNORECASE,
)
# Lists of other stories: their names and dates belong to those stories.
LISTING = re.compile(
    r"(?:[a-z0-9]+[-_])?(?:related[-\w]*|recommend\w*|popular|trending|teaser\w*|most[-_]\w+|more[-_]\w+|"
    r"outbrain|taboola|promo\w*|footer)",
    re.IGNORECASE,
)
BYLINE = re.compile(r"byline|by-line|author|writer|reporter|creator|autor|auteur|journalist|firma|signature|"
                    r"\bvcard\b|\bfn\b", re.IGNORECASE)  # fmt: skip
DATED = re.compile(
    r"date|time|publish|posted|datum|fecha|stamp|dateline|hora|zeit|\bupdated\b", re.IGNORECASE
)
# Bylines printed as text: "By …", "Par …", "Von …", "Por …", "Door …", "Di …", "Av …".
BY_TEXT = re.compile(r"^(?:by|par|von|por|door|di|av|af|autor(?:a)?|text)\s*:?\s+\S", re.IGNORECASE)
PROVIDER = re.compile(
    r"provider|source|partner|origin|media[-_]?name|press[-_]?name|cp[-_]?name", re.IGNORECASE
)
MEDIA = re.compile(r"caption|photo|image|\bimg|media|gallery|video|slideshow|picture", re.IGNORECASE)
WINDOW_AFTER = 150  # elements after the headline that may still hold its byline
WINDOW_BEFORE = 25


@dataclass(frozen=True, slots=True)
class PageMeta:
    """Everything the page states about itself, as written (whitespace collapsed).

    `meta` maps each <meta> name/property/itemprop (lower case) to its values in page order;
    `articles` are the JSON-LD objects that describe an article; `header` holds what stands near
    the headline: bylines, machine-readable dates, dates as printed, and credit lines.
    """

    meta: Mapping[str, tuple[str, ...]]
    title: str
    headings: tuple[str, ...]
    lang: str | None
    canonical: str | None
    articles: tuple[dict[str, Any], ...]
    things: tuple[dict[str, Any], ...]
    micro: Mapping[str, tuple[str, ...]]
    credited: tuple[str, ...]
    bylines: tuple[str, ...]
    stamps: tuple[str, ...]
    printed_dates: tuple[str, ...]
    providers: tuple[str, ...]

    def first(self, *keys: str) -> str | None:
        """The first value of the first of these <meta> keys the page has."""
        for key in keys:
            for value in self.meta.get(key, ()):
                if value:
                    return value
        return None


def read_meta(tree: HtmlElement) -> PageMeta:
    """The page's statements about itself."""
    meta: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").lower()
        key = key or (element.get("http-equiv") or "").lower()
        if key:
            meta.setdefault(key.strip(), []).append(squash(element.get("content") or ""))
    things = tuple(_json_ld(tree))
    # A WebPage stands in for the article when the page describes no article itself.
    articles = tuple(t for t in things if _types(t) & ARTICLE_TYPES)
    articles = articles or tuple(t for t in things if "webpage" in _types(t) and "headline" in t)
    headings = tuple(squash(h.text_content()) for h in tree.iter("h1"))
    title = next((squash(t.text_content()) for t in tree.iter("title")), "")
    hints = [title, *meta.get("og:title", []), *meta.get("twitter:title", [])]
    hints += [a["headline"] for a in articles if isinstance(a.get("headline"), str)]
    header, after = _header(tree, [_fold(h) for h in hints if h])
    return PageMeta(
        meta={k: tuple(v) for k, v in meta.items()},
        title=title,
        headings=tuple(h for h in headings if h),
        lang=_html_lang(tree),
        canonical=next((link.get("href") for link in tree.iter("link") if _rel(link) == {"canonical"}), None),
        articles=articles,
        things=things,
        micro=_microdata(tree),
        credited=tuple(dict.fromkeys(_credited(header) or _credited(tree.iter()))),
        bylines=tuple(dict.fromkeys(_bylines(header))),
        stamps=tuple(dict.fromkeys(_stamps(header))),
        printed_dates=tuple(dict.fromkeys(_printed_dates(header, after))),
        providers=tuple(dict.fromkeys(_providers(header))),
    )


def squash(text: str) -> str:
    return " ".join(text.split())


def _rel(element: HtmlElement) -> set[str]:
    return set((element.get("rel") or "").lower().split())


def _html_lang(tree: HtmlElement) -> str | None:
    root = tree.getroottree().getroot()
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or root.get("xml:lang")
    return str(lang) if lang else None


def _types(item: dict[str, Any]) -> set[str]:
    value = item.get("@type", [])
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return {v.lower().removeprefix("schema:").rsplit("/", 1)[-1] for v in values if isinstance(v, str)}


def _json_ld(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object with a type, wherever it is nested (lists, @graph, mainEntity)."""
    stack: list[Any] = []
    for script in tree.iter("script"):
        if "ld+json" in (script.get("type") or "").lower():
            try:
                stack.append(json.loads(script.text or "", strict=False))
            except ValueError:
                continue
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if "@type" in item:
                yield item
            stack.extend(v for k, v in item.items() if k in ("@graph", "mainEntity", "itemListElement"))


def _microdata(tree: HtmlElement) -> dict[str, tuple[str, ...]]:
    """itemprop values that describe an article: headline, author, datePublished, publisher."""
    found: dict[str, list[str]] = {}
    for element in tree.xpath("//*[@itemprop]"):
        if element.tag == "meta" or in_aside(element):
            continue
        for prop in (element.get("itemprop") or "").split():
            if prop not in ("headline", "datePublished", "publisher"):
                continue
            value = element.get("datetime") or element.get("content") or _item_name(element)
            value = element.get("title") if element.tag == "abbr" and element.get("title") else value
            if value:
                found.setdefault(prop, []).append(value)
    return {k: tuple(dict.fromkeys(v)) for k, v in found.items()}


def _item_name(element: HtmlElement) -> str:
    names = element.xpath(".//*[contains(concat(' ', @itemprop, ' '), ' name ')]")
    if names:
        return squash(names[0].get("content") or text_of(names[0]))
    return text_of(element)


def in_aside(element: HtmlElement) -> bool:
    """Inside readers' comments, navigation, or a list of other stories."""
    for ancestor in element.iterancestors():
        if ancestor.tag in ("body", "html"):
            break
        if ancestor.tag in ("footer", "nav", "aside") or _aside(ancestor):
            return True
    return False


def _aside(element: HtmlElement) -> bool:
    return any(ASIDE.fullmatch(token) for token in _marks(element).split())


def _marks(element: HtmlElement) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}"


def _header(tree: HtmlElement, hints: list[str]) -> tuple[list[HtmlElement], list[HtmlElement]]:
    """The elements around the headline (the whole page when no headline is found), and those after it."""
    elements = [e for e in tree.iter() if isinstance(e.tag, str)]
    at = next((i for i, e in enumerate(elements) if _is_headline(e, hints)), None)
    start, end = (0, len(elements)) if at is None else (max(at - WINDOW_BEFORE, 0), at + WINDOW_AFTER)
    kept = [
        e for e in elements[start:end] if e.tag not in ("script", "style", "noscript") and not in_aside(e)
    ]
    after = [] if at is None else [e for e in kept if e in set(elements[at + 1 : at + 40])]
    return kept, after


def _is_headline(element: HtmlElement, hints: list[str]) -> bool:
    if element.tag not in ("h1", "h2", "h3"):
        return False
    text = _fold(element.text_content())
    return len(text) >= 6 and any(text in hint and 2 * len(text) >= len(hint) for hint in hints)


def _fold(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def _credited(elements: Iterable[HtmlElement]) -> list[str]:
    """Names the page marks as its author's: rel=author links, itemprop=author (outside comments)."""
    found = []
    for element in elements:
        if not isinstance(element.tag, str) or _in_comments(element):
            continue
        if "author" in _rel(element) or "author" in (element.get("itemprop") or "").split():
            text = element.get("content") if element.tag == "meta" else _item_name(element)
            if text and len(text) < 80:
                found.append(text)
    return found


def _in_media(element: HtmlElement) -> bool:
    """Inside a photo, video or its caption, where a name is a photographer's credit."""
    for depth, ancestor in enumerate((element, *element.iterancestors())):
        if ancestor.tag in ("figure", "figcaption", "body"):
            return bool(ancestor.tag != "body")
        # A photo's own box is near; far up, "image" may only say the story has a picture.
        if depth < 2 and MEDIA.search(_marks(ancestor)):
            return True
    return False


def _in_comments(element: HtmlElement) -> bool:
    """Among readers' comments or in a list of other stories, where names are not this article's."""
    for ancestor in element.iterancestors():
        marks = _marks(ancestor)
        if re.search(r"comment|respon|reply", marks, re.IGNORECASE):
            return True
        if any(LISTING.fullmatch(token) for token in marks.split()):
            return True
    return False


def text_of(element: HtmlElement) -> str:
    """An element's text with its parts spaced apart ("By Ann Lee<br>Site" → "By Ann Lee Site")."""
    return squash(" ".join(element.xpath(".//text()[not(ancestor::script or ancestor::style)]")))


def _bylines(header: list[HtmlElement]) -> Iterator[str]:
    for element in header:
        text = text_of(element)
        if not text or len(text) > 160:
            continue
        marks = f"{_marks(element)} {element.get('itemprop') or ''} {' '.join(_rel(element))}"
        marked = BYLINE.search(marks) and not _aside(element) and not _in_media(element)
        if marked or (element.tag != "a" and BY_TEXT.match(text) and len(text) < 100):
            yield text


def _stamps(header: list[HtmlElement]) -> Iterator[str]:
    """Machine-readable dates near the headline: <time datetime>, microformat titles, content."""
    for element in header:
        marks = f"{_marks(element)} {element.get('itemprop') or ''} {element.get('property') or ''}"
        if re.search(r"modif|updat|comment", marks, re.IGNORECASE) and "publish" not in marks.lower():
            continue
        if element.tag == "time" and element.get("datetime"):
            yield element.get("datetime") or ""
        elif element.tag == "abbr" and re.match(r"\d{4}-\d\d-\d\dT", element.get("title") or ""):
            yield element.get("title") or ""
        elif DATED.search(marks) or "published" in marks.lower():
            for attribute in ("datetime", "content", "title", "data-publishtime", "data-timestamp"):
                value = element.get(attribute)
                if value and re.match(r"\d{4}-\d\d-\d\d|\d{12,13}$", value.strip()):
                    yield value.strip()


def _printed_dates(header: list[HtmlElement], after: list[HtmlElement]) -> Iterator[str]:
    """Dates printed near the headline: marked as dates first, then bylines, then short lines after it."""
    for element in header:
        text = text_of(element)
        if text and len(text) < 120 and (DATED.search(_marks(element)) or element.tag == "time"):
            yield text
    for element in header:
        text = text_of(element)
        if text and len(text) < 120 and BYLINE.search(_marks(element)):
            yield text
    for element in after:
        text = text_of(element)
        if text and len(text) < 80 and element.tag not in ("a", "h1", "h2", "h3", "li", "option"):
            yield text


def _providers(header: list[HtmlElement]) -> Iterator[str]:
    """Credit lines and partner logos near the headline: who supplied the story."""
    for element in header:
        if not PROVIDER.search(_marks(element)):
            continue
        text = text_of(element) or next((squash(i.get("alt") or "") for i in element.iter("img")), "")
        if text and len(text) < 80:
            yield text
