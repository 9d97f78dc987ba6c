"""Python-Markdown's stages, passed over or done faster where a body cannot need them.

Each stand-in is installed only over the exact stage or pattern it knows (same class, same
expression), and does what that one does: a stage whose expression needs text the body lacks is
passed over, and the commonest simple cases (links, strong words, whole texts of words and links)
are read with one expression instead of character by character. tests/test_markup.py compares a
renderer with them and one with Python-Markdown's own stages on fuzzed bodies.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from xml.etree.ElementTree import Element

import markdown
import markdown.treeprocessors
import markdown.util
from markdown.blockprocessors import (
    BlockProcessor,
    BlockQuoteProcessor,
    HashHeaderProcessor,
    ReferenceProcessor,
    SetextHeaderProcessor,
)
from markdown.extensions.abbr import AbbrBlockprocessor
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.def_list import DefListProcessor
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.extensions.footnotes import FootnoteBlockProcessor
from markdown.extensions.md_in_html import HtmlBlockPreprocessor
from markdown.inlinepatterns import (
    DelimiterProcessor,
    InlineProcessor,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
)
from markdown.preprocessors import NormalizeWhitespace


def quicken(md: markdown.Markdown, body: Callable[[], str], wikilinks: type[InlineProcessor]) -> bool:
    """Put the stand-ins in place in `md`, which renders `body()`. `wikilinks` is the class of its
    "wikilink" pattern, whose every match of its expression (each starts with `[[`) becomes a
    placeholder string. True when the inline stand-ins are all in place and the patterns are the
    known ones: then a plain body may be read whole instead (see quickbody)."""
    inline = hasattr(markdown.treeprocessors.InlineProcessor, "_InlineProcessor__applyPattern")
    if inline:
        md.treeprocessors.register(_Inline(md, wikilinks), "inline", 20)
    _skip_hopeless_blocks(md)
    _quick_links(md)
    _quick_whitespace(md)
    _skip_idle_stages(md, body)
    return inline and _known_patterns(md.inlinePatterns, wikilinks) is not None


def _known_patterns(
    patterns: markdown.util.Registry[Any], wikilinks: type[InlineProcessor]
) -> tuple[_Link, InlineProcessor] | None:
    """The link and wiki link patterns, when the inline patterns are exactly the known ones with
    the stand-ins in place (see _quick_links); else None."""
    named: dict[str, Any] = {name: patterns[name] for name in _QUICK_PATTERNS if name in patterns}
    link, wikilink, emphasis = named.get("link"), named.get("wikilink"), named.get("em_strong")
    known = len(patterns) == len(named) == len(_QUICK_PATTERNS) and type(emphasis) is _Strong
    return (link, wikilink) if known and type(link) is _Link and type(wikilink) is wikilinks else None


# What text an inline pattern's regular expression cannot match without: one (of two) substrings.
# Python-Markdown tries every pattern on every piece of text; these need the characters that start
# links, code, emphasis, tags and so on, which most pieces of text lack.
_NEEDS = {
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": ("`",),
    r"\\(.)": ("\\",),
    r"\[\^([^\]]*)\]": ("[^",),
    r"(?<!\!)\[": ("[",),
    r"\!\[": ("![",),
    r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>": ("<",),
    r"<([^<> !]+@[^@<> ]+)>": ("<",),
    r"  \n": ("  \n",),
    (
        r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'=<>]++))?+)*+"""
        r"""\s*+/?|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)"""
    ): ("<",),
    r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)": ("&",),
    r"\*|_": ("*", "_"),
}


# Text that only Python-Markdown's own patterns read: code, escapes, tags, entities, underscores,
# placeholders of its own, images, footnotes and line breaks.
_NOT_QUICK = re.compile(r"[`\\<&_\x02\x03]")
_NOT_QUICK_EITHER = ("![", "[^", "  \n")
# In other text, each bracket and asterisk (MARK) must start a wiki link, a simple link (see
# _Link) without `*` in its words and `[` in its address (where a wiki link would be read
# first), or a simple strong `**words**` (see simple_strong) without brackets in its words.
MARK = re.compile(r"[\[\]*]")
QUICK_LINK = re.compile(r"\[[^\[\]*]*\]\(\s*[^()<'\"\[]*\)")
_QUICK_PATTERNS = {  # Python-Markdown's inline patterns with `extra`, and the wiki links
    *("backtick", "escape", "footnote", "wikilink", "reference", "link", "image_link"),
    *("image_reference", "short_reference", "short_image_ref", "autolink", "automail"),
    *("linebreak", "html", "entity", "em_strong"),
}


