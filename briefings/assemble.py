"""Stage 3, assemble: parsed briefings and their markup → a Site where every link resolves.

Checks what only the whole site can tell (unique slugs, related and `[[links]]` that exist),
then derives every index: topics and sources merged case-insensitively (by slug) and shown in
their most common spelling, months, related both ways, mentions, previous/next. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from typing import Any, Protocol, TypeVar

from briefings.errors import ContentError, Problem
from briefings.markup import PLACEHOLDER
from briefings.model import (
    Briefing,
    Digest,
    Edition,
    Markup,
    Month,
    Page,
    ParsedBriefing,
    ParsedPage,
    Site,
    SiteConfig,
    SourceOutlet,
    Topic,
)
from briefings.related import Scored, Subject, score_related
from briefings.slugs import slugify

RESERVED = {"briefings", "topics", "sources", "archive", "page", "static", "404", "index"}
RESERVED |= {"search", "pagefind"}  # the search page and its index, when search is on
Named = TypeVar("Named", Topic, SourceOutlet)  # what briefings are grouped under, by slug
SCORED, CURATED = "scored", "curated"  # the memo's entries: the last related scoring, curated lists


class Memo(Protocol):
    """Where assembly may keep what it worked out, for the next assembly to start from."""

    def get(self, key: str) -> Any: ...

    def put(self, key: str, value: Any) -> None: ...


@dataclass(frozen=True, slots=True)
class _Links:
    """What one document points at, resolved: explicit related slugs and wiki link targets."""

    related: tuple[str, ...]
    mentions: tuple[str, ...]


class _Resolver:
    """Checks slugs against every briefing; links to drafts left out of this build are dropped."""

    def __init__(self, every: Mapping[str, ParsedBriefing], shown: set[str]) -> None:
        self.every = every
        self.shown = shown
        self.problems: list[Problem] = []

    def resolve(self, path: Path, own: str | None, slugs: Iterable[tuple[str, int, str]]) -> tuple[str, ...]:
        kept = []
        for slug, line, what in slugs:
            if slug == own:
                self.problems.append(Problem(f"{what} '{slug}' points at this briefing itself", path, line))
            elif slug not in self.every:
                near = difflib.get_close_matches(slug, list(self.every), n=1)
                hint = f"did you mean '{near[0]}'?" if near else None
                message = f"{what} '{slug}': no briefing has that slug"
                self.problems.append(Problem(message, path, line, hint))
            elif slug in self.shown:
                kept.append(slug)
        return tuple(dict.fromkeys(kept))

    def links(self, parsed: ParsedBriefing, markup: Markup) -> _Links:
        related = self.resolve(
            parsed.path, parsed.slug, ((r.value, r.line, "related") for r in parsed.related)
        )
        mentions = self.resolve(parsed.path, parsed.slug, ((k.slug, k.line, "link") for k in markup.links))
        return _Links(related, mentions)


def assemble_site(
    config: SiteConfig,
    briefings: Sequence[tuple[ParsedBriefing, Markup, Digest]],
    pages: Sequence[tuple[ParsedPage, Markup]],
    *,
    drafts: bool,
    scheduled: Collection[str] = (),
    future: bool = False,
    memo: Memo | None = None,
) -> Site:
    """The site as readers see it, or a ContentError listing every broken reference.

    `scheduled` names briefings dated after the build's "now": like drafts, they are left out
    (links to them keep their words, never their titles) unless `future` asks for them. A `memo`
    (the build cache) keeps the related scoring, for the next build to rescore only what changed."""
    shown = [
        (p, m) for p, m, _ in briefings if (drafts or not p.draft) and (future or p.slug not in scheduled)
    ]
    digests = {p.slug: d for p, _, d in briefings}
    shown_pages = [(p, m) for p, m in pages if drafts or not p.draft]
    every = {parsed.slug: parsed for parsed, _, _ in briefings}
    resolver = _Resolver(every, {p.slug for p, _ in shown})
    links = {p.slug: resolver.links(p, m) for p, m in shown}
    for page, markup in shown_pages:
        resolver.resolve(page.path, None, ((k.slug, k.line, "link") for k in markup.links))
    problems = _duplicate_slugs([p for p, _, _ in briefings], "briefing")
    problems += _duplicate_slugs([p for p, _ in pages], "page") + _reserved_pages(pages)
    topics, topic_problems = _topics(config, shown, digests)
    problems += topic_problems + resolver.problems
    if problems:
        raise ContentError(problems)
    title = _titles(every)
    made = [_briefing(config, p, m, topics[p.slug], title, resolver.shown) for p, m in shown]
    made = [replace(b, scheduled=True) if b.slug in scheduled else b for b in made]
    made.sort(key=lambda b: (b.date.moment, b.slug), reverse=True)
    by_slug = {b.slug: b for b in made}
    outlets = _outlets(config, made)
    versions = _versions(made, {p.slug: p.version for p, _ in shown})
    months, editions = _calendar(config, made)
    return Site(
        config=config,
        briefings=tuple(made),
        pages=tuple(_page(config, p, m, title, resolver.shown) for p, m in shown_pages),
        topics=_group(made, lambda b: b.topics),
        sources=_group(made, lambda b: outlets[b.slug]),
        months=months,
        editions=editions,
        mentions={(topic, b.slug): sentence for b in made for topic, sentence in digests[b.slug].mentions},
        related=_briefings(_related(made, links, outlets, digests, config, memo), by_slug),
        mentioned_in=_briefings(
            _backlinked(made, {s: k.mentions for s, k in links.items()}, first=False), by_slug
        ),
        previous={new.slug: old for new, old in itertools.pairwise(made)},
        following={old.slug: new for new, old in itertools.pairwise(made)},
        versions=versions,
    )


def _versions(made: Sequence[Briefing], parsed: Mapping[str, str]) -> dict[str, str]:
    """Each briefing's version: a digest of its parsed file's (see convert) and of what assembly
    adds but its text (topics, and being scheduled; its address is its slug under the site's)."""
    topics: dict[Topic, str] = {}
    for briefing in made:
        for topic in briefing.topics:
            if topic not in topics:
                topics[topic] = repr(topic)
    versions = {}
    for briefing in made:
        if parsed[briefing.slug]:  # a briefing made otherwise than by conversion has none
            versions[briefing.slug] = site_version(parsed[briefing.slug], briefing, topics.__getitem__)
    return versions


def site_version(parsed: str, briefing: Briefing, topic: Callable[[Topic], str] = repr) -> str:
    """A briefing's version in the site, from its parsed file's (`parsed`, see convert): with its
    topics as assembly merged them (`topic` writes one), and whether it is scheduled."""
    text = ",".join([parsed, *map(topic, briefing.topics)]) + (",scheduled" if briefing.scheduled else "")
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def reassemble_briefing(
    site: Site,
    titles: Mapping[str, str],
    parsed: ParsedBriefing,
    markup: Markup,
    digest: Digest,
    *,
    scheduled: bool,
) -> Briefing:
    """One edited briefing made against an already assembled site (whose briefings' titles by
    slug are `titles`), for a preview that cannot wait for a whole build: its topics take the
    site's spellings, and its links the site's titles."""
    config = site.config
    known = {topic.slug: topic for topic in site.topics}
    names = [t.value for t in parsed.topics if slugify(t.value)] + list(digest.rule_topics)
    topics = tuple(
        dict.fromkeys(
            known.get(slug) or Topic(name, slug, f"{config.base_path}topics/{slug}/")
            for name in names
            if (slug := slugify(name))
        )
    )
    made = _briefing(config, parsed, markup, topics, titles.__getitem__, titles)
    return replace(made, scheduled=scheduled)


def _duplicate_slugs(parsed: Sequence[ParsedBriefing | ParsedPage], kind: str) -> list[Problem]:
    """Slugs must be unique, also ignoring case (case-insensitive file systems would merge them)."""
    first: dict[str, ParsedBriefing | ParsedPage] = {}
    problems = []
    for item in parsed:
        other = first.setdefault(item.slug.casefold(), item)
        if other is not item:
            message = f"duplicate {kind} slug '{item.slug}', already used by {other.path.name}"
            if other.slug != item.slug:
                message += f" as '{other.slug}' (slugs may not differ only in case)"
            problems.append(Problem(message, item.path, item.slug_line))
    return problems


def _reserved_pages(pages: Sequence[tuple[ParsedPage, Markup]]) -> list[Problem]:
    return [
        Problem(f"page slug '{p.slug}' is reserved for the site's own pages", p.path, p.slug_line)
        for p, _ in pages
        if p.slug.casefold() in RESERVED
    ]


def _spellings(names: Iterable[str]) -> dict[str, str]:
    """slug → the most common spelling among the names sharing it (ties: first in sort order)."""
    chosen: dict[str, str] = {}
    for name, _count in sorted(Counter(names).items(), key=lambda item: (-item[1], item[0])):
        chosen.setdefault(slugify(name), name)
    return chosen


def _topics(
    config: SiteConfig, shown: Sequence[tuple[ParsedBriefing, Markup]], digests: Mapping[str, Digest]
) -> tuple[dict[str, tuple[Topic, ...]], list[Problem]]:
    """Each briefing's topics: its own, then those site.toml's rules find in its title and text."""
    names: dict[str, list[str]] = {}
    problems = []
    for parsed, _ in shown:
        for topic in parsed.topics:
            if not slugify(topic.value):
                message = f"topic '{topic.value}' has no letters or digits to name its page"
                problems.append(Problem(message, parsed.path, topic.line))
        found = digests[parsed.slug].rule_topics
        names[parsed.slug] = [t.value for t in parsed.topics if slugify(t.value)] + list(found)
    spelling = _spellings(n for found in names.values() for n in found)
    made = {slug: Topic(name, slug, f"{config.base_path}topics/{slug}/") for slug, name in spelling.items()}
    topics = {slug: tuple(dict.fromkeys(made[slugify(n)] for n in found)) for slug, found in names.items()}
    return topics, problems


def _outlets(config: SiteConfig, made: Sequence[Briefing]) -> dict[str, tuple[SourceOutlet, ...]]:
    """Each briefing's sources as outlets; a name without letters or digits gets no index page."""
    spelling = _spellings(s.name for b in made for s in b.sources if slugify(s.name))
    outlets = {
        slug: SourceOutlet(name, slug, f"{config.base_path}sources/{slug}/")
        for slug, name in spelling.items()
    }
    return {
        b.slug: tuple(dict.fromkeys(outlets[slugify(s.name)] for s in b.sources if slugify(s.name)))
        for b in made
    }


def _calendar(
    config: SiteConfig, made: Sequence[Briefing]
) -> tuple[dict[Month, tuple[Briefing, ...]], dict[Edition, tuple[Briefing, ...]]]:
    """The briefings (newest first, as `made` is) of each month and of each day, the day taken in
    the site's timezone (a date-only briefing's is its own)."""
    days: dict[dt.date, list[Briefing]] = defaultdict(list)
    for briefing in made:
        moment = briefing.date.moment
        days[(moment if briefing.date.date_only else moment.astimezone(config.tz)).date()].append(briefing)
    months: dict[tuple[int, int], list[Briefing]] = defaultdict(list)
    for day, items in days.items():  # newest first: a month's days in turn give its briefings in order
        months[day.year, day.month] += items
    base = config.base_path
    return (
        {
            Month(year, month, f"{base}archive/{year}/{month:02d}/"): tuple(items)
            for (year, month), items in months.items()
        },
        {Edition(day, f"{base}editions/{day.isoformat()}/"): tuple(items) for day, items in days.items()},
    )


def _group(
    made: Sequence[Briefing], keys: Callable[[Briefing], Iterable[Named]]
) -> dict[Named, tuple[Briefing, ...]]:
    """Briefings (newest first, as `made` is) under each of their keys, topics or outlets (a
    briefing's are distinct; one slug names one key)."""
    groups: dict[str, list[Briefing]] = defaultdict(list)  # by slug: hashed much faster than the key
    named: dict[str, Named] = {}
    for briefing in made:
        for key in keys(briefing):
            groups[key.slug].append(briefing)
            named[key.slug] = key
    return {named[slug]: tuple(items) for slug, items in groups.items()}


def _briefing(
    config: SiteConfig,
    parsed: ParsedBriefing,
    markup: Markup,
    topics: tuple[Topic, ...],
    title: Callable[[str], str],
    shown: Collection[str],
) -> Briefing:
    return Briefing(
        path=parsed.path,
        slug=parsed.slug,
        url=f"{config.base_path}briefings/{parsed.slug}/",
        title=parsed.title,
        date=parsed.date,
        sources=parsed.sources,
        via=parsed.via,
        captured=parsed.captured,
        topics=topics,
        summary=parsed.summary or markup.summary,
        body_html=fill_links(config, markup, title, shown),
        draft=parsed.draft,
        canonical=parsed.canonical,
    )


def _page(
    config: SiteConfig,
    parsed: ParsedPage,
    markup: Markup,
    title: Callable[[str], str],
    shown: Collection[str],
) -> Page:
    return Page(
        path=parsed.path,
        slug=parsed.slug,
        url=f"{config.base_path}{parsed.slug}/",
        title=parsed.title,
        summary=parsed.summary or markup.summary,
        body_html=fill_links(config, markup, title, shown),
    )


def _titles(every: Mapping[str, ParsedBriefing]) -> Callable[[str], str]:
    return lambda slug: every[slug].title


def fill_links(
    config: SiteConfig, markup: Markup, title: Callable[[str], str], shown: Collection[str]
) -> str:
    """Each wiki link placeholder becomes a link, or plain text when its target is a hidden draft."""

    def fill(match: re.Match[str]) -> str:
        link = markup.links[int(match.group(1))]
        if link.slug not in shown:  # a draft this build leaves out: keep the words, not its title
            return escape(link.label or link.slug, quote=False)
        label = escape(link.label or title(link.slug), quote=False)
        return f'<a class="wikilink" href="{config.base_path}briefings/{link.slug}/">{label}</a>'

    html = _under_base_path(markup.html, config.base_path)
    return PLACEHOLDER.sub(fill, html) if markup.links else html


ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')


def _under_base_path(html: str, base_path: str) -> str:
    """`/img/map.png` in a body means the site's root, which for a site at `/brief/` is `/brief/`."""
    if base_path == "/":
        return html
    return ROOT_RELATIVE.sub(lambda m: m.group(1) + base_path, html)


def _backlinked(
    made: Sequence[Briefing], links: Mapping[str, tuple[str, ...]], *, first: bool
) -> dict[str, tuple[str, ...]]:
    """Slugs of the briefings that name each one, newest first; with `first`, its own links come first."""
    back: dict[str, list[str]] = defaultdict(list)
    for briefing in made:
        for slug in links[briefing.slug]:
            back[slug].append(briefing.slug)
    return {b.slug: tuple(dict.fromkeys((list(links[b.slug]) if first else []) + back[b.slug])) for b in made}


def _related(
    made: Sequence[Briefing],
    links: Mapping[str, _Links],
    outlets: Mapping[str, tuple[SourceOutlet, ...]],
    digests: Mapping[str, Digest],
    config: SiteConfig,
    memo: Memo | None,
) -> dict[str, tuple[str, ...]]:
    """The curator's related briefings (both ways) first, then the scored ones not already there."""
    curated = _backlinked(made, {s: k.related for s, k in links.items()}, first=True)
    last = memo.get(SCORED) if memo is not None else None
    scored = score_related(
        _subjects(made, outlets, digests), config.related, last if isinstance(last, Scored) else None
    )
    if memo is not None:
        memo.put(SCORED, scored)
        memo.put(CURATED, curated)
    return {slug: own + scored.related[slug] for slug, own in curated.items()}


def _subjects(
    made: Sequence[Briefing], outlets: Mapping[str, tuple[SourceOutlet, ...]], digests: Mapping[str, Digest]
) -> list[Subject]:
    return [
        Subject(
            slug=b.slug,
            order=(b.date.moment, b.slug),
            topics=tuple(t.slug for t in b.topics),
            sources=tuple(o.slug for o in outlets[b.slug]),
            keywords=digests[b.slug].keywords,
        )
        for b in made
    ]


def _briefings(
    slugs: Mapping[str, Iterable[str]], by_slug: Mapping[str, Briefing]
) -> dict[str, tuple[Briefing, ...]]:
    """Each list of slugs as the briefings they name, duplicates dropped (slugs hash much faster)."""
    return {slug: tuple(map(by_slug.__getitem__, dict.fromkeys(listed))) for slug, listed in slugs.items()}
