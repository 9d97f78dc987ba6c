"""Stage 4, feeds: a Site → RSS 2.0, Atom and JSON Feed 1.1, for the site and for each topic.

feedgen writes RSS and Atom; its defaults are not deterministic (it stamps `now()` and prepends
entries), so every date is set from the briefings and entries are appended newest first.
Item ids are permalinks: they survive rebuilds and edits, and change only with the slug.

Text a reader may render as HTML is escaped there, and left as written where a format says it is
plain. RSS says nothing, and readers differ: every `<description>` (items' and channels') is read
as HTML, so it is escaped; a `<title>` is read either way, so only what HTML would take for markup
is escaped in it (`<`, and `&` before what reads as an entity), and `AT&T` stays as written for
readers that show titles as text. In Atom, summaries and contents are `type="html"` and escaped;
titles and subtitles are text. JSON Feed's `content_html` is HTML; its other fields are text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from copy import deepcopy
from html import escape, unescape
from typing import Any
from urllib.parse import urljoin, urlsplit

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension
from feedgen.feed import FeedGenerator
from lxml.etree import Element, SubElement

from briefings import __version__
from briefings.editions import edition_groups
from briefings.model import (
    MONTHS,
    Briefing,
    Edition,
    OutputFile,
    Site,
    SiteConfig,
    Source,
    Stamp,
    Topic,
)
from briefings.reuse import Fingerprints, Rendered
from briefings.slugs import slugify

URL_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
ENTITY_START = re.compile(r"&(?=#?\w+;)")
FEED_FORMAT = "3"  # bumped when the same site makes other feed bytes: kept feeds are made again
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def render_feed_files(site: Site, previous: Mapping[str, str]) -> Rendered:
    """The feeds whose items or settings changed since `previous` (path → fingerprint of the live feed)."""
    config = site.config
    fingerprints = Fingerprints(repr(config) + __version__ + FEED_FORMAT, versions=site.versions)
    rendered = Rendered([], [], {})
    sets = [("", config.title, config.description, site.briefings)]
    for topic in sorted(site.topics, key=lambda t: t.slug):
        title, about = f"{config.title}: {topic.name}", f"Briefings on {topic.name} from {config.title}"
        sets.append((f"topics/{topic.slug}/", title, about, site.topics[topic]))
    todo = []
    for folder, title, description, items in sets:
        names = ("rss.xml", "atom.xml", "feed.json") if folder == "" else ("rss.xml", "atom.xml")
        chosen = items[: config.feed_size]
        key = fingerprints.of(folder, title, description, chosen)
        if not _keep(rendered, previous, [folder + n for n in names], key):
            todo.append((folder, title, description, chosen))
    entries = _Entries(config, Counter(b.slug for *_, chosen in todo for b in chosen))
    for folder, title, description, chosen in todo:
        rendered.files.extend(
            _feed_set(site, entries, folder, title, description, chosen, json_feed=folder == "")
        )
    editions = sorted(site.editions.items(), key=lambda item: item[0].day, reverse=True)[: config.feed_size]
    if not _keep(rendered, previous, ["editions/rss.xml", "editions/atom.xml"], fingerprints.of(editions)):
        rendered.files.extend(_edition_feeds(site, editions))
    return rendered


def _keep(rendered: Rendered, previous: Mapping[str, str], paths: list[str], key: str) -> bool:
    """Record the fingerprint of a set of feeds; True when all of them are live and still hold."""
    for path in paths:
        rendered.fingerprints[path] = key
    if all(previous.get(path) == key for path in paths):
        rendered.kept.extend(paths)
        return True
    return False


class _Entries:
    """Briefings' feed entries, each kept for the next feed that lists it: the site's feed and
    those of its topics share them. `uses` is how many feeds are to list each (by slug); an entry
    is let go when the last of them takes it (they are large)."""

    def __init__(self, config: SiteConfig, uses: Counter[str]) -> None:
        self.config = config
        self.uses = uses
        self.kept: dict[str, _SharedEntry] = {}

    def of(self, briefing: Briefing) -> _SharedEntry:
        entry = self.kept.pop(briefing.slug, None)
        if entry is None:
            entry = _entry(self.config, content_html(self.config, briefing), briefing)
        self.uses[briefing.slug] -= 1
        if self.uses[briefing.slug] > 0:
            self.kept[briefing.slug] = entry
        return entry


class _SharedEntry(FeedEntry):  # type: ignore[misc]  # feedgen is untyped
    """An entry in several feeds: its RSS item and Atom entry are built for the first feed and
    copied into the others."""

    def __init__(self) -> None:
        super().__init__()
        self._built: dict[tuple[str, bool], Any] = {}

    def rss_entry(self, extensions: bool = True) -> Any:
        if (built := self._built.get(("rss", extensions))) is None:
            built = self._built["rss", extensions] = super().rss_entry(extensions)
            title = built.find("title")
            title.text = _rss_title(title.text)
        return deepcopy(built)

    def atom_entry(self, extensions: bool = True) -> Any:
        if (built := self._built.get(("atom", extensions))) is None:
            built = self._built["atom", extensions] = super().atom_entry(extensions)
        return deepcopy(built)


def _feed_set(
    site: Site,
    entries: _Entries,
    folder: str,
    title: str,
    description: str,
    items: Sequence[Briefing],
    *,
    json_feed: bool = False,
) -> list[OutputFile]:
    config = site.config
    home = config.url_for(folder)
    # One feed object makes both formats: only its address and texts differ, and its entries cost the most.
    feed = _feedgen(config, entries, home, title, description, items, f"{folder}rss.xml")
    rss = feed.rss_str(pretty=True)
    _as_atom(feed, config, home, f"{folder}atom.xml", title, description)
    files = [OutputFile(f"{folder}rss.xml", rss), OutputFile(f"{folder}atom.xml", feed.atom_str(pretty=True))]
    if json_feed:
        files.append(
            OutputFile(f"{folder}feed.json", _json_feed(config, home, title, description, items, folder))
        )
    return files


def _feedgen(
    config: SiteConfig,
    entries: _Entries,
    home: str,
    title: str,
    description: str,
    items: Sequence[Briefing],
    path: str,
) -> FeedGenerator:
    feed = _channel(config, home, title, description, path, items[0].date.moment if items else _EPOCH)
    for briefing in items:
        feed.add_entry(entries.of(briefing), order="append")
    return feed


def _channel(
    config: SiteConfig, home: str, title: str, description: str, path: str, newest: dt.datetime
) -> FeedGenerator:
    """An RSS feed (at `path`) with its own metadata; its dates are the newest item's, never the
    build's. `_as_atom` turns it into the Atom feed."""
    feed = FeedGenerator()
    feed.id(home)
    feed.title(_rss_title(title))
    feed.subtitle(escape(description or title, quote=False))
    _address(feed, config, home, path)
    feed.language(config.language)
    feed.author({"name": config.author or config.title})
    feed.generator("briefings", __version__)
    feed.load_extension("dc", atom=False, rss=True)  # RSS items' dc:creator (see _creators)
    feed.updated(newest)
    feed.lastBuildDate(newest)
    return feed


