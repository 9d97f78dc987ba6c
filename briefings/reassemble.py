"""A site with briefings added, or with their front matter changed, made from the last assembled
site without converting or assembling the others: the site a whole assembly makes (see
assemble_site), for edits that move briefings (new dates, topics, sources, related or links) and
for new briefings.

What assembly reads of a briefing that the site does not show is kept beside the site (Frames):
the topic names as written, and the related briefings and wiki links as resolved. The changed
briefings are made as assembly makes them; every index (topics, sources, months, days, related
both ways, links, neighbours) is then worked out again from the briefings, which costs little
next to converting ten thousand files. Related lists are scored again from the last scoring.
A new briefing the site leaves out (a draft, or one dated after the build's "now") leaves it as
it was; only its slug is kept, as taken.

Whatever only a whole assembly can tell or report gives None, and the caller assembles anew: a
briefing shown before and hidden now, or the other way round, a slug taken or changed, a link or
related briefing that does not resolve, a topic without letters, a new title that other texts
show, a topic whose shown spelling would change.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from briefings.assemble import (
    Named,
    _briefing,
    _calendar,
    _spellings,
    site_version,
)
from briefings.contexts import site_pages
from briefings.model import Briefing, Digest, Markup, ParsedBriefing, Site, SiteConfig, SourceOutlet, Topic
from briefings.related import Scored, Subject, score_related
from briefings.slugs import slugify

Slugs = tuple[str, ...]
Conversion = tuple[ParsedBriefing, Markup, Digest]


@dataclass(frozen=True)
class Frames:
    """What assembly read of the shown briefings that their Briefing does not hold, by slug."""

    names: dict[str, Slugs]  # its topic names as written, then those site.toml's rules found
    links: dict[str, tuple[Slugs, Slugs]]  # its related briefings and its wiki links, resolved
    hidden: frozenset[str]  # the slugs of the briefings the site leaves out (drafts, scheduled)


def frames_of(site: Site, converted: Sequence[Conversion]) -> Frames:
    """The frames of a site assembled whole from the `converted` briefings."""
    shown = {briefing.slug for briefing in site.briefings}
    names, links = {}, {}
    for parsed, markup, digest in converted:
        if parsed.slug in shown:
            names[parsed.slug] = _names(parsed, digest)
            links[parsed.slug] = _resolved(parsed, markup, shown)
    hidden = frozenset(parsed.slug for parsed, _, _ in converted if parsed.slug not in shown)
    return Frames(names, links, hidden)


def _names(parsed: ParsedBriefing, digest: Digest) -> Slugs:
    return tuple(t.value for t in parsed.topics if slugify(t.value)) + digest.rule_topics


def _resolved(parsed: ParsedBriefing, markup: Markup, shown: Collection[str]) -> tuple[Slugs, Slugs]:
    """A briefing's related briefings and wiki link targets that the site shows (see _Resolver)."""
    related = tuple(dict.fromkeys(r.value for r in parsed.related if r.value in shown))
    return related, tuple(dict.fromkeys(link.slug for link in markup.links if link.slug in shown))


@dataclass(frozen=True)
class Reassembled:
    """A site made by `reassembled`, what to keep beside it, and the scoring its lists are of."""

    site: Site
    frames: Frames
    scored: Scored
    curated: dict[str, Slugs] | None  # None: the site's lists are the last scoring's, as they were


