"""Automatic related briefings, scored from shared topics, shared sources and shared keywords.

Each signal is an inverted index (topic, source or keyword → briefings in time order). A briefing's
candidates are only the nearest few briefings in each of its postings, so a topic shared by
thousands of briefings never costs thousands of comparisons; rare keys weigh more (inverse
document frequency, against a scale that moves only when the site grows past a power of two,
of counts in steps of a fifth: see _step) and keywords found in too many briefings count for
nothing. By default a list holds only briefings published before the one it belongs to: newer
briefings never enter it, though they may reorder it by making a key it shares less rare. Pure
and deterministic.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from briefings.model import RelatedConfig
from briefings.parallel import forked

WORD = re.compile(r"[^\W\d_]{3,}")
_ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z]{2,}")  # WORD in ASCII text, found faster
CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]{2,}")
KEYWORDS_PER_BRIEFING = 15
TEXT_CHARS = 1500  # the title and the opening of the text say what a story is about
NEAREST = 30  # candidates taken from each topic's and source's posting list (see Reach)
NEAREST_TEXT = 12  # and from each keyword's: there are many more keywords than topics
COMMON_SHARE = 0.1  # a keyword in more than this share of briefings says nothing
FEW_WORDS = 16  # words whose rarity moved: up to this many are looked for one by one
PARALLEL_FROM = 2000  # lists to score: below this, a second process costs more than it saves
FEW_LISTS = 8  # scoring fewer lists than one in this many of the site's indexes only their keys


@dataclass(frozen=True)  # no slots: kept in the build cache, and slotted ones unpickle 2-3x slower
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

    def __init__(
        self, postings: Mapping[str, list[int]], total: int, weight: float, most: float, nearest: int
    ) -> None:
        """The index of `total` briefings from the `postings` of their keys (or of those that a
        few briefings' lists read: see _holders)."""
        self.weight = weight
        self.nearest = nearest
        self.postings = postings
        scale = _scale(total)
        self.idf = {
            key: math.log(1 + scale / _step(len(found)))
            for key, found in postings.items()
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
    """A digest of everything scoring reads: equal digests give equal related lists, so an edit
    that leaves every briefing's topics, sources, date and opening words alone need not score."""
    digest = hashlib.sha256(repr(config).encode("utf-8", "surrogatepass"))
    for subject in subjects:
        digest.update(_subject_text(subject))
    return digest.hexdigest()


def _subject_text(subject: Subject) -> bytes:
    # The keywords, the bulk, as they are (letters, digits and spaces: see pack_keywords), after
    # the self-delimiting repr of the other fields and before a newline, which they never hold.
    fields = f"{(subject.slug, subject.order, subject.topics, subject.sources)!r}"
    return f"{fields}{subject.keywords}\n".encode("utf-8", "surrogatepass")


def _key_since(last: Scored, ordered: Sequence[Subject]) -> str:
    """The key of a scoring of `ordered` made from the `last` one: the last one's when the
    subjects are its own, else a digest of its key and of what changed since (subjects new or
    other, subjects gone), which a few changes make at once where a digest of every subject takes
    a tenth of a second at 10,000. Equal keys still tell equal subjects; the same subjects reached
    by other changes get another key, which costs a rescoring that finds nothing to do."""
    was = {subject.slug: subject for subject in last.subjects}
    changed = [s for s in ordered if (then := was.pop(s.slug, None)) is not s and then != s]
    if not changed and not was:
        return last.key
    digest = hashlib.sha256(f"since {last.key}\n".encode())
    for subject in changed:
        digest.update(_subject_text(subject))
    for slug in sorted(was):  # gone; a subject's text starts with "("
        digest.update(f"-{slug!r}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Reach:
    """How many briefings a related list takes as candidates from each of its keys' postings, on
    each side of its own briefing in time (see _Index): the nearest, as a story's related
    briefings are most often close to it in time. A longer reach may find a better list, and
    costs more; a short one leaves most lists out of reach of an edit (see _reached)."""

    keys: int = NEAREST  # from each topic's and each source's postings
    words: int = NEAREST_TEXT  # from each keyword's


@dataclass(frozen=True, slots=True)
class Scored:
    """Related lists (slug → related slugs, best first) and what they were scored from, for the
    next scoring with the same settings to rescore only the lists that its changes reach."""

    key: str  # equal keys, equal subjects (see subjects_digest and _key_since)
    config: RelatedConfig
    reach: Reach
    subjects: tuple[Subject, ...]  # oldest first
    frequency: dict[str, int]  # keyword → how many briefings have it
    chosen: tuple[str, ...]  # each briefing's most telling keywords, space-separated, oldest first
    related: dict[str, tuple[str, ...]]


def score_related(
    subjects: Sequence[Subject],
    config: RelatedConfig,
    last: Scored | None = None,
    *,
    reach: Reach = Reach(),
    parallel_from: int = PARALLEL_FROM,
) -> Scored:
    """Each briefing's related briefings: up to `config.count`, best first (ties: newer first),
    from the candidates within `reach` of it.

    A score adds, per signal, its weight times the share of the briefing's own topics, sources or
    keywords (each weighted by rarity) that the other briefing shares, so each signal gives 0 to
    its weight and the threshold means the same on a site of ten briefings or ten thousand.

    Given the `last` scoring, with the same settings, reach and scale of rarity (see _scale),
    only the lists that the changes since can reach are scored again (see _rescored); the lists
    are the same as a scoring from nothing. From `parallel_from` lists to score, where this process
    may fork (see parallel.forked), a forked process scores half of them: the lists are the same."""
    ordered = tuple(sorted(subjects, key=lambda s: s.order))
    packed = tuple(s.keywords for s in ordered)
    if last is not None and last.reach != reach:
        last = None  # its lists read other candidates: none of them holds
    if last is not None and last.config == config and _scale(len(last.subjects)) == _scale(len(ordered)):
        key = _key_since(last, ordered)
        return last if key == last.key else _rescored(last, key, ordered, packed, parallel_from)
    key = subjects_digest(ordered, config)
    if last is not None and last.key == key:
        return last
    frequency = Counter(word for text in packed for word in text.split()[::2])
    rarity = _rarity(frequency, len(ordered))
    chosen = tuple(_choose(text, rarity) for text in packed)
    related = _score(ordered, chosen, config, range(len(ordered)), reach, parallel_from)
    return Scored(key, config, reach, ordered, dict(frequency), chosen, related)


def _rescored(
    last: Scored, key: str, ordered: tuple[Subject, ...], packed: tuple[str, ...], parallel_from: int
) -> Scored:
    """The last scoring, on the same scale, brought up to date with what changed since: some
    briefings' keywords, topics, sources or dates, briefings added or removed."""
    was = {subject.slug: at for at, subject in enumerate(last.subjects)}
    before = [was.get(subject.slug) for subject in ordered]  # each one's place in the last scoring
    here = {subject.slug for subject in ordered}
    gone = [at for at, subject in enumerate(last.subjects) if subject.slug not in here]
    frequency, chosen = _rechosen(last, packed, before, gone)
    rescore = _reached(last, ordered, chosen, before, gone)
    related = {s.slug: last.related[s.slug] for s, at in zip(ordered, before, strict=True) if at is not None}
    if rescore:
        related.update(_score(ordered, chosen, last.config, sorted(rescore), last.reach, parallel_from))
    return Scored(key, last.config, last.reach, ordered, frequency, tuple(chosen), related)


def _rechosen(
    last: Scored, packed: Sequence[str], before: Sequence[int | None], gone: Sequence[int]
) -> tuple[dict[str, int], list[str]]:
    """How many briefings have each word, and each briefing's chosen keywords, from the last
    scoring's. A choice reads the briefing's own counts and the rarity of its words, which, on
    one scale, reads how many have the word and whether that is too many: it can change only for
    a briefing whose keywords changed or that holds a word whose rarity did."""
    frequency = dict(last.frequency)
    moved: set[str] = set()  # words whose frequency changed, then those whose rarity did
    edited = [i for i, at in enumerate(before) if at is None or last.subjects[at].keywords != packed[i]]
    for old_text, new_text in [(last.subjects[at].keywords, "") for at in gone] + [
        (last.subjects[at].keywords if (at := before[i]) is not None else "", packed[i]) for i in edited
    ]:
        old_words, new_words = set(old_text.split()[::2]), set(new_text.split()[::2])
        for word in old_words - new_words:
            frequency[word] -= 1
            if not frequency[word]:
                del frequency[word]
        for word in new_words - old_words:
            frequency[word] = frequency.get(word, 0) + 1
        moved |= old_words ^ new_words
    total, last_total = len(packed), len(last.subjects)
    if total != last_total:  # how many is too many moved too: so did the rarity of words in between
        low, high = sorted((_most(total), _most(last_total)))
        moved.update(word for word, n in frequency.items() if low < n <= high)
        moved.update(word for word, n in last.frequency.items() if low < n <= high)
    rarity = _rarity(frequency, total)
    was_rare = _rarity({word: last.frequency[word] for word in moved if word in last.frequency}, last_total)
    moved = {word for word in moved if rarity.get(word) != was_rare.get(word)}  # not those still too common
    again = set(edited)
    if moved:
        again.update(_holding(packed, moved))
    chosen = [last.chosen[at] if at is not None else "" for at in before]
    for i in again:
        chosen[i] = _choose(packed[i], rarity)
    return frequency, chosen


def _holding(packed: Sequence[str], words: set[str]) -> list[int]:
    """The places of the packed keyword counts (see pack_keywords) that hold one of `words`. A
    word stands first or after a space, and a space follows it: never within a count, which is
    digits. For a few words, looking for each is faster than splitting every text."""
    if len(words) > FEW_WORDS:
        return [i for i, text in enumerate(packed) if not words.isdisjoint(text.split()[::2])]
    first = tuple(f"{word} " for word in words)
    inner = [f" {word} " for word in words]
    return [i for i, text in enumerate(packed) if text.startswith(first) or any(w in text for w in inner)]


def _reached(
    last: Scored,
    ordered: Sequence[Subject],
    chosen: Sequence[str],
    before: Sequence[int | None],
    gone: Sequence[int],
) -> set[int]:
    """The places of the briefings whose related lists may have changed since the last scoring.

    A list reads, in each index (topics, sources, chosen keywords), its briefing's own keys, the
    weight of each (how many briefings have it, in steps, and whether that is too many), and
    which briefings are nearest in each key's postings, in time order. It can change only for a
    briefing that changed (came, moved in time, or has other keys), for every briefing of a key
    whose weight changed, and, in a key whose postings changed, for the briefings near the
    change: those whose nearest briefings in it take in or lose the one that came or went."""
    changes: tuple[dict[str, list[tuple[bool, Any]]], ...] = ({}, {}, {})  # key → (came, where)
    reached = set()

    def came(i: int, subject: Subject, choice: str, only: Sequence[set[str]] | None = None) -> None:
        for at, (known, own) in enumerate(zip(changes, _keys(subject, choice), strict=True)):
            for key in dict.fromkeys(own):
                if only is None or key in only[at]:
                    known.setdefault(key, []).append((True, i))

    def went(subject: Subject, choice: str, only: Sequence[set[str]] | None = None) -> None:
        for at, (known, own) in enumerate(zip(changes, _keys(subject, choice), strict=True)):
            for key in dict.fromkeys(own):
                if only is None or key in only[at]:
                    known.setdefault(key, []).append((False, subject.order))

    for place in gone:
        went(last.subjects[place], last.chosen[place])
    for i, (subject, at) in enumerate(zip(ordered, before, strict=True)):
        if at is not None and last.subjects[at] is subject and last.chosen[at] is chosen[i]:
            continue  # most briefings: kept as they were, which is told without looking
        if at is None or last.subjects[at].order != subject.order:
            reached.add(i)
            came(i, subject, chosen[i])
            if at is not None:
                went(last.subjects[at], last.chosen[at])
            continue
        keys, then = _keys(subject, chosen[i]), _keys(last.subjects[at], last.chosen[at])
        if keys != then:  # in order: a list adds its keys' shares in the order of its keys
            reached.add(i)
            came(i, subject, chosen[i], [set(own) - set(had) for own, had in zip(keys, then, strict=True)])
            went(
                last.subjects[at],
                last.chosen[at],
                [set(had) - set(own) for own, had in zip(keys, then, strict=True)],
            )
    if any(changes):
        reached |= _near_changes(last, ordered, chosen, changes)
    return reached


def _near_changes(
    last: Scored,
    ordered: Sequence[Subject],
    chosen: Sequence[str],
    changes: tuple[dict[str, list[tuple[bool, Any]]], ...],
) -> set[int]:
    """The places of the briefings that have a key whose weight changed, or whose nearest
    briefings in a key's postings may have changed (see _reached): in the key's postings now, the
    few after each briefing that came, or after the place of one that went (and the few before,
    when lists take newer briefings). If the nearest briefings of one changed, one of the
    briefings nearest to it now came, or one went from between them and it."""
    config, reach, total, then = last.config, last.reach, len(ordered), len(last.subjects)
    postings = (
        _holders([subject.topics for subject in ordered], changes[0]),
        _holders([subject.sources for subject in ordered], changes[1]),
        _word_holders(chosen, changes[2]),
    )
    orders = [subject.order for subject in ordered]
    reached: set[int] = set()
    signals: tuple[tuple[int, float, float], ...] = (
        (max(reach.keys, config.count), total, then),  # a list with nothing scored takes a topic's newest
        (reach.keys, total, then),
        (reach.words, _most(total), _most(then)),
    )
    for known, index, (nearest, most, most_then) in zip(changes, postings, signals, strict=True):
        for key, places in known.items():
            found = index[key]
            came = sum(1 for arrived, _ in places if arrived)
            count_then = len(found) - came + (len(places) - came)
            if _weighs(len(found), most) != _weighs(count_then, most_then):
                reached.update(found)
                continue
            for arrived, where in places:
                if arrived:
                    at = bisect.bisect_left(found, where)
                    reached.update(found[at + 1 : at + 1 + nearest])
                else:  # where it was, among the briefings that have the key now
                    at = bisect.bisect_left(found, bisect.bisect_left(orders, where))
                    reached.update(found[at : at + nearest])
                if config.include_newer:
                    reached.update(found[max(0, at - nearest) : at])
    return reached


def _postings(keys: Sequence[Iterable[str]]) -> dict[str, list[int]]:
    """Each key → the places (in order) of the briefings that have it, of each briefing's `keys`."""
    postings: defaultdict[str, list[int]] = defaultdict(list)
    for position, own in enumerate(keys):
        for key in dict.fromkeys(own):
            postings[key].append(position)
    return postings


def _holders(keys: Sequence[Iterable[str]], wanted: Collection[str]) -> dict[str, list[int]]:
    """The postings (see _postings) of the `wanted` keys alone, each (if none holds it, empty)."""
    postings: dict[str, list[int]] = {key: [] for key in wanted}
    if postings:
        for position, own in enumerate(keys):
            for key in own:
                if key in postings and ((found := postings[key]) == [] or found[-1] != position):
                    found.append(position)
    return postings


def _word_holders(chosen: Sequence[str], wanted: Collection[str]) -> dict[str, list[int]]:
    """The postings of the `wanted` chosen keywords (see _holders; each briefing's are one text,
    space-separated): for a few words, each is looked for in the texts before they are split."""
    if len(wanted) > FEW_WORDS:
        return _holders([choice.split() for choice in chosen], wanted)
    return {
        word: [i for i, choice in enumerate(chosen) if word in choice and word in choice.split()]
        for word in wanted
    }


def _weighs(count: int, most: float) -> int:
    """What a key's weight is made from, for one held by `count` briefings (see _Index): its step,
    or 0 when it weighs nothing (had by one briefing, or by too many)."""
    return _step(count) if 1 < count <= most else 0


def _keys(subject: Subject, chosen: str) -> tuple[tuple[str, ...], ...]:
    """A briefing's keys in each index: its topics, its sources and its chosen keywords."""
    return subject.topics, subject.sources, tuple(chosen.split())


def _rarity(frequency: Mapping[str, int], total: int) -> dict[str, float]:
    """How telling each keyword is: rarer is more, and one in a single briefing or in too many
    (see _most) says nothing."""
    most, scale = _most(total), _scale(total)
    return {word: math.log(scale / _step(found)) for word, found in frequency.items() if 1 < found <= most}


def _most(total: int) -> float:
    """How many of `total` briefings may have a keyword that says something."""
    return max(2, total * COMMON_SHARE)


def _scale(total: int) -> int:
    """What rarity is measured against: the number of briefings rounded up to a power of two.
    So a briefing more or fewer changes the rarity of its own keys and words alone, and the
    related lists of the briefings that share them, until the site grows past a power of two."""
    return 1 << max(0, total - 1).bit_length()


def _step(count: int) -> int:
    """A count of briefings as rarity reads it: rounded up to the next of the steps of a fifth or
    so (a quarter power of two), so that a briefing more or fewer changes the rarity of a key or a
    word held by many only when its count crosses a step, and scoring anew reaches only the
    briefings near the change (see _reached)."""
    return _STEPS[bisect.bisect_left(_STEPS, count)]


def _quarter_power(quarters: int) -> int:
    """2 to the power of `quarters` / 4, rounded up, worked out in integers alone."""
    power = 1 << quarters
    root = math.isqrt(math.isqrt(power))
    return root if root**4 == power else root + 1


_STEPS = sorted({_quarter_power(quarters) for quarters in range(4 * 48)})


def _choose(packed: str, rarity: Mapping[str, float]) -> str:
    """A briefing's most telling keywords (frequent in it, rare elsewhere), from its packed counts."""
    words = packed.split()  # word, count, word, count…
    useful = [(int(n) * rarity[w], w) for w, n in zip(words[::2], words[1::2], strict=True) if w in rarity]
    useful.sort(key=lambda item: (-item[0], item[1]))
    return " ".join(w for _, w in useful[:KEYWORDS_PER_BRIEFING])


def _score(
    ordered: Sequence[Subject],
    chosen: Sequence[str],
    config: RelatedConfig,
    positions: Sequence[int],
    reach: Reach,
    parallel_from: int,
) -> dict[str, tuple[str, ...]]:
    """The related lists of the briefings at `positions` (in time order), shared with a forked
    process from `parallel_from` of them."""
    if config.count == 0:
        return {ordered[i].slug: () for i in positions}
    total = len(ordered)
    topics, sources = [s.topics for s in ordered], [s.sources for s in ordered]
    if len(positions) < total // FEW_LISTS:  # only the keys these lists read are indexed
        words: list[tuple[str, ...]] = [()] * total
        for i in positions:
            words[i] = tuple(chosen[i].split())
        postings = (
            _holders(topics, {topic for i in positions for topic in topics[i]}),
            _holders(sources, {source for i in positions for source in sources[i]}),
            _word_holders(chosen, {word for i in positions for word in words[i]}),
        )
    else:
        words = [tuple(choice.split()) for choice in chosen]
        postings = (_postings(topics), _postings(sources), _postings(words))
    indexes = (
        (_Index(postings[0], total, config.topics, total, reach.keys), topics),
        (_Index(postings[1], total, config.sources, total, reach.keys), sources),
        (_Index(postings[2], total, config.text, _most(total), reach.words), words),
    )
    scoring = _Scoring(ordered, indexes, config)
    if len(positions) < parallel_from:
        return scoring.score(positions)
    # Each briefing is scored on its own: a forked process, which inherits the indexes, scores the
    # later half meanwhile.
    half = len(positions) // 2
    with forked(lambda: scoring.score(positions[half:])) as later:
        related = scoring.score(positions[:half])
        related.update(later())
    return related


@dataclass(frozen=True, slots=True)
class _Scoring:
    ordered: Sequence[Subject]
    indexes: tuple[tuple[_Index, Sequence[Sequence[str]]], ...]
    config: RelatedConfig

    def score(self, positions: Sequence[int]) -> dict[str, tuple[str, ...]]:
        """The related lists of the briefings at `positions` (oldest first)."""
        ordered, config = self.ordered, self.config
        related = {}
        for position in positions:
            scores: defaultdict[int, float] = defaultdict(float)
            for index, keys in self.indexes:
                index.accumulate(keys[position], position, config.include_newer, scores)
            related[ordered[position].slug] = _best(ordered, position, scores, config) or _fallback(
                ordered, position, self.indexes[0][0], config
            )
        return related


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
