"""Serve, stage 1, preview builds: changed sources → a rebuilt preview folder and the live state.

    watch.Watcher ──batch──► PreviewBuilder.rebuild(changed) ──Rebuild──► LiveState ──► serve (HTTP)

PreviewBuilder builds into a temporary folder with the server's own address as base URL and works
out which output files each rebuild changed; LiveState is what the HTTP side reads: the current
build, its problems, and the version that long-polling browsers wait on.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefings.errors import BriefingsError, Problem
from briefings.pipeline import build
from briefings.watch import shown_paths

logger = logging.getLogger(__name__)

REQUEST_WAIT = 60.0  # longest a request waits for a rebuild before it gets the last good build
POLL_WAIT = 20.0  # a long-poll answers at least this often, so dead connections are noticed
# Changes to these never show on another page: pages reload only when their own file changed.
_PAGE_LOCAL = (".html", ".htm", ".xml", ".json", ".txt", ".css")


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


class PreviewBuilder:
    """Builds a site for preview: `rebuild(changed source paths) -> Rebuild`.

    Today each rebuild is a full build into the preview folder, compared file by file with the
    previous one; an incremental builder can take its place behind the same method.
    """

    def __init__(self, root: Path, folder: Path, *, drafts: bool, base_url: str) -> None:
        self.root = root.absolute()
        self.folder = folder
        self.drafts = drafts
        self.base_url = base_url
        self._digests: dict[str, bytes] = {}

    def rebuild(self, changed: Collection[Path]) -> Rebuild:
        started = time.perf_counter()
        trigger = shown_paths(changed, self.root)
        try:
            # Scheduled briefings are always previewed (marked as such): the curator checks them early.
            build(self.root, self.folder, drafts=self.drafts, base_url=self.base_url, future=True)
        except BriefingsError as error:
            return Rebuild(trigger, time.perf_counter() - started, frozenset(), error.problems)
        digests = _digest_folder(self.folder)
        old, self._digests = self._digests, digests
        differ = frozenset(p for p in old.keys() | digests.keys() if old.get(p) != digests.get(p))
        return Rebuild(trigger, time.perf_counter() - started, differ)


def _digest_folder(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
        for path in folder.rglob("*")
        if path.is_file()
    }


class LiveState:
    """What the request threads see of the builds: the version, its problems, what changed when."""

    def __init__(self, root: Path) -> None:
        self.root = root.absolute()
        self.instance = secrets.token_hex(6)
        self.version = 0
        self.problems: tuple[str, ...] = ()
        self._building = True  # until the first build is in
        self._marks = 0
        self._closed = False
        self._history: deque[tuple[int, frozenset[str]]] = deque(maxlen=100)
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

    def publish(self, rebuild: Rebuild, marks_before: int) -> None:
        with self._cond:
            self.version += 1
            self._history.append((self.version, rebuild.changed))
            self.problems = tuple(p.render(self.root) for p in rebuild.problems)
            # Sources that changed while this build ran are waiting for the next one.
            self._building = self._marks != marks_before
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def wait_built(self, timeout: float = REQUEST_WAIT) -> None:
        with self._cond:
            self._cond.wait_for(lambda: not self._building or self._closed, timeout)

    def wait_newer(
        self, since: int, instance: str, pages: Iterable[str], timeout: float = POLL_WAIT
    ) -> dict[str, Any]:
        """The long-poll: wait until the version passes `since`, then say what the page must do."""
        with self._cond:
            self._cond.wait_for(
                lambda: self.version > since or instance != self.instance or self._closed, timeout
            )
            changed = [paths for version, paths in self._history if version > since]
            forgotten = bool(self._history) and self._history[0][0] > since + 1
            reload = instance != self.instance or forgotten or _must_reload(changed, set(pages))
            styles = sorted({p for paths in changed for p in paths if p.endswith(".css")})
            return {
                "version": self.version,
                "reload": reload,
                "styles": styles,
                "problems": list(self.problems),
            }


def _must_reload(changed: list[frozenset[str]], pages: set[str]) -> bool:
    return any(p in pages or not p.endswith(_PAGE_LOCAL) for paths in changed for p in paths)
