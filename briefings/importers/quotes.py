"""Import, briefing: an article's text → the direct quotes it attributes to a named speaker.

A quote counts only when the article says who said it, next to it: `"…," the ministry said.`,
`"…," said Prime Minister Shigeru Ishiba.`, `X said: "…"`, `"…," according to X.`, the same in
Spanish, French, German, Italian and Portuguese with their quotation marks («», „“), and
`X表示：“…”`, `Xは「…」と述べた`, `X는 "…"라고 말했다`. A pronoun ("he said") or a vague subject
("officials said") is not a clear speaker, and a quoted fragment ("the maritime soul") is not a
quote: such quotes are left out rather than guessed at.
"""

# Full-width and other scripts' punctuation is meant wherever it appears here.
# ruff: noqa: RUF001, RUF002

from __future__ import annotations

import re
from dataclasses import dataclass

from briefings.importers.sentences import CJK_LANGS, plain_paragraphs, size

MIN_WORDS = 6
MAX_WORDS = 60
MIN_CJK_CHARS = 8
MAX_CJK_CHARS = 150
MAX_SPEAKER_WORDS = 8

# Quotation marks: (opening, closing, what may stand between them). Single quotes double as
# apostrophes, so inside them an apostrophe must stand between two letters.
_MARKS = (
    ('"', '"', r'[^"]'),
    ("“", "”", r"[^“”]"),
    ("«", "»", r"[^«»]"),
    ("„", "“", r"[^„“”]"),
    ("‘", "’(?!\\w)", r"(?:[^‘’]|(?<=\w)’(?=\w))"),
    ("(?<!\\w)'", "'(?!\\w)", r"(?:[^'\n]|(?<=\w)'(?=\w))"),
    ("「", "」", r"[^「」]"),
    ("『", "』", r"[^『』]"),
)
_QUOTED = [re.compile(f"{o}\\s*(?P<q>{c}{{10,600}}?)\\s*{e}") for o, e, c in _MARKS]
_INNER_END = re.compile(r"[\"'”’»」』]\W*$")
_OPENING = frozenset('"“«„‘「『')
_SAID = (
    r"said|says|told|added|wrote|explained|stated|warned|insisted|noted|declared|argued|asked|replied|"
    r"tweeted|announced|claimed|admitted|recalled|concluded|continued|dijo|afirmó|señaló|declaró|aseguró|"
    r"explicó|indicó|añadió|agregó|sostuvo|advirtió|a déclaré|a dit|a affirmé|a expliqué|a ajouté|"
    r"a souligné|a estimé|déclare|affirme|explique|ajoute|estime|sagte|sagt|erklärte|erklärt|betonte|"
    r"meinte|ha detto|ha dichiarato|disse|afirmou|declarou"
)
_ACCORDING = r"according to|selon|según|laut|secondo|segundo"
_SPEAKER = r"[^\s,.;:!?\"“”«»„()][^,.;:!?\"“”«»„()]{1,70}?"
_AFTER = (
    re.compile(rf"^\s*,?\s*(?:{_ACCORDING})\s+(?P<s>{_SPEAKER})\s*(?:[,.;!?]|$)", re.I),
    re.compile(rf"^\s*,?\s*(?:{_SAID})\s+(?P<s>{_SPEAKER})\s*(?:[,.;!?]|$)"),
    re.compile(rf"^\s*,?\s*(?P<s>{_SPEAKER})\s+(?:{_SAID})\b"),
)
_BEFORE = re.compile(
    rf"(?:^|[.!?;,]\s+|\b(?:and|but|y|et|und)\s+)(?P<s>{_SPEAKER})\s+(?:{_SAID})(?:\s+[^,:\"“”«»„]{{1,30}})?\s*[:,]\s*$"
)
_CJK_PATTERNS = (
    re.compile(
        r"(?P<s>[^，。！？“”「」：:\s]{2,20}?)(?:表示|说|称|指出|强调|认为|說|稱)[，,：:]\s*[“「](?P<q>[^”」]{6,200})[”」]"
    ),
    re.compile(
        r"(?P<s>[^、。「」\s]{2,20}?)(?:は|が)「(?P<q>[^」]{6,200})」と(?:述べ|語っ|話し|強調し|説明し|指摘し|明らかにし)"
    ),
    re.compile(
        r"(?P<s>[^,.\"“”\s][^,.\"“”]{1,20}?)(?:은|는|이|가)\s*[\"“](?P<q>[^\"”]{6,200})[\"”]\s*(?:이?라고|고)\s*"
        r"(?:말했|밝혔|강조했|설명했|전했|덧붙였)"
    ),
)
# Subjects that do not say who spoke: pronouns, and plurals nobody is named in.
_VAGUE = frozenset(
    {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "this", "that", "who", "which",
     "one", "officials", "police", "sources", "experts", "critics", "il", "elle", "ils", "elles", "on",
     "er", "sie", "es", "man", "él", "ella", "ellos", "ellas", "lui", "lei", "egli", "ele", "eles"}
)  # fmt: skip
_DETERMINERS = frozenset(
    {"the", "a", "an", "la", "le", "les", "el", "los", "las", "der", "die", "das", "il", "lo", "o", "os",
     "as", "un", "une", "uno", "una", "ein", "eine", "des", "du", "del", "um", "uma"}
)  # fmt: skip
_ADVERBS = frozenset(
    {"later", "also", "again", "then", "now", "once", "recently", "previously", "earlier", "finally",
     "simply", "today", "yesterday", "tonight", "still", "too"}
)  # fmt: skip
_CONJUNCTIONS = frozenset(
    {"and", "but", "or", "as", "when", "while", "who", "which", "that", "y", "et", "und"}
)
_CIRCUMSTANCE = re.compile(
    r"\s+(?:at|in|on|during|from|to|after|before|while|when|with|en|à|dans|lors|bei|im|am|nach|durante)\s.*$"
)
_CJK_CIRCUMSTANCE = re.compile(r"[在于對对向]")


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote: `text` is the quoted words without the quotation marks, `speaker` who said
    them as the article names them."""

    text: str
    speaker: str


def find_quotes(text: str, lang: str) -> list[Quote]:
    """Every attributed direct quote in the article, in order, each once."""
    cjk = lang in CJK_LANGS
    found: list[Quote] = []
    for paragraph in plain_paragraphs(text):
        for quote in _cjk_quotes(paragraph) if cjk else _quotes(paragraph):
            if _fits(quote, cjk) and quote.text not in {q.text for q in found}:
                found.append(quote)
    return found


def quoted_share(sentence: str) -> float:
    """How much of the sentence is someone's words in quotation marks (1.0 when it opens with one)."""
    if sentence[:1] in _OPENING:
        return 1.0
    spans = {i for pattern in _QUOTED for m in pattern.finditer(sentence) for i in range(*m.span())}
    return len(spans) / len(sentence) if sentence else 0.0


