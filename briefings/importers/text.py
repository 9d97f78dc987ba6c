"""Text for briefing bodies: plain text and HTML from sources → Markdown that renders as written.

Nothing a source wrote may run or turn into markup by accident: plain text has Markdown's
special characters escaped, HTML goes through the build's sanitizer before it is converted, and
links keep only http(s) and mailto addresses.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from briefings.importers.links import clean_url
from briefings.markup import clean_html

_INLINE = re.compile(r"([\\`*_\[\]])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_BLOCK_START = re.compile(r"^(\s*)([#>+=|]|[-*](?=\s|$)|-+$|\d+(?=[.)]\s))")


def escape_text(text: str) -> str:
    """One paragraph of plain text as Markdown that shows exactly that text."""
    text = " ".join(text.split())
    text = _INLINE.sub(r"\\\1", text)
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;")
    return _BLOCK_START.sub(_escape_block, text, count=1)


def _escape_block(match: re.Match[str]) -> str:
    marker = match.group(2)
    if marker[0].isdigit():
        # "1. " would start a list: escape the dot after the number instead.
        return match.group(1) + marker + "\\"
    return match.group(1) + "\\" + marker


def paragraphs(texts: list[str]) -> str:
    """Plain-text paragraphs as a Markdown body."""
    return "\n\n".join(escape_text(t) for t in texts if t.strip())


_LINK = re.compile(
    r"(!?)\[((?:\\.|[^\]\\])*)\]"  # [label] or ![alt]
    r"\((?:<([^>\n]*)>|([^()\s]*(?:\([^()\s]*\)[^()\s]*)*))(?:\s+\"[^\"]*\")?\s*\)"  # (url "title")
)


def safe_markdown(markdown: str, base: str | None) -> str:
    """Markdown from an extractor with raw HTML neutralised and every link made safe and absolute."""
    out: list[str] = []
    done = 0
    for match in _LINK.finditer(markdown):
        out.append(_no_html(markdown[done : match.start()]))
        out.append(_link(match, base))
        done = match.end()
    out.append(_no_html(markdown[done:]))
    return "".join(out)


def _no_html(text: str) -> str:
    # Extractors escape '<' as '\<', which Markdown does not unescape: an entity shows it as written.
    return text.replace("\\<", "<").replace("<", "&lt;")


def _link(match: re.Match[str], base: str | None) -> str:
    bang, label, angled, plain = match.groups()
    if bang:
        return ""  # images are left to the curator: the rights to a page's pictures are unknown
    url = clean_url(angled if angled is not None else plain, base)
    label = _no_html(label)
    return f"[{label}]({url})" if url else label


_BLOCKS = {"p", "div", "section", "article", "figure", "figcaption", "table", "tr", "pre"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class _ToMarkdown(HTMLParser):
    """Sanitized HTML → Markdown: paragraphs, headings, lists, quotes, emphasis and links."""

    def __init__(self, base: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.blocks: list[str] = []
        self.line: list[str] = []
        self.prefix: list[str] = []
        self.lists: list[list[int]] = []
        self.links: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS or tag in _HEADINGS:
            self.flush()
            if tag in _HEADINGS:
                self.line.append("#" * max(int(tag[1]), 3) + " ")
        elif tag == "br":
            self.flush()
        elif tag == "blockquote":
            self.flush()
            self.prefix.append("> ")
        elif tag in ("ul", "ol"):
            self.flush()
            self.lists.append([0 if tag == "ol" else -1])
        elif tag == "li":
            self.flush()
            self.line.append(self._bullet())
        elif tag in ("strong", "b"):
            self.line.append("**")
        elif tag in ("em", "i"):
            self.line.append("*")
        elif tag == "a":
            self.links.append(clean_url(dict(attrs).get("href"), self.base))
            self.line.append("[" if self.links[-1] else "")

    def _bullet(self) -> str:
        if not self.lists:
            return "- "
        counter = self.lists[-1]
        if counter[0] < 0:
            return "  " * (len(self.lists) - 1) + "- "
        counter[0] += 1
        return "  " * (len(self.lists) - 1) + f"{counter[0]}. "

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS or tag in _HEADINGS or tag == "li":
            self.flush()
        elif tag == "blockquote":
            self.flush()
            if self.prefix:
                self.prefix.pop()
        elif tag in ("ul", "ol"):
            self.flush()
            if self.lists:
                self.lists.pop()
        elif tag in ("strong", "b"):
            self.line.append("**")
        elif tag in ("em", "i"):
            self.line.append("*")
        elif tag == "a" and self.links:
            url = self.links.pop()
            self.line.append(f"]({url})" if url else "")

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text:
            spaced = (
                (" " if data[:1].isspace() else "") + escape_text(text) + (" " if data[-1:].isspace() else "")
            )
            self.line.append(spaced)
        elif data and self.line:
            self.line.append(" ")

    def flush(self) -> None:
        text = " ".join("".join(self.line).split())
        self.line = []
        if text.strip("*#-[]() 0123456789."):
            self.blocks.append("".join(self.prefix) + text)


def html_to_markdown(html: str, base: str | None = None) -> str:
    """An HTML fragment (a feed entry's content), sanitized, as a Markdown body."""
    parser = _ToMarkdown(base)
    parser.feed(clean_html(html))
    parser.close()
    parser.flush()
    return _join_blocks(parser.blocks)


def _join_blocks(blocks: list[str]) -> str:
    out: list[str] = []
    for block in blocks:
        tight = out and _is_item(out[-1]) and _is_item(block)
        out.append(("\n" if tight else "\n\n") + block if out else block)
    return "".join(out)


def _is_item(block: str) -> bool:
    return bool(re.match(r"^(> )*\s*(- |\d+\. )", block))
