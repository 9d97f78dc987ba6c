"""Topic matching: the patterns for ASCII text find what one case-insensitive pattern per rule finds."""

from __future__ import annotations

import random
import re

from briefings.model import TopicRule
from briefings.topics import TopicMatcher, _sentence_around, _unspaced


def _one_pattern(rule: TopicRule) -> re.Pattern[str]:
    """A rule's names as one case-insensitive alternation, longest first, on word boundaries."""
    names = sorted({rule.name, *rule.aliases}, key=lambda n: (-len(n), n))
    alternatives = []
    for name in filter(None, names):
        start = "" if _unspaced(name[0]) else r"(?<!\w)"
        end = "" if _unspaced(name[-1]) else r"(?!\w)"
        alternatives.append(start + re.escape(name) + end)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def test_ascii_case_folding_is_what_ignorecase_does_in_ascii() -> None:
    for a in map(chr, range(128)):
        for b in map(chr, range(128)):
            assert bool(re.fullmatch(re.escape(a), b, re.IGNORECASE)) == (a.lower() == b.lower())


def test_matches_and_mentions_are_those_of_one_pattern_per_rule() -> None:
    rng = random.Random(5)
    letters = [
        list("abAB .-_]^[\\5\n!?"),
        [*"abcKkSsIi .-_]^[\\5xX\n!?", "\u212a", "\u017f", "\u0130", "中", "é"],
    ]
    found = 0
    for _ in range(3000):
        chars = rng.choice(letters)

        def word(most: int, chars: list[str] = chars) -> str:
            return "".join(rng.choice(chars) for _ in range(rng.randint(0, most)))

        rules = [
            TopicRule(word(4) or "x", tuple(word(4) for _ in range(rng.randint(0, 3)))) for _ in range(3)
        ]
        names = [name for rule in rules for name in (rule.name, *rule.aliases) if name]
        matcher = TopicMatcher.compile(rules)
        expected = [_one_pattern(rule) for rule in rules]
        for _ in range(4):
            pieces = [rng.choice(names) if rng.random() < 0.4 else word(3) for _ in range(rng.randint(0, 12))]
            text = "".join("".join(rng.choice((c.lower(), c.upper())) for c in piece) for piece in pieces)
            if rng.random() < 0.5:
                text = "".join(c for c in text if c.isascii())
            hits = tuple(
                rule.name for rule, pattern in zip(rules, expected, strict=True) if pattern.search(text)
            )
            assert matcher.match(text) == hits, (rules, text)
            first = rules[0].name
            hit = expected[0].search(text)
            assert matcher.mention(first, text) == (_sentence_around(text, *hit.span()) if hit else None)
            found += bool(hits)
    assert found > 1000