def _as_atom(
    feed: FeedGenerator, config: SiteConfig, home: str, path: str, title: str, description: str
) -> None:
    """The RSS feed made the Atom feed at `path`: its own address, and its texts as written
    (Atom's title and subtitle are text; RSS's are escaped)."""
    feed.title(title)
    feed.subtitle(description or title)
    _address(feed, config, home, path)


def _address(feed: FeedGenerator, config: SiteConfig, home: str, path: str) -> None:
    """The feed's own address (at `path`) and its site page's."""
    self_link = {"href": config.url_for(path), "rel": "self"}
    feed.link([self_link, {"href": home, "rel": "alternate"}], replace=True)  # RSS's <link>: the last


def _edition_feeds(site: Site, editions: Sequence[tuple[Edition, tuple[Briefing, ...]]]) -> list[OutputFile]:
    """One item per day: the digest a reader who wants a daily summary subscribes to."""
    config = site.config
    home = config.url_for("editions/")
    title, description = f"{config.title}: daily editions", f"Each day's briefings from {config.title}"
    newest = max((b.date.moment for _, items in editions for b in items), default=_EPOCH)
    feed = _channel(config, home, title, description, "editions/rss.xml", newest)
    for edition, items in editions:
        _edition_entry(feed, config, edition, items)
    rss = feed.rss_str(pretty=True)
    _as_atom(feed, config, home, "editions/atom.xml", title, description)
    return [OutputFile("editions/rss.xml", rss), OutputFile("editions/atom.xml", feed.atom_str(pretty=True))]


