"""Import, aggregator captures: a whole aggregator page copied as text → its articles.

The layout is read by its structure, not by one site's words: a title (often repeated), a
line that ends in a time ("Japan Times3 days ago", "time12 hours ago"), body paragraphs; then,
under a "Related Articles" heading, more entries of the same shape. The interface around them
(logos, buttons, app badges, comment boxes) is described per aggregator in aggregators.toml,
with general rules that hold for aggregators not listed there.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from briefings.dates import Dated, read_when, when_at_end
from briefings.importers.article import Article
from briefings.importers.text import paragraphs
from briefings.model import Source

MAX_SOURCE_CHARS = 60
MAX_SOURCE_WORDS = 8
_BULLET = re.compile(r"^[•·●▪‣◦*-]\s*(?P<text>\S.{0,59})$")
_SEPARATORS = " \t·|•,:-\u2013\u2014"  # and the en and em dashes


@dataclass(frozen=True, slots=True)
class Rules:
    """The interface phrases and patterns of one capture: general ones plus its aggregator's."""

    name: str | None
    related_headings: frozenset[str]
    stop_lines: frozenset[str]
    drop_lines: frozenset[str]
    drop_patterns: tuple[re.Pattern[str], ...]
    stop_patterns: tuple[re.Pattern[str], ...]
    time_prefixes: tuple[str, ...]

    def dropped(self, line: str) -> bool:
        return line.casefold() in self.drop_lines or any(p.fullmatch(line) for p in self.drop_patterns)

    def stops(self, line: str) -> bool:
        folded = line.casefold()
        if folded in self.stop_lines or folded in self.related_headings:
            return True
        return any(p.fullmatch(line) for p in self.stop_patterns)


Table = dict[str, object]


