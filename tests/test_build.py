"""Building sites end to end: pages a reader sees, links that resolve, the same bytes every time."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import html5lib
import pytest
from conftest import MakeSite, briefing, run_cli, snapshot
from sitecheck import broken_links, parse

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_URL = "https://briefings.example.org/"


def text_of(path: Path) -> str:
    return " ".join("".join(parse(path).itertext()).split())


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's example site, built once for the module."""
    site = tmp_path_factory.mktemp("example")
    for name in ("site.toml", "content", "templates", "static"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, site / name)
        else:
            shutil.copy(source, site / name)
    status, _, err = run_cli("build", str(site))
    assert status == 0, err
    return site / "output"


def test_build_py_builds_the_example_site_into_output(tmp_path: Path) -> None:
    clone = tmp_path / "repo"
    shutil.copytree(REPO, clone, ignore=shutil.ignore_patterns("output", ".git", ".*cache*", "*.egg-info"))
    result = subprocess.run([sys.executable, "build.py"], cwd=clone, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("built ") and "briefings" in result.stdout
    assert (clone / "output" / "index.html").is_file()


def test_example_has_every_page_and_feed(example: Path) -> None:
    expected = [
        "index.html", "404.html", "sitemap.xml", "robots.txt", "rss.xml", "atom.xml", "feed.json",
        "topics/index.html", "sources/index.html", "archive/index.html", "archive/2025/07/index.html",
        "topics/china/index.html", "topics/china/rss.xml", "topics/china/atom.xml",
        "sources/japan-times/index.html", "sources/nhk/index.html", "sources/asahi-shimbun/index.html",
        "style.css",
    ]  # fmt: skip
    missing = [name for name in expected if not (example / name).is_file()]
    assert missing == []
    assert len(list((example / "briefings").glob("*/index.html"))) == 3


def test_example_briefings_are_attributed_and_related_both_ways(example: Path) -> None:
    pages = {text_of(p): p for p in (example / "briefings").glob("*/index.html")}
    by_source = {}
    for text, page in pages.items():
        for source in ("Japan Times", "NHK", "Asahi Shimbun"):
            if f"Sources {source}" in text:
                by_source[source] = page
        assert "via Daily8" in text
    assert set(by_source) == {"Japan Times", "NHK", "Asahi Shimbun"}
    for source, page in by_source.items():
        related = [
            a.get("href")
            for section in parse(page).iter("section")
            if section.get("class") == "related"
            for a in section.iter("a")
        ]
        others = {f"/briefings/{p.parent.name}/" for s, p in by_source.items() if s != source}
        assert set(related) == others, source


def test_every_internal_link_resolves(example: Path) -> None:
    assert broken_links(example, EXAMPLE_URL) == []


def test_pages_are_html_documents_with_language_and_landmarks(example: Path) -> None:
    for page in example.rglob("*.html"):
        raw = page.read_text(encoding="utf-8")
        html5lib.HTMLParser(strict=True).parse(raw)  # raises on any HTML syntax error
        assert raw.startswith('<!DOCTYPE html>\n<html lang="en">'), page
        root = parse(page)
        assert {"header", "main", "footer", "nav"} <= {e.tag for e in root.iter()}, page
        assert [e.tag for e in root.iter("h1")] == ["h1"], page
        feeds = [e.get("href") for e in root.iter("link") if e.get("rel") == "alternate"]
        assert "/rss.xml" in feeds and "/atom.xml" in feeds and "/feed.json" in feeds, page


def test_two_builds_are_byte_identical(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site(
        {
            "content/briefings/2025-07-01-a.md": briefing("A", extra="topics: [X, y]\nrelated: [b]\n"),
            "content/briefings/2025-07-02-b.md": briefing(
                "B", date="2025-07-02T10:00:00+02:00", body="[[a]]"
            ),
        }
    )
    assert run_cli("build", str(site), "--output", str(tmp_path / "one"))[0] == 0
    assert run_cli("build", str(site), "--output", str(tmp_path / "two"))[0] == 0
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_topics_merge_case_insensitively_in_their_most_common_spelling(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/briefings/a.md": briefing("A", extra="topics: [north korea]\n"),
            "content/briefings/b.md": briefing("B", extra="topics: [North Korea]\n"),
            "content/briefings/c.md": briefing("C", extra="topics: [North Korea]\n"),
        }
    )
    assert run_cli("build", str(site))[0] == 0
    topics = site / "output" / "topics"
    assert sorted(p.name for p in topics.iterdir() if p.is_dir()) == ["north-korea"]
    assert parse(topics / "north-korea" / "index.html").find(".//h1").text == "North Korea"
    assert len(list(parse(topics / "north-korea" / "index.html").iter("article"))) == 3


def test_topic_rules_from_site_toml_tag_hand_written_briefings(make_site: MakeSite) -> None:
    toml = 'title = "T"\nbase_url = "https://e.org/"\n[topics]\n"North Korea" = ["Pyongyang", "DPRK"]\n'
    site = make_site(
        {
            "site.toml": toml,
            "content/briefings/a.md": briefing("Talks", body="Officials in Pyongyang said no."),
            "content/briefings/b.md": briefing("Other", body="Nothing about Pyongyangite matters."),
        }
    )
    assert run_cli("build", str(site))[0] == 0
    listed = parse(site / "output" / "topics" / "north-korea" / "index.html")
    assert [a.text for a in listed.iter("a") if a.get("href", "").startswith("/briefings/")] == ["Talks"]


def test_mentions_and_related_show_on_both_sides(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/briefings/2025-07-01-a.md": briefing("Alpha", date="2025-07-01"),
            "content/briefings/2025-07-02-b.md": briefing(
                "Beta", date="2025-07-02", extra="related: [a]\n", body="See [[a]] and [[a|the first]]."
            ),
        }
    )
    assert run_cli("build", str(site))[0] == 0
    alpha = text_of(site / "output" / "briefings" / "a" / "index.html")
    beta = parse(site / "output" / "briefings" / "b" / "index.html")
    assert "Related Beta" in alpha and "Mentioned in Beta" in alpha
    body_links = [(a.text, a.get("href")) for a in beta.iter("a") if a.get("class") == "wikilink"]
    assert body_links == [("Alpha", "/briefings/a/"), ("the first", "/briefings/a/")]
    assert "Next:" not in alpha  # previous/next are links, not labels
    nav = [a.get("rel") for a in parse(site / "output" / "briefings" / "a" / "index.html").iter("a")]
    assert "next" in nav and "prev" not in nav