def _edition_entry(
    feed: FeedGenerator, config: SiteConfig, edition: Edition, items: Sequence[Briefing]
) -> None:
    link = config.absolute(edition.url)
    day = dt.datetime.combine(edition.day, dt.time(), tzinfo=config.tz)
    entry = feed.add_entry(order="append")
    entry.id(link)
    entry.guid(link, permalink=True)
    entry.title(f"Briefings of {edition.day.day} {MONTHS[edition.day.month - 1]} {edition.day.year}")
    entry.link(href=link, rel="alternate")
    entry.published(day)
    entry.updated(max([day, *(b.date.moment for b in items)]))
    entry.author({"name": config.author or config.title})
    entry.dc.dc_creator(config.author or config.title)
    groups = edition_groups(items)  # the order of the edition's page
    ordered = [b for _, group in groups for b in group]
    count = f"{len(items)} briefing{'s' if len(items) != 1 else ''}"
    entry.summary(escape(f"{count}: " + "; ".join(b.title for b in ordered), quote=False), type="html")
    entry.content("\n".join(_edition_group(config, topic, group) for topic, group in groups), type="html")


def _edition_group(config: SiteConfig, topic: Topic | None, briefings: Sequence[Briefing]) -> str:
    """One topic's briefings under its name, as the edition's page shows them."""
    heading = f"<h3>{escape(topic.name) if topic else 'Other news'}</h3>\n"
    return heading + "\n".join(_edition_item(config, b) for b in briefings)


def _edition_item(config: SiteConfig, briefing: Briefing) -> str:
    link = escape(config.absolute(briefing.url))
    sources = ", ".join(escape(s.name) for s in briefing.sources)
    summary = f"<br>{escape(briefing.summary)}" if briefing.summary else ""
    return f'<p><a href="{link}">{escape(briefing.title)}</a> ({sources}){summary}</p>'


def _entry(config: SiteConfig, content: str, briefing: Briefing) -> _SharedEntry:
    link = config.absolute(briefing.url)
    entry = _SharedEntry()
    entry.id(link)
    entry.guid(link, permalink=True)
    entry.title(briefing.title)
    entry.link(href=link, rel="alternate")
    entry.published(_moment(briefing.date))
    entry.updated(_moment(briefing.date))
    entry.author({"name": config.author or config.title})
    entry.summary(escape(briefing.summary or briefing.title, quote=False), type="html")
    entry.content(content, type="html")
    for topic in briefing.topics:
        entry.category(term=topic.name, label=topic.name)
    publisher = _publisher_url(config, briefing.sources[0])
    entry.source(url=publisher, title=briefing.sources[0].name)
    entry.load_extension("dc", atom=False, rss=True)
    entry.dc.dc_creator(_creators(config, briefing))
    entry.register_extension("originals", _AtomAttribution, atom=True, rss=False)
    entry.originals.sources = briefing.sources
    entry.originals.publisher = publisher
    entry.originals.updated = _moment(briefing.sources[0].published or briefing.date)
    return entry


def _creators(config: SiteConfig, briefing: Briefing) -> list[str]:
    """Who RSS names for an item (dc:creator, since RSS's own <author> must be an e-mail address):
    the authors of its sources, when known, else the site's author."""
    authors = list(dict.fromkeys(s.author for s in briefing.sources if s.author))
    return authors or [config.author or config.title]