def reassembled(
    site: Site,
    frames: Frames,
    changed: Sequence[Conversion],
    keywords: Mapping[str, str],
    last: Scored,
    hidden: Sequence[str],
    lists: tuple[Mapping[str, Slugs], Mapping[str, Slugs]],
) -> Reassembled | None:
    """The `site` (with its `frames`) with the `changed` briefings put in, new or in place of the
    briefings of their slugs, shown all; its briefings' keywords are `keywords` (by slug) but for
    the changed ones'. The slugs of new briefings the site leaves out are `hidden`. Related lists
    are scored from the `last` scoring; `lists` are the curated lists the site's related lists
    start with, by slug, and the related lists a text edit changed since that scoring (see
    snapshot.resume). None when only a whole assembly can make the site."""
    config = site.config
    old = {briefing.slug: briefing for briefing in site.briefings}
    arriving = {parsed.slug for parsed, _, _ in changed}
    taken = {slug.casefold() for slug in itertools.chain(old, frames.hidden)}
    for slug in hidden:
        if slug.casefold() in taken or slug in arriving:
            return None  # a slug taken
        taken.add(slug.casefold())
    hidden_now = frames.hidden | frozenset(hidden)
    if not changed:  # the site is as it was
        return Reassembled(site, Frames(frames.names, frames.links, hidden_now), last, None)
    paths = {briefing.path for briefing in site.briefings}
    every, shown = old.keys() | hidden_now | arriving, old.keys() | arriving
    titles = {slug: briefing.title for slug, briefing in old.items()}
    names, links = dict(frames.names), dict(frames.links)
    mentions: dict[str, Sequence[tuple[str, str]]] = dict(_mentions(site))
    keywords = dict(keywords)
    parts: dict[str, Conversion] = {}
    for parsed, markup, digest in changed:
        slug, before = parsed.slug, old.get(parsed.slug)
        if before is None and (slug.casefold() in taken or parsed.path in paths):
            return None  # a slug taken (by a briefing hidden, say), or a briefing's slug changed
        if before is not None and before.path != parsed.path:
            return None  # two files of one slug
        if slug in parts or not _valid(parsed, markup, every):
            return None
        if before is not None and before.title != parsed.title and _shows_title(site, slug, changed):
            return None
        titles[slug] = parsed.title
        names[slug] = _names(parsed, digest)
        links[slug] = _resolved(parsed, markup, shown)
        mentions[slug] = digest.mentions
        keywords[slug] = digest.keywords
        parts[slug] = (parsed, markup, digest)
    spelling = _spellings(name for found in names.values() for name in found)
    topics = {topic.slug: topic for topic in site.topics}
    if any(topics[slug].name != name for slug, name in spelling.items() if slug in topics):
        return None  # a topic shown under another spelling: each briefing of it changes
    for slug, name in spelling.items():
        topics.setdefault(slug, Topic(name, slug, f"{config.base_path}topics/{slug}/"))
    remade = {}
    for slug, (parsed, markup, _) in parts.items():
        own = tuple(dict.fromkeys(topics[slugify(name)] for name in names[slug]))
        remade[slug] = _briefing(config, parsed, markup, own, titles.__getitem__, shown)
    made = [remade.get(b.slug, b) for b in site.briefings] + [b for s, b in remade.items() if s not in old]
    made.sort(key=lambda b: (b.date.moment, b.slug), reverse=True)
    by_slug = {b.slug: b for b in made}
    outlets = _Outlets(config, made, site)
    versions = dict(site.versions)
    for slug, (parsed, _, _) in parts.items():
        versions[slug] = site_version(parsed.version, remade[slug])
    versions = {b.slug: versions[b.slug] for b in made if b.slug in versions}  # in the site's order
    kept = {subject.slug: subject for subject in last.subjects}
    subjects = []
    for b in made:
        then = kept.get(b.slug)
        if then is not None and b.slug not in remade:  # its date, topics and sources are as they were
            subjects.append(
                then if then.keywords == keywords[b.slug] else replace(then, keywords=keywords[b.slug])
            )
            continue
        subject = Subject(
            slug=b.slug,
            order=(b.date.moment, b.slug),
            topics=tuple(t.slug for t in b.topics),
            sources=tuple(o.slug for o in outlets.of(b)),
            keywords=keywords[b.slug],
        )
        # The last scoring's own when equal: it tells briefings kept as they were by identity.
        subjects.append(subject if then is None or then != subject else then)
    scored = score_related(subjects, config.related, last)
    gone = [old[slug] for slug in remade if slug in old]
    came = list(remade.values())
    curated_then, relisted = lists
    again = _backlinks_again(made, (frames.links, links), remade, RELATED)
    curated = {b.slug: again[b.slug] if b.slug in again else curated_then[b.slug] for b in made}
    related = {}
    for slug, first in curated.items():
        if (
            slug in again
            or slug in relisted
            or scored.related[slug] is not last.related.get(slug)
            or not remade.keys().isdisjoint(first)
            or not remade.keys().isdisjoint(scored.related[slug])
        ):
            related[slug] = tuple(map(by_slug.__getitem__, dict.fromkeys(first + scored.related[slug])))
        else:  # the site's own list: the same briefings, none of them made again
            related[slug] = site.related[slug]
    linking = _backlinks_again(made, (frames.links, links), remade, LINKED)
    mentioned_in = {}
    for b in made:
        listed = linking.get(b.slug)
        mentioned_in[b.slug] = (
            site.mentioned_in[b.slug] if listed is None else tuple(map(by_slug.__getitem__, listed))
        )
    months, editions = _calendar(config, made)
    reassembled_site = Site(
        config=config,
        briefings=tuple(made),
        pages=site.pages,
        topics=_regrouped(made, site.topics, (_topics_of, _topics_of), gone, came, topics),
        sources=_regrouped(made, site.sources, (outlets.then, outlets.of), gone, came, outlets.named),
        months=months,
        editions=editions,
        mentions={(topic, b.slug): sentence for b in made for topic, sentence in mentions[b.slug]},
        related=related,
        mentioned_in=mentioned_in,
        previous={new.slug: older for new, older in itertools.pairwise(made)},
        following={older.slug: new for new, older in itertools.pairwise(made)},
        versions=versions,
    )
    return Reassembled(reassembled_site, Frames(names, links, hidden_now), scored, curated)