class _Inline(markdown.treeprocessors.InlineProcessor):
    """Python-Markdown's inline stage, passing over a pattern that cannot match the text at all,
    and reading a text made only of words, wiki links, simple links and simple strong words in
    one pass.

    Python-Markdown's loop (its private __handleInline, which this one stands in for) applies each
    pattern in turn from a start index; a pattern whose expression finds nothing leaves the text as
    it is and the loop goes on with the next pattern from index 0, which is all a skipped pattern
    does. In a text without anything _NOT_QUICK finds, the only patterns that can match are the
    wiki links', the links' and the emphasis'; where each of its brackets and asterisks belongs to
    a wiki link, a simple link or a simple strong (MARK, QUICK_LINK, simple_strong), these take
    the text apart with nothing left for one another (no brackets in the strong words, no
    asterisks in the links' words), as Python-Markdown's patterns would, pattern by pattern: the
    same nodes are stashed in place of the same spans. tests/test_markup.py compares the two on
    the installed Markdown."""

    def __init__(self, md: markdown.Markdown, wikilinks: type[InlineProcessor]) -> None:
        super().__init__(md)
        self.wikilinks = wikilinks

    def run(self, tree: Element, ancestors: list[str] | None = None) -> Element:
        self._patterns: list[object] = list(self.inlinePatterns)
        needs = [
            ("[[",)
            if type(p) is self.wikilinks
            else _NEEDS.get(p.getCompiledRegExp().pattern)
            if isinstance(p, InlineProcessor)
            else None
            for p in self._patterns
        ]
        self._needs = [(*need, None)[:2] if need else (None, None) for need in needs]
        self._quick = _known_patterns(self.inlinePatterns, self.wikilinks)
        self._excluded = {tag.lower() for p in self._patterns for tag in getattr(p, "ANCESTOR_EXCLUDES", ())}
        return super().run(tree, ancestors)

    def _quick_text(self, data: str, links: _Link, wikilinks: InlineProcessor) -> str | None:
        """The text with a placeholder for each of its wiki links, links and strong words, stashed,
        when it is made only of those and words; else None, having stashed nothing."""
        if _NOT_QUICK.search(data) or any(text in data for text in _NOT_QUICK_EITHER):
            return None
        found: list[tuple[re.Match[str], Element | None]] = []  # None: a wiki link
        position = 0
        while (mark := MARK.search(data, position)) is not None:
            at = mark.start()
            if data[at] == "*":
                strong = simple_strong(data, at)
                if strong is None or "[" in strong.group(1) or "]" in strong.group(1):
                    return None
                found.append((strong, _strong(strong.group(1))))
            elif data[at] == "[" and (wikilink := wikilinks.getCompiledRegExp().match(data, at)):
                found.append((wikilink, None))
            elif data[at] == "[" and (link := QUICK_LINK.match(data, at)) is not None:
                opening = links.getCompiledRegExp().match(data, at)
                made, _, end = links.handleMatch(opening, data) if opening else (None, None, None)
                if not isinstance(made, Element) or end != link.end():  # cannot be: a simple link
                    return None
                found.append((link, made))
            else:
                return None
            position = found[-1][0].end()
        stash = self._InlineProcessor__stashNode  # type: ignore[attr-defined]
        pieces: list[str] = []
        end = 0
        for match, node in found:  # wiki links are numbered now, in the text's order
            stashed = node if node is not None else wikilinks.handleMatch(match, data)[0]
            pieces += (data[end : match.start()], stash(stashed, ""))
            end = match.end()
        pieces.append(data[end:])
        return "".join(pieces)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if not isinstance(data, markdown.util.AtomicString):
            if patternIndex == 0 and self._quick and not self._excluded.intersection(self.ancestors):
                quick = self._quick_text(data, *self._quick)
                if quick is not None:
                    return quick
            apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
            patterns, needs = self._patterns, self._needs
            start = 0
            while patternIndex < len(patterns):
                first, second = needs[patternIndex]
                if first is not None and first not in data and (second is None or second not in data):
                    patternIndex, start = patternIndex + 1, 0
                    continue
                data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
                if not matched:
                    patternIndex += 1
        return data


# `[text](address)` with no brackets in the text and no parentheses, quotes or `<` in the address:
# what Python-Markdown's link parsers find there, character by character, one expression finds.
SIMPLE_LINK = re.compile(r"([^\[\]]*)\]\(\s*([^()<'\"]*)\)")
_SIMPLE_TEXT = re.compile(r"[^\[\]]*\]")
_ID_AFTER = re.compile(r"\s?\[")  # what makes `[text]` a reference link: `[text][id]`
_LINK_RE = r"""\(\s*(?:(<[^<>]*>)\s*(?:('[^']*'|"[^"]*")\s*)?\))?"""
_REFERENCE_RE = r"\s?\[([^\]]*)\]"


