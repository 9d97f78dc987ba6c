"""Import, article pages: the article's own text, as Markdown, without the page around it.

trafilatura finds the main text. What it keeps that is not the article is taken out here (trust
statements, share and subscribe prompts, photo credits, the headline and byline repeated at the
top); what it misses is put back: a lead paragraph printed between the headline and the body
(a standfirst, or a first paragraph in markup it does not read as text).
"""

from __future__ import annotations

# Full-width colons and brackets are what CJK pages write: the patterns name them as written.
# ruff: noqa: RUF001
import re

import trafilatura
from lxml.html import HtmlElement

from briefings.importers.attribution import fold
from briefings.importers.pagedates import printed_day
from briefings.importers.pagemeta import MEDIA, in_aside, squash
from briefings.importers.text import escape_text, safe_markdown

# Paragraphs that are not the article: trust statements, share and subscribe prompts, credits.
BOILERPLATE = re.compile(
    r"^(?:our standards:.*|.*trust principles\.?|share (?:this|on|via)\b.*|(?:subscribe|sign up)\b.{0,80}|"
    r"follow (?:us|@).{0,60}|follow .{0,60} on (?:twitter|facebook|instagram|x|linkedin)\.?|"
    r"sponsored(?: ads| content| links)?|loading\b.{0,40}|(?:get )?(?:reporter |breaking news )?alerts|"
    r"\d+ (?:comments?|réactions?|commentaires?|kommentare?|comentarios?)|.{0,50}\bnewsletter\b.{0,20}|"
    r"sur le web|on the web|(?:listen|watch|see|video|also read|read also|lire aussi|mehr zum thema):.{0,160}"
    r"|"
    r"advertisement|anzeige|werbung|広告|광고|广告|read more:?.{0,80}|"
    r"(?:photo|photograph|image|foto|bild|credit|crédit(?:s)? photo|写真|사진|图片?)\s*[:：/].{0,100}|"
    r"\(?(?:photo|foto):?\s.{0,60}\)?|(?:courtesy|photo courtesy)\b.{0,60}|"
    r"(?:illustration|photo|photograph|image|graphic|video)s?\s+(?:by|courtesy|credit)\b.{0,60}|"
    r".{0,60}\b(?:reuters|afp|ap|getty images|epa)/[\w .-]{2,40}\W{0,3}|"
    r".{0,40}(?:all rights reserved|無断転載|무단\s*전재|版权所有|禁止转载).*|"
    r"©.{0,100}|copyright\b.{0,100}|【纠错】.*|【责任编辑[:：].*|\[?责任编辑[:：].{0,20}|"
    r"more from .{0,120}|.{0,30}site search:.*|.{0,160}\b(?:sign up|subscribe) here\.?|suggested topics:.*|"
    r"【関連記事】.*|関連記事|最終更新[:：].*|記事に関する報告|\d+\s*件のコメント|(?:関連|相关)(?:記事|新闻|阅读)[:：]?)$",
    re.IGNORECASE,
)
# A paragraph that is nothing but a link: a promotion or a way out of the article.
LINK_ONLY = re.compile(r"[#*_>\s-]*\[[^\]]+\]\([^)]*\)[*_\s.]*")
LEAD_MARKS = re.compile(
    r"deck|standfirst|summary|lead|intro|teaser|\bdek\b|subtitle|excerpt|descr|chapo", re.I
)
SKIPPED = "script", "style", "noscript", "figure", "figcaption", "a", "button", "select", "option", "nav"


def extract_blocks(html: str, url: str | None) -> list[str]:
    """The main text's paragraphs as safe Markdown, boilerplate left out; none when the page has no text."""
    markdown = trafilatura.extract(
        html, url=url, output_format="markdown", include_comments=False, include_links=True,
        include_formatting=True, include_tables=True, include_images=False, with_metadata=False,
    )  # fmt: skip
    if not markdown or not markdown.strip():
        return []
    blocks = [b.strip() for b in re.split(r"\n\s*\n", safe_markdown(markdown, url)) if b.strip()]
    return [b for b in blocks if not BOILERPLATE.match(_plain(b)) and not LINK_ONLY.fullmatch(b)]


