"""Serve, stage 1, preview builds: changed sources → a rebuilt preview folder and the live state.

    watch.Watcher ──batch──► PreviewBuilder.quick(changed)   ──pages──► LiveState ──► web (HTTP)
                        └──► PreviewBuilder.rebuild(changed) ──Rebuild──┘

PreviewBuilder keeps the last assembled site in memory. For an edited briefing or template it
first renders just the pages that show the edit to a reader watching: the briefing's own page and
the pages open in a browser (`quick`, milliseconds, even for a large site). Then it builds the
whole site into a temporary folder with the server's own address as base URL and works out which
output files changed (`rebuild`). LiveState is what the HTTP side reads: the current build, the
quickly rendered pages served until the build that includes them is in, its problems, and the
version that long-polling browsers wait on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import secrets
import threading
import time
from collections import Counter, deque
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from briefings import THEME
from briefings.assemble import reassemble_briefing
from briefings.content import BRIEFINGS_DIR, Document
from briefings.convert import Converter
from briefings.errors import BriefingsError, Problem
from briefings.model import Briefing, ParsedBriefing, Site
from briefings.pipeline import build
from briefings.render import make_environment, render_some
from briefings.reuse import files_digest
from briefings.watch import shown_paths

logger = logging.getLogger(__name__)

REQUEST_WAIT = 60.0  # longest a request waits for a rebuild before it gets the last good build
POLL_WAIT = 20.0  # a long-poll answers at least this often, so dead connections are noticed
PAGES = (".html", ".htm")  # what a browser opens as a page; every other file is one a page may load
LISTED_FILES = 500  # more changed files than this are listed by their folders, so answers stay small


@dataclass(frozen=True, slots=True)
class Rebuild:
    """What one rebuild did: what set it off, how long it took, what it changed or what is wrong."""

    trigger: str
    seconds: float
    changed: frozenset[str]
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        """The line printed per rebuild: `rebuilt in 0.21 s (content/briefings/x.md)`."""
        verb = "built" if self.trigger == "start" else "rebuilt"
        if not self.ok:
            count = len(self.problems)
            return (
                f"build failed in {self.seconds:.2f} s ({self.trigger}): {count} "
                f"problem{'s' if count != 1 else ''}; still serving the last good build"
            )
        changed = f"{len(self.changed)} file{'s' if len(self.changed) != 1 else ''} changed"
        return f"{verb} in {self.seconds:.2f} s ({self.trigger}), {changed}"


@dataclass(frozen=True, slots=True)
class _Held:
    """The site of the last whole build, with its briefings' positions and titles by slug."""

    site: Site
    index: dict[str, int]
    titles: dict[str, str]


class PreviewBuilder:
    """Builds a site for preview: `quick(changed, open pages) -> pages` at once, then
    `rebuild(changed) -> Rebuild`, a whole build into the preview folder compared file by file
    with the previous one."""

    def __init__(self, root: Path, folder: Path, *, drafts: bool, base_url: str) -> None:
        self.root = root.absolute()
        self.folder = folder
        self.drafts = drafts
        self.base_url = base_url
        self._paths: frozenset[str] = frozenset()  # the files in the preview folder
        self._held: _Held | None = None  # the site as the last whole build assembled it
        self._environment: tuple[str, jinja2.Environment] | None = None
        self._converter: Converter | None = None

    def rebuild(self, changed: Collection[Path]) -> Rebuild:
        started = time.perf_counter()
        trigger = shown_paths(changed, self.root)
        try:
            # Scheduled briefings are always previewed (marked as such): the curator checks them early.
            report = build(
                self.root,
                self.folder,
                drafts=self.drafts,
                base_url=self.base_url,
                future=True,
                on_site=self._keep,
            )
        except BriefingsError as error:
            return Rebuild(trigger, time.perf_counter() - started, frozenset(), error.problems)
        differ: frozenset[str] = frozenset()
        if report.paths:  # else nothing changed
            differ = report.changed_paths | (self._paths - report.paths)  # and what is gone
            self._paths = report.paths
        return Rebuild(trigger, time.perf_counter() - started, differ)

    def _keep(self, site: Site) -> None:
        index = {b.slug: i for i, b in enumerate(site.briefings)}
        self._held = _Held(site, index, {b.slug: b.title for b in site.briefings})  # one assignment

    def quick(self, changed: Collection[Path], open_pages: Collection[str]) -> dict[str, bytes]:
        """The pages an edit shows on, rendered from the site in memory with the edit applied:
        each edited briefing's own page and the pages open in a browser (output paths). Empty
        when only a whole build can tell (site.toml, static files, pages, a new, deleted or
        renamed briefing, a file that does not parse) or when no build has succeeded yet."""
        held = self._held
        if held is None or not changed:
            return {}
        site, briefings = held.site, list(held.site.briefings)
        edited: dict[str, Briefing] = {}
        for path in changed:
            relative = path.relative_to(self.root)
            if relative.parts[0] == "templates":
                continue
            if relative.parent != BRIEFINGS_DIR or relative.suffix != ".md":
                return {}
            briefing = self._reassemble(held, path)
            if briefing is None:
                return {}
            briefings[held.index[briefing.slug]] = briefing
            edited[briefing.slug] = briefing
        try:
            environment = self._templates()
            # Lists show briefings through their cards, looked up by slug in site.briefings.
            site = dataclasses.replace(site, briefings=tuple(briefings))
            wanted = {f"briefings/{slug}/index.html" for slug in edited} | set(open_pages)
            site = _linking_edits(site, edited, (_slug_of(path) for path in wanted))
            return render_some(site, environment, self.root / "templates", wanted)
        except (BriefingsError, jinja2.TemplateError):
            return {}  # the whole build reports it, with its place

    def _reassemble(self, held: _Held, path: Path) -> Briefing | None:
        """The briefing in the file at `path` as the site would show it; None when only a whole
        build can tell (it does not parse, is a hidden draft, or has a new slug or file)."""
        try:
            document = Document("briefing", path, path.read_bytes())
        except OSError:
            return None
        site = held.site
        if self._converter is None or self._converter.config != site.config:
            self._converter = Converter(site.config)
        outcome = self._converter.convert(document)
        if isinstance(outcome, list):
            return None
        parsed, markup, digest = outcome
        if not isinstance(parsed, ParsedBriefing) or digest is None or (parsed.draft and not self.drafts):
            return None
        index = held.index.get(parsed.slug)
        if index is None or site.briefings[index].path != parsed.path:
            return None
        scheduled = parsed.date.moment > dt.datetime.now(dt.UTC)
        return reassemble_briefing(site, held.titles, parsed, markup, digest, scheduled=scheduled)

    def _templates(self) -> jinja2.Environment:
        """The template environment, made again only when a template changed."""
        folders = [self.root / "templates", THEME / "templates"]
        digest = files_digest(folders)
        if self._environment is None or self._environment[0] != digest:
            self._environment = (digest, make_environment(folders[0]))
        return self._environment[1]


