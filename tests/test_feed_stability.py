"""Published feed items keep their ids and order; the build refuses changes a reader would notice."""

from __future__ import annotations

import json
import random
from pathlib import Path

import feedparser
import pytest
from conftest import MakeSite, briefing, files_look_old, run_cli, snapshot

from briefings import ledger as feed_ledger
from briefings.ledger import Ledger, PublishedItem, check_ledger, ledger_text


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


def checks_counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times builds from now on check the feed ledger."""
    checks: list[int] = []

    def counted(*args: object, **kwargs: object) -> object:
        checks.append(1)
        return check_ledger(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(feed_ledger, "check_ledger", counted)
    return checks


def test_a_ledger_checked_against_the_same_briefings_is_not_checked_again(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit to a briefing's text changes nothing feeds identify or order it by: its build
    need not check the ledger the last build found holding, whether the edit is past the
    summary or in it. Files look old, judged by their metadata."""
    files_look_old(monkeypatch)
    site = site_with_two(make_site)
    checks = checks_counted(monkeypatch)
    assert run_cli("build", str(site))[0] == 0
    (site / "content/briefings/2025-07-10-first.md").write_text(
        briefing("First", body="Lead.\n\nNew text."), encoding="utf-8"
    )
    assert run_cli("build", str(site))[0] == 0  # the first wrote the ledger, and knows it holds
    ledger = (site / "published.json").read_bytes()
    for body in ("Lead.\n\nNewer.", "A new lead.\n\nNewer."):
        (site / "content/briefings/2025-07-10-first.md").write_text(
            briefing("First", body=body), encoding="utf-8"
        )
        assert run_cli("build", str(site))[0] == 0
    page = (site / "output/briefings/first/index.html").read_text(encoding="utf-8")
    assert "Newer." in page and "A new lead." in page
    assert len(checks) == 1 and (site / "published.json").read_bytes() == ledger


def test_a_ledger_a_build_wrote_is_not_checked_again_by_the_next(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build that adds a briefing writes it to the ledger, and so knows the site holds against
    the new file: the next build, for an edit to a text, checks nothing, however soon it comes."""
    site = site_with_two(make_site)
    checks = checks_counted(monkeypatch)
    assert run_cli("build", str(site))[0] == 0  # the first: writes the ledger
    (site / "content/briefings/2025-07-12-third.md").write_text(briefing("Third", date="2025-07-12"))
    assert run_cli("build", str(site))[0] == 0
    assert "Third" in (site / "published.json").read_text(encoding="utf-8")
    (site / "content/briefings/2025-07-12-third.md").write_text(
        briefing("Third", date="2025-07-12", body="A new lead.")
    )
    assert run_cli("build", str(site))[0] == 0
    assert "A new lead." in (site / "output/briefings/third/index.html").read_text(encoding="utf-8")
    assert len(checks) == 2
    ledger = json.loads((site / "published.json").read_text(encoding="utf-8"))
    (site / "published.json").write_text(json.dumps({**ledger, "base_url": "https://old.example/"}))
    (site / "content/briefings/2025-07-12-third.md").write_text(
        briefing("Third", date="2025-07-12", body="Another lead.")
    )
    status, _, err = run_cli("build", str(site))  # the ledger changed within the second: seen
    assert status == 1 and "base_url changed from https://old.example/" in err


@pytest.mark.parametrize("edit", ["ledger", "title", "date"])
def test_a_ledger_or_briefing_changed_since_the_last_check_is_checked_again(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    """A ledger restored from an older commit, or a briefing feeds would show otherwise (another
    title, another date), is checked even when the last build found the ledger holding."""
    files_look_old(monkeypatch)
    site = site_with_two(make_site)
    assert run_cli("build", str(site))[0] == 0
    first = site / "content/briefings/2025-07-10-first.md"
    first.write_text(briefing("First", body="Lead.\n\nNew text."), encoding="utf-8")
    assert run_cli("build", str(site))[0] == 0
    checks = checks_counted(monkeypatch)
    if edit == "ledger":
        ledger = json.loads((site / "published.json").read_text(encoding="utf-8"))
        (site / "published.json").write_text(json.dumps({**ledger, "base_url": "https://old.example/"}))
        first.write_text(briefing("First", body="Lead.\n\nNewer."), encoding="utf-8")
    elif edit == "title":
        first.write_text(briefing("First, retitled", body="Lead.\n\nNew text."), encoding="utf-8")
    else:
        first.write_text(
            briefing("First", date="2025-07-10T12:00:00Z", body="Lead.\n\nNew text."), encoding="utf-8"
        )
    status, _, err = run_cli("build", str(site))
    assert len(checks) == 1
    if edit == "ledger":
        assert status == 1 and "base_url changed from https://old.example/" in err
    elif edit == "date":  # later the same day: the order stays, and the ledger has the new date
        assert status == 0 and "2025-07-10T12:00:00" in (site / "published.json").read_text(encoding="utf-8")
    else:
        assert status == 0 and "First, retitled" in (site / "published.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("seed", range(5))
def test_the_ledger_is_the_json_of_its_items_sorted_and_indented(seed: int) -> None:
    """The ledger's text is json.dumps's, indented by one, byte for byte: it is committed with the
    site, and a change of layout would touch every line of it."""
    rng = random.Random(seed)
    alphabet = 'ab"\\/\n\t\x00\x1f\u2028é東😀 '
    text = lambda: "".join(rng.choices(alphabet, k=rng.randint(0, 12)))  # noqa: E731
    items = {text(): PublishedItem(text(), text(), text()) for _ in range(rng.randint(0, 6))}
    ledger = Ledger(text(), items)
    listed = {key: {"path": i.path, "date": i.date, "title": i.title} for key, i in sorted(items.items())}
    expected = json.dumps({"base_url": ledger.base_url, "items": listed}, ensure_ascii=False, indent=1)
    assert ledger_text(ledger) == expected + "\n"
