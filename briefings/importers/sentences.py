"""Import, briefing: an article's text (paragraphs of plain text or light Markdown) → its plain
sentences, in order, each marked as the story's own or not, and as fit to be a key point or not.

Sentences are found by sentencex (Wikimedia's splitter: abbreviations and the full stops of many
scripts, 。！？ and ؟ included); what is ours is the news furniture around them. A dateline
("KOBE –", "LONDON, Jan 5 (Reuters) -", "(CNN) --") is trimmed from the sentence that opens a
paragraph. Bylines, timestamps, photo captions and credits, "Read more"/"Advertisement"/"Sign up"
lines, headings without a full stop, fragments and editor's notes are kept in order but are not
the story's; a question, or a sentence too short to say anything, is the story's but no key point.
Sentences are returned as plain text, never reworded.
"""

# Full-width and other scripts' punctuation is meant wherever it appears here.
# ruff: noqa: RUF001, RUF002, RUF003

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

import sentencex  # type: ignore[import-untyped]

CJK_LANGS = frozenset({"zh", "ja", "ko"})
# A usable sentence has at least this many words (characters in Chinese, Japanese and Korean).
MIN_WORDS = 5
MIN_CJK_CHARS = 10
# A paragraph of at most this many words that holds a photo credit is a caption.
CAPTION_WORDS = 60

_LINK = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[((?:\\.|[^\]\\])*)\]\([^)]*\)")
# Emphasis marks: a literal * or _ in the article's text is escaped (\*), and an underscore inside
# a word (snake_case) is not one.
_EMPHASIS = re.compile(r"(?<!\\)\*+|(?<![\\\w])_+|(?<![\\\W])_+(?!\w)")
_HEADING = re.compile(r"^\s{0,3}(?:#{1,6}\s.*|(\*\*|__)[^*_]+\1\s*)$")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_BLOCK_MARK = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d{1,3}[.)]\s+)")
# A stray full stop inside a sentence, as line-wrapped captures leave them: "a woman who . claims".
_STRAY_STOP = re.compile(r"\s+\.\s+(?=[a-z])")
_FRAGMENT = re.compile(r"[a-z]+\b|[(（\[].*[)）\]]\W*$")
_QUESTION = re.compile(r"[?？؟][\"'”’»」』)）]*\s*$")
_END = re.compile(r"[.!?。！？؟։…][\"'”’»」』)）\]]*\s*$")