def _plain(block: str) -> str:
    """A block's words as a reader sees them: link labels without addresses, no emphasis marks."""
    return squash(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", block)).strip("*_\\-# ")


def article_text(blocks: list[str], tree: HtmlElement, headlines: list[str], authors: list[str]) -> str:
    """The article's text: the lead the extraction missed, then its paragraphs without the header."""
    blocks = _without_header(blocks, headlines, authors)
    while len(blocks) > 1 and _signature(blocks[-1], authors):
        blocks = blocks[:-1]
    lead = missing_lead(tree, headlines, fold(" ".join(blocks)))
    return "\n\n".join([*(escape_text(p) for p in lead), *blocks])


def _without_header(blocks: list[str], headlines: list[str], authors: list[str]) -> list[str]:
    """The blocks without the headline repeated at the top and the byline lines under it."""
    wanted = {fold(h) for h in headlines if fold(h)}
    heading = next((i for i, b in enumerate(blocks[:5]) if fold(_plain(b)) in wanted), None)
    rest = blocks if heading is None else blocks[heading + 1 :]
    while rest and _header_line(rest[0], authors, loose=heading is not None):
        rest = rest[1:]
    return rest


def _signature(block: str, authors: list[str]) -> bool:
    """A reporter's signature closing the text: "박지영 기자 park@entermedia.co.kr"."""
    plain = _plain(block)
    named = any(fold(author) in fold(plain) for author in authors)
    return len(plain) <= 60 and named and (bool(re.search(r"\S+@\S+\.\w+", plain)) or len(plain.split()) <= 3)


def _header_line(block: str, authors: list[str], loose: bool) -> bool:
    """A byline or a date at the top; under a repeated headline also a role ("CNBC Executive News Editor")."""
    plain = _plain(block)
    if len(plain) > 80 or re.search(r"[.!?。！？]$", plain):
        return False
    named = any(fold(author) in fold(plain) for author in authors) and len(plain.split()) <= 8
    dated = printed_day(plain) is not None and len(plain.split()) <= 8
    by = bool(re.match(r"(?i)(?:by|par|von|por)\s", plain)) and len(plain.split()) <= 8
    return named or dated or by or (loose and len(plain.split()) <= 4)


def missing_lead(tree: HtmlElement, headlines: list[str], kept: str) -> list[str]:
    """Paragraphs printed between the headline and the text that the extraction left out."""
    wanted = {fold(h) for h in headlines if len(fold(h)) >= 6}
    found: list[str] = []
    after = False
    for node in tree.xpath("//body//text()"):
        parent = node.getparent()
        if parent is None or any(a.tag in SKIPPED for a in (parent, *parent.iterancestors())):
            continue
        key = fold(str(node))
        if not after:
            after = key in wanted
            continue
        if len(key) >= 20 and key[:40] in kept:
            return found[:2]
        text = _paragraph(node, parent)
        if _lead_like(text, parent) and fold(text)[:40] not in kept and text not in found:
            found.append(text)
    return []


BLOCKS = {"p", "div", "section", "article", "header", "main", "ul", "ol", "table", "h1", "h2", "h3", "h4"}
INLINE = {"a", "em", "strong", "b", "i", "span", "font", "small", "abbr", "cite", "q", "u", "sup", "sub"}


def _paragraph(node: object, parent: HtmlElement) -> str:
    """The whole paragraph a piece of text stands in, when it stands inside a link or emphasis."""
    block = parent.getparent() if getattr(node, "is_tail", False) else parent
    while block is not None and block.tag in INLINE:
        block = block.getparent()
    if block is None or any(isinstance(e.tag, str) and e.tag in BLOCKS for e in block.iterdescendants()):
        return squash(str(node))  # a container of paragraphs, not one paragraph
    whole = squash(" ".join(block.xpath(".//text()")))
    return whole if whole and len(whole) <= 600 else squash(str(node))


def _lead_like(text: str, parent: HtmlElement) -> bool:
    cjk = sum(1 for c in text if ord(c) > 0x2E80)
    long_enough = cjk >= 25 or len(text) >= 80
    if not long_enough or BOILERPLATE.match(text) or _in(parent, MEDIA) or in_aside(parent):
        return False
    return bool(re.search(r"[.!?。！？\"”»」)]$", text)) or _in(parent, LEAD_MARKS)


def _in(element: HtmlElement, marks: re.Pattern[str]) -> bool:
    for ancestor in (element, *element.iterancestors()):
        if ancestor.tag == "body":
            return False
        if marks.search(f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"):
            return True
    return False
