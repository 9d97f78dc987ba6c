"""Builds do not depend on the machine's time zone: under TZ=Pacific/Kiritimati (UTC+14) and
TZ=America/Adak (UTC-10, -9 in summer), a day apart, the golden and example sites build to the same
bytes as under UTC, and the build tests pass. Each run is a subprocess, so TZ applies from the start."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import snapshot

REPO = Path(__file__).parent.parent
ZONES = ("Pacific/Kiritimati", "America/Adak")
SITES = {
    "golden": (REPO / "tests/golden/site", ("site.toml", "content", "static")),
    "example": (REPO, ("site.toml", "published.json", "content", "templates", "static")),
}
SUBSET = ("test_build.py", "test_feeds.py", "test_discovery.py", "test_schedule.py", "test_golden.py")


def _env(zone: str, cache: Path) -> dict[str, str]:
    return {**os.environ, "TZ": zone, "XDG_CACHE_HOME": str(cache)}


def _build(site: str, zone: str, work: Path) -> dict[str, bytes]:
    """The site built under `zone` from a fresh copy (a build records a ledger in the site folder)."""
    source, names = SITES[site]
    folder = work / f"{site}-{zone.replace('/', '-')}"
    copy = folder / "site"
    for name in names:
        if (source / name).is_dir():
            shutil.copytree(source / name, copy / name)
        elif (source / name).exists():
            copy.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, copy / name)
    output = folder / "output"
    command = [sys.executable, "-m", "briefings", "build", str(copy), "--output", str(output)]
    done = subprocess.run(
        command, cwd=REPO, env=_env(zone, work / "cache"), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return snapshot(output)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("zones")


@pytest.fixture(scope="module")
def utc_builds(work: Path) -> dict[str, dict[str, bytes]]:
    return {site: _build(site, "UTC", work) for site in SITES}


@pytest.mark.parametrize("zone", ZONES)
def test_the_zone_is_in_force_in_a_subprocess(zone: str, tmp_path: Path) -> None:
    """Without its zone file, TZ would fall back to UTC silently and the comparisons prove nothing."""
    script = "import time; print(time.strftime('%z', time.localtime(1752364800)))"  # 2025-07-13 UTC
    done = subprocess.run(
        [sys.executable, "-c", script], env=_env(zone, tmp_path), capture_output=True, text=True, timeout=30
    )
    assert done.stdout.strip() == {"Pacific/Kiritimati": "+1400", "America/Adak": "-0900"}[zone]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("site", sorted(SITES))
def test_built_bytes_equal_those_under_utc(
    site: str, zone: str, work: Path, utc_builds: dict[str, dict[str, bytes]]
) -> None:
    built, expected = _build(site, zone, work), utc_builds[site]
    assert len(expected) > 10 and "index.html" in expected
    assert sorted(built) == sorted(expected)
    assert [name for name in expected if built[name] != expected[name]] == []


def test_the_build_tests_pass_in_both_zones(tmp_path: Path) -> None:
    """The subset runs in both zones at once, each with its own temporary folders."""
    runs = {
        zone: subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                f"--basetemp={tmp_path / zone.replace('/', '-')}",
                *(f"tests/{name}" for name in SUBSET),
            ],
            cwd=REPO,
            env=_env(zone, tmp_path / "cache"),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for zone in ZONES
    }
    try:
        results = {zone: run.communicate(timeout=300) for zone, run in runs.items()}
    finally:
        for run in runs.values():
            run.kill()  # no-op for those already finished
    for zone, (out, _) in results.items():
        assert runs[zone].returncode == 0, f"TZ={zone}:\n{out[-4000:]}"
        assert " passed" in out and "failed" not in out
