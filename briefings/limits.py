"""Limits on a Markdown body, checked by the content stage before the markup stage renders it.

Python-Markdown's cost grows with some shapes of text far faster than with its length: each
unmatched '[' or '<' rescans the rest of its block (a paragraph of 20,000 '<a ' takes a minute),
and each level of list or quote nesting recurses (a few thousand levels overflow the stack). A
hostile or broken file must fail fast with a located message instead of stalling the build, so
these limits sit well above anything a curator writes and well below anything slow.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

MAX_BODY_BYTES = 1_000_000
MAX_NESTING = 32
# Rendering time, estimated in microseconds from measurements of Python-Markdown: each block costs
# about 200, each markup character about 40, and each '[' (about 0.4) or '<' (about 0.05) per
# character of its block. The budget is a few seconds on a slow machine.
MAX_MICROSECONDS = 3_000_000
MARKUP = "*_`[<&|"
_PREFIX = re.compile(r"[ \t>]*(?:(?:[-+*:]|\d{1,9}[.)])[ \t]+[ \t>]*)*")
_BLANK = re.compile(r"\n[ \t]*\n")
# nesting() counts at most one level per character of a line's prefix, and a character takes at most
# four columns once tabs are expanded: a line nested deeper than MAX_NESTING starts with this many
# characters that may belong to a prefix.
_DEEP_FIRST = re.compile(rf"[ \t>*+:.)\d-]{{{MAX_NESTING // 4 + 1}}}")
_DEEP_LATER = re.compile(rf"\n[ \t>*+:.)\d-]{{{MAX_NESTING // 4 + 1}}}")
_NOT_COUNTED = bytes(set(range(256)) - set((MARKUP + "\n").encode()))


def body_problem(body: str) -> tuple[int, str] | None:
    """(line within the body, counting from 0, message) for a body too costly to render, or None."""
    data = body.encode("utf-8")
    size = len(data)
    if size > MAX_BODY_BYTES:
        return 0, f"the text is {size / 1e6:.1f} MB; a briefing's text may be at most 1 MB"
    starts = [0] if _DEEP_FIRST.match(body) else []
    starts += [match.start() + 1 for match in _DEEP_LATER.finditer(body)]
    for start in starts:
        end = body.find("\n", start)
        if nesting(body[start:] if end < 0 else body[start:end]) > MAX_NESTING:
            number = body.count("\n", 0, start)
            return number, f"Markdown nested more than {MAX_NESTING} levels deep (lists, quotes or indents)"
    if _surely_cheap(data.translate(None, _NOT_COUNTED), size):
        return None
    return _costliest(body)


def nesting(line: str) -> int:
    """How deep a line nests: its quote and list markers, and every four columns of indent."""
    prefix = _PREFIX.match(line.expandtabs(4))
    text = prefix.group(0) if prefix else ""
    markers = sum(1 for part in re.split(r"[ \t]+", text.replace(">", " > ")) if part)
    return markers + text.count(" ") // 4


def _surely_cheap(marks: bytes, size: int) -> bool:
    """Whether a body is well within budget, from its markup characters and line ends (ASCII, so
    counted the same in its UTF-8 bytes) and its size: blocks hold every markup character of the
    body, are no longer than it, and are separated by two line ends or more."""
    blocks = marks.count(b"\n") // 2 + 1
    markup = len(marks) - marks.count(b"\n")
    rescans = (8 * marks.count(b"[") + marks.count(b"<")) * size / 20
    return 200 * blocks + 40 * markup + rescans <= MAX_MICROSECONDS / 2


def _costliest(body: str) -> tuple[int, str] | None:
    total, worst, worst_line = 0.0, 0.0, 0
    for line, block in _blocks(body):
        rescans = (8 * block.count("[") + block.count("<")) * len(block) / 20
        cost = 200 + 40 * sum(block.count(c) for c in MARKUP) + rescans
        total += cost
        if cost > worst:
            worst, worst_line = cost, line
    if total <= MAX_MICROSECONDS:
        return None
    message = f"too much Markdown to render in reasonable time (about {total / 1e6:.1f} s)"
    return worst_line, message + "; split the text into shorter paragraphs or several briefings"


def _blocks(body: str) -> Iterator[tuple[int, str]]:
    """Each paragraph-like block with the body line it starts on."""
    start, line = 0, 0
    for match in _BLANK.finditer(body):
        yield line, body[start : match.start()]
        line += body.count("\n", start, match.end())
        start = match.end()
    yield line, body[start:]
