"""Reading a file's text and front matter: the quick paths agree with the plain definitions."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from briefings.content import STRAY, decode_text
from briefings.frontmatter import FrontMatter, LocatedProblem, split_front_matter

PATH = Path("content/briefings/x.md")


def _split_line_by_line(text: str) -> FrontMatter | None:
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return FrontMatter("\n".join(lines[1:index]), 2, "\n".join(lines[index + 1 :]), index + 2)
    return None


def test_front_matter_splits_where_the_first_closing_line_is() -> None:
    rng = random.Random(9)
    pieces = ["---", "...", "\n", "-", ".", " ", "\t", "a", "----", "--- ", "\u3000", "key: v"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 15)))
        text = "---\n" + text if rng.random() < 0.7 else text
        expected = _split_line_by_line(text)
        if expected is None:
            with pytest.raises(LocatedProblem):
                split_front_matter(PATH, text)
        else:
            assert split_front_matter(PATH, text) == expected, repr(text)


def test_text_keeps_what_is_not_stray_and_drops_what_is() -> None:
    rng = random.Random(4)
    chars = [chr(c) for c in (*range(1, 0x100), 0x2014, 0x201C, 0xE000, 0xE001, 0xE002, 0x4E2D, 0x1F600)]
    for _ in range(20_000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 12)))
        plain = text.replace("\r\n", "\n").replace("\r", "\n")
        assert decode_text(PATH, text.encode("utf-8")) == STRAY.sub("", plain), repr(text)
    assert decode_text(PATH, "\ufeffa\x85b\u201c\x07".encode()) == "ab\u201c"
