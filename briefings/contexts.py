"""Stage 4's pages: every page a site has, in a fixed order, with the template and the context
it is rendered from (made only when asked for). briefings.render decides which of them must be
rendered again, and renders them."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, partial
from typing import Any, NamedTuple

from briefings.editions import edition_groups
from briefings.jsonld import news_article
from briefings.model import Briefing, Edition, Site, SiteConfig, Topic


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed announced in a page's <head> for discovery by feed readers."""

    title: str
    url: str
    type: str


Context = Callable[[], dict[str, Any]]


class SitePage(NamedTuple):
    """A page to render: where, from which template, and its context, made only when asked for."""

    path: str
    template: str
    context: Context
    inputs: Context | None = None  # what decides the page, when the context adds what derives from it
    own: Briefing | None = None  # the briefing the page is about, whose text it shows
    # For a page about no one briefing: every list of briefings its context holds, each with what
    # the page shows of it but its briefings (its topic, month…). With what every page shares,
    # they are all its context is made from: which briefings it shows, and whether it changed
    # between builds, are told without making the context (see render.plan_pages).
    lists: Sequence[tuple[Hashable, Sequence[Briefing]]] | None = None


def site_pages(site: Site, about: Callable[[Briefing], bool] | None = None) -> Iterator[SitePage]:
    """Every page, in a fixed order; with `about`, of the pages about one briefing only those
    about a briefing it takes. A page about no one briefing (`own` is None) is made from the
    site's lists and what every page shares alone, never from a briefing's related or linking
    briefings, nor its neighbours: see reuse.lists_digest."""
    yield from _home(site)
    for briefing in site.briefings:
        if about is None or about(briefing):
            yield briefing_page(site, briefing)
    topics = sorted(site.topics.items(), key=lambda item: (item[0].name.casefold(), item[0].slug))
    yield SitePage("topics/index.html", "topics.html", partial(dict, topics=topics), lists=topics)
    for topic, briefings in topics:
        context = partial(_topic_context, site, topic, briefings)
        yield SitePage(f"topics/{topic.slug}/index.html", "topic.html", context, lists=((topic, briefings),))
    sources = sorted(site.sources.items(), key=lambda item: (item[0].name.casefold(), item[0].slug))
    yield SitePage("sources/index.html", "sources.html", partial(dict, sources=sources), lists=sources)
    for outlet, briefings in sources:
        context = partial(dict, source=outlet, briefings=briefings)
        path = f"sources/{outlet.slug}/index.html"
        yield SitePage(path, "source.html", context, lists=((outlet, briefings),))
    months = sorted(site.months.items(), key=lambda item: item[0].first_day, reverse=True)
    yield SitePage("archive/index.html", "archive.html", partial(dict, months=months), lists=months)
    for month, briefings in months:
        path = f"archive/{month.year}/{month.month:02d}/index.html"
        context = partial(dict, month=month, briefings=briefings)
        yield SitePage(path, "month.html", context, lists=((month, briefings),))
    editions = sorted(site.editions.items(), key=lambda item: item[0].day, reverse=True)
    feeds = (
        FeedLink("Daily editions (RSS)", f"{site.config.base_path}editions/rss.xml", "application/rss+xml"),
        FeedLink(
            "Daily editions (Atom)", f"{site.config.base_path}editions/atom.xml", "application/atom+xml"
        ),
    )
    context = partial(dict, editions=editions, page_feeds=feeds)
    yield SitePage("editions/index.html", "editions.html", context, lists=editions)
    for edition, briefings in editions:
        path = f"editions/{edition.day.isoformat()}/index.html"
        context = partial(_edition_context, edition, briefings, feeds)
        yield SitePage(path, "edition.html", context, lists=((edition, briefings),))
    for page in site.pages:
        yield SitePage(f"{page.slug}/index.html", "page.html", partial(dict, page=page))
    yield SitePage("404.html", "404.html", dict)
    if site.config.search:
        yield SitePage("search/index.html", "search.html", dict)
    entries = cache(partial(_sitemap, site))  # made once, for the fingerprint and the page

    def inputs() -> dict[str, Any]:  # what decides the sitemap, as one text: fingerprinted at once
        return {"entries": "\n".join(map(repr, entries()))}

    yield SitePage("sitemap.xml", "sitemap.xml", lambda: {"entries": entries()}, inputs)
    yield SitePage("robots.txt", "robots.txt", dict)


