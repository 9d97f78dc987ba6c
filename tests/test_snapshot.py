"""A build after edits that leave each briefing's frame alone (see briefings.convert) takes the last
build's site and puts the edited briefings in: the site is the one a whole assembly makes, and so
is every file of the output."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeSite, briefing, files_look_old, run_cli, snapshot
from test_incremental import EDITS, LONG_TEXT, base_files, replace

from briefings import THEME, pipeline
from briefings.cache import CACHE_DIR
from briefings.config import load_config
from briefings.content import list_documents
from briefings.reuse import Fingerprints, Taken
from briefings.snapshot import MOST_EDITS_KEPT, Resumed, resume

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def resumed(site: Path, now: dt.datetime = NOW, most_edits_kept: int = MOST_EDITS_KEPT) -> Resumed | None:
    config = load_config(site)
    listed = list_documents(config, Taken())
    return resume(config, drafts=False, future=False, now=now, listed=listed, most_edits_kept=most_edits_kept)


# Edits that leave the briefing's frame alone (see briefings.convert): its text past the opening;
# its opening (its keywords, and with them related lists); its first paragraph (its summary too);
# a sentence naming one of its topics (quoted on the topic's page); its title.
QUICK = {
    "text past the opening": {"b9"},
    "later text": {"b6"},
    "body": {"b3"},
    "keywords": {"b3"},
    "mention": {"b6"},
    "title": {"b2", "b1", "b6"},  # b1 and b6 link to b2: their links show its title
}
EDITS_TOO = {
    # b3's opening takes up b9's words: b3 and b9 are scored related, and b3's lists change.
    "keywords": lambda s: replace(
        s, "content/briefings/2025-07-03-b3.md", "Text 3", "Many more words follow."
    ),
}


def edit(site: Path, name: str) -> None:
    (EDITS_TOO.get(name) or EDITS[name])(site)


@pytest.mark.parametrize("name", sorted(QUICK))
def test_an_edit_leaving_a_briefing_s_frame_gives_the_site_a_whole_assembly_gives(
    make_site: MakeSite, name: str
) -> None:
    site = make_site(base_files())
    assert run_cli("build", str(site))[0] == 0
    before, _ = pipeline.assemble(load_config(site), drafts=False, future=False, now=NOW)
    edit(site, name)
    found = resumed(site)
    assert found is not None and QUICK[name] <= found.edited
    assembled, waiting = pipeline.assemble(load_config(site), drafts=False, future=False, now=NOW)
    assert found.site == assembled and found.waiting == waiting
    if name == "keywords":
        assert assembled.related != before.related  # the edit reached related lists
        assert {"b3", "b9"} <= found.edited  # their pages list each other now
    else:
        assert found.site != before


def test_a_text_edit_that_breaks_a_link_is_assembled_anew_and_reported(make_site: MakeSite) -> None:
    site = make_site(base_files())
    assert run_cli("build", str(site))[0] == 0
    EDITS["text past the opening"](site)
    assert run_cli("build", str(site))[0] == 0
    replace(
        site, "content/briefings/2025-07-09-b9.md", "Closing line, updated.", "Closing [[no-such-briefing]]."
    )
    assert resumed(site) is None
    status, _, err = run_cli("build", str(site))
    assert status == 1 and "2025-07-09-b9.md" in err and "no-such-briefing" in err


def test_a_site_is_not_resumed_once_a_scheduled_briefing_is_due(make_site: MakeSite) -> None:
    later = briefing("Later", date="2025-08-01", body="Soon.")
    site = make_site({**base_files(), "content/briefings/2025-08-01-later.md": later})
    before, due = dt.datetime(2025, 7, 20, tzinfo=dt.UTC), dt.datetime(2025, 8, 1, tzinfo=dt.UTC)
    assert pipeline.build(site, site / "output", now=before).scheduled == 1
    EDITS["text past the opening"](site)
    assert resumed(site, before) is not None
    assert resumed(site, due) is None


def test_a_snapshot_carrying_many_edited_texts_is_made_anew(make_site: MakeSite) -> None:
    """The texts edited since a whole build are kept beside its site and written again by every
    build that adds one: past a bound, a whole build makes a snapshot without them."""
    other = briefing("Briefing 10", date="2025-07-10", body=LONG_TEXT)
    site = make_site({**base_files(), "content/briefings/2025-07-10-b10.md": other})
    assert run_cli("build", str(site))[0] == 0
    EDITS["text past the opening"](site)
    assert run_cli("build", str(site))[0] == 0  # keeps b9's text
    replace(site, "content/briefings/2025-07-09-b9.md", "updated.", "updated twice.")
    assert resumed(site, most_edits_kept=1) is not None  # b9's again: still one text
    replace(site, "content/briefings/2025-07-10-b10.md", "Closing line.", "Closing line, updated.")
    assert resumed(site, most_edits_kept=1) is None  # b9's and b10's: two
    assert resumed(site, most_edits_kept=2) is not None


@pytest.mark.parametrize("name", sorted(set(EDITS) - set(QUICK) - {"template", "card template"}))
def test_any_other_edit_is_assembled_anew(make_site: MakeSite, name: str) -> None:
    """Front matter, links, pages, settings, files come and gone."""
    site = make_site(base_files())
    assert run_cli("build", str(site), "--accept-feed-changes")[0] == 0
    edit(site, name)
    assert resumed(site) is None


def test_a_title_that_a_page_links_to_is_assembled_anew(make_site: MakeSite) -> None:
    """A page's link shows the title too; the site's pages are made by a whole assembly."""
    files = {**base_files(), "content/pages/about.md": "---\ntitle: About\n---\nAbout us. See [[b2]].\n"}
    site = make_site(files)
    assert run_cli("build", str(site))[0] == 0
    EDITS["title"](site)
    assert resumed(site) is None
    assert run_cli("build", str(site))[0] == 0
    assert "Renamed briefing" in (site / "output/about/index.html").read_text(encoding="utf-8")


def test_a_briefing_with_a_problem_is_assembled_anew_to_be_reported(make_site: MakeSite) -> None:
    site = make_site(base_files())
    assert run_cli("build", str(site))[0] == 0
    replace(site, "content/briefings/2025-07-09-b9.md", "Closing line.", "Closing [[no-such-briefing]].")
    assert resumed(site) is None
    status, _, err = run_cli("build", str(site))
    assert status == 1 and "2025-07-09-b9.md" in err and "no-such-briefing" in err


def test_builds_after_text_edits_assemble_nothing_and_fingerprint_only_the_edited_pages(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Edit after edit, each build takes the site its predecessor kept, fingerprints the page
    of the edited briefing alone (the lists and the others' pages are as the last build made
    them), and gives the bytes of a clean build. Files look old: judged by their metadata."""
    files_look_old(monkeypatch)
    site = make_site(base_files())
    assert run_cli("build", str(site))[0] == 0

    assemble, clean_build = pipeline.assemble, [False]

    def no_assembly(*args: Any, **kwargs: Any) -> Any:
        assert clean_build[0], "assembled anew"
        return assemble(*args, **kwargs)

    fingerprinted: list[str] = []
    fingerprint = Fingerprints.of

    def counted(self: Fingerprints, *parts: Any, own: Any = None) -> str:
        if own is not None:
            fingerprinted.append(own.slug)
        return fingerprint(self, *parts, own=own)

    monkeypatch.setattr(pipeline, "assemble", no_assembly)
    monkeypatch.setattr(Fingerprints, "of", counted)
    for step, words in enumerate(["Closing line, updated.", "Closing line, updated twice."]):
        replace(
            site,
            "content/briefings/2025-07-09-b9.md",
            "Closing line" + (", updated." if step else "."),
            words,
        )
        fingerprinted.clear()
        assert run_cli("build", str(site))[0] == 0
        assert fingerprinted == ["b9"]
        assert words in (site / "output/briefings/b9/index.html").read_text(encoding="utf-8")
        clean = tmp_path / f"clean-{step}"
        shutil.copytree(site, clean, ignore=shutil.ignore_patterns("output", ".output.*", CACHE_DIR))
        clean_build[0] = True
        assert run_cli("build", str(clean))[0] == 0
        clean_build[0] = False
        assert snapshot(site / "output") == snapshot(clean / "output")


