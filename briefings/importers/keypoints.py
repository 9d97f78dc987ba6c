"""Import, briefing: an article's text → what its briefing says: a one-sentence summary, three
key points and up to two attributed quotes, every one of them the article's own words.

Sentences are ranked as news editors write: the lead carries the story (a position prior), a
sentence that shares the rest of the article's vocabulary carries more of it (centrality: the
cosine of its TF-IDF vector with the other sentences'), and a sentence of middling length says
one thing well (a length prior). Points are chosen greedily by rank, skipping any that repeats
what the points so far say (the redundancy step of maximal marginal relevance), within the
briefing's budget: points and quotes together at most 200 words and 40% of the article. The
chosen points keep the article's order; the summary is the first of them that is short enough.
Bylines, datelines, captions and furniture never reach the ranking (see `sentences`), nor do
sentences that are mostly someone's words in quotation marks: those are the quotes' (`quotes`).

Everything here is pure: text in, plain text out. The writer escapes it for Markdown.
"""

# Full-width and other scripts' punctuation is meant wherever it appears here.
# ruff: noqa: RUF001

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from briefings.importers.quotes import Quote, find_quotes, quoted_share
from briefings.importers.sentences import CJK_LANGS, Sentence, language_of, size, split_sentences

__all__ = ["KeyPoints", "Quote", "key_points"]

# Three points are chosen; a briefing may hold up to MAX_POINTS (a curator may add).
MIN_POINTS = 3
MAX_POINTS = 5
MAX_QUOTES = 2
MAX_WORDS = 200
MAX_SHARE = 0.4
SUMMARY_WORDS = 50
SUMMARY_CJK_CHARS = 120
# The summary rule's own ratio: 50 words are worth 120 characters of Chinese, Japanese or Korean.
CJK_CHARS_PER_WORD = SUMMARY_CJK_CHARS / SUMMARY_WORDS
# Rank = (FLOOR + centrality) x length prior x position prior. The position prior is
# 1 / (1 + i / LEAD_SPAN): the fifth sentence weighs half the first. A sentence of IDEAL_WORDS
# or more is not penalised for its length until it passes LONG_WORDS. Two sentences whose TF-IDF
# vectors have a cosine above REPEATED say the same thing. A sentence more than QUOTED of which
# is quotation is left to the quotes.
LEAD_SPAN = 4.0
IDEAL_WORDS = 12
LONG_WORDS = 35
FLOOR = 0.1
REPEATED = 0.4
# For "the same fact", words are cut to their first STEM letters: a stemmer for any language
# that writes words apart ("Genehmigung", "genehmigen"; "plots", "plotted").
STEM = 5
QUOTED = 0.5
_TOKEN = re.compile(r"\w+")
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3]+")


@dataclass(frozen=True, slots=True)
class KeyPoints:
    """A briefing's words: `summary` is one sentence of the article (empty when it has none),
    `points` three of its sentences in its order (fewer when it has fewer usable ones or is short),
    `quotes` up to two attributed direct quotes."""

    summary: str
    points: tuple[str, ...]
    quotes: tuple[Quote, ...]


def key_points(text: str, lang: str | None = None) -> KeyPoints:
    """Choose the summary, key points and quotes of an article given as paragraphs separated by
    blank lines; `lang` is its BCP 47 tag when known, else the script decides."""
    language = language_of(text, lang)
    cjk = language in CJK_LANGS
    sentences = split_sentences(text, language)
    usable = [s for s in sentences if s.usable and quoted_share(s.text) <= QUOTED]
    vectors = _vectors([s.text for s in usable], cjk)
    ranks = _ranks(usable, vectors, cjk)
    budget = _budget(sentences, cjk)
    stems = _vectors([s.text for s in usable], cjk, STEM)
    chosen = _choose(usable, stems, ranks, budget, cjk)
    left = budget - sum(size(usable[i].text, cjk) for i in chosen)
    points = tuple(usable[i].text for i in sorted(chosen))
    quotes = _pick_quotes(find_quotes(text, language), points, vectors, left, cjk)
    return KeyPoints(_summary(usable, chosen, ranks, cjk), points, quotes)


def _budget(sentences: Sequence[Sentence], cjk: bool) -> float:
    whole = sum(size(s.text, cjk) for s in sentences)
    return min(MAX_WORDS * (CJK_CHARS_PER_WORD if cjk else 1), MAX_SHARE * whole)


def _terms(text: str, cjk: bool, cut: int | None = None) -> list[str]:
    words = [w for w in _TOKEN.findall(text.lower()) if len(w) > 1 or not w.isascii()]
    if not cjk:
        return [word[:cut] if cut else _plural(word) for word in words]
    # No spaces between words: overlapping character pairs stand for them.
    runs = _CJK_RUN.findall(text)
    pairs = [run[i : i + 2] for run in runs for i in range(max(1, len(run) - 1))]
    return pairs + [w for w in words if not _CJK_RUN.search(w)]


