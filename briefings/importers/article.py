"""What every importer hands the writer: articles found in one source, before they become files."""

from __future__ import annotations

from dataclasses import dataclass

from briefings.model import Source, Stamp


@dataclass(frozen=True, slots=True)
class Article:
    """One article found in a source, as the source gives it.

    `text` is the article's own text as Markdown that is already safe to publish (paragraphs
    split by blank lines); the writer briefs it. `source.published` is when the original
    appeared, or None when the source does not say: it is never guessed. `lang` is the
    article's language when the source names it. `notes` says what the importer could not find
    or had to change ("no author", "title shortened"), for the curator's report.
    """

    title: str
    source: Source
    text: str
    via: str | None = None
    lang: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Found:
    """What one source gave: its articles, whether they are related to each other, and what was left out.

    `captured` is when the curator captured the source; `skipped` holds (what, why) pairs for
    entries that could not be imported, such as a feed item without a title.
    """

    origin: str
    articles: tuple[Article, ...]
    captured: Stamp
    related: bool = False
    skipped: tuple[tuple[str, str], ...] = ()