def _slug_of(path: str) -> str:
    """The slug of the briefing whose page is at `path`, or "" when it is not a briefing's page."""
    slug = path.removeprefix("briefings/").removesuffix("/index.html")
    return slug if path == f"briefings/{slug}/index.html" else ""


def _linking_edits(site: Site, edited: Mapping[str, Briefing], slugs: Iterable[str]) -> Site:
    """`site` with the edited briefings also where the pages of the briefings `slugs` link to
    them (related, mentioned in, previous, next), so a new title shows there as the build will
    show it. Only those pages' entries are made again."""

    def current(briefing: Briefing) -> Briefing:
        return edited.get(briefing.slug, briefing)

    related: dict[str, tuple[Briefing, ...]] = {}
    mentioned: dict[str, tuple[Briefing, ...]] = {}
    previous: dict[str, Briefing] = {}
    following: dict[str, Briefing] = {}
    for slug in filter(None, slugs):
        if slug in site.related:
            related[slug] = tuple(map(current, site.related[slug]))
        if slug in site.mentioned_in:
            mentioned[slug] = tuple(map(current, site.mentioned_in[slug]))
        if slug in site.previous:
            previous[slug] = current(site.previous[slug])
        if slug in site.following:
            following[slug] = current(site.following[slug])
    return dataclasses.replace(
        site,
        related={**site.related, **related},
        mentioned_in={**site.mentioned_in, **mentioned},
        previous={**site.previous, **previous},
        following={**site.following, **following},
    )


