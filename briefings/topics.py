"""Topic rules: which of the topics declared in site.toml a text mentions.

One implementation, shared by the build (hand-written briefings) and the importer. Latin-script
names match on word boundaries, case-insensitively ("Iran" not in "Ukraine's Irani…"); names in
scripts written without spaces (Chinese, Japanese, Thai…) match as substrings.
"""

from __future__ import annotations

import functools
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
    # The word-start check follows the first character, so that a search tries the cheap character
    # test first: (?<!\w[\s\S]) after it looks at the same character (?<!\w) would before it.
    start = "" if _unspaced(alias[0]) else r"(?<!\w[\s\S])"
    end = "" if _unspaced(alias[-1]) else r"(?!\w)"
    return re.escape(alias[0]) + start + re.escape(alias[1:]) + end


def _lowercase_pattern(alias: str) -> re.Pattern[str]:
    """An ASCII alias as a case-sensitive pattern for lowercased ASCII text: the text's literal
    search is fast, and its word-start check, after the alias, looks one character before it."""
    return re.compile(re.escape(alias.lower()) + rf"(?<!\w[\s\S]{{{len(alias)}}})(?!\w)")


@functools.lru_cache(maxsize=4)  # a briefing's text is searched once for each of its topics
def _lowercase(text: str) -> str:
    return text.lower()


@dataclass(frozen=True, slots=True)
class TopicMatcher:
    """Compiled rules; `match(text)` gives the names of the topics the text mentions, in rule order."""

    rules: tuple[tuple[str, re.Pattern[str]], ...]
    # Per rule, for ASCII text: a pattern per name, longest first; empty when a name is not ASCII.
    # In ASCII, IGNORECASE matches exactly what lowercasing both sides does, and the first match
    # of an alternation is the earliest match of any branch, the first branch on a tie.
    ascii_rules: tuple[tuple[re.Pattern[str], ...], ...] = ()

    @classmethod
    def compile(cls, rules: Iterable[TopicRule]) -> TopicMatcher:
        compiled, lowercase = [], []
        for rule in rules:
            names = [n for n in sorted({rule.name, *rule.aliases}, key=lambda n: (-len(n), n)) if n]
            compiled.append((rule.name, re.compile("|".join(map(_alias_pattern, names)), re.IGNORECASE)))
            ascii_names = bool(names) and all(n.isascii() for n in names)
            lowercase.append(tuple(map(_lowercase_pattern, names)) if ascii_names else ())
        return cls(tuple(compiled), tuple(lowercase))

    def match(self, text: str) -> tuple[str, ...]:
        return tuple(name for index, (name, _) in enumerate(self.rules) if self._search(index, text))

    def mention(self, name: str, text: str) -> str | None:
        """The sentence of `text` that first mentions topic `name` (by its name or an alias)."""
        for index, (rule_name, _) in enumerate(self.rules):
            if rule_name == name:
                found = self._search(index, text)
                return _sentence_around(text, *found) if found else None
        return None

    def _search(self, index: int, text: str) -> tuple[int, int] | None:
        """Where rule `index` first matches `text`: (start, end), or None."""
        patterns = self.ascii_rules[index] if index < len(self.ascii_rules) else ()
        if not patterns or not text.isascii():
            found = self.rules[index][1].search(text)
            return found.span() if found else None
        lowered = _lowercase(text)
        earliest = None
        for pattern in patterns:
            match = pattern.search(lowered)
            if match and (earliest is None or match.start() < earliest[0]):
                earliest = match.span()
        return earliest


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
