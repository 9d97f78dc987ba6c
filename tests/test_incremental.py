"""Warm builds: whatever was edited, a build that reuses the cache gives the bytes of a clean build."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from hashlib import sha256
from pathlib import Path
from typing import Any

import jinja2
import pytest
from conftest import MakeSite, briefing, files_look_old, run_cli, snapshot

from briefings import __version__, convert, pipeline, render
from briefings.cache import CACHE_DIR, Cache, Writes
from briefings.content import Document
from briefings.contexts import site_pages
from briefings.convert import Converter
from briefings.errors import ContentError, TemplateError
from briefings.model import Briefing, Site
from briefings.parallel import Parallelism, forked_pool
from briefings.pipeline import build
from briefings.reuse import FilesStamp, Taken, files_stamp


def base_files() -> dict[str, str]:
    files = {
        f"content/briefings/2025-07-{n:02d}-b{n}.md": briefing(
            f"Briefing {n}",
            date=f"2025-07-{n:02d}",
            extra=f"topics: [T{n % 3}]\n",
            body=f"Text {n} [[b{n % 5 + 1}]].",
        )
        for n in range(1, 9)
    }
    files["content/briefings/2025-07-09-b9.md"] = briefing(
        "Briefing 9", date="2025-07-09", extra="topics: [T0]\n", body=LONG_TEXT
    )
    files["content/pages/about.md"] = "---\ntitle: About\n---\nAbout us.\n"
    return files


# A text longer than the opening that keywords are taken from (related.TEXT_CHARS).
LONG_TEXT = "A lead paragraph. See [[b1]].\n\n" + "Many more words follow here. " * 60 + "\n\nClosing line."


def replace(site: Path, name: str, old: str, new: str) -> None:
    path = site / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


EDITS: dict[str, Callable[[Path], None]] = {
    "body": lambda s: replace(s, "content/briefings/2025-07-03-b3.md", "Text 3", "Changed text"),
    "later text": lambda s: replace(
        s, "content/briefings/2025-07-06-b6.md", "]].", "]].\n\nA second paragraph."
    ),
    # A sentence naming its topic, past the first paragraph: the topic page quotes it, and nothing
    # else that lists the briefing changes.
    "mention": lambda s: replace(
        s, "content/briefings/2025-07-06-b6.md", "]].", "]].\n\nLater on, T0 came up again."
    ),
    # Past the opening and the summary: the text alone changes (see briefings.snapshot).
    "text past the opening": lambda s: replace(
        s, "content/briefings/2025-07-09-b9.md", "Closing line.", "Closing line, updated."
    ),
    "title": lambda s: replace(s, "content/briefings/2025-07-02-b2.md", "Briefing 2", "Renamed briefing"),
    "topics": lambda s: replace(s, "content/briefings/2025-07-04-b4.md", "[T1]", "[T1, New topic]"),
    "related": lambda s: replace(
        s, "content/briefings/2025-07-05-b5.md", "topics:", "related: [b1]\ntopics:"
    ),
    "deleted": lambda s: (s / "content/briefings/2025-07-07-b7.md").unlink(),
    "new": lambda s: (s / "content/briefings/2025-07-20-fresh.md").write_text(
        briefing("Fresh", date="2025-07-20", body="See [[b1]]."), encoding="utf-8"
    ),
    "template": lambda s: (
        (s / "templates" / "partials").mkdir(parents=True, exist_ok=True)
        or (s / "templates/partials/footer.html").write_text(
            "<footer><p>New footer</p></footer>\n", encoding="utf-8"
        )
    ),
    # Every card and list entry shows a briefing with what every page shares: these are rendered
    # anew, not taken from the build cache (see render.PagePlan.reuse_fragments).
    "card template": lambda s: (
        (s / "templates" / "partials").mkdir(parents=True, exist_ok=True)
        or (s / "templates/partials/card.html").write_text(
            '<article class="card"><a href="{{ briefing.url }}">{{ briefing.title }}</a></article>\n',
            encoding="utf-8",
        )
    ),
    "base url": lambda s: replace(s, "site.toml", '"https://example.org/"', '"https://example.org/news/"'),
    "site.toml": lambda s: replace(s, "site.toml", 'title = "Test Briefings"', 'title = "Renamed site"'),
    "timezone": lambda s: replace(s, "site.toml", 'timezone = "UTC"', 'timezone = "Asia/Tokyo"'),
    "page": lambda s: replace(s, "content/pages/about.md", "About us.", "About everyone."),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_warm_build_after_an_edit_equals_a_clean_build(
    make_site: MakeSite, tmp_path: Path, edit: str
) -> None:
    site = make_site(base_files())
    assert run_cli("build", str(site), "--accept-feed-changes")[0] == 0
    assert (site / CACHE_DIR).is_dir()
    EDITS[edit](site)
    assert run_cli("build", str(site), "--accept-feed-changes")[0] == 0
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("output", ".output.*", CACHE_DIR))
    assert run_cli("build", str(clean), "--accept-feed-changes")[0] == 0
    assert snapshot(site / "output") == snapshot(clean / "output")


@pytest.mark.parametrize(("seed", "old"), [(1, False), (2, False), (3, True), (4, True)])
def test_every_build_of_a_run_of_edits_equals_a_clean_build(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, old: bool
) -> None:
    """Edits one after another, in a shuffled order: the two output folders take turns, so
    what a deleted briefing left must be gone from both. With files looking old, edits are
    found by the files' metadata alone."""
    if old:
        files_look_old(monkeypatch)
    site = make_site(base_files())
    assert run_cli("build", str(site), "--accept-feed-changes")[0] == 0
    for step, edit in enumerate(random.Random(seed).sample(sorted(EDITS), len(EDITS))):
        EDITS[edit](site)
        assert run_cli("build", str(site), "--accept-feed-changes")[0] == 0
        clean = tmp_path / f"clean-{step}"
        shutil.copytree(site, clean, ignore=shutil.ignore_patterns("output", ".output.*", CACHE_DIR))
        assert run_cli("build", str(clean), "--accept-feed-changes")[0] == 0
        assert snapshot(site / "output") == snapshot(clean / "output"), f"after {edit}"


