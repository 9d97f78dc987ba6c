"""The golden site (tests/golden/site) exercises every feature; its build must equal, byte for byte,
the committed tests/golden/expected. After an intended change, `pytest --update-golden` rewrites
the expected tree; review its diff like any other change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import run_cli, snapshot
from sitecheck import active_content, broken_links

GOLDEN = Path(__file__).parent / "golden"
THEME_ASSETS = {"style.css", "favicon.svg"}  # the theme's look changes freely; pages may not


def golden_site(tmp_path: Path) -> Path:
    """A copy, since a build records its feed ids in the site folder."""
    return Path(shutil.copytree(GOLDEN / "site", tmp_path / "site"))


def test_golden_site_matches_expected_output(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    output = tmp_path / "output"
    status, _, err = run_cli("build", str(golden_site(tmp_path)), "--output", str(output))
    assert status == 0, err
    built = {name: data for name, data in snapshot(output).items() if name not in THEME_ASSETS}
    expected_dir = GOLDEN / "expected"
    if request.config.getoption("--update-golden"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        for name, data in built.items():
            (expected_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / name).write_bytes(data)
    expected = snapshot(expected_dir)
    assert sorted(built) == sorted(expected)
    for name in built:
        assert built[name].decode("utf-8") == expected[name].decode("utf-8"), name


def test_golden_site_links_resolve_under_its_sub_path_and_nothing_runs(tmp_path: Path) -> None:
    output = tmp_path / "output"
    assert run_cli("build", str(golden_site(tmp_path)), "--output", str(output))[0] == 0
    assert broken_links(output, "https://golden.example.net/desk/") == []
    assert active_content(output) == []
    assert not (output / "briefings" / "unpublished").exists()