def _quotes(paragraph: str) -> list[Quote]:
    out: list[tuple[int, Quote]] = []
    for pattern in _QUOTED:
        for match in pattern.finditer(paragraph):
            speaker = _speaker_after(paragraph[match.end() :]) or _speaker_before(paragraph[: match.start()])
            # A quote that ends in a quote of its own ("People say, 'Oh, I didn't care,'") is left out.
            if speaker and not _INNER_END.search(match.group("q")):
                out.append((match.start(), Quote(_as_sentence(match.group("q")), speaker)))
    return [quote for _, quote in sorted(out, key=lambda pair: pair[0])]


def _cjk_quotes(paragraph: str) -> list[Quote]:
    found = [(m.start(), m.group("q"), m.group("s")) for p in _CJK_PATTERNS for m in p.finditer(paragraph)]
    return [Quote(q.strip(), _clear_cjk(s) or "") for _, q, s in sorted(found) if _clear_cjk(s)]


def _speaker_after(rest: str) -> str | None:
    for pattern in _AFTER:
        match = pattern.match(rest[:120])
        if match:
            return _clear(match.group("s"))
    return None


def _speaker_before(head: str) -> str | None:
    match = _BEFORE.search(head[-160:])
    return _clear(match.group("s")) if match else None


def _clear(speaker: str) -> str | None:
    """The speaker when the article names one: not a pronoun, not a vague plural, not a clause.

    What follows the name is left out: an adverb ("Rosenberg later"), a place or time ("Jane
    Lubchenco at an Aug. 4 briefing")."""
    words = _CIRCUMSTANCE.sub("", speaker.strip()).split()
    while words and words[-1].lower() in _ADVERBS:
        words.pop()
    if not words or len(words) > MAX_SPEAKER_WORDS or words[-1].lower() in _CONJUNCTIONS:
        return None
    if words[0].lower() in _VAGUE or " ".join(words).lower() in _VAGUE:
        return None
    if not any(word[:1].isupper() for word in words) and words[0].lower() not in _DETERMINERS:
        return None  # "spoke on Friday's call": no name, no "the …"
    return " ".join(words)


def _clear_cjk(speaker: str) -> str | None:
    """A Chinese, Japanese or Korean speaker without the circumstance after the name ("…在发言中")."""
    name = _CJK_CIRCUMSTANCE.split(speaker.strip())[0]
    return name if len(name) >= 2 else None


def _as_sentence(quoted: str) -> str:
    """The quoted words as a sentence: the comma that hands over to 'he said' becomes a full stop."""
    text = quoted.strip().rstrip(",;: ")
    return text if re.search(r"[.!?…]$", text) else f"{text}."


def _fits(quote: Quote, cjk: bool) -> bool:
    if cjk:
        return MIN_CJK_CHARS <= size(quote.text, True) <= MAX_CJK_CHARS
    starts = quote.text[:1]
    return MIN_WORDS <= size(quote.text, False) <= MAX_WORDS and not starts.islower() and starts not in ".…"