class _Outlets:
    """The outlets of the `made` briefings (see assemble._outlets), each by its slug under its most
    common spelling (the `site`'s very outlet when that stays), and a briefing's when asked for."""

    def __init__(self, config: SiteConfig, made: Sequence[Briefing], site: Site) -> None:
        names = [source.name for briefing in made for source in briefing.sources]
        self.slugs = {name: slugify(name) for name in set(names)}  # a few outlets, cited thousands of times
        self.before = {outlet.slug: outlet for outlet in site.sources}
        self.named = {
            slug: self.before[slug]
            if slug in self.before and self.before[slug].name == name
            else SourceOutlet(name, slug, f"{config.base_path}sources/{slug}/")
            for slug, name in _spellings(name for name in names if self.slugs[name]).items()
        }

    def of(self, briefing: Briefing) -> tuple[SourceOutlet, ...]:
        """A made briefing's outlets, as assembly gives them."""
        return self._outlets(briefing, self.named)

    def then(self, briefing: Briefing) -> tuple[SourceOutlet, ...]:
        """A briefing's outlets in the `site`."""
        return self._outlets(briefing, self.before)

    def _outlets(self, briefing: Briefing, named: Mapping[str, SourceOutlet]) -> tuple[SourceOutlet, ...]:
        slugs = [self.slugs.get(source.name) or slugify(source.name) for source in briefing.sources]
        return tuple(dict.fromkeys(named[slug] for slug in slugs if slug))


def _topics_of(briefing: Briefing) -> tuple[Topic, ...]:
    return briefing.topics


def _regrouped(
    made: Sequence[Briefing],
    before: Mapping[Named, tuple[Briefing, ...]],
    keys: tuple[Callable[[Briefing], Sequence[Named]], Callable[[Briefing], Sequence[Named]]],
    gone: Sequence[Briefing],
    came: Sequence[Briefing],
    named: Mapping[str, Named],
) -> dict[Named, tuple[Briefing, ...]]:
    """What assembly groups the `made` briefings under (see assemble._group), made from the
    groups `before` them, those `gone` and those that `came` (their keys then and now are
    `keys`): only the groups those are in are made again. The groups come in the order assembly
    gives, of their newest briefings, and under the keys in `named` (by slug)."""
    then, now = keys
    position = {briefing.slug: at for at, briefing in enumerate(made)}
    leaving = {id(briefing) for briefing in gone}
    groups = {key.slug: items for key, items in before.items()}
    touched = {key.slug for briefing in gone for key in then(briefing)}
    for slug in touched | {key.slug for briefing in came for key in now(briefing)}:
        members = [b for b in groups.get(slug, ()) if id(b) not in leaving]
        members += [b for b in came if any(key.slug == slug for key in now(b))]
        groups[slug] = tuple(sorted(members, key=lambda b: position[b.slug]))

    def first(item: tuple[str, tuple[Briefing, ...]]) -> tuple[int, int]:
        slug, items = item
        return position[items[0].slug], [key.slug for key in now(items[0])].index(slug)

    return {named[slug]: items for slug, items in sorted(((s, i) for s, i in groups.items() if i), key=first)}


RELATED, LINKED = 0, 1  # in Frames.links: a briefing's related briefings, then its wiki links