def _home(site: Site) -> Iterator[SitePage]:
    size = site.config.page_size
    chunks: Sequence[tuple[Briefing, ...]] = [
        site.briefings[start : start + size] for start in range(0, len(site.briefings), size)
    ] or [()]
    base = site.config.base_path

    def url(number: int) -> str:
        return base if number == 1 else f"{base}page/{number}/"

    for number, chunk in enumerate(chunks, start=1):
        pagination = {
            "number": number,
            "count": len(chunks),
            "newer": url(number - 1) if number > 1 else None,
            "older": url(number + 1) if number < len(chunks) else None,
        }
        path = "index.html" if number == 1 else f"page/{number}/index.html"
        context: Context = partial(dict, briefings=chunk, pagination=pagination)
        yield SitePage(path, "index.html", context, lists=(((number, len(chunks)), chunk),))


def _topic_context(site: Site, topic: Topic, briefings: Sequence[Briefing]) -> dict[str, Any]:
    feeds = (
        FeedLink(f"{topic.name} (RSS)", f"{topic.url}rss.xml", "application/rss+xml"),
        FeedLink(f"{topic.name} (Atom)", f"{topic.url}atom.xml", "application/atom+xml"),
    )
    mentions = {b.slug: site.mentions.get((topic.slug, b.slug)) for b in briefings}
    return {"topic": topic, "briefings": briefings, "page_feeds": feeds, "mentions": mentions}


def _edition_context(
    edition: Edition, briefings: Sequence[Briefing], feeds: tuple[FeedLink, ...]
) -> dict[str, Any]:
    return {"edition": edition, "groups": edition_groups(briefings), "page_feeds": feeds}


def briefing_page(site: Site, briefing: Briefing) -> SitePage:
    inputs = partial(_briefing_inputs, site, briefing)
    context = partial(_briefing_context, site.config, inputs)
    return SitePage(briefing_path(briefing), "briefing.html", context, inputs, briefing)


def briefing_path(briefing: Briefing) -> str:
    """The output path of a briefing's own page."""
    return f"briefings/{briefing.slug}/index.html"


def _briefing_inputs(site: Site, briefing: Briefing) -> dict[str, Any]:
    return {
        "briefing": briefing,
        "related": site.related[briefing.slug],
        "mentioned_in": site.mentioned_in[briefing.slug],
        "previous": site.previous.get(briefing.slug),
        "next": site.following.get(briefing.slug),
    }


def _briefing_context(config: SiteConfig, inputs: Context) -> dict[str, Any]:
    """The page's inputs and what it derives from them (its JSON-LD, costly to build)."""
    context = inputs()
    return {**context, "news_article": news_article(context["briefing"], config)}


def _sitemap(site: Site) -> list[tuple[str, str | None]]:
    """(path, lastmod) for every page a search engine should know, in a fixed order."""
    base = site.config.base_path
    newest = site.newest.moment.date().isoformat() if site.newest else None
    entries: list[tuple[str, str | None]] = [(base, newest)]
    entries += [(b.url, b.date.moment.date().isoformat()) for b in site.briefings]
    entries += [(t.url, items[0].date.moment.date().isoformat()) for t, items in site.topics.items()]
    entries += [(s.url, items[0].date.moment.date().isoformat()) for s, items in site.sources.items()]
    entries += [(m.url, items[0].date.moment.date().isoformat()) for m, items in site.months.items()]
    entries += [(p.url, None) for p in site.pages]
    entries += [(f"{base}{name}/", newest) for name in ("topics", "sources", "archive")]
    return sorted(dict(entries).items())
