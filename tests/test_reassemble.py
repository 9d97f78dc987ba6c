"""A build after edits that add briefings or move them (new dates, topics, sources, related
briefings, links) takes the last build's site and puts the changed briefings in (see
briefings.reassemble): the site is the one a whole assembly makes, and so is every file of the
output. Anything else is assembled anew, and reported there."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeSite, briefing, files_look_old, run_cli, snapshot
from test_incremental import EDITS, base_files, replace

from briefings import pipeline, render
from briefings.cache import CACHE_DIR
from briefings.config import load_config
from briefings.content import list_documents
from briefings.model import Site
from briefings.reuse import Fingerprints, Taken
from briefings.snapshot import Reframed, new_build, reframe

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
B = "content/briefings/2025-07-0{}-b{}.md"


def reframed(site: Path) -> Reframed | None:
    config = load_config(site)
    listed = list_documents(config, Taken())
    return reframe(
        config, drafts=False, future=False, now=NOW, listed=listed, converted={}, build=new_build()
    )


def add(site: Path, name: str, text: str) -> None:
    (site / "content/briefings" / name).write_text(text, encoding="utf-8")


MIDDLE = briefing(
    "Middle",
    date="2025-07-05T09:00:00Z",
    source="  - name: Other Wire\n",
    extra="topics: [T0, Fresh topic]\nrelated: [b2]\n",
    body="Middle text, see [[b8]] and [[b3|the third]].",
)

# Edits that move briefings or add them: each is put in the last build's site.
MOVES: dict[str, Callable[[Path], None]] = {
    "topic added": EDITS["topics"],
    "topic changed": lambda s: replace(s, B.format(7, 7), "[T1]", "[T2]"),
    "related": EDITS["related"],
    "new": EDITS["new"],
    "new in the middle": lambda s: add(s, "2025-07-05-middle.md", MIDDLE),
    "date": lambda s: replace(s, B.format(3, 3), "date: 2025-07-03", "date: 2025-07-12"),
    "date in another month": lambda s: replace(s, B.format(8, 8), "date: 2025-07-08", "date: 2025-08-02"),
    "source": lambda s: replace(s, B.format(6, 6), "name: Example News", "name: Other Wire"),
    "link": lambda s: replace(s, B.format(7, 7), "Text 7", "Text 7, after [[b9]]"),
    "link gone": lambda s: replace(s, B.format(7, 7), "[[b3]]", "b3"),
    # The oldest of all: the home page's last page fills up, and it gets a page more (the chain of
    # builds below shows three a page, and has eleven briefings by then).
    "new, oldest": lambda s: (
        add(s, "2025-06-01-first.md", briefing("First", date="2025-06-01")),
        add(s, "2025-06-02-second.md", briefing("Second", date="2025-06-02")),
    ),
    "new and moved": lambda s: (
        add(s, "2025-07-25-late.md", briefing("Late", date="2025-07-25", extra="topics: [T2]\n")),
        replace(s, B.format(5, 5), "[T2]", "[T2, New topic]"),
    ),
}

# Edits that only a whole assembly can make, or report.
WHOLE: dict[str, Callable[[Path], None]] = {
    "deleted": EDITS["deleted"],
    "page": EDITS["page"],
    "new draft, its slug taken": lambda s: add(
        s, "2025-07-21-draft.md", briefing("Draft", date="2025-07-21", extra="draft: true\nslug: b2\n")
    ),
    "draft now": lambda s: replace(s, B.format(6, 6), "topics:", "draft: true\ntopics:"),
    # Another file of the same slug, with the same title: the title in links does not tell.
    "slug taken": lambda s: add(
        s, "2025-07-22-again.md", briefing("Briefing 3", date="2025-07-22", extra="slug: b3\n")
    ),
    "slug taken in another case": lambda s: add(
        s, "2025-07-24-case.md", briefing("Case", date="2025-07-24", extra="slug: B3\n")
    ),
    "slug changed": lambda s: replace(s, B.format(8, 8), "topics:", "slug: b8-renamed\ntopics:"),
    "broken link": lambda s: add(
        s, "2025-07-23-broken.md", briefing("Broken", date="2025-07-23", body="[[nowhere]]")
    ),
    "topic spelled otherwise": lambda s: (
        replace(s, B.format(1, 1), "[T1]", "[t1]"),
        replace(s, B.format(4, 4), "[T1]", "[t1]"),
    ),
    # b1 and b6 link to b2, and show its title.
    "retitled and moved": lambda s: (
        replace(s, B.format(2, 2), "Briefing 2'", "Renamed'"),
        replace(s, B.format(2, 2), "date: 2025-07-02", "date: 2025-07-15"),
    ),
}


def assert_same_site(found: Site, assembled: Site) -> None:
    """Equal, and every mapping in the same order (pages and feeds are made in that order)."""
    for field in dataclasses.fields(Site):
        mine, theirs = getattr(found, field.name), getattr(assembled, field.name)
        assert mine == theirs, field.name
        if isinstance(mine, dict):
            assert list(mine) == list(theirs), field.name


@pytest.mark.parametrize("name", sorted(MOVES))
def test_an_edit_moving_briefings_gives_the_site_a_whole_assembly_gives(
    make_site: MakeSite, name: str
) -> None:
    site = make_site(base_files())
    assert run_cli("build", str(site), "--accept-feed-changes")[0] == 0
    before, _ = pipeline.assemble(load_config(site), drafts=False, future=False, now=NOW)
    MOVES[name](site)
    found = reframed(site)
    assert found is not None
    assembled, waiting = pipeline.assemble(load_config(site), drafts=False, future=False, now=NOW)
    assert_same_site(found.site, assembled)
    assert found.waiting == waiting and found.site != before


LONE = "content/briefings/2025-07-04-lone.md"
WIRE = "content/briefings/2025-07-0{}-wire{}.md"

# Edits in sites made for them (more files, or files in place of the base site's): a briefing
# alone had an outlet or topic, or the most common spelling of an outlet changes (the site's
# index of outlets or topics changes its keys); a briefing named as related is moved.
RELATED_5 = briefing(
    "Briefing 5", date="2025-07-05", extra="topics: [T2]\nrelated: [b1]\n", body="Text 5 [[b1]]."
)
MOVES_IN_SITES: dict[str, tuple[dict[str, str], Callable[[Path], None]]] = {
    "an outlet and a topic go": (
        {LONE: briefing("Lone", date="2025-07-04", source="  - name: Lone Wire\n", extra="topics: [Lone]\n")},
        lambda s: (replace(s, LONE, "Lone Wire", "Example News"), replace(s, LONE, "[Lone]", "[T1]")),
    ),
    "an outlet and a topic come": (
        {},
        lambda s: add(
            s,
            "2025-07-04-lone.md",
            briefing("Lone", source="  - name: Lone Wire\n", extra="topics: [Lone]\n"),
        ),
    ),
    "a briefing named as related given a topic": (
        {B.format(5, 5): RELATED_5},
        lambda s: replace(s, B.format(1, 1), "[T1]", "[T1, Lone]"),
    ),
    "a briefing named as related moved": (
        {B.format(5, 5): RELATED_5},
        lambda s: replace(s, B.format(1, 1), "date: 2025-07-01", "date: 2025-07-13"),
    ),
    "a briefing naming another as related no longer does": (
        {B.format(5, 5): RELATED_5},
        lambda s: replace(s, B.format(5, 5), "related: [b1]\n", ""),
    ),
    "an outlet spelled otherwise": (
        {
            WIRE.format(1, 1): briefing("Wire 1", date="2025-07-01", source="  - name: RARE WIRE\n"),
            WIRE.format(2, 2): briefing("Wire 2", date="2025-07-02", source="  - name: Rare Wire\n"),
        },
        lambda s: add(
            s, "2025-07-03-wire3.md", briefing("Wire 3", date="2025-07-03", source="  - name: Rare Wire\n")
        ),
    ),
    "an outlet spelled otherwise, and the briefing moved": (
        {
            WIRE.format(1, 1): briefing("Wire 1", date="2025-07-01", source="  - name: RARE WIRE\n"),
            WIRE.format(2, 2): briefing("Wire 2", date="2025-07-02", source="  - name: Rare Wire\n"),
            WIRE.format(3, 3): briefing("Wire 3", date="2025-07-03", source="  - name: RARE WIRE\n"),
        },
        lambda s: (
            replace(s, WIRE.format(3, 3), "RARE WIRE", "Rare Wire"),
            replace(s, WIRE.format(3, 3), "2025-07-03", "2025-07-11"),
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(MOVES_IN_SITES))
def test_an_edit_moving_briefings_in_a_site_made_for_it_gives_the_site_a_whole_assembly_gives(
    make_site: MakeSite, name: str
) -> None:
    files, move = MOVES_IN_SITES[name]
    site = make_site(base_files() | files)
    assert run_cli("build", str(site), "--accept-feed-changes")[0] == 0
    before, _ = pipeline.assemble(load_config(site), drafts=False, future=False, now=NOW)
    move(site)
    found = reframed(site)
    assert found is not None
    assembled, _ = pipeline.assemble(load_config(site), drafts=False, future=False, now=NOW)
    assert_same_site(found.site, assembled)
    assert found.site != before


def test_a_related_list_a_text_edit_changed_is_made_again_when_it_is_undone_and_briefings_move(
    make_site: MakeSite,
) -> None:
    """A text edit that gives one briefing the words of another's opening changes the other's
    related list (kept beside the site); undone in the build that adds a briefing, the other's
    list is the last scoring's again, though the other was not edited."""
    site = make_site(base_files())
    assert run_cli("build", str(site), "--accept-feed-changes")[0] == 0
    first, ninth = B.format(1, 1), "output/briefings/b9/index.html"
    replace(site, first, "Text 1", "Lead paragraph, text 1")
    assert run_cli("build", str(site), "--accept-feed-changes")[0] == 0
    assert '<a href="/briefings/b1/">' in (site / ninth).read_text(encoding="utf-8")  # related now
    replace(site, first, "Lead paragraph, text 1", "Text 1")
    add(site, "2025-07-21-other.md", briefing("Quokka", date="2025-07-21", body="Quokka wombat."))
    found = reframed(site)
    assert found is not None
    assembled, _ = pipeline.assemble(load_config(site), drafts=False, future=False, now=NOW)
    assert_same_site(found.site, assembled)


