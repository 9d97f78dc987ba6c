"""The assembled site, kept between builds for those that find only briefings' texts edited.

Most edits change a briefing's text and nothing else assembly reads of it: its front matter and
summary, its wiki links, the topics and topic mentions found in it and its keywords stay as they
were. A build that finds only such edits takes the site as the last build assembled it, puts the
new texts in, and converts and assembles nothing else. Anything more (a new, deleted or moved
file, an edited page, a problem in an edited briefing, a briefing due since) is left to a whole
conversion and assembly, which keeps a new snapshot.

A snapshot is two tables of the build cache: the files it was made from (path → stamp, content
key and shape), small enough to look at first, and the site itself with the texts edited since.
Both name the build that kept them, so that one written without the other is never used.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefings import __version__
from briefings.cache import Cache
from briefings.content import Document, with_data
from briefings.errors import Problem
from briefings.model import Markup, ParsedBriefing, Site, SiteConfig
from briefings.schedule import Schedule

if TYPE_CHECKING:  # conversion loads Markdown: only a build that converts needs it
    from briefings.convert import Converted

FILES, SITE = "site-files", "site"
BUILD = "build"  # the entry naming the build that kept a table (in the files table: and its due time)
FILE = "file "  # a files table key: the file's path follows
MOST_EDITS = 100  # more edited files than this are converted and assembled anew, all at once
MOST_TEXTS = 1000  # a snapshot carrying more edited texts than this is made anew by a whole build


def new_build() -> str:
    """A name for a build, to tie together what it keeps in several tables."""
    return secrets.token_hex(8)


def _version(config: SiteConfig, drafts: bool, future: bool) -> str:
    from briefings.convert import conversion_settings

    return f"{__version__}|{conversion_settings(config)}|{config!r}|{drafts}|{future}"


@dataclass(frozen=True, slots=True)
class Resumed:
    """A site taken from the last build's snapshot, with the texts this build found edited."""

    site: Site
    waiting: Schedule
    build: str  # the build that kept the snapshot
    edited: frozenset[str]  # the slugs of the briefings whose text changed since
    files: Cache
    tables: Cache
    texts: dict[str, str]  # every text edited since the snapshot was made whole: slug → body HTML

    def keep(self, build: str) -> None:
        """Keep the site with this build's texts for the next build, as kept by `build`."""
        self.tables.put("texts", self.texts)
        self.tables.put(BUILD, build)
        self.tables.save()  # the site is as loaded: only the texts are written, beside the table
        _, due = self.files.get(BUILD)
        self.files.put(BUILD, (build, due))
        self.files.save()


def resume(
    config: SiteConfig,
    *,
    drafts: bool,
    future: bool,
    now: dt.datetime,
    listed: tuple[list[Document], list[Problem]],
    converted: dict[str, Converted] | None = None,
) -> Resumed | None:
    """The site as the last build assembled it, with the texts edited since (the content files
    being `listed`: see `list_documents`); None when anything else changed, or there is no
    snapshot for these settings. What it converted on the way is put in `converted` (content key
    → conversion), for a whole conversion not to redo it."""
    version = _version(config, drafts, future)
    files = Cache(config.root, FILES, version)
    last = files.get(BUILD)
    if not isinstance(last, tuple) or not isinstance(last[1], dt.datetime) or now >= last[1]:
        return None  # none kept, or kept in a shape this code does not know, or a briefing due since
    documents, problems = listed
    if problems or len(documents) != len(files.entries) - 1:
        return None
    markups = _edited(config, files, documents, {} if converted is None else converted)
    if markups is None:
        return None
    paths = {str(document.path): document.path for document in documents}
    tables = Cache(config.root, SITE, version, paths)
    kept, texts = tables.get("site"), tables.get("texts")
    if kept is None or texts is None or tables.get(BUILD) != last[0]:
        return None
    from briefings.assemble import text_in, with_texts

    site, waiting = kept
    shown = {briefing.slug for briefing in site.briefings}
    texts = texts | {slug: text_in(site, markup) for slug, markup in markups.items() if slug in shown}
    if len(texts) > MOST_TEXTS:
        return None
    return Resumed(with_texts(site, texts), waiting, last[0], frozenset(markups), files, tables, texts)


def _edited(
    config: SiteConfig, files: Cache, documents: Sequence[Document], converted: dict[str, Converted]
) -> dict[str, Markup] | None:
    """The markup of each briefing whose text alone changed since the snapshot (by slug), the
    files table told of their new versions; None when any other change was made. Each
    conversion made is put in `converted`, by content key."""
    from briefings.convert import Converter, content_key

    edited = []
    for document in documents:
        known = files.get(FILE + str(document.path))
        if known is None:
            return None
        if document.stamp and document.stamp == known[0]:
            continue
        read = with_data(document)
        if isinstance(read, Problem):
            return None
        key = content_key(read, config.root)
        if key != known[1]:
            if read.kind != "briefing":  # an edited page: every page shows the site's pages
                return None
            edited.append((read, key, known[2]))
        files.put(FILE + str(read.path), (read.stamp, key, known[2]))
        if len(edited) > MOST_EDITS:
            return None
    converter, markups = Converter(config), {}
    for document, key, known_shape in edited:
        outcome = converter.convert(document)
        if isinstance(outcome, list):
            return None  # a problem: the whole build reports it, with any others
        converted[key] = outcome
        parsed, markup, _ = outcome
        if not isinstance(parsed, ParsedBriefing) or parsed.shape != known_shape:
            return None  # more than its text changed
        markups[parsed.slug] = markup
    return markups


def keep_whole(
    config: SiteConfig,
    *,
    drafts: bool,
    future: bool,
    build: str,
    site: Site,
    waiting: Schedule,
    converted: Sequence[Converted],
    sources: Mapping[str, tuple[str, str]],
) -> None:
    """Keep a site just assembled from the `converted` files (made from `sources`: path → stamp
    and content key) for the next build; the site is written aside while this build goes on."""
    version = _version(config, drafts, future)
    tables = Cache(config.root, SITE, version, fresh=True)
    tables.put("site", (site, waiting))
    tables.put("texts", {})
    tables.put(BUILD, build)
    tables.save(background=True)
    files = Cache(config.root, FILES, version, fresh=True)
    for parsed, _, _ in converted:
        stamp, key = sources[str(parsed.path)]
        files.put(
            FILE + str(parsed.path), (stamp, key, parsed.shape if isinstance(parsed, ParsedBriefing) else "")
        )
    files.put(BUILD, (build, waiting.holds_until(future=future)))
    files.save()