@pytest.mark.parametrize(
    ("template", "source", "page"),
    [
        ("partials/card.html", "<article>{{ briefing.body_html|safe }}</article>", "topics/t0/index.html"),
        ("briefing.html", "{% if next %}{{ next.body_html|safe }}{% endif %}", "briefings/b5/index.html"),
    ],
)
def test_pages_that_show_another_briefings_text_follow_its_edits(
    make_site: MakeSite, tmp_path: Path, template: str, source: str, page: str
) -> None:
    """A site's own template may show the text of briefings a page lists or links: then an edit
    to that text changes those pages too (the built-in theme shows a text on its own page only)."""
    site = make_site({**base_files(), f"templates/{template}": source + "\n"})
    assert run_cli("build", str(site))[0] == 0
    EDITS["later text"](site)
    assert run_cli("build", str(site))[0] == 0
    assert "A second paragraph." in (site / "output" / page).read_text(encoding="utf-8")
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("output", ".output.*", CACHE_DIR))
    assert run_cli("build", str(clean))[0] == 0
    assert snapshot(site / "output") == snapshot(clean / "output")


def test_a_cache_not_signed_by_this_user_is_ignored(make_site: MakeSite) -> None:
    site = make_site(base_files())
    assert run_cli("build", str(site))[0] == 0
    cache = site / CACHE_DIR / "documents.pickle"
    cache.write_bytes(b"\0" * 32 + b"cos\nsystem\n(S'echo owned'\ntR.")  # a pickle that would run a command
    EDITS["deleted"](site)  # a build that converts and assembles the site anew
    status, _, err = run_cli("build", str(site))
    assert status == 0, err
    assert cache.read_bytes()[32:] != b"cos\nsystem\n(S'echo owned'\ntR."  # replaced by a signed one