def _backlinks_again(
    made: Sequence[Briefing],
    links: tuple[Mapping[str, tuple[Slugs, Slugs]], Mapping[str, tuple[Slugs, Slugs]]],
    changed: Collection[str],
    kind: int,
) -> dict[str, Slugs]:
    """The lists that assembly's _backlinked gives for the `made` briefings, named by their
    links of a `kind` (RELATED, which come first in a briefing's own list, or LINKED), as they
    were and are (`links`: see Frames), that the `changed` briefings may change: their own, and
    those of the briefings they named then or name now. Any other list names the same briefings
    in the same order as before."""
    then, now = links
    again = set(changed)
    for slug in changed:
        again.update(then[slug][kind] if slug in then else (), now[slug][kind])
    back: defaultdict[str, list[str]] = defaultdict(list)
    for briefing in made:
        for target in now[briefing.slug][kind]:
            if target in again:
                back[target].append(briefing.slug)
    return {
        slug: tuple(dict.fromkeys([*(now[slug][kind] if kind == RELATED else ()), *back.get(slug, ())]))
        for slug in again
        if slug in now
    }


def _mentions(site: Site) -> dict[str, list[tuple[str, str]]]:
    """Each briefing's (topic slug, sentence) pairs, in the site's order."""
    found: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
    for (topic, slug), sentence in site.mentions.items():
        found[slug].append((topic, sentence))
    return {b.slug: found.get(b.slug, []) for b in site.briefings}


def _valid(parsed: ParsedBriefing, markup: Markup, every: set[str]) -> bool:
    """Whether assembly finds nothing to report of a briefing: its topics name pages, and its
    related briefings and wiki links are other briefings it knows (see _Resolver)."""
    targets = [r.value for r in parsed.related] + [link.slug for link in markup.links]
    return all(slugify(t.value) for t in parsed.topics) and all(
        target != parsed.slug and target in every for target in targets
    )


def _shows_title(site: Site, slug: str, changed: Sequence[Conversion]) -> bool:
    """Whether a text not being made again shows the title of the briefing `slug` (in a link)."""
    again = {parsed.slug for parsed, _, _ in changed}
    if any(b.slug not in again for b in site.mentioned_in.get(slug, ())):
        return True
    target = f'class="wikilink" href="{site.config.base_path}briefings/{slug}/"'
    return any(target in page.body_html for page in site.pages)


def own_pages_changed(before: Site, after: Site) -> frozenset[str]:
    """The briefings whose own pages may show other things in `after` than in `before` (made from
    it by `reassembled`, which keeps every briefing it did not make again): their briefing, or
    one of its related, linking or neighbouring briefings, is another."""
    old = {briefing.slug: briefing for briefing in before.briefings}
    changed = set()
    for briefing in after.briefings:
        slug = briefing.slug
        if (
            old.get(slug) is not briefing
            or not _same(before.related.get(slug, ()), after.related[slug])
            or not _same(before.mentioned_in.get(slug, ()), after.mentioned_in[slug])
            or before.previous.get(slug) is not after.previous.get(slug)
            or before.following.get(slug) is not after.following.get(slug)
        ):
            changed.add(slug)
    return frozenset(changed)


def list_pages_changed(before: Site, after: Site) -> frozenset[str]:
    """The paths of the pages about no one briefing in `after` whose lists (see SitePage.lists)
    differ from those of the page of the same path in `before`, or that it did not have: any
    other page with lists shows what it showed (`reassembled` keeps every briefing it did not
    make again)."""
    then = {page.path: page.lists for page in site_pages(before, _none) if page.lists is not None}
    changed = set()
    for page in site_pages(after, _none):
        if page.lists is None:
            continue
        lists = then.get(page.path)
        if lists is None or len(lists) != len(page.lists):
            changed.add(page.path)
            continue
        for (key, briefings), (key_then, briefings_then) in zip(page.lists, lists, strict=True):
            if key != key_then or not _same(briefings, briefings_then):
                changed.add(page.path)
                break
    return frozenset(changed)


def _none(_: Briefing) -> bool:
    return False


def _same(these: Sequence[Briefing], those: Sequence[Briefing]) -> bool:
    """Equal briefings, in the same order (mostly the very same ones: told without a call)."""
    return tuple(these) == tuple(those)
