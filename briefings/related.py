"""Automatic related briefings, scored from shared topics, shared sources and shared keywords.

Each signal is an inverted index (topic, source or keyword → briefings in time order). A briefing's
candidates are only the nearest few briefings in each of its postings, so a topic shared by
thousands of briefings never costs thousands of comparisons; rare keys weigh more (inverse
document frequency) and keywords found in too many briefings count for nothing. By default a list
holds only briefings published before the one it belongs to, so it never changes when newer
briefings arrive. Pure and deterministic.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from briefings.model import RelatedConfig
from briefings.parallel import can_fork, forked_pool

WORD = re.compile(r"[^\W\d_]{3,}")
_ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z]{2,}")  # WORD in ASCII text, found faster
CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]{2,}")
KEYWORDS_PER_BRIEFING = 15
TEXT_CHARS = 1500  # the title and the opening of the text say what a story is about
NEAREST = 30  # candidates taken from each topic's and source's posting list
NEAREST_TEXT = 12  # and from each keyword's: there are many more keywords than topics
COMMON_SHARE = 0.1  # a keyword in more than this share of briefings says nothing
PARALLEL_FROM = 2000  # briefings: below this, a second process costs more than it saves


@dataclass(frozen=True, slots=True)
class Subject:
    """What the scorer knows of a briefing. `order` sorts briefings oldest first."""

    slug: str
    order: tuple[object, ...]
    topics: tuple[str, ...]
    sources: tuple[str, ...]
    keywords: str  # word → count in the title and opening text, as `pack_keywords` writes them


def keywords(text: str) -> Counter[str]:
    """Words of three letters or more, lowercased, and two-character runs of CJK text."""
    text = text.casefold()
    if text.isascii():
        return Counter(_ASCII_WORD.findall(text))
    runs = CJK_RUN.findall(text)
    if not runs:
        return Counter(WORD.findall(text))
    found = Counter(word for word in WORD.findall(text) if not CJK_RUN.fullmatch(word))
    for run in runs:
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


def pack_keywords(counts: Mapping[str, int]) -> str:
    """Keyword counts as one string, `word count word count …` in word order: a cached briefing
    loads one object instead of a hundred or so (keywords are letters only: never a space)."""
    return " ".join(f"{word} {counts[word]}" for word in sorted(counts))


class _Index:
    """One signal: key → positions (in time order) of the briefings that have it, and its weight."""

    def __init__(self, keys: Sequence[Iterable[str]], weight: float, most: float, nearest: int) -> None:
        self.weight = weight
        self.nearest = nearest
        self.postings: dict[str, list[int]] = defaultdict(list)
        for position, own in enumerate(keys):
            for key in dict.fromkeys(own):
                self.postings[key].append(position)
        total = len(keys)
        self.idf = {
            key: math.log(1 + total / len(found))
            for key, found in self.postings.items()
            if 1 < len(found) <= most
        }

    def accumulate(
        self, keys: Iterable[str], position: int, newer: bool, scores: defaultdict[int, float]
    ) -> None:
        """Add to each nearby briefing sharing a key this signal's share: shared rarity / own rarity."""
        own = [(key, self.idf[key]) for key in keys if key in self.idf]
        if not own or not self.weight:
            return
        factor = self.weight / sum(idf for _, idf in own)
        for key, idf in own:
            found = self.postings[key]
            at = bisect.bisect_left(found, position)
            nearby = found[max(0, at - self.nearest) : at]
            if newer:
                nearby += found[at + 1 : at + 1 + self.nearest]
            share = idf * factor
            for other in nearby:
                scores[other] += share


