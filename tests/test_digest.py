"""The digest's text helpers: their faster paths give what the plain patterns give."""

from __future__ import annotations

import random
import re
from collections import Counter

from briefings.digest import MARKDOWN_NOISE, readable
from briefings.related import CJK_RUN, WORD, keywords


def _pattern_by_pattern(body: str) -> str:
    for pattern, replacement in MARKDOWN_NOISE:
        body = pattern.sub(replacement, body)
    return body


PIECES = [*"[]()!<>*_`#-+. \n\t|x1٣\x00", "\n\n", "  ", "\u2028", "[[", "]]", "](", "1. ", "- ", "> "]


def test_readable_is_the_noise_patterns_applied_in_turn() -> None:
    rng = random.Random(3)
    for _ in range(30_000):
        body = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, rng.choice([5, 20, 60]))))
        if rng.random() < 0.5:
            body = body.replace("\x00", "")
        if rng.random() < 0.5:
            body = body.replace("<", "")
        assert readable(body) == _pattern_by_pattern(body), repr(body)


def test_readable_keeps_link_labels_and_drops_marks() -> None:
    body = "# Head\n\n- **Bold** and ![img](x.png) [a link](https://e.org) [[slug|Label]] [[other]]\n"
    assert readable(body) == _pattern_by_pattern(body) == " Head\nBold and img a link Label other\n"


def test_ascii_words_are_the_words_of_the_general_pattern() -> None:
    letters = "".join(c for c in map(chr, range(128)) if re.fullmatch(WORD.pattern[:-4], c))
    assert letters == "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    text = "The Fed's 3rd rate-cut (x2): NATO, EU & co. said_so ok\nmore"
    assert keywords(text) == Counter(WORD.findall(text.casefold()))
    assert not CJK_RUN.search(text)
    assert keywords("Straße und 東京都の会議") == Counter(
        {"strasse": 1, "und": 1, "東京": 1, "京都": 1, "都の": 1, "の会": 1, "会議": 1}
    )
