"""The assembled site, kept between builds for those that find only edits that move no briefing.

Most edits change a briefing's text and little else assembly reads of it: its front matter but
its title, its wiki links and the topics found in it stay as they were (its frame: see convert).
A build that finds only such edits takes the site as the last build assembled it, puts the
edited briefings in, and converts and assembles nothing else. An edit to a briefing's first
paragraph or title also changes what lists show of it (a new title also shows in the links to
it, in texts converted again), one to a sentence naming one of its topics the topic's page, and
one that changes its keywords (the words of its title and opening) has the related lists they
reach scored again, starting from the scoring the last whole assembly kept.

Briefings added (also drafts, and briefings dated later), or edited in their frame (their date,
topics, sources, related briefings or links), are put in the kept site by `reframe` (see
reassemble), which keeps the site it makes as a new snapshot. Anything more (a deleted file, an
edited page, a problem in an edited briefing, a briefing hidden since or due since, a new title a
page links to) is left to a whole conversion and assembly, which keeps a new snapshot too.

A snapshot is three tables of the build cache: the files it was made from (path → stamp,
content key, shape and frame), small enough to look at first; the site's briefings by slug; and
the site itself, which names its briefings, with the edits made since and what assembly read of
each briefing beside it (see reassemble.Frames). So a build that adds or moves a few briefings
writes those alone beside the briefings' table, and the site's lists. All three name the build
that kept them, so that one written without the others is never used. When keywords
change, or briefings move, the related scoring that assembly kept (see assemble_site) is read
too, if it is still the one the site's lists were scored by.
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from briefings import __version__
from briefings.cache import ByName, Cache, Writes
from briefings.content import Document, with_data
from briefings.errors import Problem
from briefings.model import Briefing, Digest, Markup, ParsedBriefing, Site, SiteConfig
from briefings.schedule import Schedule, schedule

if TYPE_CHECKING:  # conversion loads Markdown: only a build that converts needs it
    from briefings.convert import Converted
    from briefings.edits import Edit
    from briefings.reassemble import Frames

Slugs = tuple[str, ...]
FILES, BRIEFINGS, SITE = "site-files", "site-briefings", "site"
MEMO = "related"  # the table in which assembly keeps the related scoring (see assemble_site)
# Raised whenever scoring makes other lists of the same briefings, or what it keeps (related.Scored)
# changes shape; snapshots go with it.
MEMO_FORMAT = 4
BUILD = "build"  # the entry naming the build that kept a table (in the files table: and its due time)
FILE = "file "  # a files table key: the file's path follows
MOST_EDITS = 100  # more edited files than this are converted and assembled anew, all at once
MOST_EDITS_KEPT = 1000  # a snapshot carrying more edits than this is made anew by a whole build
ENTRIES = ("site", "edits", "related", "scoring", "frames")  # the site table's, but BUILD


def related_memo(root: Path) -> Cache:
    """The table of the related scoring that the last whole assembly made (see assemble_site):
    a scoring starts from it, so one made by other code of the same version must not be taken.
    Its bulk is one entry that any change replaces, so it is always saved whole (see Cache)."""
    return Cache(root, MEMO, f"{__version__}|{MEMO_FORMAT}", deltas=False)


def new_build() -> str:
    """A name for a build, to tie together what it keeps in several tables."""
    return secrets.token_hex(8)


def _version(config: SiteConfig, drafts: bool, future: bool) -> str:
    from briefings.convert import conversion_settings

    return f"{__version__}|{MEMO_FORMAT}|{conversion_settings(config)}|{config!r}|{drafts}|{future}"


@dataclass(frozen=True, slots=True)
class Resumed:
    """A site taken from the last build's snapshot, with the edits this build found."""

    site: Site
    waiting: Schedule
    build: str  # the build that kept the snapshot
    edited: frozenset[str]  # the slugs of the briefings whose own page may have changed since
    files: Cache
    tables: tuple[Cache, Cache]  # the briefings' and the site's

    def keep(self, build: str) -> None:
        """Keep the site with this build's edits for the next build, as kept by `build`."""
        for table in self.tables:  # the site is as loaded: only the edits are written, beside it
            table.put(BUILD, build)
            table.save()
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
    most_edits_kept: int = MOST_EDITS_KEPT,
) -> Resumed | None:
    """The site as the last build assembled it, with the edits made since (the content files
    being `listed`: see `list_documents`); None when anything else changed, or there is no
    snapshot for these settings. What it converted on the way is put in `converted` (content key
    → conversion), for a whole conversion not to redo it. None too when the briefings edited
    since the last whole build would be more than `most_edits_kept`: each build that resumes
    writes them all again beside the snapshot, and a whole build makes one without them."""
    version = _version(config, drafts, future)
    files = Cache(config.root, FILES, version)
    last = files.get(BUILD)
    if not isinstance(last, tuple) or not isinstance(last[1], dt.datetime) or now >= last[1]:
        return None  # none kept, or kept in a shape this code does not know, or a briefing due since
    documents, problems = listed
    if problems or len(documents) != len(files.entries) - 1:
        return None
    found = _edited(config, files, documents, {} if converted is None else converted)
    if found is None:
        return None
    loaded = _site_tables(config, version, documents, last[0])
    if loaded is None:
        return None
    briefings, tables = loaded
    # Every entry is read, so that each stays in the table (a table keeps what a build used).
    kept, edits, related, scoring, _ = (tables.get(name) for name in ENTRIES)
    if kept is None or edits is None or related is None or scoring is None:
        return None
    from briefings.edits import edits_of, with_edits

    site, waiting = kept
    conversions, reshaped = found
    titles = {briefing.slug: briefing.title for briefing in site.briefings}
    titles |= {slug: edit.title for slug, edit in edits.items() if slug in titles}
    shown = {slug: conversion for slug, conversion in conversions.items() if slug in titles}
    retitled = {slug for slug, (parsed, _, _) in shown.items() if parsed.title != titles[slug]}
    linking = _linking(config, site, retitled, conversions)
    if linking is None:
        return None
    edits = edits | edits_of(site, edits, [*shown.values(), *linking.values()])
    if len(edits) > most_edits_kept:
        return None
    edited = set(conversions) | set(linking)
    if reshaped := reshaped & shown.keys():  # what lists them, or is related to them, may change
        anew = _related(config.root, scoring, site, edits)
        if anew is None:
            return None
        edited |= {slug for slug in anew.keys() | related.keys() if anew.get(slug) != related.get(slug)}
        related = anew
    tables.put("edits", edits)
    tables.put("related", related)
    site = with_edits(site, edits, related)
    if reshaped:
        edited |= _listing(site, reshaped)
    return Resumed(site, waiting, last[0], frozenset(edited), files, (briefings, tables))


