"""The preview under load, on loopback only: 50 held reload connections and 200 concurrent page
requests, then a rebuild set off by an edit on disk. Every request is answered with the status its
path calls for, every held reload connection returns once the rebuild is published, and once the
server stops no thread of it is left behind."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest

from tests.conftest import MakeSite, briefing
from tests.servekit import Preview, poll, running_preview, wait_until

HELD = 50
CONCURRENT = 200
ALPHA = "content/briefings/2025-07-10-alpha.md"
# Request path → the status it must get, with text the body must hold.
EXPECTED = {
    "/": (200, "Alpha"),
    "/briefings/alpha/": (200, "Alpha"),
    "/briefings/bravo/": (200, "Bravo title"),
    "/style.css": (200, "color: black"),
    "/__briefings__/reload.js": (200, ""),
    "/briefings/alpha": (301, ""),
    "/briefings/nothing/": (404, "reload.js"),
    "/../secret.txt": (404, ""),
}


PATHS = [list(EXPECTED)[number % len(EXPECTED)] for number in range(CONCURRENT)]


def _check(answers: list[tuple[str, int, str, float]]) -> None:
    assert len(answers) == CONCURRENT
    for path, status, body, _ in answers:
        assert (status, EXPECTED[path][1] in body) == (EXPECTED[path][0], True), path


def _answer_all(preview: Preview, paths: Iterable[str]) -> list[tuple[str, int, str, float]]:
    """Every path requested at once from its own thread: (path, status, body, seconds)."""
    paths = list(paths)
    barrier = threading.Barrier(len(paths), timeout=10)

    def fetch(path: str) -> tuple[str, int, str, float]:
        barrier.wait()
        started = time.monotonic()
        status, _, body = preview.get(path)
        return path, status, body, time.monotonic() - started

    with ThreadPoolExecutor(max_workers=len(paths), thread_name_prefix="load-client") as pool:
        return list(pool.map(fetch, paths, timeout=20))


def _hold(preview: Preview, pool: ThreadPoolExecutor, entered: threading.Semaphore) -> list[Future[Any]]:
    """HELD reload polls for the current version, returned once the server holds every one."""
    since = preview.server.state.version
    held = [pool.submit(poll, preview, since, "briefings/alpha/index.html") for _ in range(HELD)]
    deadline = time.monotonic() + 10
    for _ in range(HELD):
        assert entered.acquire(timeout=max(0.0, deadline - time.monotonic())), "a poll never arrived"
    assert not [future for future in held if future.done()], "a reload poll answered at once"
    return held


def test_held_reload_connections_and_concurrent_requests_survive_a_rebuild(
    make_site: MakeSite, caplog: pytest.LogCaptureFixture
) -> None:
    root = make_site(
        {
            ALPHA: briefing("Alpha title", body="Alpha body."),
            "content/briefings/2025-07-11-bravo.md": briefing("Bravo title", date="2025-07-11"),
            "static/style.css": "body { color: black; }\n",
        }
    )
    threads_before = threading.active_count()
    caplog.set_level(logging.WARNING, logger="briefings")
    polls = ThreadPoolExecutor(max_workers=HELD, thread_name_prefix="load-poll")
    try:
        with running_preview(root) as preview:
            state = preview.server.state
            since = state.version
            entered = threading.Semaphore(0)
            waiting = state.wait_newer

            def counted_wait(*args: Any, **kwargs: Any) -> dict[str, Any]:
                entered.release()
                return waiting(*args, **kwargs)

            state.wait_newer = counted_wait  # type: ignore[method-assign]
            held = _hold(preview, polls, entered)
            threads_peak = threading.active_count()
            answers = _answer_all(preview, PATHS)
            _check(answers)
            assert not [future for future in held if future.done()], "a reload poll answered before a rebuild"

            def edit_under_load() -> None:
                preview.write(ALPHA, briefing("Alpha renamed"))
                during.extend(_answer_all(preview, PATHS))  # these overlap the rebuild

            during: list[tuple[str, int, str, float]] = []
            rebuild = preview.change(edit_under_load)
            assert rebuild.ok
            _check(during)
            results = [future.result(timeout=15) for future in held]
            assert all(r["version"] == since + 1 and r["reload"] is True for r in results), results[:3]
            assert "Alpha renamed" in preview.get("/briefings/alpha/")[2]
            # Polls still held when the server stops are answered by the stop, not left hanging.
            version_at_stop = state.version
            held_at_stop = _hold(preview, polls, entered)
            stopping = time.monotonic()
        stop_seconds = time.monotonic() - stopping
        assert all(future.result(timeout=5)["version"] == version_at_stop for future in held_at_stop)
    finally:
        polls.shutdown(wait=True, cancel_futures=True)
    assert stop_seconds < 5, f"stopping with {HELD} held polls took {stop_seconds:.1f} s"
    # stop() joins every request thread; allow the watcher's threads a moment to wind down.
    wait_until(lambda: threading.active_count() <= threads_before, timeout=5)
    assert threading.active_count() == threads_before, [t.name for t in threading.enumerate()]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    times = sorted(seconds for *_, seconds in answers)
    # A listen backlog too short for a burst shows as ~1 s (the SYN resend) on most requests.
    assert times[len(times) // 2] < 0.9, f"median request took {times[len(times) // 2]:.2f} s"
    print(
        f"threads: {threads_before} before, {threads_peak} with the polls held, "
        f"{threading.active_count()} after; {CONCURRENT} concurrent requests: "
        f"median {times[len(times) // 2]:.3f} s, slowest {times[-1]:.3f} s; stop {stop_seconds:.2f} s"
    )
