"""The data every stage shares: frozen, typed values, one type per stage.

SiteConfig ── config.load_config(site.toml)
ParsedBriefing, ParsedPage ── content.list_documents + content.parse_document
Markup, Digest ── markup.MarkupRenderer, digest.Digester (both through convert.convert_site)
Briefing, Page, Topic, SourceOutlet, Month, Edition, Site ── assemble.assemble_site(...), or
    after edits that move no briefing snapshot.resume (the last build's Site, the edits put in)
OutputFile ── render.plan_pages / feeds.render_feed_files → output.Spare (output.writing)
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
"""Month names for dates on pages and in feeds: fixed, so output never depends on the machine's locale."""


@dataclass(frozen=True, slots=True)
class TopicRule:
    """A topic declared in site.toml, with the other names it goes by."""

    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RelatedConfig:
    """How automatic "Related" lists are scored: per-signal weights and a threshold."""

    count: int = 5
    threshold: float = 0.4
    include_newer: bool = False
    topics: float = 1.0
    sources: float = 0.2
    text: float = 0.5


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """site.toml, checked. `base_url` always ends with a slash."""

    root: Path
    title: str
    base_url: str
    description: str = ""
    language: str = "en"
    author: str = ""
    timezone: str = "UTC"
    feed_size: int = 50
    page_size: int = 20
    topics: tuple[TopicRule, ...] = ()
    related: RelatedConfig = RelatedConfig()
    search: bool = False

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of base_url: `/` or a sub-path such as `/brief/`."""
        return _path_of(self.base_url)

    def url_for(self, relative: str) -> str:
        """`topics/東京/` as an absolute URL, percent-encoded as feeds and sitemaps require."""
        return self.base_url + quote(relative, safe="/")

    def absolute(self, path: str) -> str:
        """A site path such as `/brief/briefings/x/` as an absolute URL."""
        return self.url_for(path.removeprefix(self.base_path))


@dataclass(frozen=True)  # no slots: kept in the build cache, and slotted ones unpickle 2-3x slower
class Stamp:
    """A point in time as the curator wrote it: a whole day, or an aware datetime."""

    moment: dt.datetime
    date_only: bool

    @property
    def iso(self) -> str:
        return self.moment.date().isoformat() if self.date_only else self.moment.isoformat()


@dataclass(frozen=True)  # no slots: kept in the build cache, and slotted ones unpickle 2-3x slower
class Source:
    """Where the facts of a briefing came from."""

    name: str
    url: str | None = None
    author: str | None = None
    published: Stamp | None = None


@dataclass(frozen=True)  # no slots: kept in the build cache, and slotted ones unpickle 2-3x slower
class Located:
    """A value with the file line it was written on, kept for later error messages."""

    value: str
    line: int


@dataclass(frozen=True)  # no slots: kept in the build cache, and slotted ones unpickle 2-3x slower
class ParsedBriefing:
    """One briefing file, its front matter checked, its body still Markdown."""

    path: Path
    slug: str
    slug_line: int
    title: str
    date: Stamp
    sources: tuple[Source, ...]
    body: str  # empty once converted: the markup and digest hold all that is made from it
    body_line: int
    via: str | None = None
    captured: Stamp | None = None
    topics: tuple[Located, ...] = ()
    related: tuple[Located, ...] = ()
    summary: str | None = None
    draft: bool = False
    imported: str | None = None  # SHA-256 the importer wrote, to tell a curator's edits from its own
    canonical: str | None = None  # the original's URL, for a briefing that republishes it in full
    version: str = ""  # once converted: a digest of all the above but the body, and of its summary
    shape: str = ""  # once converted: a digest of all assembly reads of it but its text (see convert)
    frame: str = ""  # once converted: the same but for its title, first paragraph, keywords, topic sentences


@dataclass(frozen=True)  # no slots: kept in the build cache, and slotted ones unpickle 2-3x slower
class ParsedPage:
    """A free page from content/pages/ (about, methodology)."""

    path: Path
    slug: str
    slug_line: int
    title: str
    body: str  # empty once converted, as a briefing's
    body_line: int
    summary: str | None = None
    draft: bool = False


@dataclass(frozen=True)  # no slots: kept in the build cache, and slotted ones unpickle 2-3x slower
class WikiLink:
    """A `[[slug]]` or `[[slug|label]]` in a body; `label` is None when the title is wanted."""

    slug: str
    label: str | None
    line: int


@dataclass(frozen=True)  # no slots: kept in the build cache, and slotted ones unpickle 2-3x slower
class Markup:
    """A body rendered to sanitized HTML. Wiki links stand as placeholders until assembly."""

    html: str
    summary: str
    links: tuple[WikiLink, ...]


@dataclass(frozen=True)  # no slots: kept in the build cache, and slotted ones unpickle 2-3x slower
class Digest:
    """What discovery needs of one briefing: topics its rules find, sentences, keywords."""

    rule_topics: tuple[str, ...]
    mentions: tuple[tuple[str, str], ...]  # (topic slug, the sentence that mentions it)
    keywords: str  # word → how often, packed by related.pack_keywords


@dataclass(frozen=True)  # no slots: kept in the build cache, and slotted ones unpickle 2-3x slower
class Briefing:
    """A briefing as the site shows it."""

    path: Path
    slug: str
    url: str
    title: str
    date: Stamp
    sources: tuple[Source, ...]
    via: str | None
    captured: Stamp | None
    topics: tuple[Topic, ...]
    summary: str
    body_html: str
    draft: bool
    canonical: str | None = None
    scheduled: bool = False  # dated after the build's "now", shown only by a --future build


@dataclass(frozen=True)  # no slots: kept in the build cache, and slotted ones unpickle 2-3x slower
class Page:
    """A free page as the site shows it."""

    path: Path
    slug: str
    url: str
    title: str
    summary: str
    body_html: str


@dataclass(frozen=True)  # no slots: kept in the build cache, and slotted ones unpickle 2-3x slower
class Topic:
    """A topic: every spelling merged case-insensitively, shown in its most common one."""

    name: str
    slug: str
    url: str


@dataclass(frozen=True)  # no slots: kept in the build cache, and slotted ones unpickle 2-3x slower
class SourceOutlet:
    """A publication that briefings cite, merged case-insensitively by name."""

    name: str
    slug: str
    url: str


@dataclass(frozen=True)  # no slots: kept in the build cache, and slotted ones unpickle 2-3x slower
class Month:
    """A calendar month in the site's timezone, for the archive."""

    year: int
    month: int
    url: str

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)