class _Link(LinkInlineProcessor):
    """Python-Markdown's `[text](address)`, a simple one parsed by one expression (SIMPLE_LINK);
    the others by Python-Markdown. tests/test_markup.py compares the two."""

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[Element | str | None, int | None, int | None]:
        simple = SIMPLE_LINK.match(data, m.end(0))
        if simple is None:
            return super().handleMatch(m, data)
        element = Element("a")
        element.text = simple.group(1)
        element.set("href", self.unescape(simple.group(2)).strip())
        return element, m.start(0), simple.end(0)


class _Reference(ReferenceInlineProcessor):
    """Python-Markdown's `[text][id]`, which passes over a simple `[text]` that no `[id]` follows
    without parsing it character by character."""

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[Element | str | None, int | None, int | None]:
        text = _SIMPLE_TEXT.match(data, m.end(0))
        if text is not None and not _ID_AFTER.match(data, text.end(0)):
            return None, None, None
        return super().handleMatch(m, data)


# `**words**` opening a run of exactly two asterisks after a space (or at the start), whose words
# neither start nor end with a space and hold no `*` or `_`, closed by exactly two asterisks.
_SIMPLE_STRONG = re.compile(r"\*\*([^\s*_](?:[^*_]*[^\s*_])?)\*\*(?!\*)")
_SPACE = re.compile(r"\s")
_STRONG_TOKENS = ["*", "_"]  # the delimiters (and their order) of Python-Markdown's own em_strong


class _Strong(DelimiterProcessor):
    """Python-Markdown's emphasis, a simple `**words**` (_SIMPLE_STRONG) made strong at once: its
    opening run can only start, its closing one only end, and nothing lies between them that
    could pair, so its delimiter stacks would pair just these two. The others, and any met while
    earlier pairs are still being handed out, by Python-Markdown. tests/test_markup.py compares
    the two."""

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[Element | None, int | None, int | None]:
        start = m.start(0)
        if not self.regions and (simple := simple_strong(data, start)) is not None:
            return _strong(simple.group(1)), start, simple.end(0)
        return super().handleMatch(m, data)


def simple_strong(data: str, start: int) -> re.Match[str] | None:
    """A simple `**words**` (_SIMPLE_STRONG) at `start`, after a space or at the start of `data`."""
    if start == 0 or _SPACE.match(data, start - 1):
        return _SIMPLE_STRONG.match(data, start)
    return None


def _strong(words: str) -> Element:
    element = Element("strong")
    element.text = words
    return element


def _quick_links(md: markdown.Markdown) -> None:
    """Make Python-Markdown's own link processors a _Link and a _Reference, and its emphasis a
    _Strong (in their places, with their settings), when they are exactly the known ones."""
    for name, stock, quick, expression in (
        ("link", LinkInlineProcessor, _Link, _LINK_RE),
        ("reference", ReferenceInlineProcessor, _Reference, _REFERENCE_RE),
    ):
        found = md.inlinePatterns[name] if name in md.inlinePatterns else None  # noqa: SIM401 (no .get)
        if type(found) is stock and found.RE_LINK.pattern == expression:
            found.__class__ = quick
    emphasis = md.inlinePatterns["em_strong"] if "em_strong" in md.inlinePatterns else None  # noqa: SIM401
    if type(emphasis) is DelimiterProcessor and emphasis.tokens == _STRONG_TOKENS:
        star = emphasis.delimiters["*"]
        if star.tags == ("strong", "em") and not star.smart and not star.double:
            emphasis.__class__ = _Strong


_SPACES_LINE = re.compile(r"(?<=\n) +\n")


class _Whitespace(NormalizeWhitespace):
    """Python-Markdown's first stage: the text without its placeholder characters, with Unix line
    ends, tabs expanded and lines of spaces emptied, the last looked for only where a space comes
    before a line end (the search alone takes 70 µs of a 4 KB body). tests/test_markup.py compares
    the two."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines).replace(markdown.util.STX, "").replace(markdown.util.ETX, "")
        text = (text.replace("\r\n", "\n").replace("\r", "\n") + "\n\n").expandtabs(self.md.tab_length)
        return (_SPACES_LINE.sub("\n", text) if " \n" in text else text).split("\n")


def _quick_whitespace(md: markdown.Markdown) -> None:
    """Make Python-Markdown's own whitespace stage a _Whitespace, when it is exactly the known one."""
    stage = md.preprocessors["normalize_whitespace"] if "normalize_whitespace" in md.preprocessors else None  # noqa: SIM401
    if type(stage) is NormalizeWhitespace:
        stage.__class__ = _Whitespace


