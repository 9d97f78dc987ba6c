"""Serve, stage 2, preview: changed sources → a rebuilt preview folder → browsers told to reload.

    watch.Watcher ──batch──► PreviewBuilder.quick ──pages──────────────────► preview.LiveState ──► web (HTTP)
                        └──► builder thread: PreviewBuilder.rebuild ──Rebuild──┘

The preview is built into a temporary folder, never into output/, with the server's own address
as base URL. An edited briefing's page and the pages open in a browser are rendered first, from
the site in memory, and served at once; the whole rebuild follows on a thread of its own. This
module starts, connects and stops the parts; web.py answers the requests.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Collection
from pathlib import Path

from briefings.errors import Problem
from briefings.preview import LISTED_FILES, LiveState, PreviewBuilder, Rebuild
from briefings.watch import Watcher, shown_paths
from briefings.web import Preview, ServeError, allowed_hosts, bind, is_loopback

__all__ = ["PreviewServer", "ServeError", "is_loopback"]

logger = logging.getLogger(__name__)

STOP_WAIT = 2.0  # seconds stop() lets a running rebuild finish before abandoning it


class PreviewServer:
    """The live preview of one site: watcher, builder thread and HTTP server, started and stopped together.
    A browser is told of up to `listed_files` files changed by a rebuild by name, of more by their
    folders (see LiveState)."""

    def __init__(
        self,
        root: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        drafts: bool = False,
        poll: bool = False,
        report: Callable[[Rebuild], None] | None = None,
        listed_files: int = LISTED_FILES,
    ) -> None:
        if not root.is_dir():
            raise ServeError(f"{root}: no such folder; give the site folder (the one with site.toml)")
        self.root = root.absolute()
        self.host = host
        self._report = report or (lambda rebuild: None)
        self._http = bind(host, port)
        self.port = self._http.server_address[1]
        self._tmp = Path(tempfile.mkdtemp(prefix="briefings-preview-"))
        self.folder = self._tmp / "site"
        self.state = LiveState(self.root, listed_files=listed_files)
        self.builder = PreviewBuilder(self.root, self.folder, drafts=drafts, base_url=self.url)
        self._build_lock = threading.Lock()
        self._http.preview = Preview(self.folder, self.state, allowed_hosts(host))
        ignored = [self.root / "output", self._tmp]
        self._watcher = Watcher(
            self.root, self._changed, poll=poll, ignored=ignored, on_pending=self.state.mark_stale
        )
        self._builds = _Queue(self._rebuild)
        # A short poll interval makes stop() (Ctrl-C) take a tenth of a second, not half a second.
        self._serving = threading.Thread(
            target=self._http.serve_forever, args=(0.1,), name="briefings-http", daemon=True
        )

    @property
    def url(self) -> str:
        shown = "127.0.0.1" if self.host in ("", "0.0.0.0", "::") else self.host
        return f"http://{f'[{shown}]' if ':' in shown else shown}:{self.port}/"

    def start(self) -> None:
        """Serve, watch, and build once; returns when the first build is in (or has failed)."""
        self._serving.start()
        self._rebuild(frozenset())
        self._builds.start()
        self._watcher.start()

    def wait(self) -> None:
        """Block until the server stops; Ctrl-C raises KeyboardInterrupt here."""
        while self._serving.is_alive():
            self._serving.join(0.2)

    def stop(self) -> None:
        """Stop watching, wake every waiting request, close the server and join all threads."""
        self._watcher.stop()
        self._builds.stop()
        self.state.close()
        if self._serving.is_alive():
            self._http.shutdown()
            self._serving.join()
        self._http.close_connections()
        self._http.server_close()
        _remove_soon(self._tmp)

    def __enter__(self) -> PreviewServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _changed(self, changed: frozenset[Path]) -> None:
        """Sources changed (on the watcher's thread): show the edited pages now, build after."""
        marks = self.state.marks()
        try:
            pages = self.builder.quick(changed, self.state.open_pages())
        except Exception:
            logger.exception("rendering the edited pages ahead of the build failed")
            pages = {}
        if pages:
            self.state.publish_ahead(pages, marks, self.folder)
        else:
            self.state.cannot_publish_ahead(marks)
        self._builds.add(changed)

    def _rebuild(self, changed: frozenset[Path]) -> None:
        with self._build_lock:
            marks = self.state.marks()
            try:
                rebuild = self.builder.rebuild(changed)
            except Exception as error:
                if self._builds.stopping:
                    return  # abandoned by stop(): its folder is being removed
                # A bug, not the user's doing: keep its traceback, keep serving, keep watching.
                logger.exception("rebuild failed")
                problem = Problem(f"internal error in briefings: {error!r} (see the terminal)")
                rebuild = Rebuild(shown_paths(changed, self.root), 0.0, frozenset(), (problem,))
            if self._builds.stopping:
                return
            self.state.publish(rebuild, marks, self.folder)
        self._report(rebuild)


def _remove_soon(folder: Path) -> None:
    """Delete the preview folder in a process of its own: a large site's preview holds tens of
    thousands of folders, and Ctrl-C should not wait for them to go."""
    remove = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
    try:
        subprocess.Popen(
            [sys.executable, "-c", remove, str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # so it outlives the preview, and Ctrl-C does not reach it
        )
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


class _Queue:
    """Runs `build` on a thread of its own with every path added since it last started, so a
    long build never holds up the watcher (and the pages it renders first)."""

    def __init__(self, build: Callable[[frozenset[Path]], None]) -> None:
        self._build = build
        self._paths: set[Path] = set()
        self._pending = False
        self._stopping = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="briefings-build", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def add(self, paths: Collection[Path]) -> None:
        with self._cond:
            self._paths.update(paths)
            self._pending = True
            self._cond.notify_all()

    def stop(self, wait: float = STOP_WAIT) -> None:
        """Stop taking builds; a build still running after `wait` seconds is abandoned (its
        thread is a daemon: it ends with the process, and whatever it writes is thrown away)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(wait)

    @property
    def stopping(self) -> bool:
        with self._cond:
            return self._stopping

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending or self._stopping)
                if self._stopping:
                    return
                batch, self._paths, self._pending = frozenset(self._paths), set(), False
            try:
                self._build(batch)
            except Exception:
                if not self.stopping:  # a build abandoned by stop() fails as its folder goes
                    logger.exception("rebuild failed unexpectedly")  # the next save tries again
