"""Shared test helpers: sites written into temp folders, built with the real pipeline."""

from __future__ import annotations

import contextlib
import functools
import textwrap
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

SITE_TOML = """\
title = "Test Briefings"
description = "Briefings for tests"
base_url = "https://example.org/"
language = "en"
author = "Test Desk"
timezone = "UTC"
"""


def briefing(
    title: str = "A briefing",
    *,
    date: str = "2025-07-10",
    source: str = "  - name: Example News\n    url: https://news.example.com/a\n",
    extra: str = "",
    body: str = "Body text.",
) -> str:
    """The text of a briefing file; `extra` is more front matter lines."""
    return f"---\ntitle: {title!r}\ndate: {date}\nsources:\n{source}{extra}---\n\n{body}\n"


MakeSite = Callable[[Mapping[str, str]], Path]


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Write a site from {relative path: text}; site.toml defaults to a minimal one."""

    def make(files: Mapping[str, str]) -> Path:
        root = tmp_path / "site"
        root.mkdir(exist_ok=True)
        if "site.toml" not in files:
            (root / "site.toml").write_text(SITE_TOML, encoding="utf-8")
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return root

    return make


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden/expected from the golden site"
    )


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run the `briefings` command in this process; (exit status, stdout, stderr)."""
    import contextlib
    import io

    from briefings.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as exit_:
            status = int(exit_.code or 0)
    return status, out.getvalue(), err.getvalue()


def files_look_old(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file as it looks seconds after it was saved: then builds judge files unchanged by
    their size, inode and times, not their bytes (those of the last two seconds are read)."""
    now_ns = time.time_ns
    monkeypatch.setattr(time, "time_ns", lambda: now_ns() + 10**10)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path, for byte-for-byte comparisons."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(autouse=True)
def _private_cache_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds sign their cache with a key in the user's cache folder; tests keep theirs apart."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache-home"))


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves a folder, without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serving(folder: Path, handler: type[SimpleHTTPRequestHandler] = QuietHandler) -> Iterator[str]:
    """`folder` served on 127.0.0.1 (a free port) while the block runs; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def front_matter(path: Path) -> dict[str, object]:
    """The YAML front matter of a briefing file, as a mapping."""
    loaded = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert isinstance(loaded, dict)
    return loaded


def body_of(path: Path) -> str:
    """A briefing file's text after its front matter."""
    return path.read_text(encoding="utf-8").split("---\n", 2)[2]