def test_builds_after_edits_to_openings_assemble_nothing_and_give_a_clean_build_s_bytes(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Summaries and keywords edited, build after build: related lists are scored again from the
    snapshot, and the pages listing an edited briefing are rendered again, here where the site's
    own template shows the summary of each related briefing."""
    files_look_old(monkeypatch)
    entry = (THEME / "templates/partials/entry.html").read_text(encoding="utf-8")
    files = {**base_files(), "templates/partials/entry.html": entry + "<p>{{ briefing.summary }}</p>\n"}
    site = make_site(files)
    assert run_cli("build", str(site))[0] == 0
    assemble, clean_build = pipeline.assemble, [False]

    def no_assembly(*args: Any, **kwargs: Any) -> Any:
        assert clean_build[0], "assembled anew"
        return assemble(*args, **kwargs)

    monkeypatch.setattr(pipeline, "assemble", no_assembly)
    b3, b4 = "content/briefings/2025-07-03-b3.md", "content/briefings/2025-07-04-b4.md"
    steps = [
        lambda: edit(site, "body"),  # b3's summary
        lambda: edit(site, "later text"),  # b6's keywords
        lambda: replace(site, b3, "Changed text", "Many more words follow."),  # b3's, both
        lambda: edit(site, "text past the opening"),  # b9's text
        lambda: replace(site, b4, "Text 4", "Many more words follow."),  # b9's related take up b4
        lambda: replace(site, b4, "Many more words follow.", "Text 4"),  # and give it up
        lambda: edit(site, "mention"),  # b6 names its topic: the topic's page quotes it
        lambda: replace(site, "content/briefings/2025-07-06-b6.md", "Later on, T0", "Then T0"),
        lambda: edit(site, "title"),  # b2's: b1's and b6's links show it
        lambda: replace(site, "content/briefings/2025-07-01-b1.md", "Text 1", "Text one"),  # b1's again
        lambda: replace(site, "content/briefings/2025-07-02-b2.md", "Renamed briefing", "Briefing 2"),  # back
    ]
    for step, change in enumerate(steps):
        change()
        assert run_cli("build", str(site))[0] == 0
        clean = tmp_path / f"clean-{step}"
        shutil.copytree(site, clean, ignore=shutil.ignore_patterns("output", ".output.*", CACHE_DIR))
        clean_build[0] = True
        assert run_cli("build", str(clean))[0] == 0
        clean_build[0] = False
        assert snapshot(site / "output") == snapshot(clean / "output"), step


@pytest.mark.parametrize("gone", ["none", "briefings table", "site table"])
def test_the_kept_site_names_its_briefings_which_a_table_of_their_own_keeps(
    make_site: MakeSite, gone: str
) -> None:
    """The site is kept in two tables: its briefings by slug (their bulk), and the rest, which
    names them. A build that adds a briefing writes the new one beside the briefings' table, not
    the others again; with either table gone, the other is not taken: the site is assembled anew."""
    site = make_site(base_files())
    cache = site / CACHE_DIR
    assert run_cli("build", str(site))[0] == 0
    assert b"Text 5" in (cache / "site-briefings.pickle").read_bytes()
    assert b"Text 5" not in (cache / "site.pickle").read_bytes()
    EDITS["new"](site)
    assert run_cli("build", str(site))[0] == 0
    written = (cache / "site-briefings.delta.pickle").read_bytes()
    assert b"Fresh" in written and b"Text 5" not in written
    if gone != "none":
        for path in cache.glob(("site-briefings" if gone == "briefings table" else "site") + ".*pickle"):
            path.unlink()
    edit(site, "body")
    assert (resumed(site) is None) == (gone != "none")
    assert run_cli("build", str(site))[0] == 0
    clean = make_site(base_files())
    EDITS["new"](clean)
    edit(clean, "body")
    assert run_cli("build", str(clean))[0] == 0
    assert snapshot(site / "output") == snapshot(clean / "output")
