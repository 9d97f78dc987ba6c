"""The output folder as a deploy sees it: always one complete site, only changed files rewritten."""

from __future__ import annotations

import errno
import fcntl
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MakeSite, briefing, run_cli, snapshot


def many(count: int, title: str = "Briefing") -> dict[str, str]:
    return {
        f"content/briefings/2025-07-{1 + n % 28:02d}-b{n:04d}.md": briefing(
            f"{title} {n}",
            date=f"2025-07-{1 + n % 28:02d}",
            extra=f"topics: [T{n % 13}]\n",
            body=f"Text {n}.",
        )
        for n in range(count)
    }


def test_only_changed_files_are_rewritten(make_site: MakeSite) -> None:
    site = make_site(many(30))
    assert run_cli("build", str(site))[0] == 0
    assert run_cli("build", str(site))[0] == 0  # both copies of the site are now complete
    output = site / "output"
    before = {p: p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file()}
    time.sleep(0.01)
    path = site / "content/briefings/2025-07-05-b0004.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Text 4.", "Text four."), encoding="utf-8")
    assert run_cli("build", str(site))[0] == 0
    after = {p: p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file()}
    assert after.keys() == before.keys()
    rewritten = sorted(p.relative_to(output).as_posix() for p in after if after[p] != before[p])
    assert "briefings/b0004/index.html" in rewritten and "style.css" not in rewritten
    assert len(rewritten) < len(after) / 3, rewritten


def test_a_removed_briefing_disappears_from_the_output(make_site: MakeSite) -> None:
    site = make_site(many(5))
    for _ in range(3):
        assert run_cli("build", str(site))[0] == 0
    (site / "content/briefings/2025-07-03-b0002.md").unlink()
    assert run_cli("build", str(site))[0] == 0
    assert not (site / "output" / "briefings" / "b0002").exists()
    clean = site.parent / "clean"
    assert run_cli("build", str(site), "--output", str(clean))[0] == 0
    assert snapshot(site / "output") == snapshot(clean)


def build_process(site: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "briefings", "build", str(site)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_build_killed_at_any_moment_leaves_a_complete_site(make_site: MakeSite) -> None:
    site = make_site(many(300, "Old"))
    assert run_cli("build", str(site))[0] == 0
    old = snapshot(site / "output")
    for name, text in many(300, "New").items():
        (site / name).write_text(text, encoding="utf-8")
    clean = site.parent / "new"
    assert run_cli("build", str(site), "--output", str(clean))[0] == 0
    new = snapshot(clean)
    rng = random.Random(5)
    outcomes = set()
    for _ in range(6):
        process = build_process(site)
        time.sleep(rng.uniform(0.2, 2.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = snapshot(site / "output")
        assert state in (old, new), "output/ is a mix of two builds"
        outcomes.add("new" if state == new else "old")
        if state == new:  # start again from the old site
            for name, text in many(300, "Old").items():
                (site / name).write_text(text, encoding="utf-8")
            assert run_cli("build", str(site))[0] == 0
            for name, text in many(300, "New").items():
                (site / name).write_text(text, encoding="utf-8")
    assert run_cli("build", str(site))[0] == 0
    assert snapshot(site / "output") == new
    leftovers = sorted(p.name for p in site.iterdir() if p.name.startswith(".output"))
    assert leftovers in ([".output.lock", ".output.spare"], [".output.lock"])


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_output_is_a_clear_error(make_site: MakeSite) -> None:
    site = make_site(many(2))
    assert run_cli("build", str(site))[0] == 0
    site.chmod(0o555)
    try:
        status, _, err = run_cli("build", str(site))
    finally:
        site.chmod(0o755)
    assert status == 1 and "cannot write the site" in err


def test_a_full_disk_is_a_clear_error_and_the_old_site_stays(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(many(5))
    assert run_cli("build", str(site))[0] == 0
    before = snapshot(site / "output")
    path = site / "content/briefings/2025-07-03-b0002.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Text 2.", "Text two."), encoding="utf-8")
    real_write = Path.write_bytes

    def full_disk(self: Path, data: bytes) -> int:
        if ".output.spare" in str(self):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    status, _, err = run_cli("build", str(site))
    assert status == 1 and "cannot write the site: No space left on device" in err and "Traceback" not in err
    assert snapshot(site / "output") == before
    monkeypatch.undo()
    assert run_cli("build", str(site))[0] == 0
    assert b"Text two." in (site / "output" / "briefings" / "b0002" / "index.html").read_bytes()


def test_two_builds_of_one_site_cannot_interleave(make_site: MakeSite) -> None:
    site = make_site(many(3))
    assert run_cli("build", str(site))[0] == 0
    before = snapshot(site / "output")
    path = site / "content/briefings/2025-07-02-b0001.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Text 1.", "Text one."), encoding="utf-8")
    with open(site / ".output.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a build in progress holds it
        status, _, err = run_cli("build", str(site))
    assert status == 1 and "another build is writing this folder; try again" in err
    assert snapshot(site / "output") == before