class _AtomAttribution(BaseEntryExtension):  # type: ignore[misc]  # feedgen is untyped
    """Atom `<link rel="related">` to each original article (feedgen drops `rel` on entry links),
    and the `<id>` and `<updated>` Atom asks of an entry's `<source>`, which feedgen leaves out:
    the publisher's address, and when its article appeared (else when it was briefed)."""

    sources: tuple[Source, ...] = ()
    publisher = ""
    updated = _EPOCH

    def extend_atom(self, entry: Any) -> Any:
        for source in self.sources:
            if source.url:
                SubElement(entry, "link", href=source.url, rel="related", title=source.name)
        for element in entry.iterchildren("source"):
            element.insert(0, _text_element("id", self.publisher))
            element.append(_text_element("updated", self.updated.isoformat()))
        return entry


def _text_element(tag: str, text: str) -> Any:
    element = Element(tag)
    element.text = text
    return element


def _publisher_url(config: SiteConfig, source: Source) -> str:
    """A source's publisher: its site, or (feeds need a URL) its page on this site."""
    if source.url:
        parts = urlsplit(source.url)
        return f"{parts.scheme}://{parts.netloc}/"
    slug = slugify(source.name)
    return config.url_for(f"sources/{slug}/" if slug else "")


def _rss_title(text: str) -> str:
    """A title as RSS carries it: what HTML would read as markup escaped, the rest as written."""
    return ENTITY_START.sub("&amp;", text).replace("<", "&lt;")


def _moment(stamp: Stamp) -> dt.datetime:
    return stamp.moment


def content_html(config: SiteConfig, briefing: Briefing) -> str:
    """The briefing's HTML with absolute URLs, then its attribution, for feed readers."""
    page = config.absolute(briefing.url)
    return (
        URL_ATTRIBUTE.sub(lambda m: _absolute_url(page, m), briefing.body_html)
        + "\n"
        + _attribution(briefing)
    )


def _absolute_url(page: str, match: re.Match[str]) -> str:
    """One href or src attribute, resolved against the briefing's page; it was and stays escaped."""
    value = match.group(2)
    if not value.startswith(("https://", "http://", "mailto:")):
        value = escape(urljoin(page, unescape(value)))
    return match.group(1) + value + match.group(3)


def _attribution(briefing: Briefing) -> str:
    parts = []
    for source in briefing.sources:
        name = escape(source.name)
        text = f'<a href="{escape(source.url)}">{name}</a>' if source.url else name
        details = [escape(d) for d in (source.author, _day(source.published)) if d]
        parts.append(text + (f" ({', '.join(details)})" if details else ""))
    via = f"; via {escape(briefing.via)}" if briefing.via else ""
    return f"<p>Source: {'; '.join(parts)}{via}</p>"


def _day(stamp: Stamp | None) -> str | None:
    return stamp.moment.date().isoformat() if stamp else None


def _json_feed(
    config: SiteConfig,
    home: str,
    title: str,
    description: str,
    items: Sequence[Briefing],
    folder: str,
) -> bytes:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": home,
        "feed_url": config.url_for(f"{folder}feed.json"),
        "description": description or title,
        "language": config.language,
        "authors": [{"name": config.author or config.title}],
        "items": [_json_item(config, content_html(config, b), b) for b in items],
    }
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_item(config: SiteConfig, content: str, briefing: Briefing) -> dict[str, object]:
    link = config.absolute(briefing.url)
    item: dict[str, object] = {
        "id": link,
        "url": link,
        "title": briefing.title,
        "content_html": content,
        "summary": briefing.summary,
        "date_published": _moment(briefing.date).isoformat(),
        "date_modified": _moment(briefing.date).isoformat(),
        "authors": [{"name": config.author or config.title}],
        "tags": [t.name for t in briefing.topics],
        "_briefings": {
            "sources": [_json_source(s) for s in briefing.sources],
            "via": briefing.via,
        },
    }
    original = next((s.url for s in briefing.sources if s.url), None)
    if original:
        item["external_url"] = original
    return item


def _json_source(source: Source) -> dict[str, str | None]:
    published = source.published.iso if source.published else None
    return {"name": source.name, "url": source.url, "author": source.author, "published": published}