def _plural(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _vectors(texts: Sequence[str], cjk: bool, cut: int | None = None) -> list[dict[str, float]]:
    """TF-IDF vectors of the sentences, the article's sentences being the documents; `cut` words
    to that many letters."""
    counts = [Counter(_terms(text, cjk, cut)) for text in texts]
    frequency = Counter(term for count in counts for term in count)
    total = len(counts)
    idf = {term: math.log((1 + total) / (1 + df)) for term, df in frequency.items()}
    return [{term: n * idf[term] for term, n in count.items() if idf[term] > 0} for count in counts]


def _sum(vectors: Sequence[dict[str, float]]) -> dict[str, float]:
    """The whole article's vector."""
    whole: dict[str, float] = {}
    for vector in vectors:
        for term, weight in vector.items():
            whole[term] = whole.get(term, 0.0) + weight
    return whole


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(weight * b.get(term, 0.0) for term, weight in a.items())
    norm = math.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def _ranks(usable: Sequence[Sentence], vectors: Sequence[dict[str, float]], cjk: bool) -> list[float]:
    """Each sentence's rank: its similarity to the rest of the article, weighed by position and length."""
    whole = _sum(vectors)
    ranks = []
    for position, (sentence, vector) in enumerate(zip(usable, vectors, strict=True)):
        words = size(sentence.text, cjk) / (CJK_CHARS_PER_WORD if cjk else 1)
        length = min(1.0, words / IDEAL_WORDS) * min(1.0, LONG_WORDS / words)
        # Against the rest, not the whole: a long sentence would otherwise be central for being long.
        rest = {term: weight - vector.get(term, 0.0) for term, weight in whole.items()}
        ranks.append((FLOOR + _cosine(vector, rest)) * length / (1 + position / LEAD_SPAN))
    return ranks


def _choose(
    usable: Sequence[Sentence],
    vectors: Sequence[dict[str, float]],
    ranks: Sequence[float],
    budget: float,
    cjk: bool,
) -> list[int]:
    """Indexes of the points: best rank first, none repeating another, all within the budget.

    A sentence is taken only if the shortest of the others would still make up MIN_POINTS (or as
    many as the budget holds) after it: a short article gets three shorter points rather than two
    long ones."""
    sizes = [size(sentence.text, cjk) for sentence in usable]
    shortest = sorted(sizes)
    wanted = max((n for n in range(MIN_POINTS + 1) if sum(shortest[:n]) <= budget), default=0)
    chosen: list[int] = []
    spent = 0
    for index in sorted(range(len(usable)), key=lambda i: (-ranks[i], i)):
        if len(chosen) == wanted:
            break
        missing = wanted - len(chosen) - 1
        others = sorted(sizes[i] for i in range(len(usable)) if i != index and i not in chosen)
        room = sum(others[:missing]) if len(others) >= missing else 0
        # Against each point and against all of them: a sentence may join two facts already told.
        said = [vectors[j] for j in chosen] + (
            [_sum([vectors[j] for j in chosen])] if len(chosen) > 1 else []
        )
        repeats = any(_cosine(vectors[index], other) > REPEATED for other in said)
        if spent + sizes[index] + room <= budget and not repeats:
            chosen.append(index)
            spent += sizes[index]
    return chosen


def _summary(usable: Sequence[Sentence], chosen: Sequence[int], ranks: Sequence[float], cjk: bool) -> str:
    """The first point that is short enough (a news story's lead sums it up), else the best
    ranked sentence that is, else the first point cut at a clause."""
    limit = SUMMARY_CJK_CHARS if cjk else SUMMARY_WORDS
    others = sorted((i for i in range(len(usable)) if i not in chosen), key=lambda i: -ranks[i])
    for index in [*sorted(chosen), *others]:
        if size(usable[index].text, cjk) <= limit:
            return usable[index].text
    first = min(chosen, default=0)
    return _shortened(usable[first].text, limit, cjk) if usable else ""


def _shortened(sentence: str, limit: int, cjk: bool) -> str:
    """The sentence cut at the last clause boundary within the limit, marked with an ellipsis."""
    pieces = re.split(r"(?<=[,;:，、；：])\s*" if cjk else r"(?<=[,;:])\s+", sentence)
    kept = ""
    for piece in pieces:
        longer = f"{kept}{piece}" if cjk or not kept else f"{kept} {piece}"
        if size(longer, cjk) + 1 > limit:
            break
        kept = longer
    if not kept:
        kept = "".join(sentence[: limit - 1]) if cjk else " ".join(sentence.split()[: limit - 1])
    return kept.rstrip(",;:，、；： ") + "…"


def _pick_quotes(
    found: Sequence[Quote],
    points: Sequence[str],
    vectors: Sequence[dict[str, float]],
    budget: float,
    cjk: bool,
) -> tuple[Quote, ...]:
    """The quotes that say most of the story and repeat no point, within what the budget leaves."""
    whole = _sum(vectors)
    taken = [set(_terms(point, cjk)) for point in points]
    weights = [_cosine({t: 1.0 for t in _terms(quote.text, cjk)}, whole) for quote in found]
    order = sorted(range(len(found)), key=lambda i: -weights[i])
    picked: list[int] = []
    for index in order:
        terms = set(_terms(found[index].text, cjk))
        cost = size(found[index].text, cjk) + size(found[index].speaker, cjk)
        if len(picked) == MAX_QUOTES:
            break
        if not terms or cost > budget or any(len(terms & other) > 0.5 * len(terms) for other in taken):
            continue
        picked.append(index)
        taken.append(terms)
        budget -= cost
    return tuple(found[i] for i in sorted(picked))
