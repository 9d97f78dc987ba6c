"""When work may be shared with forked processes.

Forked processes inherit what the parent has built (the site, an index) instead of being sent it,
which makes them cheap to start; but forking a process that runs other threads (the preview
server's) can deadlock the child, and one core gains nothing from a second process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor


def can_fork() -> bool:
    """Whether there are other cores to use and this process may fork to use them."""
    return (
        (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


def forked_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of forked processes (see `can_fork`)."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))


def in_background(task: Callable[[], object]) -> int | None:
    """Run `task` in a forked process, which exits when it is done, and return its process id;
    or run it here and return None when this process may not fork (see `can_fork`). The child
    ends without the parent's exit handlers and unflushed output: they are the parent's."""
    if not can_fork():
        task()
        return None
    pid = os.fork()
    if pid:
        return pid
    try:
        task()
    finally:
        os._exit(0)


def wait_for(pid: int) -> None:
    """Wait until the background process `pid` is done (at once if it was waited for before)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
