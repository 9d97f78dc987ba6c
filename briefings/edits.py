"""A kept site with edits put in: the site a whole assembly would make after edits that move no
briefing (see snapshot), made from the last one without assembling anew.

An edit may change a briefing's title, text, summary, keywords and topic sentences, never where it
is listed or what it links to; so every list keeps its order, and the related lists its keywords
reach are scored again, starting from the last scoring.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import NamedTuple, TypeVar

from briefings.assemble import fill_links, site_version
from briefings.model import Briefing, Digest, Markup, ParsedBriefing, Site
from briefings.related import Scored, Subject, score_related

K = TypeVar("K")


class Edit(NamedTuple):
    """What an edit that leaves a briefing's frame alone (see convert) may change of it."""

    title: str
    body_html: str
    summary: str
    version: str  # its parsed file's (see convert)
    keywords: str  # packed (see related)
    mentions: tuple[tuple[str, str], ...]  # (topic slug, the sentence of it that mentions the topic)


def edits_of(
    site: Site, earlier: Mapping[str, Edit], converted: Iterable[tuple[ParsedBriefing, Markup, Digest]]
) -> dict[str, Edit]:
    """Briefings' edits (by slug) from their conversions, their wiki links filled against an
    assembled site with `earlier` edits and these."""
    converted = list(converted)
    titles = {briefing.slug: briefing.title for briefing in site.briefings}
    for slug, title in itertools.chain(
        ((slug, edit.title) for slug, edit in earlier.items()), ((p.slug, p.title) for p, _, _ in converted)
    ):
        if slug in titles:  # a briefing the site shows (a link to a hidden one keeps its words)
            titles[slug] = title
    return {
        parsed.slug: Edit(
            parsed.title,
            fill_links(site.config, markup, titles.__getitem__, titles),
            parsed.summary or markup.summary,
            parsed.version,
            digest.keywords,
            digest.mentions,
        )
        for parsed, markup, digest in converted
    }


def with_edits(site: Site, edits: Mapping[str, Edit], related: Mapping[str, tuple[str, ...]]) -> Site:
    """The site with some of its briefings edited (slug → edit), which every list of the site
    holds in place of the old ones, with the sentences that mention their topics, and some
    related lists anew (slug → related slugs)."""
    new = {
        b.slug: replace(b, title=edit.title, body_html=edit.body_html, summary=edit.summary)
        for b in site.briefings
        if (edit := edits.get(b.slug))
    }
    if not new and not related:
        return site
    old = {id(b) for b in site.briefings if b.slug in new}

    def swapped(items: tuple[Briefing, ...]) -> tuple[Briefing, ...]:
        if old.isdisjoint(map(id, items)):  # most lists: kept as they are
            return items
        return tuple(new.get(b.slug, b) for b in items)

    def each(lists: Mapping[K, tuple[Briefing, ...]]) -> dict[K, tuple[Briefing, ...]]:
        return {key: swapped(items) for key, items in lists.items()}

    def one(briefings: Mapping[str, Briefing]) -> dict[str, Briefing]:
        return {slug: new.get(b.slug, b) for slug, b in briefings.items()}

    briefings = swapped(site.briefings)
    by_slug = {b.slug: b for b in briefings}
    rescored = {slug: tuple(by_slug[s] for s in slugs) for slug, slugs in related.items()}
    versions = dict(site.versions)
    for slug, briefing in new.items():
        if slug in versions:
            versions[slug] = site_version(edits[slug].version, briefing)
    mentioning: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
    for (topic, slug), sentence in site.mentions.items():
        mentioning[slug].append((topic, sentence))
    for slug in new:
        mentioning[slug] = list(edits[slug].mentions)
    return replace(
        site,
        briefings=briefings,
        topics=each(site.topics),
        sources=each(site.sources),
        months=each(site.months),
        editions=each(site.editions),
        related=each(site.related) | rescored,
        mentioned_in=each(site.mentioned_in),
        previous=one(site.previous),
        following=one(site.following),
        versions=versions,
        mentions={(topic, b.slug): sentence for b in briefings for topic, sentence in mentioning[b.slug]},
    )


def related_anew(
    site: Site, subjects: Sequence[Subject], curated: Mapping[str, tuple[str, ...]], last: Scored
) -> dict[str, tuple[str, ...]]:
    """The related lists (slug → related slugs) that differ from the site's, scored for its
    briefings as `subjects` (starting from the `last` scoring: see score_related) after its
    curated lists."""
    scored = score_related(subjects, site.config.related, last)
    changed = {}
    for slug, own in curated.items():
        slugs = tuple(dict.fromkeys(own + scored.related[slug]))
        if slugs != tuple(b.slug for b in site.related[slug]):
            changed[slug] = slugs
    return changed
