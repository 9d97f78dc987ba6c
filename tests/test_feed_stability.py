"""Published feed items keep their ids and order; the build refuses changes a reader would notice."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
from conftest import MakeSite, briefing, run_cli, snapshot


def site_with_two(make_site: MakeSite) -> Path:
    return make_site(
        {
            "content/briefings/2025-07-10-first.md": briefing("First", date="2025-07-10"),
            "content/briefings/2025-07-11-second.md": briefing("Second", date="2025-07-11"),
        }
    )


def test_a_renamed_slug_is_refused_until_accepted(make_site: MakeSite) -> None:
    site = site_with_two(make_site)
    assert run_cli("build", str(site))[0] == 0
    before = snapshot(site / "output")
    ids = [e.id for e in feedparser.parse((site / "output" / "atom.xml").read_bytes()).entries]
    (site / "content/briefings/2025-07-10-first.md").rename(site / "content/briefings/2025-07-10-renamed.md")

    status, _, err = run_cli("build", str(site))

    assert status == 1
    assert "feed id would change from https://example.org/briefings/first/ to " in err
    assert "https://example.org/briefings/renamed/" in err and "slug: first" in err
    assert snapshot(site / "output") == before
    assert run_cli("build", str(site), "--accept-feed-changes")[0] == 0
    ledger = json.loads((site / "published.json").read_text(encoding="utf-8"))
    assert set(ledger["items"]) == {*ids, "https://example.org/briefings/renamed/"}
    assert run_cli("build", str(site))[0] == 0  # accepted once, then quiet


def test_a_date_change_that_reorders_old_items_is_refused(make_site: MakeSite) -> None:
    site = site_with_two(make_site)
    assert run_cli("build", str(site))[0] == 0
    path = site / "content/briefings/2025-07-10-first.md"
    path.write_text(briefing("First", date="2025-07-12"), encoding="utf-8")
    status, _, err = run_cli("build", str(site))
    assert status == 1 and "reordering published feeds" in err and "2025-07-10-first.md:1:" in err


def test_edits_new_briefings_and_previews_pass(make_site: MakeSite, tmp_path: Path) -> None:
    site = site_with_two(make_site)
    assert run_cli("build", str(site))[0] == 0
    ledger = (site / "published.json").read_bytes()
    (site / "content/briefings/2025-07-10-first.md").write_text(briefing("First, edited"), encoding="utf-8")
    (site / "content/briefings/2025-07-12-third.md").write_text(
        briefing("Third", date="2025-07-12"), encoding="utf-8"
    )
    assert run_cli("build", str(site))[0] == 0
    assert b"third" in (site / "published.json").read_bytes()
    preview = ("build", str(site), "--base-url", "http://127.0.0.1:8000/", "--output", str(tmp_path / "p"))
    grown = (site / "published.json").read_bytes()
    assert run_cli(*preview)[0] == 0
    assert (site / "published.json").read_bytes() == grown != ledger


def test_a_changed_base_url_is_refused(make_site: MakeSite) -> None:
    site = site_with_two(make_site)
    assert run_cli("build", str(site))[0] == 0
    toml = (
        (site / "site.toml")
        .read_text(encoding="utf-8")
        .replace("https://example.org/", "https://new.example/")
    )
    (site / "site.toml").write_text(toml, encoding="utf-8")
    status, _, err = run_cli("build", str(site))
    assert status == 1 and "site.toml: base_url changed from https://example.org/" in err