def _site_tables(
    config: SiteConfig, version: str, documents: Sequence[Document], build: str
) -> tuple[Cache, Cache] | None:
    """The tables of the site kept by `build`: its briefings by slug, and the site, whose
    briefings are those (see _keep_site); None when there are none such."""
    paths = {str(document.path): document.path for document in documents}
    briefings = Cache(config.root, BRIEFINGS, version, paths)
    if briefings.get(BUILD) != build:
        return None
    by_slug = {slug: briefings.get(slug) for slug in briefings.entries if slug != BUILD}
    tables = Cache(config.root, SITE, version, named=ByName(Briefing, "slug", by_slug))
    return (briefings, tables) if tables.get(BUILD) == build else None


def _related(
    root: Path, scoring: tuple[str, Mapping[str, Slugs]], site: Site, edits: Mapping[str, Edit]
) -> dict[str, Slugs] | None:
    """The related lists that differ from those of the `site` assembled whole, its briefings'
    keywords being as `edits` leave them. Its lists were scored after its curated ones by the
    scoring of a key (`scoring`: the key and the curated lists); None when the scoring kept since
    is another (another assembly kept its own)."""
    from briefings.assemble import SCORED
    from briefings.edits import related_anew
    from briefings.related import Scored

    key, curated = scoring
    scored = related_memo(root).get(SCORED)
    if not isinstance(scored, Scored) or scored.key != key:
        return None
    keywords = {slug: edit.keywords for slug, edit in edits.items()}
    subjects = [replace(s, keywords=keywords[s.slug]) if s.slug in keywords else s for s in scored.subjects]
    return related_anew(site, subjects, curated, scored)


