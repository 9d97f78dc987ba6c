"""Serve, stage 1, watch: file-system events under a site's sources → batches of changed paths.

Watched are site.toml, content/, templates/ and static/ (also when one of those folders is created
after the watch started). Editors' temporary, swap, lock and backup files are ignored, and so is
the output folder, so a build can never trigger itself. A burst of events is coalesced into one
batch once the site has been quiet for a moment: an atomic save (write a temp file, rename it over)
or a `git checkout` arrives as a single rebuild.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Collection, Iterable
from pathlib import Path, PurePath

from watchdog.events import FileSystemEvent, FileSystemEventHandler, FileSystemMovedEvent
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

logger = logging.getLogger(__name__)

SOURCE_DIRS = ("content", "templates", "static")
CONFIG_FILE = "site.toml"
QUIET_SECONDS = 0.03
# Reading a file (as every build does) raises "opened" and "closed_no_write": only these change one.
CHANGES = frozenset({"created", "modified", "deleted", "moved", "closed"})
LONGEST_WAIT = 1.0  # a file written without pause (a log under static/) must not hold rebuilds back

# Names editors write beside the file being saved; none of them is ever part of a site.
_EDITOR_NAMES = re.compile(
    r"""
      \..*                          # hidden: vim .x.swp, emacs .#x lock, gedit .goutputstream-*, .DS_Store
    | .*~                           # vim, emacs, gedit and kate backups
    | \#.*\#                        # emacs auto-save
    | .*\.(?:swp|swo|swx|swpx|kate-swp|tmp|bak|orig|crdownload|part)
    | .*___jb_(?:tmp|old|bak)___    # JetBrains safe write
    | __pycache__
    """,
    re.VERBOSE,
)


def is_editor_file(name: str) -> bool:
    """Whether a file name is an editor's temporary, swap, lock or backup file."""
    return bool(_EDITOR_NAMES.fullmatch(name)) or _is_vim_probe(name)


def _is_vim_probe(name: str) -> bool:
    """Vim checks a folder is writable with a file named 4913 (then 5036, 5159, … if taken)."""
    return name.isdigit() and int(name) >= 4913 and (int(name) - 4913) % 123 == 0


def is_source(path: Path, root: Path, ignored: Collection[Path] = ()) -> bool:
    """Whether a change to `path` can change the built site (`root` and `ignored` absolute)."""
    if any(path == folder or path.is_relative_to(folder) for folder in ignored):
        return False
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    if parts == (CONFIG_FILE,):
        return True
    return len(parts) > 0 and parts[0] in SOURCE_DIRS and not any(is_editor_file(p) for p in parts)


class Debouncer:
    """Collects paths and hands them over in one batch once no new path came for `quiet` seconds.

    `on_batch` runs on the debouncer's own thread, one batch at a time; paths noted while it runs
    make the next batch, so nothing is lost. `on_pending` runs (on the noting thread) when a batch
    starts to gather, so the server can hold requests until the rebuild is done.
    """

    def __init__(
        self,
        on_batch: Callable[[frozenset[Path]], None],
        *,
        quiet: float = QUIET_SECONDS,
        on_pending: Callable[[], None] | None = None,
    ) -> None:
        self._on_batch = on_batch
        self._on_pending = on_pending
        self._quiet = quiet
        self._paths: set[Path] = set()
        self._notes = 0
        self._changed = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="briefings-debounce", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def note(self, paths: Iterable[Path]) -> None:
        with self._changed:
            first = not self._paths
            self._paths.update(paths)
            self._notes += 1
            self._changed.notify_all()
        if first and self._on_pending is not None:
            self._on_pending()

    def stop(self) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            try:
                self._on_batch(batch)
            except Exception:
                # A bug in a rebuild must not end live preview; the next save tries again.
                logger.exception("rebuild failed unexpectedly")

    def _next_batch(self) -> frozenset[Path] | None:
        with self._changed:
            while not self._paths and not self._stopping:
                self._changed.wait()
            deadline = time.monotonic() + LONGEST_WAIT
            while not self._stopping and time.monotonic() < deadline:
                seen = self._notes
                self._changed.wait(self._quiet)
                if self._notes == seen:
                    break
            if self._stopping:
                return None
            batch, self._paths = frozenset(self._paths), set()
            return batch


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        self._watcher.handle(event)


class Watcher:
    """Watches a site's sources and hands batches of changed source paths to `on_change`."""

    def __init__(
        self,
        root: Path,
        on_change: Callable[[frozenset[Path]], None],
        *,
        poll: bool = False,
        ignored: Collection[Path] = (),
        quiet: float = QUIET_SECONDS,
        on_pending: Callable[[], None] | None = None,
    ) -> None:
        self.root = root.absolute()
        self._ignored = tuple(p.absolute() for p in ignored)
        self._debouncer = Debouncer(on_change, quiet=quiet, on_pending=on_pending)
        # The polling observer suits network mounts and containers, where inotify stays silent.
        self._observer: BaseObserver = PollingObserver(timeout=0.5) if poll else Observer()
        self._handler = _Handler(self)
        self._watches: dict[str, ObservedWatch] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        self._observer.schedule(self._handler, str(self.root), recursive=False)
        for name in SOURCE_DIRS:
            self._watch_folder(name)
        self._debouncer.start()
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        if self._observer.is_alive():
            self._observer.join()
        self._debouncer.stop()

    def handle(self, event: FileSystemEvent) -> None:
        """Note the paths an event touched; follow source folders appearing at the top."""
        if event.event_type not in CHANGES:
            return
        paths = [_as_path(event.src_path)]
        if isinstance(event, FileSystemMovedEvent) and event.dest_path:
            paths.append(_as_path(event.dest_path))
        if event.is_directory:
            self._follow_top_folders(paths, event.event_type)
            if event.event_type == "modified":
                return  # a folder's own timestamp; the files inside report themselves
        relevant = [p for p in paths if is_source(p, self.root, self._ignored)]
        if relevant:
            logger.debug("%s: %s", event.event_type, ", ".join(map(str, relevant)))
            self._debouncer.note(relevant)

    def _follow_top_folders(self, paths: list[Path], event_type: str) -> None:
        for path in paths:
            if path.parent == self.root and path.name in SOURCE_DIRS and event_type != "modified":
                self._watch_folder(path.name)

    def _watch_folder(self, name: str) -> None:
        """(Re)schedule a recursive watch on a source folder, or drop it when the folder is gone."""
        folder = self.root / name
        with self._lock:
            old = self._watches.pop(name, None)
            if old is not None:
                self._observer.unschedule(old)
            if folder.is_dir():
                self._watches[name] = self._observer.schedule(self._handler, str(folder), recursive=True)


def _as_path(raw: str | bytes) -> Path:
    return Path(raw.decode() if isinstance(raw, bytes) else raw)


def shown_paths(paths: Collection[Path], root: Path, limit: int = 1) -> str:
    """`content/briefings/x.md` or `content/briefings/x.md and 2 more`, for the rebuild line."""
    # Files that still exist first: an editor's or sed's temporary file is rarely the news.
    names = [_relative(p, root) for p in sorted(paths, key=lambda p: (not p.exists(), p))]
    if not names:
        return "start"
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _relative(path: Path, root: Path) -> str:
    try:
        return PurePath(path).relative_to(root).as_posix()
    except ValueError:
        return str(path)