def test_the_cards_of_briefings_kept_as_they_were_are_not_rendered_again(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new briefing moves every other along the home page's pages (three a page here): their
    cards and list entries are taken from the build cache, and only the new one's are rendered."""
    site = make_site(base_files())
    replace(site, "site.toml", 'title = "Test Briefings"', 'title = "Test Briefings"\npage_size = 3')
    assert run_cli("build", str(site), "--accept-feed-changes")[0] == 0
    rendered: list[str] = []
    taken = render.PagePlan.fragments_made

    def counted(plan: render.PagePlan) -> render.MadeFragments:
        made = taken(plan)
        rendered.extend(f"{name}/{slug}" for name, fragments in made.items() for slug in fragments)
        return made

    monkeypatch.setattr(render.PagePlan, "fragments_made", counted)
    EDITS["new"](site)
    before = (site / "output/page/2/index.html").read_text(encoding="utf-8")
    assert run_cli("build", str(site), "--accept-feed-changes")[0] == 0
    assert (site / "output/page/2/index.html").read_text(encoding="utf-8") != before
    assert sorted(rendered) == ["cards/fresh", "entries/fresh"]


@pytest.mark.parametrize("name", sorted(WHOLE))
def test_any_other_edit_is_assembled_anew_and_reported_there(make_site: MakeSite, name: str) -> None:
    site = make_site(base_files())
    assert run_cli("build", str(site), "--accept-feed-changes")[0] == 0
    WHOLE[name](site)
    assert reframed(site) is None
    status, _, err = run_cli("build", str(site), "--accept-feed-changes")
    if name in {"slug taken", "slug taken in another case", "broken link", "new draft, its slug taken"}:
        assert status == 1 and "2025-07-2" in err
    else:
        assert status == 0, err


LEFT_OUT = {
    "new draft": lambda s: add(
        s, "2025-07-21-draft.md", briefing("Draft", date="2025-07-21", extra="draft: true\n")
    ),
    "new, scheduled": lambda s: add(s, "2027-01-01-later.md", briefing("Later", date="2027-01-01")),
}


@pytest.mark.parametrize("name", sorted(LEFT_OUT))
def test_a_new_briefing_left_out_leaves_the_site_as_it_was(make_site: MakeSite, name: str) -> None:
    """A draft or a briefing dated later is kept in the snapshot, for what it leaves out."""
    site = make_site(base_files())
    assert run_cli("build", str(site), "--accept-feed-changes")[0] == 0
    before, _ = pipeline.assemble(load_config(site), drafts=False, future=False, now=NOW)
    LEFT_OUT[name](site)
    found = reframed(site)
    assert found is not None and not found.edited and not found.lists
    assembled, waiting = pipeline.assemble(load_config(site), drafts=False, future=False, now=NOW)
    assert_same_site(found.site, assembled)
    assert found.site == before and found.waiting == waiting
    assert len(waiting) == (name == "new, scheduled")


def test_briefings_scheduled_are_put_in_but_one_due_with_another_is_assembled_anew(
    make_site: MakeSite,
) -> None:
    """The first to come due is kept; which of two due at once comes first, their slugs tell."""
    site = make_site(base_files())
    assert run_cli("build", str(site))[0] == 0
    LEFT_OUT["new, scheduled"](site)
    assert run_cli("build", str(site))[0] == 0
    add(site, "2027-01-01-again.md", briefing("Again", date="2027-01-01"))
    assert reframed(site) is None
    assert run_cli("build", str(site))[0] == 0
    add(site, "2026-12-31-sooner.md", briefing("Sooner", date="2026-12-31"))  # due before them: put in
    found = reframed(site)
    _, waiting = pipeline.assemble(load_config(site), drafts=False, future=False, now=NOW)
    assert found is not None and found.waiting == waiting and len(waiting) == 3
    status, out, _ = run_cli("build", str(site))
    assert status == 0 and "scheduled: 3 briefings dated in the future, the next due 2026-12-31" in out


def test_builds_after_edits_moving_briefings_assemble_nothing_and_give_a_clean_build_s_bytes(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Move after move, each build takes the site its predecessor kept (a whole assembly's, a
    reassembled one, or one with texts edited), fingerprints the pages of the briefings whose
    pages may show something new, and gives the bytes of a clean build."""
    files_look_old(monkeypatch)
    site = make_site(base_files())
    replace(site, "site.toml", 'title = "Test Briefings"', 'title = "Test Briefings"\npage_size = 3')
    assert run_cli("build", str(site), "--accept-feed-changes")[0] == 0
    assemble, clean_build = pipeline.assemble, [False]

    def no_assembly(*args: Any, **kwargs: Any) -> Any:
        assert clean_build[0], "assembled anew"
        return assemble(*args, **kwargs)

    own_pages: list[str] = []
    fingerprint = Fingerprints.of

    def counted(self: Fingerprints, *parts: Any, own: Any = None) -> str:
        if own is not None:
            own_pages.append(own.slug)
        return fingerprint(self, *parts, own=own)

    monkeypatch.setattr(pipeline, "assemble", no_assembly)
    monkeypatch.setattr(Fingerprints, "of", counted)
    steps = [
        *MOVES.values(),
        *LEFT_OUT.values(),
        lambda s: replace(s, B.format(3, 3), "Text 3", "Text three"),  # a text edit, resumed
        lambda s: replace(s, B.format(3, 3), "date: 2025-07-12", "date: 2025-07-03"),  # moved back
        lambda s: replace(s, "content/briefings/2025-07-05-middle.md", "[T0, Fresh topic]", "[T0]"),
    ]
    for step, change in enumerate(steps):
        change(site)
        own_pages.clear()
        assert run_cli("build", str(site), "--accept-feed-changes")[0] == 0
        assert len(own_pages) < 10, step  # not every briefing's page (none for a briefing left out)
        clean = tmp_path / f"clean-{step}"
        shutil.copytree(site, clean, ignore=shutil.ignore_patterns("output", ".output.*", CACHE_DIR))
        clean_build[0] = True
        assert run_cli("build", str(clean), "--accept-feed-changes")[0] == 0
        clean_build[0] = False
        assert snapshot(site / "output") == snapshot(clean / "output"), step
