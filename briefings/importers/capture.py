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

from briefings.dates import ABSOLUTE, RELATIVE, relative_stamp
from briefings.importers.article import Article
from briefings.importers.text import paragraphs
from briefings.model import Source, Stamp

MAX_SOURCE_CHARS = 60
MAX_SOURCE_WORDS = 8
_WHEN = re.compile(rf"(?:{RELATIVE.pattern}|{ABSOLUTE.pattern})$", re.IGNORECASE)
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
    """A line that dates an entry: the source glued before the time, if any, and the day."""

    source: str
    stamp: Stamp
    prefixed: bool


def _when(line: str, rules: Rules, captured: dt.datetime) -> _When | None:
    prefixed = False
    for prefix in rules.time_prefixes:
        if line.casefold().startswith(prefix.casefold()) and _WHEN.fullmatch(line[len(prefix) :].strip()):
            line, prefixed = line[len(prefix) :].strip(), True
            break
    match = _WHEN.search(line)
    if not match:
        return None
    source = line[: match.start()].rstrip(_SEPARATORS).strip()
    stamp = relative_stamp(match.group(0), captured)
    if stamp is None or len(source) > MAX_SOURCE_CHARS or len(source.split()) > MAX_SOURCE_WORDS:
        return None
    return _When(source, stamp, prefixed)


def read_capture(text: str, captured: dt.datetime, via: str | None = None) -> tuple[Article, ...]:
    """The main article and each related one, in page order; () when the text is no capture."""
    rules = rules_for(text)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [line for line in lines if line and not rules.dropped(line)]
    main, related = _regions(lines, rules)
    via = via or rules.name
    articles = _main_article(main, rules, captured, via)
    if not articles:
        return ()
    return articles + _related_articles(related, rules, captured, via)


def _regions(lines: list[str], rules: Rules) -> tuple[list[str], list[str]]:
    """Lines of the main article, and lines of the related list (both without their interface)."""
    heading = next((i for i, line in enumerate(lines) if line.casefold() in rules.related_headings), None)
    main = _until_stop(lines[:heading] if heading is not None else lines, rules)
    related = _until_stop(lines[heading + 1 :], rules) if heading is not None else []
    return main, related


def _until_stop(lines: list[str], rules: Rules) -> list[str]:
    end = next((i for i, line in enumerate(lines) if rules.stops(line)), len(lines))
    return lines[:end]


def _main_article(
    lines: list[str], rules: Rules, captured: dt.datetime, via: str | None
) -> tuple[Article, ...]:
    for index, line in enumerate(lines):
        when = _when(line, rules, captured)
        repeated = index + 1 < len(lines) and lines[index + 1] == line
        if when is None or repeated or (index and lines[index - 1] == line):
            continue
        source, header_end = (when.source, index) if when.source else (lines[index - 1], index - 1)
        header = lines[:header_end]
        if not header or not source:
            return ()
        title, extra = _title(header)
        body = extra + [line for line in lines[index + 1 :] if line != title]
        return (_article(title, source, when.stamp, body, via),)
    return ()


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
            articles.append(_article(title, source, when.stamp, body, via))
    return tuple(articles)


def _related_when(lines: list[str], index: int, rules: Rules, captured: dt.datetime) -> _When | None:
    """A related entry's time line: prefixed ("time12 hours ago"), bare, or short and glued."""
    when = _when(lines[index], rules, captured)
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
    body = [line for line in lines[after:end] if line != title]
    return title, source, body


def _article(title: str, source: str, date: Stamp, body: list[str], via: str | None) -> Article:
    return Article(
        title=title, date=date, source=Source(name=source, published=date), body=paragraphs(body), via=via
    )
