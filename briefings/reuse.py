"""What a build can reuse: a fingerprint of everything a page or feed is made from, and a stamp of
the files the whole build is made from.

A page's fingerprint covers its template context, value by value, plus what every page shares (the
settings, the templates, the navigation). A briefing in a context stands for everything about it,
through its version (see Site.versions) and a digest of its text: so a page is rendered again
exactly when something it shows changed (its own briefing, a related one's title, a list's members
or their order), and list pages never go stale. The fingerprints are kept in the build cache with
the output folder they describe.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from briefings import __version__
from briefings.model import Briefing, OutputFile, Site


@dataclass(frozen=True, slots=True)
class Rendered:
    """Files rendered this build, files whose last rendering still holds, and every file's fingerprint."""

    files: list[OutputFile]
    kept: list[str]
    fingerprints: dict[str, str]


class Fingerprints:
    """Fingerprints for one site build; each briefing is digested once, however many pages list it.

    With `listed_text=False` (the templates that list briefings never show their text), a briefing
    a page only lists is digested without its text: an edit to the text of a briefing re-renders
    its own page, not every list it is in. The briefing a page is about (`own`) counts whole."""

    def __init__(
        self, shared: str, *, listed_text: bool = True, versions: Mapping[str, str] | None = None
    ) -> None:
        self.shared = hashlib.sha1(shared.encode("utf-8", "surrogatepass"), usedforsecurity=False)
        self.listed_text = listed_text
        self.versions = versions or {}  # slug → a digest of the briefing but its text (Site.versions)
        self.whole: dict[str, str] = {}
        self.listed: dict[str, str] = {}
        self.fields: dict[str, str] = {}  # slug → its fields but the text, as digested
        self.values: dict[Any, str] = {}  # frozen values (topics, sources, dates) met before
        self._own: Briefing | None = None

    def of(self, *parts: Any, own: Briefing | None = None) -> str:
        self._own = own
        digest = self.shared.copy()
        for part in parts:
            digest.update(self._text(part).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _text(self, value: Any) -> str:
        kind = type(value)  # the common types first, by type: this runs for every value of every page
        if kind is Briefing:
            return self._briefing_text(value)
        if kind in _PLAIN:
            return repr(value)
        if kind is tuple or kind is list:
            return "(" + ",".join(self._items(value)) + ")"
        if kind is dict:
            return "{" + ",".join(self._pairs(value)) + "}"
        if isinstance(value, str | int | float | bool | None | dt.date | Path):
            return repr(value)
        if isinstance(value, Mapping):
            return "{" + ",".join(self._pairs(value)) + "}"
        if isinstance(value, list | tuple):
            return "(" + ",".join(self._text(item) for item in value) + ")"
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            try:
                return self.values[value]  # a topic, say, is worked out once
            except KeyError:
                pass
            except TypeError:  # not hashable: worked out each time
                return self._dataclass_text(value)
            self.values[value] = self._dataclass_text(value)
            return self.values[value]
        raise TypeError(f"cannot fingerprint {type(value).__name__}")  # a new kind of context value

    def _items(self, values: list[Any] | tuple[Any, ...]) -> list[str]:
        """The texts of a sequence's items: mostly briefings met before, looked up without a call."""
        known = self.whole if self.listed_text else self.listed
        own, text = self._own, self._text
        found = []
        for value in values:
            kind = type(value)
            if kind is Briefing and value is not own and (seen := known.get(value.slug)):
                found.append(seen)
            elif kind in _PLAIN:
                found.append(repr(value))
            else:
                found.append(text(value))
        return found

    def _pairs(self, mapping: Mapping[Any, Any]) -> list[str]:
        text = self._text
        return [
            f"{key!r}:{text(value)}" if type(key) is str else f"{text(key)}:{text(value)}"
            for key, value in mapping.items()
        ]

    def _briefing_text(self, value: Briefing) -> str:
        whole = self.listed_text or value is self._own
        known = self.whole if whole else self.listed
        try:
            return known[value.slug]
        except KeyError:
            text = known[value.slug] = self._briefing_digest(value, text=whole)
            return text

    def _dataclass_text(self, value: Any) -> str:
        return type(value).__name__ + self._text([getattr(value, f.name) for f in dataclasses.fields(value)])

    def _briefing_digest(self, briefing: Briefing, *, text: bool) -> str:
        """The briefing, whole or as a list shows it: by its version when it has one, and its
        text by a digest (it is the bulk)."""
        fields = self.fields.get(briefing.slug)
        if fields is None:
            if version := self.versions.get(briefing.slug):
                fields = self.fields[briefing.slug] = "V" + version
            else:
                values = tuple(getattr(briefing, name) for name in _BRIEFING_FIELDS)
                fields = self.fields[briefing.slug] = (
                    "R"
                    + hashlib.sha1(
                        repr(values).encode("utf-8", "surrogatepass"), usedforsecurity=False
                    ).hexdigest()
                )
        if not text:
            return "L" + fields
        body = hashlib.sha1(briefing.body_html.encode("utf-8", "surrogatepass"), usedforsecurity=False)
        return "B" + fields + body.hexdigest()


def versions_digest(site: Site) -> str | None:
    """A digest of the site's briefings, each by its slug and version, in the site's order: all
    they are but their text (see Site.versions). None when a briefing has no version."""
    versions = site.versions
    if any(briefing.slug not in versions for briefing in site.briefings):
        return None
    listed = "".join(f"{briefing.slug}\0{versions[briefing.slug]}\n" for briefing in site.briefings)
    return hashlib.sha1(listed.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()


class Lists(NamedTuple):
    """What pages were made from: what every page shares (the settings, the pages, the
    templates: a digest), and what the pages about no one briefing list (see lists_digest), when
    that can be told."""

    shared: str
    listed: str | None


def lists_digest(site: Site, shared: str) -> str | None:
    """A digest of everything the pages about no one briefing (home, topic, source, archive and
    edition pages, the sitemap) are made from, when those show no briefing's text: what every
    page shares (`shared`, a digest of it), the briefings by version (see versions_digest), and
    the sentences that mention topics. The lists themselves (topics, sources, months, days, pages
    of the home page) are worked out from exactly these; a briefing's related and linking
    briefings are not shown by such pages. So a build whose digest equals the last one's has
    every such page as the last build made it, without fingerprinting one. None when a briefing
    has no version."""
    versions = versions_digest(site)
    if versions is None:
        return None
    digest = hashlib.sha1(shared.encode(), usedforsecurity=False)
    digest.update(versions.encode() + repr(site.mentions).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


_PLAIN = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime})
_BRIEFING_FIELDS = tuple(f.name for f in dataclasses.fields(Briefing) if f.name != "body_html")


def files_digest(folders: Iterable[Path]) -> str:
    """One digest of every file (name and bytes) under the folders, e.g. the templates."""
    digest = hashlib.sha1(__version__.encode(), usedforsecurity=False)
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogatepass"))
                digest.update(path.read_bytes())
    return digest.hexdigest()


RACY_NS = 2_000_000_000  # a file changed this recently could change again unseen by its timestamps


@dataclass(frozen=True, slots=True)
class FilesStamp:
    """Every file under some folders, by names, sizes, inodes and change times (`digest`), and by
    bytes for those changed within the last two seconds (`recent`, path → SHA-256): a second write
    within the timestamps' precision could leave their times as they were."""

    digest: str
    recent: Mapping[str, str]

    def holds(self, earlier: FilesStamp) -> bool:
        """Whether the files are as they were when `earlier` was taken: the same names, sizes,
        inodes and times, and the same bytes for any file that was recent then or is now."""
        if self.digest != earlier.digest:
            return False
        return all(
            (self.recent.get(path) or _bytes_digest(path)) == earlier.recent.get(path)
            for path in sorted(earlier.recent.keys() | self.recent.keys())
        )


@dataclass(frozen=True, slots=True)
class Taken:
    """Files' metadata by path, as a build took it once to use it twice, and when it began
    taking it (the moment the two-second rule counts from: see `metadata_stamp`)."""

    now_ns: int = field(default_factory=lambda: time.time_ns())
    metadata: dict[str, os.stat_result] = field(default_factory=dict)


def files_stamp(folders: Iterable[Path], settings: str = "", taken: Taken | None = None) -> FilesStamp:
    """A stamp of every file under the folders (and of `settings`), so that a build with nothing
    to do need not read them: only files changed in the last two seconds (before `taken`'s
    moment: now by default) are read. Every file's metadata is kept in `taken`."""
    taken = taken or Taken()
    now_ns = taken.now_ns
    digest = hashlib.sha1((__version__ + settings).encode("utf-8", "surrogatepass"), usedforsecurity=False)
    recent = {}
    for folder in folders:
        for where, folders_here, names in os.walk(folder):
            folders_here.sort()
            for name in sorted(names):
                path = os.path.join(where, name)
                try:
                    metadata = os.stat(path)
                except OSError:
                    stamp = "unreadable"  # a dangling link, say: the build that reads it reports it
                else:
                    stamp = _metadata(metadata)
                    if _recent(metadata, now_ns):
                        recent[path] = _bytes_digest(path)
                    taken.metadata[path] = metadata
                digest.update(os.fsencode(path) + b"\0" + stamp.encode())
    return FilesStamp(digest.hexdigest(), recent)


def _bytes_digest(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return "unreadable"


def metadata_stamp(found: os.stat_result, now_ns: int) -> str:
    """A name for a file's version from its size, inode, modification and change times, as make
    and git judge a file unchanged; "" for a file changed within the last two seconds, which a
    second write within the timestamps' precision could change unseen."""
    return "" if _recent(found, now_ns) else _metadata(found)


def _recent(found: os.stat_result, now_ns: int) -> bool:
    return now_ns - max(found.st_mtime_ns, found.st_ctime_ns) <= RACY_NS


def _metadata(found: os.stat_result) -> str:
    return f"{found.st_size}:{found.st_ino}:{found.st_mtime_ns}:{found.st_ctime_ns}"
