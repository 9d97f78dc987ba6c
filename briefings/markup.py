"""Stage 2, markup: a Markdown body → sanitized HTML, a plain-text summary and its wiki links.

`[[slug]]` and `[[slug|label]]` become placeholders (U+E000 n U+E001) that assembly replaces with
links once it knows every slug and title; content never carries those two characters (the
loader strips them). Raw HTML is allowed in Markdown and then sanitized by nh3: only harmless
tags and attributes survive, and links only with http(s), mailto or relative URLs. A body of
plain paragraphs, lists and quotes is read whole in one pass into the HTML Python-Markdown would
make of it (see quickbody); any other is rendered by stock Python-Markdown, with the wiki links
added through its extension API.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from briefings import quickbody
from briefings.model import Markup, WikiLink

WIKILINK = r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+?))?\]\]"
_WIKILINK = re.compile(WIKILINK)
PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
EXTENSIONS = ["extra", "sane_lists"]
ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) - {"center", "strike", "tt", "acronym"}
ALLOWED_ATTRIBUTES = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
for _tag in ("sup", "li", "a", "h2", "h3", "h4", "h5", "h6", "div", "span"):
    ALLOWED_ATTRIBUTES.setdefault(_tag, set()).update({"id", "class"})
ALLOWED_ATTRIBUTES["a"].add("title")
ALLOWED_ATTRIBUTES["code"] = {"class"}
ALLOWED_ATTRIBUTES["img"].add("title")
URL_SCHEMES = {"http", "https", "mailto"}
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


class _WikiLinks(InlineProcessor):
    """Replaces each wiki link with a numbered placeholder and remembers slug and label."""

    def __init__(self, found: list[tuple[str, str | None]]) -> None:
        super().__init__(WIKILINK)
        self.found = found

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[str, int, int]:
        label = m.group(2).strip() if m.group(2) else None
        self.found.append((m.group(1).strip(), label))
        return f"\ue000{len(self.found) - 1}\ue001", m.start(0), m.end(0)


class _WikiLinkExtension(Extension):
    """Registers the wiki link pattern, ahead of links so that `[[` is never read as one."""

    def __init__(self, wikilinks: _WikiLinks) -> None:
        super().__init__()
        self.wikilinks = wikilinks

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.inlinePatterns.register(self.wikilinks, "wikilink", 175)


class MarkupRenderer:
    """One Markdown instance reused for every body of a build (it is costly to create).

    `quick=False` renders every body with Python-Markdown, never in one pass (see quickbody):
    the two give the same HTML, which the tests hold them to.
    """

    def __init__(self, *, quick: bool = True) -> None:
        self._found: list[tuple[str, str | None]] = []
        self._wikilinks = _WikiLinks(self._found)
        extensions: list[str | Extension] = [*EXTENSIONS, _WikiLinkExtension(self._wikilinks)]
        self._md = markdown.Markdown(extensions=extensions, output_format="html")
        self._quick = quick
        self._wikilink_expression = self._wikilinks.getCompiledRegExp()

    def render(self, body: str, body_line: int) -> Markup:
        """The body as sanitized HTML, its summary (first paragraph) and its links, in order."""
        self._found.clear()
        html = quickbody.render(body, self._wikilink_expression, self._placeholder) if self._quick else None
        if html is None:
            self._md.reset()
            html = self._md.convert(body)
        html = clean_html(html)
        lines = _link_lines(body, body_line) if self._found else {}
        links = tuple(WikiLink(slug, label, lines.get(slug, body_line)) for slug, label in self._found)
        return Markup(html=html, summary=first_paragraph(html), links=links)

    def _placeholder(self, wikilink: re.Match[str]) -> str:
        return self._wikilinks.handleMatch(wikilink, wikilink.string)[0]


def clean_html(html: str) -> str:
    """HTML with everything that could run or mislead removed."""
    return _ANCHOR.sub(_drop_rel_without_href, str(_CLEANER.clean(html)))


# nh3 gives every <a> its rel, also one whose unsafe href it has just removed; rel without href is
# invalid HTML (the Nu checker rejects it). nh3 escapes '>' in attribute values, so [^>]* is safe.
_ANCHOR = re.compile(r"<a\b[^>]*>")
_REL = ' rel="noopener noreferrer"'
_QUOTED = re.compile(r'"[^"]*"')


def _drop_rel_without_href(match: re.Match[str]) -> str:
    tag = match.group(0)
    names = _QUOTED.sub('""', tag)  # attribute names only: a title may say ' href='
    return tag if " href=" in names else tag.replace(_REL, "")


def _link_lines(body: str, body_line: int) -> dict[str, int]:
    """The line of each slug's first wiki link (a link never spans lines: search the whole body)."""
    lines: dict[str, int] = {}
    number, counted = body_line, 0
    for match in _WIKILINK.finditer(body):
        number += body.count("\n", counted, match.start())
        counted = match.start()
        lines.setdefault(match.group(1).strip(), number)
    return lines


# nh3's output is well-formed: paragraphs never nest, and '<' and '>' in text and attribute values
# are escaped, so a paragraph and its tags are found by pattern (ten times faster than parsing).
_PARAGRAPH = re.compile(r"<p(?:\s[^>]*)?>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def first_paragraph(html: str) -> str:
    """The text of the first non-empty paragraph of sanitized HTML, whitespace collapsed."""
    for paragraph in _PARAGRAPH.finditer(html):
        text = unescape(_TAG.sub("", paragraph.group(1)))
        if text.strip():
            return " ".join(PLACEHOLDER.sub("", text).split())
    return ""


def plain_text(html: str) -> str:
    """All text of an HTML fragment, whitespace collapsed."""
    parser = _AllText()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


class _AllText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
