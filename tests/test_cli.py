"""The command as a user runs it: exit codes, one line of output, no traceback for their mistakes."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MakeSite, briefing

from briefings import cli
from briefings.model import Site


def briefings(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefings", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_build_prints_one_summary_line(make_site: MakeSite) -> None:
    site = make_site({"content/briefings/a.md": briefing("A"), "content/briefings/b.md": briefing("B")})
    result = briefings("build", cwd=site)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("built 2 briefings, ") and result.stdout.endswith(" → output/\n")
    assert result.stdout.count("\n") == 1


def test_a_reader_that_stops_reading_gets_no_traceback(make_site: MakeSite) -> None:
    """`briefings build | head -0`: the build is done, its line has nowhere to go."""
    site = make_site({"content/briefings/a.md": briefing("A")})
    read, write = os.pipe()
    os.close(read)
    with open(write, "w") as closed:
        result = subprocess.run(
            [sys.executable, "-m", "briefings", "build"], cwd=site, stdout=closed, stderr=subprocess.PIPE
        )
    assert result.returncode == 128 + signal.SIGPIPE and result.stderr == b""
    assert (site / "output/briefings/a/index.html").is_file()


def test_a_build_that_ends_the_process_leaves_its_objects_to_the_exit(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cycle collector stays paused and the site is not freed: both would only walk every
    object the build made once more before the exit. A build run in a process that goes on (a
    test, the preview) resumes the collector and lets the site go."""
    site = make_site({"content/briefings/a.md": briefing("A")})
    monkeypatch.chdir(site)
    left: list[object] = []
    try:
        assert cli.main(["build", "--quiet"]) == 0 and gc.isenabled()
        (site / "content/briefings/b.md").write_text(briefing("B"))
        assert cli.main(["build", "--quiet"], left_to_exit=left) == 0 and not gc.isenabled()
        assert [len(kept.briefings) for kept in left if isinstance(kept, Site)] == [2] and len(left) == 1
    finally:
        gc.enable()


def test_a_folder_that_is_not_a_site_is_a_clear_error(tmp_path: Path) -> None:
    result = briefings("build", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "site.toml: no site.toml here; is this a site folder?" in result.stderr
    assert "Traceback" not in result.stderr


def test_usage_errors_exit_with_status_2(tmp_path: Path) -> None:
    assert briefings("build", "--no-such-flag").returncode == 2
    assert briefings().returncode == 2
    version = briefings("--version")
    assert version.returncode == 0 and version.stdout.startswith("briefings ")