def _needs(text: str) -> Callable[[str], bool]:
    return lambda block: text in block


def _starts_a_line(mark: str) -> Callable[[str], bool]:
    """Whether a block may have a line that starts with `mark` after at most three spaces."""
    after_line_end = tuple(f"\n{' ' * spaces}{mark}" for spaces in range(4))
    return lambda block: block.lstrip(" ").startswith(mark) or any(s in block for s in after_line_end)


def _second_line_underlines(block: str) -> bool:
    end = block.find("\n")
    return end >= 0 and block[end + 1 : end + 2] in ("=", "-")


# Block processors that search each block for an expression, with what a block needs for it to
# match: without that, `test` is False, and `run` puts the block back and returns False.
_BLOCK_NEEDS: dict[type[BlockProcessor], tuple[str, str, Callable[[str], bool]]] = {
    HashHeaderProcessor: (
        "test",
        r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)",
        _needs("#"),
    ),
    SetextHeaderProcessor: ("test", r"^.*?\n(?:=+|-+)[ ]*(\n|$)", _second_line_underlines),
    DefListProcessor: ("test", r"(^|\n)[ ]{0,3}:[ ]{1,3}(.*?)(\n|$)", _starts_a_line(":")),
    BlockQuoteProcessor: ("test", r"(^|\n)[ ]{0,3}>[ ]?(.*)", _starts_a_line(">")),
    FootnoteBlockProcessor: ("run", r"^[ ]{0,3}\[\^([^\]]*)\]:[ ]*(.*)$", _needs("[^")),
    AbbrBlockprocessor: ("run", r"^[*]\[(?P<abbr>[^\\]*?)\][ ]?:[ ]*\n?[ ]*(?P<title>.*)$", _needs("*[")),
    ReferenceProcessor: (
        "run",
        r"^[ ]{0,3}\[([^\[\]]*)\]:[ ]*(?:\n[ ]*)?([^\s]+)[ ]*(?:\n[ ]*)?"
        r"""((["\'])(.*)\4[ ]*|\((.*)\)[ ]*)?$""",
        _needs("]:"),
    ),
}


def _skip_hopeless_blocks(md: markdown.Markdown) -> None:
    """Give each block processor of _BLOCK_NEEDS a quick answer for a block that lacks what it needs."""
    for processor in md.parser.blockprocessors:
        method, pattern, possible = _BLOCK_NEEDS.get(type(processor), ("", "", None))
        if possible is None or getattr(getattr(processor, "RE", None), "pattern", None) != pattern:
            continue
        if method == "test":
            processor.test = _quick_test(processor.test, possible)  # type: ignore[method-assign, assignment]
        else:
            processor.run = _quick_run(processor.run, possible)  # type: ignore[method-assign, assignment]


def _quick_test(
    test: Callable[[Element, str], bool], possible: Callable[[str], bool]
) -> Callable[[Element, str], bool]:
    return lambda parent, block: possible(block) and test(parent, block)


def _quick_run(
    run: Callable[[Element, list[str]], bool | None], possible: Callable[[str], bool]
) -> Callable[[Element, list[str]], bool | None]:
    return lambda parent, blocks: run(parent, blocks) if possible(blocks[0]) else False


# Stages that change nothing in a body without any of these strings: its fenced code, raw HTML
# (and entities, which the HTML stage reads too), attribute lists and backslash escapes.
_STAGE_NEEDS: dict[type[Any], tuple[str, ...]] = {
    FencedBlockPreprocessor: ("```", "~~~"),
    HtmlBlockPreprocessor: ("<", "&"),
    AttrListTreeprocessor: ("{",),
    markdown.treeprocessors.UnescapeTreeprocessor: ("\\",),
}


def _skip_idle_stages(md: markdown.Markdown, body: Callable[[], str]) -> None:
    """Make each stage of _STAGE_NEEDS pass a `body()` that lacks what it needs as it is."""
    for stages in (md.preprocessors, md.treeprocessors):
        for stage in stages:
            needs = _STAGE_NEEDS.get(type(stage))
            if needs is not None:
                stage.run = _idle_without(stage.run, needs, body)  # type: ignore[method-assign, assignment]


def _idle_without(
    run: Callable[[Any], Any], needs: tuple[str, ...], body: Callable[[], str]
) -> Callable[[Any], Any]:
    """`run`, or for a body without `needs`, what leaves a preprocessor's lines or a
    treeprocessor's tree as they are (for the latter, None)."""

    def quick(given: Any) -> Any:
        text = body()
        if any(need in text for need in needs):
            return run(given)
        return given if isinstance(given, list) else None

    return quick