def test_paths_in_the_cache_load_as_the_paths_the_build_listed(tmp_path: Path) -> None:
    """A table's paths load as the very objects the caller names by their text (the content
    listing's), and the others as equal new paths."""
    listed, other = tmp_path / "content/briefings/a.md", tmp_path / "content/briefings/b.md"
    table = Cache(tmp_path, "table", "1")
    table.put("a", (Path(str(listed)), other))
    table.save()
    first, second = Cache(tmp_path, "table", "1", {str(listed): listed}).get("a")
    assert first is listed and second == other and type(second) is type(other)


def test_a_table_written_aside_is_in_place_once_its_writes_are_finished(tmp_path: Path) -> None:
    """A table written aside twice is written in order (the later save is the one kept), and
    each save is in place once the writes that were given it are finished."""
    table = Cache(tmp_path, "table", "1")
    with Writes() as aside:
        table.put("a", "first")
        assert table.save(aside=aside)
        table.put("a", "second")
        assert table.save(aside=aside)
    assert not aside.writing and Cache(tmp_path, "table", "1").get("a") == "second"
    again = Cache(tmp_path, "table", "1")
    with Writes() as other:
        again.put("a", "third")
        assert again.save(aside=other)
        again.put("a", "fourth")  # written here, once the third is written aside
        assert again.save()
        assert Cache(tmp_path, "table", "1").get("a") == "fourth"


def test_a_small_change_saves_only_the_change_beside_the_cache(make_site: MakeSite) -> None:
    site = make_site(base_files())
    assert run_cli("build", str(site))[0] == 0
    table, change = site / CACHE_DIR / "documents.pickle", site / CACHE_DIR / "documents.delta.pickle"
    saved = table.read_bytes()
    # A page edited: the site is assembled anew (see snapshot), from the documents table.
    EDITS["page"](site)
    assert run_cli("build", str(site))[0] == 0
    assert table.read_bytes() == saved and change.is_file()
    change.write_bytes(change.read_bytes()[:-1] + b"x")  # tampered with: ignored, so converted again
    replace(site, "content/pages/about.md", "About everyone.", "About all of us.")
    assert run_cli("build", str(site))[0] == 0
    clean = site.parent / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("output", ".output.*", CACHE_DIR))
    assert run_cli("build", str(clean))[0] == 0
    assert snapshot(site / "output") == snapshot(clean / "output")


