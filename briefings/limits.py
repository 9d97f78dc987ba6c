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


def body_problem(body: str) -> tuple[int, str] | None:
    """(line within the body, counting from 0, message) for a body too costly to render, or None."""
    size = len(body.encode("utf-8"))
    if size > MAX_BODY_BYTES:
        return 0, f"the text is {size / 1e6:.1f} MB; a briefing's text may be at most 1 MB"
    for number, line in enumerate(body.split("\n")):
        if nesting(line) > MAX_NESTING:
            return number, f"Markdown nested more than {MAX_NESTING} levels deep (lists, quotes or indents)"
    return _costliest(body)


def nesting(line: str) -> int:
    """How deep a line nests: its quote and list markers, and every four columns of indent."""
    prefix = _PREFIX.match(line.expandtabs(4))
    text = prefix.group(0) if prefix else ""
    markers = sum(1 for part in re.split(r"[ \t]+", text.replace(">", " > ")) if part)
    return markers + text.count(" ") // 4


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