@dataclass(frozen=True)  # no slots: kept in the build cache, and slotted ones unpickle 2-3x slower
class Edition:
    """One day's briefings, the day taken in the site's timezone."""

    day: dt.date
    url: str


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the renderers need: briefings newest first and every index over them."""

    config: SiteConfig
    briefings: tuple[Briefing, ...]
    pages: tuple[Page, ...]
    topics: Mapping[Topic, tuple[Briefing, ...]]
    sources: Mapping[SourceOutlet, tuple[Briefing, ...]]
    months: Mapping[Month, tuple[Briefing, ...]]
    related: Mapping[str, tuple[Briefing, ...]]
    mentioned_in: Mapping[str, tuple[Briefing, ...]]
    previous: Mapping[str, Briefing] = field(default_factory=dict)
    following: Mapping[str, Briefing] = field(default_factory=dict)
    editions: Mapping[Edition, tuple[Briefing, ...]] = field(default_factory=dict)
    mentions: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(topic slug, briefing slug) → the sentence of the briefing that mentions the topic."""
    versions: Mapping[str, str] = field(default_factory=dict)
    """Briefing slug → a digest of everything its Briefing holds but the text, where known."""

    @property
    def newest(self) -> Stamp | None:
        return self.briefings[0].date if self.briefings else None


@dataclass(frozen=True, slots=True)
class OutputFile:
    """A file to write, at a POSIX path relative to the output folder."""

    path: str
    content: bytes


@functools.lru_cache(maxsize=16)
def _path_of(url: str) -> str:
    """The path part of an address (asked for every link of every page: worked out once)."""
    return urlsplit(url).path or "/"
