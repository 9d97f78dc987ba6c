"""What every importer hands the writer: articles found in one source, before they become files."""

from __future__ import annotations

from dataclasses import dataclass

from briefings.model import Source, Stamp


@dataclass(frozen=True, slots=True)
class Article:
    """One article found in a source; `body` is Markdown that is already safe to publish."""

    title: str
    date: Stamp
    source: Source
    body: str
    via: str | None = None


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
