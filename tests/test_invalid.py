"""Broken sites: each folder under tests/invalid/ breaks one rule. The build must fail with exactly
the text in its expected.txt, exit with status 1, and leave the previous output/ byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import run_cli, snapshot

CASES = sorted(p for p in (Path(__file__).parent / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_site_fails_with_a_located_error_and_output_untouched(
    case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / case.name
    shutil.copytree(case, site, ignore=shutil.ignore_patterns("expected.txt"))
    previous = site / "output"
    (previous / "briefings" / "old").mkdir(parents=True)
    (previous / "index.html").write_bytes(b"<!DOCTYPE html><title>previous build</title>\n")
    (previous / "briefings" / "old" / "index.html").write_bytes(b"old page\n")
    before = snapshot(previous)
    monkeypatch.chdir(site)

    status, out, err = run_cli("build", ".")

    assert (status, out) == (1, "")
    assert err == (case / "expected.txt").read_text(encoding="utf-8")
    assert "Traceback" not in err
    assert snapshot(previous) == before
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".output")) in ([], [".output.lock"])