def test_home_is_paginated_newest_first(make_site: MakeSite) -> None:
    toml = 'title = "T"\nbase_url = "https://e.org/"\npage_size = 2\n'
    files = {
        f"content/briefings/2025-07-0{n}-b{n}.md": briefing(f"B{n}", date=f"2025-07-0{n}")
        for n in range(1, 6)
    }
    site = make_site({"site.toml": toml, **files})
    assert run_cli("build", str(site))[0] == 0
    output = site / "output"
    listed = (output / "index.html", output / "page/2/index.html", output / "page/3/index.html")
    titles = [["".join(h.itertext()) for h in next(parse(p).iter("main")).iter("h2")] for p in listed]
    assert titles == [["B5", "B4"], ["B3", "B2"], ["B1"]]
    assert broken_links(output, "https://e.org/") == []


def test_drafts_are_left_out_unless_asked(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site(
        {
            "content/briefings/a.md": briefing(
                "Public", extra="related: [d]\n", body="See [[d|this]]. [[d]]"
            ),
            "content/briefings/d.md": briefing("Secret draft", extra="draft: true\n"),
        }
    )
    assert run_cli("build", str(site))[0] == 0
    assert not (site / "output" / "briefings" / "d").exists()
    public = (site / "output" / "briefings" / "a" / "index.html").read_text(encoding="utf-8")
    assert "See this. d" in public and "/briefings/d/" not in public  # the words stay, the link goes
    assert "Secret draft" not in public + (site / "output" / "rss.xml").read_text(encoding="utf-8")
    assert run_cli("build", str(site), "--drafts", "--output", str(tmp_path / "preview"))[0] == 0
    assert (tmp_path / "preview" / "briefings" / "d" / "index.html").is_file()


def test_sub_path_base_url_reaches_every_link_feed_and_sitemap(make_site: MakeSite) -> None:
    site = make_site({"content/briefings/a.md": briefing("A", extra="topics: [T]\n", body="[[b]]"),
                      "content/briefings/b.md": briefing("B")})  # fmt: skip
    status, _, err = run_cli("build", str(site), "--base-url", "https://example.org/brief")
    assert status == 0, err
    output = site / "output"
    assert broken_links(output, "https://example.org/brief/") == []
    hrefs = [a.get("href") for a in parse(output / "index.html").iter("a")]
    assert all(h.startswith(("/brief/", "https://", "#")) for h in hrefs), hrefs
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/brief/briefings/a/</loc>" in sitemap
    assert "https://example.org/brief/sitemap.xml" in (output / "robots.txt").read_text(encoding="utf-8")
    feed = json.loads((output / "feed.json").read_text(encoding="utf-8"))
    assert {i["url"] for i in feed["items"]} == {f"https://example.org/brief/briefings/{s}/" for s in "ab"}


def test_site_templates_override_the_theme_by_name(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/briefings/a.md": briefing("A"),
            "templates/partials/footer.html": "<footer><p>Own footer for {{ site.title }}</p></footer>\n",
            "static/extra.txt": "kept",
        }
    )
    assert run_cli("build", str(site))[0] == 0
    assert "Own footer for Test Briefings" in (site / "output" / "index.html").read_text(encoding="utf-8")
    assert (site / "output" / "extra.txt").read_text(encoding="utf-8") == "kept"


def test_free_pages_are_built_and_linked_from_navigation(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/briefings/a.md": briefing("A"),
            "content/pages/about.md": "---\ntitle: About us\n---\nWe curate. See [[a]].\n",
        }
    )
    assert run_cli("build", str(site))[0] == 0
    about = site / "output" / "about" / "index.html"
    assert "We curate" in text_of(about)
    assert "/about/" in [a.get("href") for a in parse(site / "output" / "index.html").iter("a")]
    assert broken_links(site / "output", "https://example.org/") == []


def test_the_example_readme_commands_are_the_ones_ci_runs() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pip install -e . && python build.py" in readme
    test_command = "python -m pip install -e '.[test]' && python -m pytest"
    assert test_command in readme and test_command in ci


def test_help_works_for_every_command() -> None:
    for args in (["--help"], ["build", "--help"]):
        status, out, _ = run_cli(*args)
        assert status == 0 and "usage: briefings" in out