def subjects_digest(subjects: Sequence[Subject], config: RelatedConfig) -> str:
    """A digest of everything scoring reads: equal digests give equal related lists (so an edit
    that leaves every briefing's topics, sources, date and opening words alone need not score)."""
    digest = hashlib.sha256(repr(config).encode("utf-8", "surrogatepass"))
    for subject in subjects:
        # The keywords, the bulk, as they are (letters, digits and spaces: see pack_keywords), after
        # the self-delimiting repr of the other fields and before a newline, which they never hold.
        fields = (subject.slug, subject.order, subject.topics, subject.sources)
        digest.update(f"{fields!r}{subject.keywords}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def score_related(subjects: Sequence[Subject], config: RelatedConfig) -> dict[str, tuple[str, ...]]:
    """slug → up to `config.count` related slugs, best first (ties: newer first).

    A score adds, per signal, its weight times the share of the briefing's own topics, sources or
    keywords (each weighted by rarity) that the other briefing shares, so each signal gives 0 to
    its weight and the threshold means the same on a site of ten briefings or ten thousand."""
    if config.count == 0:
        return {s.slug: () for s in subjects}
    ordered = sorted(subjects, key=lambda s: s.order)
    total = len(ordered)
    words = _top_keywords([s.keywords for s in ordered], total)
    indexes = (
        (_Index([s.topics for s in ordered], config.topics, total, NEAREST), [s.topics for s in ordered]),
        (_Index([s.sources for s in ordered], config.sources, total, NEAREST), [s.sources for s in ordered]),
        (_Index(words, config.text, max(2, total * COMMON_SHARE), NEAREST_TEXT), words),
    )
    scoring = _Scoring(ordered, indexes, config)
    if total < PARALLEL_FROM or not can_fork():
        return scoring.score(0, total)
    global _shared
    _shared = scoring  # each briefing is scored on its own: a forked process scores the later half
    try:
        with forked_pool(1) as pool:
            later = pool.submit(_score_share, total // 2, total)
            related = scoring.score(0, total // 2)
            related.update(later.result())
    finally:
        _shared = None
    return related


@dataclass(frozen=True, slots=True)
class _Scoring:
    ordered: Sequence[Subject]
    indexes: tuple[tuple[_Index, Sequence[Sequence[str]]], ...]
    config: RelatedConfig

    def score(self, start: int, stop: int) -> dict[str, tuple[str, ...]]:
        """The related lists of the briefings at positions start to stop (oldest first)."""
        ordered, config = self.ordered, self.config
        related = {}
        for position in range(start, stop):
            scores: defaultdict[int, float] = defaultdict(float)
            for index, keys in self.indexes:
                index.accumulate(keys[position], position, config.include_newer, scores)
            related[ordered[position].slug] = _best(ordered, position, scores, config) or _fallback(
                ordered, position, self.indexes[0][0], config
            )
        return related


_shared: _Scoring | None = None  # for the forked process to inherit


def _score_share(start: int, stop: int) -> dict[str, tuple[str, ...]]:
    assert _shared is not None
    return _shared.score(start, stop)


def _top_keywords(packed: Sequence[str], total: int) -> list[tuple[str, ...]]:
    """Each briefing's most telling keywords (frequent in it, rare elsewhere), from its packed counts."""
    parts = [text.split() for text in packed]  # word, count, word, count…
    frequency: Counter[str] = Counter()
    for words in parts:
        frequency.update(words[::2])
    most = max(2, total * COMMON_SHARE)
    rarity = {word: math.log(total / found) for word, found in frequency.items() if 1 < found <= most}
    chosen = []
    for words in parts:
        useful = [
            (int(n) * rarity[w], w) for w, n in zip(words[::2], words[1::2], strict=True) if w in rarity
        ]
        useful.sort(key=lambda item: (-item[0], item[1]))
        chosen.append(tuple(w for _, w in useful[:KEYWORDS_PER_BRIEFING]))
    return chosen


def _best(
    ordered: Sequence[Subject], position: int, scores: Mapping[int, float], config: RelatedConfig
) -> tuple[str, ...]:
    passing = [
        (score, other) for other, score in scores.items() if other != position and score >= config.threshold
    ]
    passing.sort(key=lambda item: (-item[0], -item[1]))
    return tuple(ordered[other].slug for _, other in passing[: config.count])


def _fallback(
    ordered: Sequence[Subject], position: int, topics: _Index, config: RelatedConfig
) -> tuple[str, ...]:
    """When nothing scores high enough: the newest earlier briefings that share a topic."""
    nearest: set[int] = set()
    for topic in ordered[position].topics:
        found = topics.postings.get(topic, [])
        at = bisect.bisect_left(found, position)
        nearest.update(found[max(0, at - config.count) : at])
        if config.include_newer:
            nearest.update(found[at + 1 : at + 1 + config.count])
    nearest.discard(position)
    return tuple(ordered[other].slug for other in sorted(nearest, reverse=True)[: config.count])