def _linking(
    config: SiteConfig, site: Site, retitled: Collection[str], converted: Collection[str]
) -> dict[str, tuple[ParsedBriefing, Markup, Digest]] | None:
    """The conversions of the briefings whose texts link to a `retitled` one (the link shows its
    title), but for those `converted` already, by slug; None when a page's text does (the site's
    pages are assembled anew) or one cannot be converted."""
    if not retitled:
        return {}
    targets = [f'class="wikilink" href="{config.base_path}briefings/{slug}/"' for slug in retitled]
    if any(target in page.body_html for page in site.pages for target in targets):
        return None
    from briefings.convert import Converter

    converter = Converter(config)
    found: dict[str, tuple[ParsedBriefing, Markup, Digest]] = {}
    for briefing in {b.slug: b for slug in retitled for b in site.mentioned_in[slug]}.values():
        if briefing.slug in converted:
            continue
        read = with_data(Document("briefing", briefing.path, None))
        outcome = None if isinstance(read, Problem) else converter.convert(read)
        if outcome is None or isinstance(outcome, list):
            return None
        parsed, markup, digest = outcome
        if not isinstance(parsed, ParsedBriefing) or digest is None:
            return None
        found[briefing.slug] = (parsed, markup, digest)
    return found


def _listing(site: Site, slugs: Collection[str]) -> set[str]:
    """The briefings whose pages show one of `slugs` as related, mentioning, previous or next."""
    found = set()
    for slug, items in itertools.chain(site.related.items(), site.mentioned_in.items()):
        if any(b.slug in slugs for b in items):
            found.add(slug)
    for slug, briefing in itertools.chain(site.previous.items(), site.following.items()):
        if briefing.slug in slugs:
            found.add(slug)
    return found


def _edited(
    config: SiteConfig, files: Cache, documents: Sequence[Document], converted: dict[str, Converted]
) -> tuple[dict[str, tuple[ParsedBriefing, Markup, Digest]], set[str]] | None:
    """The conversion of each briefing edited since the snapshot without changing its frame (see
    convert), by slug, and the slugs of those whose summary or keywords changed (their shape);
    the files table told of their new versions. None when any other change was made. Each
    conversion made is put in `converted`, by content key."""
    found = _converted(config, files, _scan(config, files, documents, new=False), converted)
    if found is None:
        return None
    conversions: dict[str, tuple[ParsedBriefing, Markup, Digest]] = {}
    reshaped: set[str] = set()
    for (parsed, markup, digest), entry in found:
        assert entry is not None  # no new file (see _scan)
        if parsed.frame != entry[3]:
            return None  # more than its text, summary or keywords changed
        if parsed.shape != entry[2]:
            reshaped.add(parsed.slug)
        conversions[parsed.slug] = (parsed, markup, digest)
    return conversions, reshaped


Entry = tuple[str, str, str, str]  # a files table entry: stamp, content key, shape and frame


def _scan(
    config: SiteConfig, files: Cache, documents: Sequence[Document], *, new: bool
) -> list[tuple[Document, str, Entry | None]] | None:
    """The briefings whose bytes changed since the snapshot (the files table told of them), read,
    with their content keys and their entries in the table (None for a `new` file, when new files
    are asked for). Files whose metadata alone changed get their new stamps in the table. None
    when a file cannot be read, a page changed, a file is gone (or new, unless asked for), or
    more than MOST_EDITS briefings changed."""
    from briefings.convert import content_key

    found: list[tuple[Document, str, Entry | None]] = []
    known = 0
    for document in documents:
        entry = files.get(FILE + str(document.path))
        if entry is None and not new:
            return None
        if entry is not None:
            known += 1
            if document.stamp and document.stamp == entry[0]:
                continue
        read = with_data(document)
        if isinstance(read, Problem):
            return None
        key = content_key(read, config.root)
        if entry is not None and key == entry[1]:
            files.put(FILE + str(read.path), (read.stamp, key, *entry[2:]))
        elif read.kind != "briefing" or len(found) == MOST_EDITS:
            return None  # an edited page: every page shows the site's pages
        else:
            found.append((read, key, entry))
    if known != len(files.entries) - 1:  # a file gone: what linked to it is reported by a whole build
        return None
    return found