def test_a_build_with_nothing_changed_writes_nothing(make_site: MakeSite) -> None:
    site = make_site(base_files())
    first = build(site, site / "output")
    assert first.changed > 0
    mtimes = {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*")}
    again = build(site, site / "output")
    assert again.changed == 0 and again.briefings == first.briefings and again.files == first.files
    assert {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*")} == mtimes
    shutil.rmtree(site / "output")
    assert build(site, site / "output").changed == first.files  # a missing output is built again


def test_a_build_into_another_folder_leaves_the_output_s_record(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A preview (`briefings serve` builds into a folder of its own, with its own address) or a
    staging build between two builds of output/ leaves what the next one may reuse: after an
    edit it renders the edited briefing's pages again, not the whole site. A record goes with
    its folder."""
    site = make_site(base_files())
    build(site, site / "output")
    preview = tmp_path / "preview"
    build(site, preview, base_url="http://127.0.0.1:8000/")
    rendered: list[int] = []
    render_all = pipeline._render_all

    def counted(work: Any, *others: Any) -> Any:
        rendered.append(len(work.plan.todo))
        return render_all(work, *others)

    monkeypatch.setattr(pipeline, "_render_all", counted)
    replace(site, "content/briefings/2025-07-09-b9.md", "Closing line.", "Closing line, updated.")
    build(site, site / "output")
    assert 0 < rendered[-1] < 5  # its page; not all 30 or so
    shutil.rmtree(preview)
    replace(site, "content/briefings/2025-07-09-b9.md", "updated.", "updated again.")
    build(site, site / "output")
    builds = Cache(site, "builds", __version__)
    assert set(builds.entries) == {str((site / "output").absolute())}


def test_a_scheduled_briefing_is_published_when_due_even_if_nothing_changed(make_site: MakeSite) -> None:
    files = base_files()
    files["content/briefings/2025-08-01-later.md"] = briefing("Later", date="2025-08-01")
    site = make_site(files)
    before = dt.datetime(2025, 7, 20, tzinfo=dt.UTC)
    assert build(site, site / "output", now=before).scheduled == 1
    assert build(site, site / "output", now=before + dt.timedelta(days=1)).changed == 0
    after = build(site, site / "output", now=dt.datetime(2025, 8, 2, tzinfo=dt.UTC))
    assert after.scheduled == 0 and after.changed > 0
    assert (site / "output" / "briefings" / "later" / "index.html").is_file()


def test_an_unreadable_new_file_is_reported_even_when_nothing_else_changed(make_site: MakeSite) -> None:
    site = make_site(base_files())
    assert run_cli("build", str(site))[0] == 0
    (site / "content/briefings/broken.md").symlink_to(site / "nowhere.md")  # a file that cannot be read
    status, _, err = run_cli("build", str(site))
    assert status == 1 and "content/briefings/broken.md: cannot read file" in err


def test_a_file_changed_in_the_last_seconds_is_judged_by_its_bytes(tmp_path: Path) -> None:
    """Timestamps have a precision: two writes within it can leave a file's times alike, so the
    bytes of recent files are kept, and compared by the next build whatever their age then."""
    page = tmp_path / "a.md"
    page.write_text("same", encoding="utf-8")
    first = files_stamp([tmp_path])
    assert first.recent and files_stamp([tmp_path]).holds(first)
    later = time.time_ns() + 10**10
    assert not files_stamp([tmp_path], taken=Taken(later)).recent  # once old: sizes, inodes and times only
    assert files_stamp([tmp_path], taken=Taken(later)).holds(first)
    page.write_text("diff", encoding="utf-8")  # same size, other bytes
    changed = files_stamp([tmp_path], taken=Taken(later))
    alike = FilesStamp(changed.digest, first.recent)  # as if the write had left the times alike
    assert not changed.holds(alike) and not files_stamp([tmp_path]).holds(alike)
    assert changed.holds(FilesStamp(changed.digest, {str(page): sha256(b"diff").hexdigest()}))


def test_files_written_just_before_a_build_do_not_make_the_next_build_work(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(base_files())  # written just now: the first build reads them
    build(site, site / "output")
    files_look_old(monkeypatch)  # the next build, seconds later, judges them by their times

    def not_again(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the site was assembled again though nothing changed")

    monkeypatch.setattr(pipeline, "assemble", not_again)
    assert build(site, site / "output").changed == 0


def test_pages_rendered_by_several_processes_equal_those_rendered_by_one(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(base_files())
    alone = tmp_path / "alone"
    shutil.copytree(site, alone)
    assert build(alone, alone / "output").pages > 10
    pools: list[int] = []

    def counted_pool(workers: int, inherit: object = None) -> Any:
        pools.append(workers)
        return forked_pool(workers, inherit)

    monkeypatch.setattr(pipeline, "forked_pool", counted_pool)
    pooled = Parallelism(pool_from=1, pages_per_task=3)
    report = build(site, site / "output", parallelism=pooled)
    assert pools, "the pages were not rendered in parallel"
    assert snapshot(site / "output") == snapshot(alone / "output")
    assert report.changed == report.files  # every file written, each counted once

    (site / "templates").mkdir()
    (site / "templates/page.html").write_text("{{ no_such_value }}", encoding="utf-8")
    before = snapshot(site / "output")
    with pytest.raises(TemplateError) as failed:
        build(site, site / "output", parallelism=pooled)
    assert [p.render(site) for p in failed.value.problems] == [
        "templates/page.html:1: template error: 'no_such_value' is undefined"
    ]
    assert snapshot(site / "output") == before


def test_feeds_pages_and_the_ledger_made_apart_equal_those_made_here(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For a large site the feeds and every other page are rendered, and the feed ledger checked,
    in forked processes while the pages render: the output and the ledger are the same bytes, a
    build after an edit keeps them so, and a change readers would notice is refused with the
    output left as it was."""
    site = make_site(base_files())
    here = tmp_path / "here"
    shutil.copytree(site, here)
    alone, apart = Parallelism(apart_from=10**9), Parallelism(apart_from=1, split_from=1)
    build(here, here / "output", parallelism=alone)
    forks: list[int] = []
    fork = os.fork

    def counted_fork() -> int:
        forks.append(1)
        return fork()

    monkeypatch.setattr(os, "fork", counted_fork)
    report = build(site, site / "output", parallelism=apart)
    assert len(forks) >= 3, "the feeds, the pages or the ledger were not made apart"
    assert snapshot(site / "output") == snapshot(here / "output")
    assert report.paths == snapshot(site / "output").keys()  # what was made apart is known here
    assert (site / "published.json").read_bytes() == (here / "published.json").read_bytes()
    for folder in (site, here):
        (folder / "content/briefings/2025-07-20-b20.md").write_text(
            briefing("Twenty", date="2025-07-20", extra="topics: [T1]\n"), encoding="utf-8"
        )
    build(here, here / "output", parallelism=alone)
    report = build(site, site / "output", parallelism=apart)
    assert snapshot(site / "output") == snapshot(here / "output")
    assert report.paths == snapshot(site / "output").keys()
    assert {"rss.xml", "atom.xml", "feed.json", "topics/t1/rss.xml"} <= report.changed_paths
    assert (site / "published.json").read_bytes() == (here / "published.json").read_bytes()
    assert b"b20" in (site / "published.json").read_bytes()
    before, ledger = snapshot(site / "output"), (site / "published.json").read_bytes()
    (site / "content/briefings/2025-07-20-b20.md").rename(site / "content/briefings/2025-07-20-moved.md")
    with pytest.raises(ContentError, match="feed id would change"):
        build(site, site / "output", parallelism=apart)
    assert snapshot(site / "output") == before and (site / "published.json").read_bytes() == ledger


def test_a_site_named_by_another_path_uses_the_same_cache(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`briefings build .` and `briefings serve` (which names the site by its full path) share it,
    and a build after one by another name has nothing to do."""
    site = make_site(base_files())
    monkeypatch.chdir(site)
    build(Path("."), Path("output"))
    replace(site, "content/briefings/2025-07-03-b3.md", "Text 3", "Changed text")
    converted: list[str] = []
    convert = Converter.convert

    def counted(self: Converter, document: Document) -> Any:
        converted.append(document.path.name)
        return convert(self, document)

    monkeypatch.setattr(Converter, "convert", counted)
    report = build(site, site / "output")
    assert converted == ["2025-07-03-b3.md"]
    assert report.changed > 0

    def not_again(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the site was assembled again though nothing changed")

    monkeypatch.setattr(pipeline, "assemble", not_again)  # named `.` again: nothing to do
    assert build(Path("."), Path("output")).changed == 0


@pytest.mark.parametrize("many", [False, True])
def test_a_first_build_reads_files_where_it_converts_them(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, many: bool
) -> None:
    """With nothing cached, the converting processes read the files (forked ones, for many files,
    and a forked one writes the cache): a file that cannot be read is reported by its path, and
    the cache left behind serves the next build, which converts only what was edited."""
    sizes = Parallelism(convert_from=1, convert_chunk=2) if many else Parallelism(convert_from=10**9)
    site = make_site(base_files())
    (site / "content/briefings/2025-07-30-folder.md").mkdir()  # named like a briefing, no file
    with pytest.raises(ContentError) as failed:
        build(site, site / "output", parallelism=sizes)
    assert [problem.render(site) for problem in failed.value.problems] == [
        "content/briefings/2025-07-30-folder.md: cannot read file: Is a directory"
    ]
    (site / "content/briefings/2025-07-30-folder.md").rmdir()
    first = build(site, site / "output", parallelism=sizes)
    assert first.briefings == 9 and (site / CACHE_DIR / "documents.pickle").is_file()
    replace(site, "content/briefings/2025-07-03-b3.md", "Text 3", "Changed text")
    converted: list[str] = []
    conversion = Converter.convert

    def counted(self: Converter, document: Document) -> Any:
        converted.append(document.path.name)
        return conversion(self, document)

    monkeypatch.setattr(Converter, "convert", counted)
    build(site, site / "output", parallelism=sizes)
    assert converted == ["2025-07-03-b3.md"]
    assert "Changed text" in (site / "output/briefings/b3/index.html").read_text(encoding="utf-8")


def test_files_a_build_left_unchanged_are_shared_by_both_output_folders(make_site: MakeSite) -> None:
    """What lets a build keep an unchanged file without looking at it: after each build, the
    output and the spare beside it hold that very file (one inode), and the output is a clean
    build's."""
    site = make_site(base_files())
    output, spare = site / "output", site / ".output.spare"
    build(site, output)
    for step, edit in enumerate(["body", "title", "body", "topics", "deleted", "new"]):
        EDITS[edit](site)
        report = build(site, output)
        unchanged = report.paths - report.changed_paths
        assert len(unchanged) > 10, edit
        for path in unchanged:
            assert (output / path).stat().st_ino == (spare / path).stat().st_ino, (step, path)
    clean = make_site(base_files())
    for edit in ["body", "title", "topics", "deleted", "new"]:
        EDITS[edit](clean)
    build(clean, clean / "output")
    assert snapshot(output) == snapshot(clean / "output")


@pytest.mark.parametrize("spare_too", [False, True])
def test_files_deleted_from_the_output_are_made_again_by_the_next_build(
    make_site: MakeSite, spare_too: bool
) -> None:
    """Output files deleted by hand (by a deploy script, say), and the spare folder beside the
    output too, are back after the next build: its output is a clean build's."""
    site = make_site(base_files())
    output = site / "output"
    build(site, output)
    EDITS["body"](site)
    build(site, output)  # the output and the spare share the files this build left unchanged (not b3's)
    for path in ["briefings/b2/index.html", "briefings/b3/index.html", "topics/t1/index.html", "rss.xml"]:
        (output / path).unlink()
    if spare_too:
        shutil.rmtree(site / ".output.spare")
    EDITS["text past the opening"](site)  # b3's page, rewritten by the last build, stays as it is
    build(site, output)
    clean = make_site(base_files())
    EDITS["body"](clean)
    EDITS["text past the opening"](clean)
    build(clean, clean / "output")
    assert snapshot(output) == snapshot(clean / "output")


def test_files_unchanged_since_the_last_build_are_not_read_again(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    files_look_old(monkeypatch)
    site = make_site(base_files())
    build(site, site / "output")
    EDITS["page"](site)  # the site is assembled anew (see snapshot), from the documents table
    body = site / "content/briefings/2025-07-05-b5.md"  # same size, its modification time put back
    before = body.stat()
    body.write_text(body.read_text(encoding="utf-8").replace("Text 5", "Next 5"), encoding="utf-8")
    os.utime(body, ns=(before.st_atime_ns, before.st_mtime_ns))
    read: list[str] = []
    with_data = convert.with_data

    def counted(document: Any) -> Any:
        read.append(document.path.name)
        return with_data(document)

    monkeypatch.setattr(convert, "with_data", counted)
    build(site, site / "output")
    assert sorted(read) == ["2025-07-05-b5.md", "about.md"]
    assert "Next 5" in (site / "output/briefings/b5/index.html").read_text(encoding="utf-8")


# What a build renders again after b3's first paragraph was edited: its page, its neighbours'
# and the pages that list it (which show its summary).
TODO_AFTER_LEAD_EDIT = [
    "index.html",
    "topics/index.html",
    "topics/t0/index.html",
    "sources/index.html",
    "sources/example-news/index.html",
    "archive/index.html",
    "archive/2025/07/index.html",
    "editions/index.html",
    "editions/2025-07-03/index.html",
    "briefings/b9/index.html",
    "briefings/b6/index.html",
    "briefings/b4/index.html",
    "briefings/b3/index.html",
    "briefings/b2/index.html",
]


@pytest.mark.parametrize("rendered", ["here", "by a pool", "two by two"])
def test_pages_fingerprinted_as_a_first_build_renders_them_are_kept_by_the_next(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, rendered: str
) -> None:
    """A first build fingerprints pages as it renders them (in forked processes, for many): the
    next build, fingerprinting them beforehand, must find the same fingerprints."""
    sizes = {
        "here": Parallelism(),
        "by a pool": Parallelism(pool_from=1, pages_per_task=3),
        "two by two": Parallelism(apart_from=1, split_from=1),  # every other page by a forked process
    }[rendered]
    site = make_site(base_files())
    build(site, site / "output", parallelism=sizes)
    plans: list[render.PagePlan] = []
    plan_pages = render.plan_pages

    def kept_plan(*args: Any) -> render.PagePlan:
        plans.append(plan_pages(*args))
        return plans[-1]

    monkeypatch.setattr(render, "plan_pages", kept_plan)
    replace(site, "content/briefings/2025-07-03-b3.md", "Text 3", "Changed text")
    build(site, site / "output", parallelism=sizes)
    assert "briefings/b3/index.html" in [page.path for page in plans[0].todo]
    assert {"404.html", "about/index.html", "briefings/b8/index.html"} <= set(plans[0].kept)
    assert [page.path for page in plans[0].todo] == TODO_AFTER_LEAD_EDIT


def test_the_lists_of_a_page_hold_every_briefing_its_context_holds(make_site: MakeSite) -> None:
    """Which briefings a page about no one briefing shows is told from its lists, without making
    its context (see render.plan_pages): every briefing in the context must be in them."""
    site = make_site(base_files())
    replace(site, "site.toml", 'title = "Test Briefings"', 'title = "Test Briefings"\npage_size = 3')
    made: list[Site] = []
    build(site, site / "output", on_site=made.append)

    def briefings_in(value: Any) -> Iterator[Briefing]:
        if isinstance(value, Briefing):
            yield value
        elif isinstance(value, Mapping):
            for key, item in value.items():
                yield from briefings_in(key)
                yield from briefings_in(item)
        elif isinstance(value, list | tuple):
            for item in value:
                yield from briefings_in(item)

    listing = set()
    for page in site_pages(made[0]):
        if page.lists is None:
            continue
        listing.add(page.template)
        held = {id(b) for b in briefings_in((page.inputs or page.context)())}
        assert held, page.path
        assert held <= {id(b) for _, briefings in page.lists for b in briefings}, page.path
    assert listing == {"index.html", "topics.html", "topic.html", "sources.html", "source.html"} | {
        "archive.html",
        "month.html",
        "editions.html",
        "edition.html",
    }


def test_templates_compiled_by_one_build_are_not_compiled_again(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({**base_files(), "templates/partials/footer.html": "<footer>Ours</footer>\n"})
    (site / "templates/notes.txt").write_bytes(b"\xff\xfe not a template")  # never used: no matter
    (site / "templates/broken.html").write_text("{% if %}", encoding="utf-8")  # unused: compiled in vain
    build(site, site / "output")
    compiled: list[str | None] = []
    compile_template = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: str, name: str | None = None, *args: Any) -> Any:
        compiled.append(name)
        return compile_template(self, source, name, *args)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    EDITS["body"](site)
    build(site, site / "output")
    assert compiled == ["broken.html"]
    (site / "templates/partials/footer.html").write_text("<footer>Changed</footer>\n", encoding="utf-8")
    compiled.clear()
    build(site, site / "output")
    assert compiled == ["broken.html", "partials/footer.html"]
    assert "<footer>Changed</footer>" in (site / "output/index.html").read_text(encoding="utf-8")
