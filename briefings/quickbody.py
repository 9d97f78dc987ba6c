"""A body made only of plain paragraphs, flat lists and one-paragraph quotes, rendered in one pass
into the very HTML Python-Markdown makes of it.

Most briefings are such text: paragraphs of words, links, wiki links and strong words, a list of
one-line points, a quote. Python-Markdown passes each through a dozen stages (several
milliseconds for a long body); here a few expressions read it. This module stands on its own: it
imports nothing of Python-Markdown, and whatever else a body holds (a heading, code, HTML, an
entity, a table, a nested, numbered or loose list, a line that starts or ends with a space,
emphasis other than a simple `**words**`) makes `render` answer None, and the body goes to
Python-Markdown whole. Each rule below refuses more than Python-Markdown would read differently,
never less; tests/test_markup.py compares the two on fuzzed bodies, with the newest and the
oldest Python-Markdown the package accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Anything that any stage but the paragraphs', lists', quotes', links', wiki links' and strong
# words' reads, or that makes lines or blocks other than plain ones: code, escapes, HTML and
# entities, emphasis with `_`, attribute lists, fenced code, reference definitions, footnotes,
# images, abbreviations, Python-Markdown's own placeholder characters, tabs and carriage
# returns, and spaces that start or end a line.
_REFUSED = re.compile(r"[`\\<_{~\t\r\x02\x03]|&(?:#|[0-9A-Za-z]+;)|\]:|\[\^|!\[|\*\[| \n|\n ")
_BLANK_LINES = re.compile(r"\n\n+")
# A line of a paragraph or quote, or a list item's text, may not start what a block processor
# reads: a heading, a quote, a list item or rule, a setext underline, a definition, a number
# with a dot or parenthesis, a table's row; `**` only as the start of strong words. So no line
# is made only of `|`, `:`, `-` and spaces, as the line under a table's head is, and a `|` (as
# a wiki link's) never makes a table.
_BLOCK_START = re.compile(r"[#>\-+=:|]|\*(?!\*[^\s*])|\d+[.)]|\s")
# In a text, each bracket and asterisk (MARK) must start a wiki link, a simple link (QUICK_LINK:
# no `*` in its words, no `[` in its address, where a wiki link would be read first) or a simple
# strong `**words**` without brackets in its words; anything else sends the body to
# Python-Markdown.
MARK = re.compile(r"[\[\]*]")
QUICK_LINK = re.compile(r"\[[^\[\]*]*\]\(\s*[^()<'\"\[]*\)")
# `[text](address)` with no brackets in the text and no parentheses, quotes or `<` in the
# address, read from just after its `[`: its text and its address.
SIMPLE_LINK = re.compile(r"([^\[\]]*)\]\(\s*([^()<'\"]*)\)")
# `**words**` opening a run of exactly two asterisks after a space (or at the start), whose words
# neither start nor end with a space and hold no `*` or `_`, closed by exactly two asterisks.
_SIMPLE_STRONG = re.compile(r"\*\*([^\s*_](?:[^*_]*[^\s*_])?)\*\*(?!\*)")
_SPACE = re.compile(r"\s")

Wikilink = Callable[[re.Match[str]], str]  # a wiki link's match → its placeholder, noted


def render(body: str, wikilink: re.Pattern[str], placeholder: Wikilink) -> str | None:
    """Python-Markdown's HTML of `body` (before sanitizing), or None when the body is not of the
    plain kind. `wikilink` finds a wiki link where a text has `[[`; `placeholder` is called on
    each, in the order Python-Markdown meets them, only once the whole body is known to be plain."""
    text = body.strip("\n")
    if not text or text[0] == " " or text[-1] == " " or _REFUSED.search(text):
        return None
    pieces: list[tuple[str, list[_Parts]]] = []  # each block's kind and its texts, read
    last = ""
    for block in _BLANK_LINES.split(text):
        lines = block.split("\n")
        if all(line.startswith("- ") for line in lines):
            kind, lines = "ul", [line[2:] for line in lines]
        elif all(line.startswith("> ") for line in lines):
            kind, lines = "blockquote", [line[2:] for line in lines]
        else:
            kind = "p"
        # A list right after a list, or a quote after a quote, would be one loose list or quote.
        if kind == last != "p" or any(_BLOCK_START.match(line) for line in lines):
            return None
        read = (
            [_read(line, wikilink) for line in lines] if kind == "ul" else [_read("\n".join(lines), wikilink)]
        )
        texts = [parts for parts in read if parts is not None]
        if len(texts) < len(read):
            return None
        pieces.append((kind, texts))
        last = kind
    # Python-Markdown reads the tree level by level: the paragraphs' texts, then those in lists
    # and quotes. The wiki links are numbered in that order.
    order = [i for i, (kind, _) in enumerate(pieces) if kind == "p"]
    order += [i for i, (kind, _) in enumerate(pieces) if kind != "p"]
    html = [""] * len(pieces)
    for i in order:
        html[i] = _html(*pieces[i], placeholder)
    return "\n".join(html)


_Parts = list[tuple[str, re.Match[str] | None]]  # text as is, or a strong word, link or wiki link


def _read(text: str, wikilink: re.Pattern[str]) -> _Parts | None:
    """The text's words and its strong words, links and wiki links, or None when any bracket or
    asterisk starts something else."""
    parts: _Parts = []
    position = 0
    while (mark := MARK.search(text, position)) is not None:
        at = mark.start()
        parts.append((text[position:at], None))
        found: re.Match[str] | None
        if text[at] == "*":
            found = _simple_strong(text, at)
            if found is None or "[" in found.group(1) or "]" in found.group(1):
                return None
            kind = "strong"
        elif text[at] == "[" and (found := wikilink.match(text, at)) is not None:
            kind = "wikilink"
        elif text[at] == "[" and (found := QUICK_LINK.match(text, at)) is not None:
            kind, found = "a", SIMPLE_LINK.match(text, at + 1)
            assert found is not None  # what QUICK_LINK finds, SIMPLE_LINK reads
        else:
            return None
        parts.append((kind, found))
        position = found.end()
    parts.append((text[position:], None))
    return parts


def _html(kind: str, inlines: list[_Parts], placeholder: Wikilink) -> str:
    texts = ["".join(_inline_html(part, found, placeholder) for part, found in inline) for inline in inlines]
    if kind == "ul":
        return "<ul>\n" + "".join(f"<li>{text}</li>\n" for text in texts) + "</ul>"
    if kind == "blockquote":
        return f"<blockquote>\n<p>{texts[0]}</p>\n</blockquote>"
    return f"<p>{texts[0]}</p>"


def _simple_strong(text: str, start: int) -> re.Match[str] | None:
    """A simple `**words**` at `start`, after a space or at the start of `text`."""
    if start == 0 or _SPACE.match(text, start - 1):
        return _SIMPLE_STRONG.match(text, start)
    return None


def _inline_html(part: str, found: re.Match[str] | None, placeholder: Wikilink) -> str:
    if found is None:
        return _escape(part)
    if part == "strong":
        return f"<strong>{_escape(found.group(1))}</strong>"
    if part == "a":
        return f'<a href="{_escape(found.group(2).strip())}">{_escape(found.group(1))}</a>'
    return placeholder(found)


def _escape(text: str) -> str:
    """Python-Markdown's escaping of text and attribute values, for text without `<`, `"` or
    entities."""
    return text.replace("&", "&amp;").replace(">", "&gt;")