def _converted(
    config: SiteConfig,
    files: Cache,
    found: list[tuple[Document, str, Entry | None]] | None,
    converted: dict[str, Converted],
) -> list[tuple[tuple[ParsedBriefing, Markup, Digest], Entry | None]] | None:
    """The briefings `found` by _scan converted (those in `converted`, by content key, are taken
    from it; the others are put in it), each with its entry; the files table told of their new
    versions. None when one cannot be converted, or is not a briefing."""
    if found is None:
        return None
    from briefings.convert import Converter

    converter = Converter(config) if any(key not in converted for _, key, _ in found) else None
    done = []
    for document, key, entry in found:
        outcome = converted.get(key) or (converter.convert(document) if converter else [])
        if isinstance(outcome, list):
            return None  # a problem: the whole build reports it, with any others
        converted[key] = outcome
        parsed, markup, digest = outcome
        if not isinstance(parsed, ParsedBriefing) or digest is None:
            return None
        files.put(FILE + str(parsed.path), (document.stamp, key, parsed.shape, parsed.frame))
        done.append(((parsed, markup, digest), entry))
    return done


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
    scoring: tuple[str, Mapping[str, Slugs]],
    aside: Writes | None = None,
) -> None:
    """Keep a site just assembled from the `converted` files (made from `sources`: path → stamp
    and content key) for the next build, with the key of the related scoring the assembly kept
    and the curated related lists (see assemble_site); with `aside`, the site is written while
    this build goes on (see Cache.save)."""
    from briefings.reassemble import frames_of

    version = _version(config, drafts, future)
    briefings = [(p, m, d) for p, m, d in converted if isinstance(p, ParsedBriefing) and d is not None]
    _keep_site(config, version, build, site, waiting, scoring, frames_of(site, briefings), aside=aside)
    files = Cache(config.root, FILES, version, fresh=True)
    for parsed, _, _ in converted:
        stamp, key = sources[str(parsed.path)]
        if isinstance(parsed, ParsedBriefing):
            files.put(FILE + str(parsed.path), (stamp, key, parsed.shape, parsed.frame))
        else:
            files.put(FILE + str(parsed.path), (stamp, key, "", ""))
    files.put(BUILD, (build, waiting.holds_until(future=future)))
    files.save()


class Reframed(NamedTuple):
    """A site made from the last build's snapshot with briefings added or moved (see reframe)."""

    site: Site
    waiting: Schedule
    build: str  # the build that kept the snapshot
    edited: frozenset[str]  # the slugs of the briefings whose own page may have changed since
    lists: frozenset[str]  # the paths of the pages listing briefings whose lists may have changed


def _keep_site(
    config: SiteConfig,
    version: str,
    build: str,
    site: Site,
    waiting: Schedule,
    scoring: tuple[str, Mapping[str, Slugs]],
    frames: Frames,
    briefings: Cache | None = None,
    *,
    since: tuple[Mapping[str, Edit], Mapping[str, Slugs]] = ({}, {}),
    aside: Writes | None,
) -> None:
    """The site's tables, written `aside` while the build goes on: its briefings by slug, in the
    loaded table of the briefings `briefings` (only those new since are written, beside it) or in
    a new one, and the site, which names its briefings (their bulk) by slug, with the edits made
    `since` its related scoring and the related lists they changed (see resume)."""
    kept = briefings if briefings is not None else Cache(config.root, BRIEFINGS, version, fresh=True)
    for briefing in site.briefings:
        kept.put(briefing.slug, briefing)
    kept.put(BUILD, build)
    kept.save(aside=aside)
    tables = Cache(config.root, SITE, version, fresh=True, named=ByName(Briefing, "slug", {}))
    entries: tuple[object, ...] = ((site, waiting), *map(dict, since), (scoring[0], dict(scoring[1])), frames)
    for name, value in zip(ENTRIES, entries, strict=True):
        tables.put(name, value)
    tables.put(BUILD, build)
    tables.save(aside=aside)