class LiveState:
    """What the request threads see of the builds: the version, its problems, what changed when,
    and the pages rendered ahead of the build that is on its way. A browser is told of up to
    `listed_files` changed files by name; of more, by their folders (see `wait_newer`)."""

    def __init__(self, root: Path, *, listed_files: int = LISTED_FILES) -> None:
        self.root = root.absolute()
        self.listed_files = listed_files
        self.instance = secrets.token_hex(6)
        self.version = 0
        self.problems: tuple[str, ...] = ()
        self._building = True  # until the first build is in
        self._marks = 0
        self._covered = 0  # the changes up to this mark were rendered ahead of their build
        self._uncovered = 0  # the last mark whose changes could not be, and may touch any file
        self._built = 0  # the last build took in the changes up to this mark
        self._closed = False
        self._history: deque[tuple[int, frozenset[str]]] = deque(maxlen=100)
        self._ahead: dict[str, tuple[int, bytes]] = {}  # output path → (mark, page) rendered early
        self._open: Counter[str] = Counter()  # pages whose browsers wait on the reload channel
        self._cond = threading.Condition()

    def mark_stale(self) -> None:
        """Sources changed: hold requests until the rebuild they set off is published."""
        with self._cond:
            self._marks += 1
            self._building = True

    def snapshot(self) -> tuple[int, tuple[str, ...]]:
        """The current version and its problems, read together."""
        with self._cond:
            return self.version, self.problems

    def marks(self) -> int:
        with self._cond:
            return self._marks

    def open_pages(self) -> frozenset[str]:
        """Output paths of the pages a browser has open right now."""
        with self._cond:
            return frozenset(self._open)

    def publish_ahead(self, pages: dict[str, bytes], marks_before: int, folder: Path) -> None:
        """Pages rendered before the build: served at once, and open ones reload, until a build
        that started after the changes they show is in. Other pages still wait for that build;
        files that are not pages need not, as content and templates cannot change them."""
        with self._cond:
            served = {path: self._ahead[path][1] if path in self._ahead else None for path in pages}
            new = {
                path: page
                for path, page in pages.items()
                if page != served[path] and (served[path] is not None or not _holds(folder / path, page))
            }
            self._ahead.update((path, (marks_before, page)) for path, page in pages.items())
            self._covered = max(self._covered, marks_before)
            if new:
                self.version += 1
                self._history.append((self.version, frozenset(new)))
            self._cond.notify_all()

    def cannot_publish_ahead(self, marks_before: int) -> None:
        """Changes that only a whole build can show (static files, site.toml, a new briefing…)."""
        with self._cond:
            self._uncovered = max(self._uncovered, marks_before)

    def publish(self, rebuild: Rebuild, marks_before: int, folder: Path | None = None) -> None:
        with self._cond:
            self._built = marks_before
            changed = set(rebuild.changed)
            if rebuild.ok:
                for path, (mark, page) in list(self._ahead.items()):
                    if mark <= marks_before:
                        del self._ahead[path]
                        if folder is not None and _holds(folder / path, page):
                            changed.discard(path)  # the browser shows these bytes already
            self.version += 1
            self._history.append((self.version, frozenset(changed)))
            self.problems = tuple(p.render(self.root) for p in rebuild.problems)
            # Sources that changed while this build ran are waiting for the next one.
            self._building = self._marks != marks_before
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def wait_built(self, path: str = "", timeout: float = REQUEST_WAIT, *, page: bool = True) -> bytes | None:
        """Wait for the build on its way, or for `path` (an output path) rendered ahead of it,
        which is returned. A file that is not a page waits only when the changes since the last
        build may touch it."""

        def ahead() -> bytes | None:
            found = self._ahead.get(path)
            return found[1] if found and (found[0] == self._marks or not self._building) else None

        with self._cond:
            self._cond.wait_for(
                lambda: (
                    not self._building
                    or self._closed
                    or (not page and self._covered == self._marks and self._uncovered <= self._built)
                    or ahead() is not None
                ),
                timeout,
            )
            return ahead()

    def wait_newer(
        self, since: int, instance: str, pages: Iterable[str], timeout: float = POLL_WAIT
    ) -> dict[str, Any]:
        """The long-poll: wait until the version passes `since`, then say what the page must do.

        `reload` when the page itself changed (or the server cannot tell); else the stylesheets
        to swap and the other files that changed (scripts, images, the search index), for the
        browser to reload only if the page loaded one of them. A save moves the version twice,
        when its pages are rendered ahead and when its build is in, but a page reloads once:
        the build does not list a page again whose bytes the browser already shows."""
        pages = set(pages)
        with self._cond:
            self._open.update(pages)
            try:
                self._cond.wait_for(
                    lambda: self.version > since or instance != self.instance or self._closed, timeout
                )
            finally:
                self._open.subtract(pages)
                self._open += Counter()  # drop the pages no browser waits for any more
            changed = {p for version, paths in self._history if version > since for p in paths}
            forgotten = bool(self._history) and self._history[0][0] > since + 1
            files = sorted(p for p in changed if not p.endswith(PAGES))
            listed = _listed([p for p in files if not p.endswith(".css")], self.listed_files)
            reload = instance != self.instance or forgotten or not pages.isdisjoint(changed) or listed is None
            return {
                "version": self.version,
                "reload": reload,
                "styles": [] if reload else [p for p in files if p.endswith(".css")],
                "files": [] if reload or listed is None else listed,
                "problems": list(self.problems),
            }


def _listed(files: list[str], most: int) -> list[str] | None:
    """Changed files for a browser to look for among those its page loaded: each of them, or,
    when there are more than `most` (an edit on a large site changes hundreds of files of its
    search index), the top folders of those in a folder (as `pagefind/`); None when even those
    are too many."""
    if len(files) > most:
        files = sorted({p.partition("/")[0] + "/" if "/" in p else p for p in files})
    return files if len(files) <= most else None


def _holds(path: Path, content: bytes) -> bool:
    try:
        return path.read_bytes() == content
    except OSError:
        return False