# Datelines: a place and an agency in brackets then a dash ("Canberra, Australia (CNN) --",
# "LONDON, Jan 5 (Reuters) -", "(CNN) --"), a place in capitals then a dash ("KOBE –",
# "MONTGOMERY, Ala. --"), and the Chinese and Korean wire forms ("新华社北京7月13日电（记者 …）",
# "【环球网报道】", "(서울=연합뉴스) 홍길동 기자 =").
_DASH = r"(?:\s*\.?\s*(?:--|[-–—])\s*)"
_DATELINES = (
    re.compile(
        r"^(?:[^\s()]{1,30}(?:[\s,،]+[^\s()]{1,30}){0,5}\s*)?\((?:[A-Z\u0600-\u06ff][^()]{0,28})\)" + _DASH
    ),
    re.compile(
        r"^[A-Z][A-Z’'.]+(?:\s+[A-Z][A-Z’'.]+){0,3}(?:,\s*[A-Z][\w.]*(?:\s+[A-Z0-9][\w.]*){0,2})?" + _DASH
    ),
    re.compile(
        r"^(?:【[^】]{1,30}】|[^，。\s]{2,24}电\s*[（(][^）)]{0,30}[）)]|[（(][^）)]{2,40}电[）)])\s*"
    ),
    re.compile(r"^[\[(（][^\])）]{1,30}=[^\])）]{1,20}[\])）]\s*(?:[^\s=]{1,12}\s+(?:기자|특파원)\s*=\s*)?"),
)
_BYLINE = re.compile(r"^(?:By|BY|Por|POR|Par|PAR|Von|VON|Door|Di|Av|Af)\b[\s.:]*(.*)$", re.S)
_BARE_BY = re.compile(r"^(?:By|BY|Por|Par|Von)\s*[.:]?$")
_CONNECTORS = frozenset(
    {"and", "y", "e", "et", "und", "de", "del", "da", "van", "von", "der", "den", "la", "le"}
)
# A page's own timestamps and credits: "PUBLISHED: 14:11 EST", "aktualisiert 23. März 2017",
# "| Quelle: Handelsblatt".
_STAMP = re.compile(
    r"\b(?:PUBLISHED|UPDATED|Last updated|Published|Updated|Actualizado|Mis à jour|Aktualisiert)\b|"
    r"(?i:\b(?:updated|published|aktualisiert|veröffentlicht|actualizado|publicado|mis à jour|publié|"
    r"aggiornato|pubblicato)\b[\s:,]*(?:am|on|at|le|el|il)?\s*\d)|"
    r"\|\s*(?:Quelle|Source|Fuente|Fonte)\s*:"
)
_DATE_WORDS = re.compile(
    r"\b(?:\d{1,4}(?::\d\d)?(?:st|nd|rd|th)?|am|pm|a\.m|p\.m|[ECMP][SD]T|GMT|BST|UTC|CET|at|on|"
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|[^\w\s]",
    re.I,
)
_CREDIT = re.compile(r"^\((?:[A-Z][\w.'-]+ ){1,3}[A-Z][\w.'-]+\)\s+(?=[A-Z\"\u201c])")
_CAPTION = re.compile(
    r"\((?:AP |AFP |Reuters |EPA |Getty )?(?:Photo|Picture|Image|Foto|Photograph|Credit|Bild|Video)\b[^)]*\)|"
    r"\b(?:Image copyright|Image caption|Getty Images|AP Photo|Photograph:|Photo:|Picture:|Credit:|Foto:|"
    r"Bild:|Pictured:|Shutterstock|Scroll down for video)|"
    r"\((?:left|right|above|below|top|bottom|centre|center|inset|second left|second right)\)|"
    # "Hiroshi Moriyama, center, greets …": where someone stands in a photo.
    r",\s(?:centre|center|left|right|(?:second|third|far) (?:from )?(?:left|right)|front|rear),\s|"
    # A sentence about a picture means nothing in a briefing that does not show it.
    r"\bpictured\b|"
    r"(?:[/|]\s*|\s)(?:AP|AFP|Reuters|EPA|PA|Xinhua|Getty)\)?\s*$"
)
_FURNITURE = re.compile(
    r"^\W*(?:Related|Read more|Read also|More:|See also|Advertisement|Sign up|Subscribe|Click here|"
    r"READ|WATCH|Follow us|Share this|Listen|Download|Copyright|All rights reserved|©|Lire aussi|"
    r"Leer más|Lee también|Publicidad|Lesen Sie auch|Mehr zum Thema|Anzeige|Publicité|관련기사|"
    r"相关(?:新闻|阅读|报道)|延伸阅读|广告|関連記事|広告)\b|Sign up for|newsletter",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One piece of the article as the splitter cut it, in plain text. `story` when it is a
    sentence of the story itself, not a byline, caption, credit, site furniture, heading or
    fragment; `usable` when it may also be a key point or the summary: a statement, not a
    question, long enough to say something."""

    text: str
    story: bool
    usable: bool


def language_of(text: str, lang: str | None) -> str:
    """The article's language: the primary subtag of `lang`, else a guess from the script alone."""
    if lang and lang.strip():
        return lang.strip().replace("_", "-").split("-")[0].lower()
    counts = {"ja": 0, "ko": 0, "zh": 0, "ar": 0, "ru": 0, "latin": 0}
    for char in text[:5000]:
        counts[_script(char)] = counts.get(_script(char), 0) + 1
    counts.pop("other", None)
    if counts["ja"] and counts["ja"] * 10 >= counts["zh"]:
        return "ja" if counts["ja"] + counts["zh"] > counts["latin"] else "en"
    best = max(counts, key=lambda key: counts[key])
    return "en" if best == "latin" or not counts[best] else best


def _script(char: str) -> str:
    code = ord(char)
    if 0x3040 <= code <= 0x30FF:
        return "ja"
    if 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "ko"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
        return "zh"
    if 0x0600 <= code <= 0x06FF:
        return "ar"
    if 0x0400 <= code <= 0x04FF:
        return "ru"
    return "latin" if char.isalpha() else "other"


def plain_paragraphs(text: str) -> list[str]:
    """The article's paragraphs as plain text: links keep their words, images, emphasis and
    Markdown escapes go, and every run of whitespace is one space."""
    out = []
    for block in _blocks(text):
        lines = [_BLOCK_MARK.sub("", line) for line in block.splitlines()]
        plain = _LINK.sub(lambda m: m.group(1) or "", " ".join(lines))
        plain = _ESCAPED.sub(r"\1", _EMPHASIS.sub("", plain))
        plain = " ".join(html.unescape(unicodedata.normalize("NFC", plain)).split())
        plain = _STRAY_STOP.sub(" ", plain)
        if plain:
            out.append(plain)
    return out


def _blocks(text: str) -> list[str]:
    """Paragraphs, a heading on a line of its own (`# …`, `**…**`) being one."""
    out = []
    for block in re.split(r"\n\s*\n", text):
        lines: list[str] = []
        for line in block.splitlines():
            if _HEADING.match(line):
                out.extend(["\n".join(lines), line] if lines else [line])
                lines = []
            else:
                lines.append(line)
        out.append("\n".join(lines))
    return [block for block in out if block.strip()]


def split_sentences(text: str, lang: str) -> list[Sentence]:
    """Every sentence of the article in order, datelines trimmed from the sentences that open a
    paragraph, furniture marked unusable."""
    cjk = lang in CJK_LANGS
    out = []
    for paragraph in plain_paragraphs(text):
        pieces = _segments(paragraph, lang, cjk)
        # A short paragraph with a photo credit in it is a caption, all of it.
        caption = size(paragraph, cjk) <= CAPTION_WORDS * (2.4 if cjk else 1) and any(
            map(_CAPTION.search, pieces)
        )
        for index, piece in enumerate(pieces):
            trimmed = trim_dateline(piece) if index == 0 else piece
            story = not caption and _is_sentence(trimmed) and not is_furniture(piece)
            out.append(Sentence(trimmed, story, story and _usable(trimmed, cjk)))
    return out


def _segments(paragraph: str, lang: str, cjk: bool) -> list[str]:
    pieces: list[str] = []
    found: list[str] = sentencex.segment(lang, paragraph)
    for piece in (p.strip() for p in found):
        if pieces and piece and not cjk and piece[0].islower():
            pieces[-1] = f"{pieces[-1]} {piece}"  # a split after an abbreviation the splitter did not know
        elif pieces and piece and _BARE_BY.match(pieces[-1]):
            pieces[-1] = f"{pieces[-1]} {piece}"  # "By . Associated Press .": one byline
        elif piece:
            pieces.append(piece)
    return [_tidy(piece) for piece in pieces]


def _tidy(sentence: str) -> str:
    # A space before the last full stop is what line-wrapped captures leave: "from her injuries .";
    # a name in parentheses before a sentence is the credit of the photo before it.
    return _CREDIT.sub("", re.sub(r"\s+([.!?])$", r"\1", sentence))


def trim_dateline(sentence: str) -> str:
    """The sentence without the dateline that opens it, if any."""
    for pattern in _DATELINES:
        match = pattern.match(sentence)
        if match and len(sentence) - match.end() >= 10:
            return sentence[match.end() :].lstrip()
    return sentence


def is_furniture(sentence: str) -> bool:
    """Whether the sentence is a byline, a timestamp, a photo caption or credit, or site furniture."""
    return bool(
        _is_byline(sentence)
        or _STAMP.search(sentence)
        or _CAPTION.search(sentence)
        or _FURNITURE.search(sentence)
        or _is_timestamp(sentence)
    )


def _is_byline(sentence: str) -> bool:
    match = _BYLINE.match(sentence)
    if not match:
        return False
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", match.group(1)) if w.lower() not in _CONNECTORS]
    named = sum(1 for word in words if word[0].isupper())
    return len(words) <= 12 and (not words or named / len(words) >= 0.6)


def _is_timestamp(sentence: str) -> bool:
    rest = _DATE_WORDS.sub(" ", sentence).split()
    return len(rest) <= 1 and bool(re.search(r"\d", sentence))


def _is_sentence(text: str) -> bool:
    if not _END.search(text) or not any(char.isalpha() for char in text):
        return False  # a heading, a caption or a cut-off line
    return not _FRAGMENT.match(text)  # the end of a sentence cut in two, or an editor's note


def _usable(sentence: str, cjk: bool) -> bool:
    if _QUESTION.search(sentence):
        return False  # a briefing says what the article says; a question says nothing yet
    if cjk:
        return len(re.sub(r"\s", "", sentence)) >= MIN_CJK_CHARS
    return len(sentence.split()) >= MIN_WORDS


def size(text: str, cjk: bool) -> int:
    """How long a text is: words, or characters other than spaces in Chinese, Japanese and Korean."""
    return len(re.sub(r"\s", "", text)) if cjk else len(text.split())
