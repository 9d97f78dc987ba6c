"""Scheduling: a briefing dated after the build's "now" waits for its day, unless --future."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import MakeSite, briefing, run_cli

from briefings.pipeline import build
from briefings.preview import PreviewBuilder

TOKYO = "title = 'T'\nbase_url = 'https://example.org/'\ntimezone = 'Asia/Tokyo'\n"
# 2030-03-31 23:00 in Tokyo: the next day starts there in an hour, in UTC it is still the morning.
NOW = dt.datetime(2030, 3, 31, 14, 0, tzinfo=dt.UTC)


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    return make_site(
        {
            "site.toml": TOKYO,
            "content/briefings/old.md": briefing(
                "Old news", date="2030-03-30", body="See [[soon|what comes]]."
            ),
            "content/briefings/soon.md": briefing("Secret soon", date="2030-04-01", extra="related: [old]\n"),
            "content/briefings/later.md": briefing("Secret later", date="2030-05-01T09:00:00+09:00"),
        }
    )


def published(output: Path) -> set[str]:
    feed = json.loads((output / "feed.json").read_text(encoding="utf-8"))
    return {item["title"] for item in feed["items"]}


def everything(output: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(output.rglob("*")) if p.is_file())


def test_future_briefings_wait_for_their_day_in_the_sites_timezone(site: Path) -> None:
    report = build(site, site / "output", now=NOW)
    assert (report.briefings, report.scheduled) == (1, 2)
    assert report.next_due is not None and report.next_due.iso == "2030-04-01"
    assert published(site / "output") == {"Old news"}
    assert not (site / "output" / "briefings" / "soon").exists()
    # Linked to and related, a scheduled briefing behaves like a draft: the words stay, its title does not.
    assert "Secret" not in everything(site / "output")
    old = (site / "output" / "briefings" / "old" / "index.html").read_text(encoding="utf-8")
    assert "See what comes." in old and "/briefings/soon/" not in old


def test_a_briefing_is_published_once_its_day_has_begun_there(site: Path) -> None:
    an_hour_later = NOW + dt.timedelta(hours=1)  # midnight in Tokyo, 15:00 the day before in UTC
    report = build(site, site / "output", now=an_hour_later)
    assert (report.briefings, report.scheduled) == (2, 1)
    assert report.next_due is not None and report.next_due.iso == "2030-05-01T09:00:00+09:00"
    assert published(site / "output") == {"Old news", "Secret soon"}


def test_future_builds_them_now_marked_as_scheduled(site: Path) -> None:
    report = build(site, site / "output", now=NOW, future=True)
    assert report.briefings == 3 and report.scheduled == 2
    assert published(site / "output") == {"Old news", "Secret soon", "Secret later"}
    page = (site / "output" / "briefings" / "soon" / "index.html").read_text(encoding="utf-8")
    assert "<strong>scheduled</strong>" in page
    old = (site / "output" / "briefings" / "old" / "index.html").read_text(encoding="utf-8")
    assert "<strong>scheduled</strong>" not in old and 'href="/briefings/soon/"' in old


def test_a_future_build_neither_checks_nor_records_feed_ids(site: Path) -> None:
    build(site, site / "output", now=NOW, future=True)
    assert not (site / "published.json").exists()
    build(site, site / "output", now=NOW)
    ledger = json.loads((site / "published.json").read_text(encoding="utf-8"))
    assert "Secret" not in json.dumps(ledger)


def test_the_summary_says_how_many_wait_and_when_the_next_is_due(make_site: MakeSite) -> None:
    site = make_site(
        {"content/briefings/a.md": briefing("A"), "content/briefings/z.md": briefing("Z", date="2999-01-02")}
    )
    status, out, err = run_cli("build", str(site))
    assert status == 0, err
    summary, scheduled = out.splitlines()
    assert summary.startswith("built 1 briefing, ")
    assert (
        scheduled
        == "scheduled: 1 briefing dated in the future, the next due 2999-01-02 (rebuild then to publish it)"
    )
    status, out, _ = run_cli("build", str(site), "--future")
    assert out.startswith("built 2 briefings, ") and "dated in the future, built as --future asked" in out
    assert run_cli("build", str(site), "--quiet") == (0, "", "")


def test_drafts_in_the_future_stay_drafts(make_site: MakeSite) -> None:
    site = make_site({"content/briefings/d.md": briefing("D", date="2999-01-02", extra="draft: true\n")})
    report = build(site, site / "output", now=NOW)
    assert (report.briefings, report.scheduled) == (0, 0)


def test_the_preview_shows_scheduled_briefings(site: Path, tmp_path: Path) -> None:
    preview = tmp_path / "preview"
    assert PreviewBuilder(site, preview, drafts=False, base_url="http://127.0.0.1:8000/").rebuild([]).ok
    page = (preview / "briefings" / "later" / "index.html").read_text(encoding="utf-8")
    assert "<strong>scheduled</strong>" in page