@cache
def _data() -> tuple[Table, tuple[Table, ...]]:
    """The general rules and each aggregator's table, from aggregators.toml."""
    text = resources.files("briefings.importers").joinpath("aggregators.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return data["general"], tuple(data.get("aggregators", {}).values())


def _words(table: Table, key: str) -> list[str]:
    value = table.get(key, [])
    return [str(v) for v in value] if isinstance(value, list) else []


def rules_for(text: str) -> Rules:
    """The rules for a capture: its aggregator is the one whose markers it contains."""
    general, aggregators = _data()
    chosen: Table = {}
    for table in aggregators:
        if any(marker in text for marker in _words(table, "markers")):
            chosen = table
            break
    name = str(chosen["name"]) if "name" in chosen else _name_in(text, _words(general, "name_patterns"))

    def fold(key: str) -> frozenset[str]:
        return frozenset(w.casefold() for w in _words(general, key) + _words(chosen, key))

    def compiled(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in _words(general, key) + _words(chosen, key))

    return Rules(
        name=name,
        related_headings=fold("related_headings"),
        stop_lines=fold("stop_lines"),
        drop_lines=fold("drop_lines"),
        drop_patterns=compiled("drop_patterns"),
        stop_patterns=compiled("stop_patterns"),
        time_prefixes=tuple(sorted(_words(general, "time_prefixes"), key=len, reverse=True)),
    )


def _name_in(text: str, patterns: list[str]) -> str | None:
    for pattern in patterns:
        for line in text.splitlines():
            match = re.fullmatch(pattern, line.strip())
            if match:
                return match.group("name").strip()
    return None


@dataclass(frozen=True, slots=True)
class _When:
    """A line that dates an entry: the source glued before the time, if any, and what the time says."""

    source: str
    dated: Dated
    prefixed: bool


def _when(line: str, rules: Rules, captured: dt.datetime) -> _When | None:
    prefixed = False
    for prefix in rules.time_prefixes:
        rest = line[len(prefix) :].strip()
        if line.casefold().startswith(prefix.casefold()) and when_at_end(rest) == 0:
            line, prefixed = rest, True
            break
    start = when_at_end(line)
    if start is None:
        return None
    source = line[:start].rstrip(_SEPARATORS).strip()
    dated = read_when(line[start:], captured)
    if dated is None or len(source) > MAX_SOURCE_CHARS or len(source.split()) > MAX_SOURCE_WORDS:
        return None
    return _When(source, dated, prefixed)


def _when_at(lines: list[str], index: int, rules: Rules, captured: dt.datetime) -> _When | None:
    """The time line at `index`, if it is one. A single word glued before the time is a label (a
    clock icon's "time", "Zeit") when the source has a line of its own above it, under the
    repeated title: title, title, source, label and time."""
    when = _when(lines[index], rules, captured)
    if when is None or not when.source or when.prefixed or " " in when.source or index < 3:
        return when
    above, title, repeat = lines[index - 1], lines[index - 2], lines[index - 3]
    if (
        title == repeat
        and above != title
        and len(above) <= MAX_SOURCE_CHARS
        and not _when(above, rules, captured)
    ):
        return _When("", when.dated, True)
    return when


def read_capture(text: str, captured: dt.datetime, via: str | None = None) -> tuple[Article, ...]:
    """The main article and each related one, in page order; () when the text is no capture."""
    rules = rules_for(text)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [line for line in lines if line and not rules.dropped(line)]
    dated_at = _main_when(lines, rules, captured)
    if dated_at is None:
        return ()
    main, related = _regions(lines, dated_at, rules, captured)
    via = via or rules.name
    article = _main_article(main, dated_at, rules, captured, via)
    if article is None:
        return ()
    return (article, *_related_articles(related, rules, captured, via))


def _main_when(lines: list[str], rules: Rules, captured: dt.datetime) -> int | None:
    """The line that dates the main article: the first time line that is not a repeated title."""
    for index, line in enumerate(lines):
        repeated = (index + 1 < len(lines) and lines[index + 1] == line) or (
            index and lines[index - 1] == line
        )
        if not repeated and _when_at(lines, index, rules, captured):
            return index
    return None


def _regions(
    lines: list[str], dated_at: int, rules: Rules, captured: dt.datetime
) -> tuple[list[str], list[str]]:
    """Lines of the main article, and lines of the related list (both without their interface).

    The related list starts under a heading the rules know ("Related Articles", "関連記事"), else
    at its first entry: a title the page repeats, then its source and time.
    """
    after = range(dated_at + 1, len(lines))
    heading = next((i for i in after if lines[i].casefold() in rules.related_headings), None)
    if heading is not None:
        main, related = lines[:heading], lines[heading + 1 :]
    else:
        first = next((i for i in after if _entry_starts(lines, i, rules, captured)), len(lines))
        main, related = lines[:first], lines[first:]
    return _until_stop(main, rules), _until_stop(related, rules)


def _entry_starts(lines: list[str], index: int, rules: Rules, captured: dt.datetime) -> bool:
    """Whether a related entry starts at `index`: a repeated title, dated within three lines."""
    if index + 1 >= len(lines) or lines[index] != lines[index + 1]:
        return False
    return any(_when_at(lines, i, rules, captured) for i in range(index + 2, min(index + 5, len(lines))))


def _until_stop(lines: list[str], rules: Rules) -> list[str]:
    end = next((i for i, line in enumerate(lines) if rules.stops(line)), len(lines))
    return lines[:end]


# How a sentence ends, before any closing quotes and brackets; interface lines ("Comments (0)",
# "Try our app", "No comments yet...") do not.
_SENTENCE_END = tuple(".!?。…\uff01\uff1f")  # and the full-width ! and ?
_CLOSERS = "\"')]}»\u201d\u2019\u300d\u300f\uff09"  # and the curly quotes, 」 』 and the full-width )
_ELLIPSIS = ("...", "…")
MAX_INTERFACE_CHARS = 60


def _is_prose(line: str) -> bool:
    if len(line) > 2 * MAX_INTERFACE_CHARS:
        return True
    if len(line) <= MAX_INTERFACE_CHARS and line.endswith(_ELLIPSIS):
        return False
    return line.rstrip(_CLOSERS).endswith(_SENTENCE_END)


def _text_of(body: list[str], run: int) -> list[str]:
    """The article's own lines: up to the first `run` interface lines in a row after its text,
    without the interface lines it ends with. A text with no sentence at all is kept whole."""
    seen_prose, row = False, 0
    for index, line in enumerate(body):
        prose = _is_prose(line)
        row = 0 if prose else row + 1
        if seen_prose and row >= run:
            body = body[: index - run + 1]
            break
        seen_prose = seen_prose or prose
    last = max((i for i, line in enumerate(body) if _is_prose(line)), default=None)
    return body if last is None else body[: last + 1]


def _main_article(
    lines: list[str], index: int, rules: Rules, captured: dt.datetime, via: str | None
) -> Article | None:
    when = _when_at(lines, index, rules, captured)
    if when is None:
        return None
    source, header_end = (when.source, index) if when.source else (lines[index - 1], index - 1)
    header = lines[:header_end]
    if not header or not source:
        return None
    title, extra = _title(header)
    # A heading inside the article is one line; the page's interface after it is several.
    body = _text_of(extra + [line for line in lines[index + 1 :] if line != title], run=2)
    return _article(title, source, when.dated, body, via)


def _title(header: list[str]) -> tuple[str, list[str]]:
    """The title (the line the page repeats, else the last) and header lines written after it."""
    for index in range(len(header) - 1):
        if header[index] == header[index + 1]:
            rest = [line for line in header[index + 2 :] if line != header[index]]
            return header[index], rest
    return header[-1], []


def _related_articles(
    lines: list[str], rules: Rules, captured: dt.datetime, via: str | None
) -> tuple[Article, ...]:
    marks = [(i, w) for i, line in enumerate(lines) if (w := _related_when(lines, i, rules, captured))]
    articles = []
    for number, (index, when) in enumerate(marks):
        following = marks[number + 1] if number + 1 < len(marks) else None
        end = _header_start(lines, *following) if following else len(lines)
        entry = _entry(lines, index, when, end)
        if entry:
            title, source, body = entry
            articles.append(_article(title, source, when.dated, body, via))
    return tuple(articles)


def _related_when(lines: list[str], index: int, rules: Rules, captured: dt.datetime) -> _When | None:
    """A related entry's time line: prefixed ("time12 hours ago"), bare, or short and glued."""
    when = _when_at(lines, index, rules, captured)
    if when is None or (index and lines[index - 1] == lines[index]):
        return None
    if when.prefixed or not when.source or len(lines[index]) <= MAX_SOURCE_CHARS:
        return when
    return None


def _header_start(lines: list[str], index: int, when: _When) -> int:
    """Where the entry dated at `index` begins: its title line and the repeats of it."""
    title_at = index - 1 if when.source else index - 2
    if title_at < 0:
        return max(title_at + 1, 0)
    start = title_at
    while start > 0 and lines[start - 1] == lines[title_at]:
        start -= 1
    return start


def _entry(lines: list[str], index: int, when: _When, end: int) -> tuple[str, str, list[str]] | None:
    """(title, source, body lines) of the entry dated at `index`, its body ending at `end`."""
    title_at = index - 1 if when.source else index - 2
    source = when.source or (lines[index - 1] if index > 0 else "")
    after = index + 1
    bullets = []
    while after < end and (bullet := _BULLET.match(lines[after])):
        bullets.append(bullet.group("text"))
        after += 1
    if title_at < 0 or (not when.source and title_at >= 0 and lines[index - 1] == lines[title_at]):
        # No source line between the title and the time: the bullet names the source.
        title_at = index - 1
        source = bullets[0] if bullets else ""
    if title_at < 0 or not source:
        return None
    title = lines[title_at]
    body = _text_of([line for line in lines[after:end] if line != title], run=1)
    return title, source, body


def _article(title: str, source: str, dated: Dated, body: list[str], via: str | None) -> Article:
    notes = (dated.note,) if dated.note else ()
    credit = Source(name=source, published=dated.stamp)
    return Article(title=title, source=credit, text=paragraphs(body), via=via, notes=notes)
