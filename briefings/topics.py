"""Topic rules: which of the topics declared in site.toml a text mentions.

One implementation, shared by the build (hand-written briefings) and the importer. Latin-script
names match on word boundaries, case-insensitively ("Iran" not in "Ukraine's Irani…"); names in
scripts written without spaces (Chinese, Japanese, Thai…) match as substrings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from briefings.model import TopicRule

_UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "LAO", "KHMER", "MYANMAR")


def _unspaced(char: str) -> bool:
    name = unicodedata.name(char, "")
    return name.startswith(_UNSPACED)


def _alias_pattern(alias: str) -> str:
    escaped = re.escape(alias)
    start = "" if _unspaced(alias[0]) else r"(?<!\w)"
    end = "" if _unspaced(alias[-1]) else r"(?!\w)"
    return start + escaped + end


@dataclass(frozen=True, slots=True)
class TopicMatcher:
    """Compiled rules; `match(text)` gives the names of the topics the text mentions, in rule order."""

    rules: tuple[tuple[str, re.Pattern[str]], ...]

    @classmethod
    def compile(cls, rules: Iterable[TopicRule]) -> TopicMatcher:
        compiled = []
        for rule in rules:
            names = sorted({rule.name, *rule.aliases}, key=lambda n: (-len(n), n))
            pattern = "|".join(_alias_pattern(n) for n in names if n)
            compiled.append((rule.name, re.compile(pattern, re.IGNORECASE)))
        return cls(tuple(compiled))

    def match(self, text: str) -> tuple[str, ...]:
        return tuple(name for name, pattern in self.rules if pattern.search(text))

    def mention(self, name: str, text: str) -> str | None:
        """The sentence of `text` that first mentions topic `name` (by its name or an alias)."""
        for rule_name, pattern in self.rules:
            if rule_name == name:
                found = pattern.search(text)
                return _sentence_around(text, found.start(), found.end()) if found else None
        return None


SENTENCE_END = re.compile(r"[.!?](?=\s)|[。\uff01\uff1f]|\n\s*\n")
MAX_SENTENCE = 300


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end], whitespace collapsed and cut at MAX_SENTENCE characters."""
    before = [m.end() for m in SENTENCE_END.finditer(text, 0, start)]
    after = SENTENCE_END.search(text, end)
    sentence = " ".join(text[before[-1] if before else 0 : after.end() if after else len(text)].split())
    if len(sentence) > MAX_SENTENCE:
        sentence = sentence[: MAX_SENTENCE - 1].rsplit(" ", 1)[0] + "…"
    return sentence