def reframe(
    config: SiteConfig,
    *,
    drafts: bool,
    future: bool,
    now: dt.datetime,
    listed: tuple[list[Document], list[Problem]],
    converted: dict[str, Converted],
    build: str,
    aside: Writes | None = None,
) -> Reframed | None:
    """The site a whole assembly would make after edits that add briefings or move them (see
    reassemble), made from the last build's snapshot and kept as the snapshot of this build (named
    `build`); None when anything else changed, or there is no snapshot for these settings. The
    conversions made on the way are put in `converted`, by content key. A build that shows every
    briefing (`future`) is assembled whole. With `aside`, the large tables are written while the
    build goes on (see Cache.save)."""
    from briefings.assemble import CURATED, SCORED
    from briefings.edits import with_edits
    from briefings.reassemble import Frames, list_pages_changed, own_pages_changed, reassembled
    from briefings.related import Scored

    if future:
        return None
    version = _version(config, drafts, future)
    files = Cache(config.root, FILES, version)
    last = files.get(BUILD)
    if not isinstance(last, tuple) or not isinstance(last[1], dt.datetime) or now >= last[1]:
        return None
    documents, problems = listed
    changed = None if problems else _changed(config, files, documents, converted, drafts=drafts, now=now)
    if changed is None:
        return None
    loaded = _site_tables(config, version, documents, last[0])
    if loaded is None:
        return None
    briefings, tables = loaded
    kept, edits, related, scoring, frames = (tables.get(name) for name in ENTRIES)
    if kept is None or edits is None or related is None or scoring is None:
        return None
    memo = related_memo(config.root)
    scored = memo.get(SCORED)
    if not isinstance(frames, Frames) or not isinstance(scored, Scored) or scored.key != scoring[0]:
        return None
    unedited, waiting = kept
    site = with_edits(unedited, edits, related)
    keywords = {s.slug: s.keywords for s in scored.subjects} | {slug: e.keywords for slug, e in edits.items()}
    shown, hidden = changed
    hidden_slugs = [parsed.slug for parsed in hidden]
    made = reassembled(site, frames, shown, keywords, scored, hidden_slugs, (scoring[1], related))
    waiting = _waiting_too(waiting, schedule(hidden, now, drafts=drafts))
    if made is None or waiting is None:
        return None
    if made.curated is None:  # only briefings the site leaves out: it is as it was
        edited, lists, curated = frozenset[str](), frozenset[str](), scoring[1]
        # Kept with the edits made since the scoring, as loaded: they hold the keywords it lacks.
        kept_site, since = unedited, (edits, related)
    else:
        edited, lists, curated = (
            own_pages_changed(site, made.site),
            list_pages_changed(site, made.site),
            made.curated,
        )
        memo.put(SCORED, made.scored)
        memo.put(CURATED, made.curated)
        memo.save(aside=aside)
        kept_site, since = made.site, ({}, {})  # the scoring kept knows every briefing as it is
    kept_scoring = (made.scored.key, curated)
    _keep_site(
        config,
        version,
        build,
        kept_site,
        waiting,
        kept_scoring,
        made.frames,
        briefings,
        since=since,
        aside=aside,
    )
    files.put(BUILD, (build, waiting.holds_until(future=future)))
    files.save()
    return Reframed(made.site, waiting, last[0], edited, lists)


def _waiting_too(waiting: Schedule, more: Schedule) -> Schedule | None:
    """The briefings of two schedules, and the date the first of them comes due; None when the
    first of each comes due at the same moment (which of them is first, their slugs tell)."""
    if more.next_due is None or waiting.next_due is None:
        return replace(waiting, slugs=waiting.slugs | more.slugs, next_due=more.next_due or waiting.next_due)
    if more.next_due.moment == waiting.next_due.moment:
        return None
    first = min(waiting.next_due, more.next_due, key=lambda stamp: stamp.moment)
    return Schedule(waiting.slugs | more.slugs, first)


def _changed(
    config: SiteConfig,
    files: Cache,
    documents: Sequence[Document],
    converted: dict[str, Converted],
    *,
    drafts: bool,
    now: dt.datetime,
) -> tuple[list[tuple[ParsedBriefing, Markup, Digest]], list[ParsedBriefing]] | None:
    """The conversions of the briefings new or changed since the snapshot (the files table
    told of their versions) that this build shows, and the new ones it leaves out (drafts, and
    briefings that wait for their date); None when a file is gone, a page changed, or a briefing
    cannot be converted or is hidden now but was not."""
    found = _converted(config, files, _scan(config, files, documents, new=True), converted)
    if found is None:
        return None
    changed, hidden = [], []
    for (parsed, markup, digest), entry in found:
        if (parsed.draft and not drafts) or parsed.date.moment > now:
            if entry is not None:
                return None  # a briefing hidden now: what lists or links to it goes
            hidden.append(parsed)
        else:
            changed.append((parsed, markup, digest))
    return changed, hidden
