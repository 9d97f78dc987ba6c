"""Importing aggregator captures: the example capture, layout variations, re-import and edits."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import MakeSite, body_of, front_matter, run_cli

from briefings.pipeline import build

EXAMPLE = Path(__file__).resolve().parent / "import_fixtures" / "daily8-capture.txt"  # the shared example
CAPTURED = "2025-07-13T09:00:00+09:00"
TOPICS = '[topics]\n"North Korea" = ["Pyongyang", "DPRK"]\nRussia = ["Moscow"]\nChina = ["Beijing", "中国"]\n'
INTERFACE = [
    "logo",
    "Orange background",
    "Try Our AI Features",
    "Explore what",
    "Comments",
    "No comments",
    "Related Articles",
    "DOWNLOAD THE APP",
    "Download the App",
    "app-store",
    "• NHK",
    "time12",
]

FOOTER = """Orange background

Try Our AI Features

Explore what Daily8 AI can do for you:

Comments

No comments yet...
"""
APP = """DOWNLOAD THE APP

Get Started Now: Download the App

Ready to dive into a world of global content with local flavor? Download Daily8 app today from your preferred app store and start exploring.
app-storeplay-store
"""  # noqa: E501


def capture(title: str, source_line: str, body: list[str], related: list[tuple[str, str, str, str]]) -> str:
    """A capture in the Daily8 layout; related entries are (title, source, time, body)."""
    text = f"logo\n{title}\n\n{title}\n\n{source_line}\n" + "\n".join(body) + "\n" + FOOTER
    if related:
        text += "\nRelated Articles\n\n"
        for r_title, source, when, r_body in related:
            text += (
                f"{r_title}\n{r_title}\n\n{source}\n\ntime{when}\n\n  • {source}\n\n{r_title}\n\n{r_body}\n\n"
            )
    return text + APP


def briefings_in(root: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted((root / "content" / "briefings").glob("*.md"))}


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    conf = 'title = "T"\nbase_url = "https://example.org/"\ntimezone = "Asia/Tokyo"\n' + TOPICS
    return make_site({"site.toml": conf})


def import_file(root: Path, path: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli("import", str(path), "--site", str(root), "--captured", CAPTURED, *extra)


def words(text: str) -> int:
    return len(text.split())


def test_example_capture_gives_the_three_example_briefings(site: Path, tmp_path: Path) -> None:
    """Each article becomes a briefing, not a copy: its summary and key points are sentences of
    the article, its quotes keep their speaker, it is dated when it was captured and its source
    when the original appeared."""
    status, out, err = import_file(site, EXAMPLE)
    assert status == 0, err
    assert out.splitlines()[-1] == "imported 3 briefings: 3 new, 0 updated, 0 unchanged"
    files = briefings_in(site)
    expected = {
        "china-says-it-foiled-foreign-spying-plots-including-honeytrap": (
            "China says it foiled foreign spying plots, including 'honeytrap'",
            "Japan Times",
            "2025-07-10",  # "3 days ago": a day
        ),
        "lavrov-russia-understands-why-north-korea-pursues-nuclear-development": (
            "Lavrov: Russia understands why North Korea pursues nuclear development",
            "NHK",
            "2025-07-12 21:00:00+09:00",  # "12 hours ago": a moment
        ),
        "still-no-inkling-on-when-beef-exports-to-china-will-resume": (
            "Still no inkling on when beef exports to China will resume",
            "Asahi Shimbun",
            "2025-07-12 18:00:00+09:00",
        ),
    }
    assert sorted(files) == sorted(f"2025-07-13-{slug}.md" for slug in expected)
    captured = EXAMPLE.read_text(encoding="utf-8")
    article_words = {"china": 393, "lavrov": 208, "still": 497}  # the articles, in words
    for slug, (title, source, published) in expected.items():
        path = files[f"2025-07-13-{slug}.md"]
        meta = front_matter(path)
        assert meta["title"] == title
        assert str(meta["date"]) == str(meta["captured"]) == "2025-07-13 09:00:00+09:00"
        assert [{k: str(v) for k, v in s.items()} for s in meta["sources"]] == [  # type: ignore[attr-defined]
            {"name": source, "published": published}
        ]
        assert meta["via"] == "Daily8"
        assert set(meta["related"]) == set(expected) - {slug}  # type: ignore[arg-type]
        summary = str(meta["summary"])
        assert summary in captured and words(summary) <= 50
        body = body_of(path).strip()
        for phrase in INTERFACE:
            assert phrase not in body, (slug, phrase)
        blocks = body.split("\n\n")
        points = [line.removeprefix("- ") for line in blocks[0].split("\n")]
        assert blocks[0].startswith("- ") and 3 <= len(points) <= 5, body
        for point in points:
            assert point.replace("\\", "") in captured, point  # the article's own sentences
        quotes = [block for block in blocks[1:] if block.startswith("> ")]
        assert len(quotes) <= 2 and all(" \u2014 " in quote for quote in quotes)
        assert words(body) <= min(200, 0.4 * article_words[slug.split("-")[0]]), body
    china = body_of(files["2025-07-13-china-says-it-foiled-foreign-spying-plots-including-honeytrap.md"])
    assert "Lavrov" not in china and "beef" not in china  # nothing from the related ones
    assert (
        "\u201cLeaks are often hidden in the small details of our work lives.\u201d \u2014 the ministry"
        in china
    )
    report = build(site, tmp_path / "out")
    assert report.briefings == 3
    page = tmp_path / "out" / "briefings" / "china-says-it-foiled-foreign-spying-plots-including-honeytrap"
    html = (page / "index.html").read_text(encoding="utf-8")
    assert "Japan Times" in html and "Daily8" in html and "Lavrov" in html
    assert 'Briefed <time datetime="2025-07-13T09:00:00+09:00">' in html
    assert 'published <time datetime="2025-07-10">' in html


def test_full_text_keeps_the_whole_article(site: Path) -> None:
    status, _, err = import_file(site, EXAMPLE, "--full-text")
    assert status == 0, err
    china = body_of(
        briefings_in(site)["2025-07-13-china-says-it-foiled-foreign-spying-plots-including-honeytrap.md"]
    )
    assert len(china.strip().split("\n\n")) == 17  # seventeen paragraphs, each kept whole
    assert "The state security ministry also said in March it had sentenced to death" in china


def test_reimport_is_unchanged_and_writes_nothing(site: Path, tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_text(capture("A plan for Pyongyang", "NHK3 days ago", ["One.", "Two."], []), encoding="utf-8")
    assert import_file(site, path)[0] == 0
    before = {p.name: p.read_bytes() for p in briefings_in(site).values()}
    status, out, _ = import_file(site, path)
    assert status == 0
    assert (
        out.splitlines()
        == [
            "unchanged " + str(site / "content/briefings/2025-07-10-a-plan-for-pyongyang.md"),
            "imported 1 briefing: 0 new, 0 updated, 0 unchanged".replace("0 unchanged", "1 unchanged"),
        ]
        or out.splitlines()[-1] == "imported 1 briefing: 0 new, 0 updated, 1 unchanged"
    )
    assert {p.name: p.read_bytes() for p in briefings_in(site).values()} == before
    assert sorted(p.name for p in (site / "content" / "briefings").iterdir()) == sorted(
        before
    )  # no temp files


def test_no_related_articles_yesterday_and_cjk_title(site: Path, tmp_path: Path) -> None:
    title = "中国、日本産牛肉の輸入再開へ「前向き」"
    path = tmp_path / "c.txt"
    path.write_text(
        capture(title, "朝日新聞昨日", ["中国政府は十一日、輸入を再開すると発表した。"], []), encoding="utf-8"
    )
    status, _out, err = import_file(site, path)
    assert status == 0, err
    [file] = briefings_in(site).values()
    assert file.name == "2025-07-13-中国-日本産牛肉の.md"  # posted on the capture's day, a short address
    meta = front_matter(file)
    assert meta["title"] == title
    assert str(meta["date"]) == "2025-07-13 09:00:00+09:00"
    assert meta["sources"] == [{"name": "朝日新聞", "published": dt.date(2025, 7, 12)}]
    assert meta["topics"] == ["China"]  # the alias 中国 matched inside unspaced text
    assert "related" not in meta
    assert meta["summary"] == "中国政府は十一日、輸入を再開すると発表した。"
    assert body_of(file).strip() == ""  # one sentence: the summary says it all, and there is no link
    build(site, tmp_path / "out")


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        # no word breaks: cut between two characters, 8 of them (72 characters once percent-encoded)
        (
            "北朝鮮のミサイル発射について政府が緊急会議を開催、首相は国民に冷静な対応を呼びかけ",
            "北朝鮮のミサイル",
        ),
        # words: cut after the last whole one that fits
        ("북한, 러시아와 군사 협력 강화 합의…미국은 강력 반발", "북한-러시아와-군사"),
        # Latin titles as before: up to 80 letters, cut at a word break
        (
            "Lavrov says Russia understands why North Korea pursues nuclear development and will go on",
            "lavrov-says-russia-understands-why-north-korea-pursues-nuclear-development-and",
        ),
    ],
)
def test_a_long_title_gives_a_short_address(site: Path, tmp_path: Path, title: str, slug: str) -> None:
    path = tmp_path / "c.txt"
    path.write_text(capture(title, "NHK1 day ago", ["첫 문장입니다. 二つ目の文です."], []), encoding="utf-8")
    status, _, err = import_file(site, path)
    assert status == 0, err
    assert list(briefings_in(site)) == [f"2025-07-13-{slug}.md"]
    assert front_matter(briefings_in(site)[f"2025-07-13-{slug}.md"])["title"] == title
    assert len(quote(slug)) <= 80
    build(site, tmp_path / "out")
    assert (tmp_path / "out" / "briefings" / slug / "index.html").is_file()


def test_a_briefing_keeps_its_long_address_when_imported_again(site: Path, tmp_path: Path) -> None:
    title = "北朝鮮のミサイル発射について政府が緊急会議を開催"
    long_slug = "北朝鮮のミサイル発射について政府が緊急会議を開催"
    existing = site / "content" / "briefings" / f"2025-07-12-{long_slug}.md"
    existing.parent.mkdir(parents=True)
    existing.write_text(
        f"---\ntitle: {title}\ndate: 2025-07-12\nsources:\n  - name: NHK\n---\n\nWritten by hand.\n",
        encoding="utf-8",
    )
    path = tmp_path / "c.txt"
    path.write_text(capture(title, "NHK1 day ago", ["政府は会議を開いた。"], []), encoding="utf-8")
    status, _, err = import_file(site, path)
    assert status == 0, err
    assert list(briefings_in(site)) == [existing.name]


TOKYO = dt.timezone(dt.timedelta(hours=9))


@pytest.mark.parametrize(
    ("when", "published"),
    [
        # minutes and hours: a moment, in the capture's offset
        ("2 hours ago", dt.datetime(2025, 7, 13, 7, tzinfo=TOKYO)),
        ("12 hours ago", dt.datetime(2025, 7, 12, 21, tzinfo=TOKYO)),
        ("45 mins ago", dt.datetime(2025, 7, 13, 8, 15, tzinfo=TOKYO)),
        ("an hour ago", dt.datetime(2025, 7, 13, 8, tzinfo=TOKYO)),
        ("12時間前", dt.datetime(2025, 7, 12, 21, tzinfo=TOKYO)),
        ("30分前", dt.datetime(2025, 7, 13, 8, 30, tzinfo=TOKYO)),
        ("5小时前", dt.datetime(2025, 7, 13, 4, tzinfo=TOKYO)),
        ("3시간 전", dt.datetime(2025, 7, 13, 6, tzinfo=TOKYO)),
        ("vor 3 Stunden", dt.datetime(2025, 7, 13, 6, tzinfo=TOKYO)),
        ("il y a 2 heures", dt.datetime(2025, 7, 13, 7, tzinfo=TOKYO)),
        ("hace 4 horas", dt.datetime(2025, 7, 13, 5, tzinfo=TOKYO)),
        ("před hodinou", dt.datetime(2025, 7, 13, 8, tzinfo=TOKYO)),
        # yesterday and days: a day
        ("yesterday", dt.date(2025, 7, 12)),
        ("5 days ago", dt.date(2025, 7, 8)),
        ("3日前", dt.date(2025, 7, 10)),
        ("３日前", dt.date(2025, 7, 10)),
        ("3天前", dt.date(2025, 7, 10)),
        ("三天前", dt.date(2025, 7, 10)),
        ("昨天", dt.date(2025, 7, 12)),
        ("3일 전", dt.date(2025, 7, 10)),
        ("어제", dt.date(2025, 7, 12)),
        ("vor 3 Tagen", dt.date(2025, 7, 10)),
        ("gestern", dt.date(2025, 7, 12)),
        ("il y a 3 jours", dt.date(2025, 7, 10)),
        ("hace 3 días", dt.date(2025, 7, 10)),
        ("před 3 dny", dt.date(2025, 7, 10)),
        ("3 дня назад", dt.date(2025, 7, 10)),
        # dates as written; a date without a year takes the capture's
        ("Jul 1, 2025", dt.date(2025, 7, 1)),
        ("Jul 10", dt.date(2025, 7, 10)),
        ("10 July", dt.date(2025, 7, 10)),
        ("2025/07/10", dt.date(2025, 7, 10)),
        ("2025-07-10", dt.date(2025, 7, 10)),
        ("7月10日", dt.date(2025, 7, 10)),
        ("2025年7月10日", dt.date(2025, 7, 10)),
        ("7월 10일", dt.date(2025, 7, 10)),
        ("10. Juli 2025", dt.date(2025, 7, 10)),
    ],
)
def test_relative_times_resolve_against_the_capture_time(
    site: Path, tmp_path: Path, when: str, published: dt.date
) -> None:
    path = tmp_path / "c.txt"
    related = [("Second story here", "Kyodo", when, "Text of the second story.")]
    path.write_text(capture("First story", "NHK" + when, ["Body."], related), encoding="utf-8")
    status, out, err = import_file(site, path)
    assert status == 0, err
    metas = {front_matter(p)["title"]: front_matter(p) for p in briefings_in(site).values()}
    assert sorted(metas) == ["First story", "Second story here"]
    assert metas["First story"]["sources"] == [{"name": "NHK", "published": published}]
    assert metas["Second story here"]["sources"] == [{"name": "Kyodo", "published": published}]
    for meta in metas.values():
        assert str(meta["date"]) == "2025-07-13 09:00:00+09:00"  # posted when it was captured
    assert "note:" not in out


@pytest.mark.parametrize(
    ("when", "published", "about"),
    [
        ("2 weeks ago", dt.date(2025, 6, 29), "2 weeks"),
        ("last week", dt.date(2025, 7, 6), "a week"),
        ("3 months ago", dt.date(2025, 4, 13), "3 months"),
        ("a year ago", dt.date(2024, 7, 13), "a year"),
        ("2週間前", dt.date(2025, 6, 29), "2 weeks"),
        ("3个月前", dt.date(2025, 4, 13), "3 months"),
        ("vor 2 Wochen", dt.date(2025, 6, 29), "2 weeks"),
        ("il y a 3 mois", dt.date(2025, 4, 13), "3 months"),
    ],
)
def test_weeks_and_months_ago_give_a_day_and_a_note_to_check_it(
    site: Path, tmp_path: Path, when: str, published: dt.date, about: str
) -> None:
    path = tmp_path / "c.txt"
    path.write_text(capture("First story", "NHK" + when, ["Body."], []), encoding="utf-8")
    status, out, err = import_file(site, path)
    assert status == 0, err
    [file] = briefings_in(site).values()
    assert front_matter(file)["sources"] == [{"name": "NHK", "published": published}]
    lines = out.splitlines()
    written = next(i for i, line in enumerate(lines) if line.startswith("written"))
    note = f"note: published about {about} before the capture: check `published:`"
    assert lines[written + 1].strip() == note


def test_a_date_without_a_year_after_the_capture_is_left_out_with_a_note(site: Path, tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    related = [("Second story here", "Kyodo", "Jul 12", "Text of the second story.")]
    path.write_text(capture("First story", "NHKDec 1", ["Body."], related), encoding="utf-8")
    status, out, err = import_file(site, path)
    assert status == 0, err
    metas = {front_matter(p)["title"]: front_matter(p) for p in briefings_in(site).values()}
    # 1 December is after the capture (13 July 2025): last year's, perhaps, but nothing says so.
    assert metas["First story"]["sources"] == [{"name": "NHK"}]
    assert metas["Second story here"]["sources"] == [{"name": "Kyodo", "published": dt.date(2025, 7, 12)}]
    assert "no date: add `published:`" in out and '"Dec 1" names no year' in out
    assert metas["First story"]["related"] == ["second-story-here"]
    build(site, tmp_path / "out")


def test_several_related_articles_are_all_linked_both_ways(site: Path, tmp_path: Path) -> None:
    related = [
        (
            f"Related story number {n}",
            f"Outlet {n}",
            f"{n} hours ago",
            f"Story {n} broke in the city on Saturday.",
        )
        for n in (1, 2, 3)
    ]
    path = tmp_path / "c.txt"
    path.write_text(capture("The main story", "Kyodo2 days ago", ["Main body."], related), encoding="utf-8")
    status, out, _ = import_file(site, path)
    assert status == 0
    assert out.splitlines()[-1] == "imported 4 briefings: 4 new, 0 updated, 0 unchanged"
    files = briefings_in(site)
    slugs = {front_matter(p)["title"]: name[11:-3] for name, p in files.items()}
    for name, file in files.items():
        meta = front_matter(file)
        assert len(meta["related"]) == 3  # type: ignore[arg-type]
        assert name[11:-3] not in meta["related"]  # type: ignore[operator]
        if meta["title"] == "Related story number 2":
            assert meta["sources"][0]["name"] == "Outlet 2"  # type: ignore[index]
            assert meta["summary"] == "Story 2 broke in the city on Saturday."
    assert slugs["The main story"] == "the-main-story"
    build(site, tmp_path / "out")


def test_hostile_titles_round_trip_and_stay_inside_the_site(site: Path, tmp_path: Path) -> None:
    hostile = '../../etc/passwd <script>alert("x")</script>: a "quoted" title # not a comment'
    other = "--- 'single' & <b>bold</b> [[link]] *stars*"
    path = tmp_path / "c.txt"
    body = ["<script>alert(1)</script> text [[nope]] and *stars*", "1. not a list", "# not a heading"]
    path.write_text(
        capture(hostile, "Example News1 day ago", body, [(other, "X", "1 day ago", "B.")]), "utf-8"
    )
    status, _, err = import_file(site, path, "--full-text")
    assert status == 0, err
    files = briefings_in(site)
    assert sorted(front_matter(p)["title"] for p in files.values()) == sorted([hostile, other])
    for name in files:
        assert "/" not in name and ".." not in name
    assert not (tmp_path / "etc").exists()
    build(site, tmp_path / "out")
    pages = list((tmp_path / "out" / "briefings").rglob("index.html"))
    html = "".join(p.read_text(encoding="utf-8") for p in pages)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; text [[nope]] and *stars*" in html
    assert "1. not a list" in html and "# not a heading" in html


def test_an_edited_briefing_survives_reimport(site: Path, tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    text = ["The council approved the new budget for schools on Monday evening."]
    path.write_text(capture("Story one", "NHK1 day ago", text, []), encoding="utf-8")
    assert import_file(site, path)[0] == 0
    [file] = briefings_in(site).values()
    edited = file.read_text(encoding="utf-8").replace("on Monday evening.", "on Monday, a curator notes.")
    file.write_text(edited, encoding="utf-8")
    # The same story, now captured with a related article that would add a link to it.
    related = [("Story two", "Kyodo", "1 day ago", "Text two.")]
    path.write_text(capture("Story one", "NHK1 day ago", text, related), encoding="utf-8")
    status, out, _ = import_file(site, path)
    assert status == 0
    assert "skipped" in out.splitlines()[0] and "edited since it was imported" in out.splitlines()[0]
    assert out.splitlines()[-1] == "imported 2 briefings: 1 new, 0 updated, 0 unchanged, 1 skipped"
    assert file.read_text(encoding="utf-8") == edited
    new = next(p for p in briefings_in(site).values() if p != file)
    assert front_matter(new)["related"] == ["story-one"]
    build(site, tmp_path / "out")  # the build shows the link both ways


def test_an_unedited_briefing_gains_new_related_links(site: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(capture("Story one", "NHK1 day ago", ["Text one."], []), encoding="utf-8")
    related = [("Story one", "NHK", "1 day ago", "Text one.")]
    second.write_text(capture("Story two", "Kyodo1 day ago", ["Text two."], related), encoding="utf-8")
    assert import_file(site, first)[0] == 0
    status, out, _ = import_file(site, second)
    assert status == 0
    assert out.splitlines()[-1] == "imported 2 briefings: 1 new, 1 updated, 0 unchanged"
    one = briefings_in(site)["2025-07-13-story-one.md"]
    assert front_matter(one)["related"] == ["story-two"]
    assert (
        import_file(site, second)[1].splitlines()[-1] == "imported 2 briefings: 0 new, 0 updated, 2 unchanged"
    )
    build(site, tmp_path / "out")


def test_same_title_from_another_source_gets_its_own_slug(site: Path, tmp_path: Path) -> None:
    related = [("Same headline", "Kyodo", "1 day ago", "Kyodo's text.")]
    path = tmp_path / "c.txt"
    path.write_text(capture("Same headline", "NHK1 day ago", ["NHK's text."], related), encoding="utf-8")
    assert import_file(site, path)[0] == 0
    assert sorted(briefings_in(site)) == ["2025-07-13-same-headline-2.md", "2025-07-13-same-headline.md"]
    build(site, tmp_path / "out")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.txt", b"Just some notes\nwith no source or time.\n"),
        ("photo.jpg", b"\xff\xd8\xff\x00\x01"),
        ("latin1.txt", "Caf\xe9 title\nNHK3 days ago\n".encode("latin-1")),
        ("empty.txt", b""),
    ],
)
def test_a_file_that_is_not_a_capture_is_refused_and_nothing_is_written(
    site: Path, tmp_path: Path, name: str, data: bytes
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(capture("Story one", "NHK1 day ago", ["Text one."], []), encoding="utf-8")
    bad = tmp_path / name
    bad.write_bytes(data)
    status, _out, err = run_cli("import", str(good), str(bad), "--site", str(site), "--captured", CAPTURED)
    assert status == 1
    assert name in err and "Traceback" not in err
    assert "nothing was written" in err
    assert not (site / "content" / "briefings").exists() or not briefings_in(site)


def test_usage_errors_exit_2(site: Path, tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_text(capture("Story one", "NHK1 day ago", ["Text."], []), encoding="utf-8")
    assert import_file(site, path, "--limit", "0")[0] == 2
    assert run_cli("import", str(path), "--site", str(site), "--captured", "last tuesday")[0] == 2
    assert run_cli("import", str(path), "--site", str(site), "--format", "pdf")[0] == 2
    assert not (site / "content" / "briefings").exists()


def test_capture_time_defaults_to_the_file_time_in_site_time(site: Path, tmp_path: Path) -> None:
    import os

    path = tmp_path / "c.txt"
    path.write_text(capture("Story one", "NHK12 hours ago", ["Text."], []), encoding="utf-8")
    os.utime(path, (1752364800, 1752364800))  # 2025-07-13T00:00:00Z = 09:00 in Tokyo
    assert run_cli("import", str(path), "--site", str(site))[0] == 0
    [file] = briefings_in(site).values()
    meta = front_matter(file)
    assert str(meta["captured"]) == "2025-07-13 09:00:00+09:00"
    assert str(meta["date"]) == "2025-07-13 09:00:00+09:00"
    # "12 hours ago" from 09:00 in Tokyo: 21:00 the day before, in the same offset
    [source] = meta["sources"]  # type: ignore[misc]
    assert source["published"] == dt.datetime(2025, 7, 12, 21, tzinfo=dt.timezone(dt.timedelta(hours=9)))


def test_another_aggregator_with_the_same_layout_imports(site: Path, tmp_path: Path) -> None:
    text = capture(
        "A story", "Reuters4 hours ago", ["First.", "Second."], [("B story", "AP", "5 hours ago", "B.")]
    )
    text = text.replace("Daily8", "NewsHub")
    path = tmp_path / "c.txt"
    path.write_text(text, encoding="utf-8")
    assert import_file(site, path)[0] == 0
    for file in briefings_in(site).values():
        assert front_matter(file)["via"] == "NewsHub"
        assert "Explore" not in body_of(file) and "Download" not in body_of(file)
    assert import_file(site, path, "--via", "Other")[1].splitlines()[-1].endswith("2 unchanged")


def test_example_site_content_builds(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    site = tmp_path / "site"
    shutil.copytree(root / "content", site / "content")
    shutil.copy(root / "site.toml", site / "site.toml")
    assert build(site, tmp_path / "out").briefings >= 3


def laid_out(chrome: dict[str, str], main: tuple[str, str, list[str]], related: list[tuple[str, ...]]) -> str:
    """A capture in the example's layout with another aggregator's interface, in its language:
    a logo, the title twice, the source glued to its time, the text, a footer, a heading, related
    entries (title twice, source, a clock label glued to the time, a bullet naming the source,
    the title again, the text), then the app's advertisement."""
    title, source_line, body = main
    text = f"{chrome['logo']}\n{title}\n\n{title}\n\n{source_line}\n" + "\n".join(body) + "\n"
    text += f"{chrome['background']}\n\n{chrome['comments']}\n\n{chrome['no_comments']}\n\n"
    text += f"{chrome['heading']}\n\n" if chrome["heading"] else ""
    for r_title, source, when, r_body in related:
        text += f"{r_title}\n{r_title}\n\n{source}\n\n{chrome['clock']}{when}\n\n  • {source}\n\n"
        text += f"{r_title}\n\n{r_body}\n\n"
    return text + f"{chrome['app']}\n\n{chrome['app_line']}\napp-storeplay-store\n"


