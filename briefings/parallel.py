"""When work may be shared with forked processes.

Forked processes inherit what the parent has built (the site, an index) instead of being sent it,
which makes them cheap to start; but forking a process that runs other threads (the preview
server's) can deadlock the child, and one core gains nothing from a second process.

A task run by `forked` or `in_background` is a closure, which the forked process inherits with
all it holds. A task sent to a pool's process is sent by name, and finds what the process
inherited in this module: the one value kept here, set in each of a pool's processes as it starts
(see forked_pool), never in the process that made the pool.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
_inherited: object = None  # in a process of a forked pool only: what it inherited (see forked_pool)


@dataclass(frozen=True, slots=True)
class Parallelism:
    """From what sizes a build shares its work with other processes. Each default is about where
    sharing starts to pay on two cores (see bench/RESULTS.md); what a build makes is the same
    bytes at any sizes, so smaller ones make a small site take the ways a large one does."""

    convert_from: int = 400  # files to convert: from this many, a pool of processes converts them
    convert_chunk: int = 100  # files a converting process is given at a time
    pool_from: int = 1000  # pages to render: from this many, one forked process per core renders them
    pages_per_task: int = 250  # pages a rendering process is given at a time
    apart_from: int = 4000  # briefings: from this many, the feeds and the ledger check take a process each
    split_from: int = 100  # pages: from this many, a site of `apart_from` briefings has two processes
    # render them, every other page each (fewer than `pool_from`: else the pool does)


def can_fork() -> bool:
    """Whether there are other cores to use and this process may fork to use them."""
    return (
        (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


def forked_pool(workers: int, inherit: object = None) -> ProcessPoolExecutor:
    """A pool of forked processes (see `can_fork`), in which a task finds `inherit` by
    `inherited`: each process inherits it as it is forked, so it is never copied or sent."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_inherit,
        initargs=(inherit,),  # a forked process is started with these as they are, never pickled
    )


def _inherit(value: object) -> None:
    """As a process of a forked pool starts: keep what it inherited for its tasks."""
    global _inherited
    _inherited = value


def inherited(kind: type[T]) -> T:
    """In a process of a forked pool, what it inherited (see forked_pool), which is a `kind`."""
    if not isinstance(_inherited, kind):
        raise TypeError(f"this process inherited no {kind.__name__}: is it a forked pool's?")
    return _inherited


def in_background(task: Callable[[], object]) -> int | None:
    """Run `task` in a forked process, which exits when it is done, and return its process id;
    or run it here and return None when this process may not fork (see `can_fork`). The child
    ends without the parent's exit handlers and unflushed output: they are the parent's. It runs
    at the lowest priority: what it does is needed by the time the parent is done (see
    cache.Writes), and the parent's own work (and its other processes') comes first."""
    if not can_fork():
        task()
        return None
    pid = os.fork()
    if pid:
        return pid
    try:
        os.nice(19)
        task()
    finally:
        os._exit(0)


def wait_for(pid: int) -> None:
    """Wait until the background process `pid` is done (at once if it was waited for before)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


@contextlib.contextmanager
def forked(task: Callable[[], T], *, apart: bool = True) -> Iterator[Callable[[], T]]:
    """`task` run in a forked process while this one goes on (when `apart` and this process may
    fork: see `can_fork`), else here and now; the function given waits for it and returns what it
    returned. When the forked process returns nothing (the task raised, or the process was killed),
    the task is run here when its value is asked for, so that it raises here. A process still
    running when the block ends is stopped. So the task may run twice: run again, it must give
    the same and do no harm (write the same files, say)."""
    if not apart or not can_fork():
        value = task()
        yield lambda: value
        return
    reader, writer = os.pipe()
    pid = os.fork()
    if not pid:
        try:
            os.close(reader)
            with os.fdopen(writer, "wb") as sink:
                pickle.dump(task(), sink, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            os._exit(0)  # neither the parent's exit handlers nor a traceback: the parent reports
    os.close(writer)
    source = os.fdopen(reader, "rb")

    def result() -> T:
        if not source.closed:
            with source:
                data = source.read()
            wait_for(pid)
            with contextlib.suppress(Exception):
                found.append(pickle.loads(data))
        return found[0] if found else task()

    found: list[T] = []
    try:
        yield result
    finally:
        if not source.closed:
            source.close()
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            wait_for(pid)
