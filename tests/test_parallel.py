"""Work done in a forked process while the build goes on gives what it would give here."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from briefings import parallel
from briefings.parallel import forked, forked_pool, in_background, inherited, wait_for


def test_a_task_apart_gives_its_value_from_another_process() -> None:
    with forked(lambda: (os.getpid(), [1, 2, 3])) as result:
        pid, value = result()
    assert value == [1, 2, 3] and pid != os.getpid()


def test_a_task_that_raises_apart_raises_here_when_its_value_is_asked(tmp_path: Path) -> None:
    runs = tmp_path / "runs"

    def task() -> int:
        with open(runs, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
        raise ValueError("no ledger")

    with forked(task) as result, pytest.raises(ValueError, match="no ledger"):
        result()
    ran_in = runs.read_text(encoding="utf-8").split()
    assert len(ran_in) == 2 and ran_in[1] == str(os.getpid()) != ran_in[0]  # there, then here


def test_a_task_not_apart_runs_here_and_now(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[int] = []
    with forked(lambda: ran.append(os.getpid()) or len(ran), apart=False) as result:
        assert ran == [os.getpid()]  # before its value is asked
        assert result() == 1
    monkeypatch.setattr(parallel, "can_fork", lambda: False)  # a preview server's threads, say
    with forked(lambda: ran.append(os.getpid()) or len(ran)) as result:
        assert result() == 2 and ran == [os.getpid()] * 2


def test_a_process_whose_value_is_never_asked_is_stopped(tmp_path: Path) -> None:
    started = tmp_path / "pid"

    def task() -> None:
        started.write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(60)

    began = time.monotonic()
    with forked(task):
        while not started.exists() or not started.read_text(encoding="utf-8"):
            time.sleep(0.01)
    with pytest.raises(ProcessLookupError):  # stopped and waited for: gone
        os.kill(int(started.read_text(encoding="utf-8")), 0)
    assert time.monotonic() - began < 30


def test_work_in_the_background_gives_way_to_the_build(tmp_path: Path) -> None:
    """A cache table written in the background only has to be done when the build is: it runs
    at the lowest priority, so that the build's own processes come first."""
    niceness = tmp_path / "niceness"
    pid = in_background(lambda: niceness.write_text(str(os.nice(0)), encoding="utf-8"))
    assert pid is not None
    wait_for(pid)
    assert int(niceness.read_text(encoding="utf-8")) == 19 >= os.nice(0)


def _what_was_inherited() -> tuple[int, list[int]]:
    return os.getpid(), inherited(list)


def test_a_pool_s_tasks_find_what_its_processes_inherited() -> None:
    """A task is sent to a pool's process by name; what the pool was given to inherit it finds
    there. The process that made the pool keeps nothing of it."""
    value = [1, 2, 3]
    with forked_pool(2, inherit=value) as pool:
        pid, found = pool.submit(_what_was_inherited).result()
    assert found == value and pid != os.getpid()
    with pytest.raises(TypeError, match="inherited no list"):
        inherited(list)