TZ9 = dt.timezone(dt.timedelta(hours=9))
LAYOUTS = {
    "german": (
        {"logo": "Logo", "background": "Blauer Hintergrund", "comments": "Kommentare",
         "no_comments": "Noch keine Kommentare...", "heading": "Ähnliche Artikel", "clock": "Zeit",
         "app": "APP HERUNTERLADEN", "app_line": "Jetzt die NachrichtenPlus-App herunterladen"},
        ("Bundestag beschließt neues Heizungsgesetz", "Der Spiegel", "vor 3 Stunden",
         ["Der Bundestag hat am Freitag das Gesetz beschlossen.", "Die Opposition kritisierte den Zeitplan."],
         dt.datetime(2025, 7, 13, 6, tzinfo=TZ9)),
        [("Streit um die Rente geht weiter", "Die Zeit", "vor 2 Tagen",
          "Die Koalition streitet weiter über die Rente.", dt.date(2025, 7, 11))],
    ),
    "french": (
        {"logo": "logo", "background": "Fond orange", "comments": "Commentaires",
         "no_comments": "Aucun commentaire pour le moment...", "heading": "Articles similaires",
         "clock": "temps", "app": "TÉLÉCHARGER L'APPLICATION", "app_line": "Téléchargez l'application"},
        ("Le Sénat adopte la réforme", "Le Monde", "il y a 5 heures",
         ["Le Sénat a adopté mardi la réforme des retraites.", "Le texte doit encore passer en commission."],
         dt.datetime(2025, 7, 13, 4, tzinfo=TZ9)),
        [("La grève continue à Paris", "Libération", "il y a 3 jours",
          "Les syndicats appellent à une nouvelle journée.", dt.date(2025, 7, 10)),
         ("Le budget sera présenté en septembre", "Les Echos", "hier",
          "Le gouvernement présentera son budget à la rentrée.", dt.date(2025, 7, 12))],
    ),
    "spanish": (
        {"logo": "logo", "background": "Fondo naranja", "comments": "Comentarios",
         "no_comments": "No hay comentarios todavía...", "heading": "", "clock": "tiempo",
         "app": "DESCARGA LA APP", "app_line": "Descarga la app de Noticias8 hoy"},
        ("El Gobierno aprueba el presupuesto", "El País", "hace 2 días",
         ["El Consejo de Ministros aprobó ayer el presupuesto.", "La oposición anunció enmiendas."],
         dt.date(2025, 7, 11)),
        [("Sube el paro en junio", "El Mundo", "hace 12 horas", "El paro subió en 20.000 personas.",
          dt.datetime(2025, 7, 12, 21, tzinfo=TZ9))],
    ),
    "korean": (
        {"logo": "로고", "background": "주황색 배경", "comments": "댓글",
         "no_comments": "아직 댓글이 없습니다...", "heading": "관련 기사", "clock": "시간",
         "app": "앱 다운로드", "app_line": "지금 앱을 다운로드하세요"},
        ("국회, 추경안 통과", "연합뉴스", "3시간 전",
         ["국회는 13일 본회의에서 추경안을 통과시켰다.", "여야는 막판까지 진통을 겪었다."],
         dt.datetime(2025, 7, 13, 6, tzinfo=TZ9)),
        [("한은, 기준금리 동결", "KBS", "2일 전", "한국은행은 기준금리를 동결했다.", dt.date(2025, 7, 11))],
    ),
    "czech": (
        {"logo": "logo", "background": "Oranžové pozadí", "comments": "Komentáře",
         "no_comments": "Zatím žádné komentáře...", "heading": "Související články", "clock": "čas",
         "app": "STÁHNĚTE SI APLIKACI", "app_line": "Stáhnout aplikaci"},
        ("Vláda schválila rozpočet", "iDNES.cz", "před 3 dny",
         ["Vláda ve středu schválila návrh rozpočtu.", "Opozice návrh kritizuje."], dt.date(2025, 7, 10)),
        [("Inflace v červnu zpomalila", "Seznam Zprávy", "před 5 hodinami",
          "Inflace zpomalila na 2,9 procenta.", dt.datetime(2025, 7, 13, 4, tzinfo=TZ9))],
    ),
    "japanese": (
        {"logo": "ロゴ", "background": "オレンジの背景", "comments": "コメント",
         "no_comments": "コメントはまだありません...", "heading": "関連記事", "clock": "時間",
         "app": "アプリをダウンロード", "app_line": "今すぐアプリをダウンロード"},
        ("日銀、金利据え置き", "日本経済新聞", "3時間前",
         ["日本銀行は13日、金利の据え置きを決めた。", "市場は予想通りと受け止めた。"],
         dt.datetime(2025, 7, 13, 6, tzinfo=TZ9)),
        [("円相場、一時150円台", "共同通信", "2日前", "円相場が一時150円台をつけた。", dt.date(2025, 7, 11))],
    ),
    "chinese": (
        {"logo": "标志", "background": "橙色背景", "comments": "评论", "no_comments": "暂无评论...",
         "heading": "相关文章", "clock": "时间", "app": "下载应用", "app_line": "立即下载应用"},
        ("央行宣布降准", "新华社", "5小时前", ["中国人民银行宣布下调存款准备金率。", "市场反应积极。"],
         dt.datetime(2025, 7, 13, 4, tzinfo=TZ9)),
        [("股市大涨", "财新", "3天前", "沪指上涨2%。", dt.date(2025, 7, 10))],
    ),
    "english": (
        {"logo": "Briefly logo", "background": "Green background", "comments": "Comments (0)",
         "no_comments": "Be the first to comment", "heading": "More from Briefly", "clock": "clock",
         "app": "GET THE BRIEFLY APP", "app_line": "Scan to install"},
        ("Floods close schools across the region", "BBC News", "45 mins ago",
         ["Hundreds of schools were closed on Sunday after heavy rain.", "Officials expect more rain."],
         dt.datetime(2025, 7, 13, 8, 15, tzinfo=TZ9)),
        [("Rail strike called off at last minute", "The Guardian", "Jul 10",
          "Unions called off the strike after talks overnight.", dt.date(2025, 7, 10))],
    ),
}  # fmt: skip


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_other_aggregators_in_the_same_layout_import_exactly(site: Path, tmp_path: Path, layout: str) -> None:
    chrome, main, related = LAYOUTS[layout]
    title, source, when, body, published = main
    path = tmp_path / "c.txt"
    text = laid_out(chrome, (title, source + when, body), [r[:4] for r in related])
    path.write_text(text, encoding="utf-8")
    status, out, err = import_file(site, path, "--full-text")
    assert status == 0, err
    files = {front_matter(p)["title"]: p for p in briefings_in(site).values()}
    expected = {title: (source, published, body)} | {r[0]: (r[1], r[4], [r[3]]) for r in related}
    assert sorted(files) == sorted(expected)  # every article, and nothing of the interface
    for name, (outlet, day, text_lines) in expected.items():
        meta = front_matter(files[name])
        assert meta["sources"] == [{"name": outlet, "published": day}]
        assert len(meta["related"]) == len(expected) - 1  # type: ignore[arg-type]
        assert body_of(files[name]).strip().split("\n\n") == text_lines
    assert "note:" not in out
    build(site, tmp_path / "out")
