"""Search: the Pagefind index built with the site, queried through Pagefind's own JavaScript API
(in Node, and on the search page in Chromium), for English and Japanese words."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeSite, briefing, run_cli, serving, snapshot
from sitecheck import broken_links, parse

pytest.importorskip("pagefind", reason="search tests need Pagefind (pip install 'pagefind[extended]')")

QUERY_SCRIPT = Path(__file__).parent / "pagefind_query.mjs"
SEARCH_TOML = 'title = "Search test"\nbase_url = "https://example.org/desk/"\nlanguage = "en"\n'
SEARCH_TOML += "[search]\nenabled = true\n"
JAPANESE = (
    "東京都知事は新しい経済政策を発表しました。" + "物価の上昇に対応するため、中小企業への支援を拡大します。"
)
HOSTILE_TITLE = "</script><script>alert(1)</script> & <b>bold</b>"
FILES = {
    "site.toml": SEARCH_TOML,
    "content/briefings/2025-07-10-lavrov.md": briefing(
        "Lavrov visits Pyongyang",
        source="  - name: Japan Times\n    url: https://www.japantimes.co.jp/a\n  - name: AP\n",
        extra="via: Daily8\ntopics: [Diplomacy]\n",
        body="Russia's foreign minister met officials in Pyongyang on Saturday.",
    ),
    "content/briefings/2025-07-11-tokyo.md": briefing(
        "東京都が新しい経済政策を発表", date="2025-07-11", source="  - name: NHK\n", body=JAPANESE
    ),
    "content/briefings/2025-07-12-hostile.md": briefing(
        HOSTILE_TITLE, date="2025-07-12", body="A hostile title about a zeppelin."
    ),
}


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search-site")
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def output(site_root: Path) -> Path:
    """The site built into `www/desk`, so that `www` served over HTTP matches its base path."""
    folder = site_root.parent / "www" / "desk"
    status, _, err = run_cli("build", str(site_root), "--output", str(folder))
    assert status == 0, err
    return folder


def query(output: Path, *words: str) -> dict[str, list[dict[str, Any]]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("querying Pagefind's index needs Node.js")
    done = subprocess.run(
        [node, str(QUERY_SCRIPT), str(output), *words], capture_output=True, text=True, timeout=60, check=True
    )
    answers: dict[str, list[dict[str, Any]]] = json.loads(done.stdout)
    return answers


def test_the_bundle_is_written_with_the_site(output: Path) -> None:
    assert (output / "pagefind" / "pagefind.js").is_file()
    assert (output / "pagefind" / "pagefind-entry.json").is_file()
    assert json.loads((output / "pagefind" / "bundles.json").read_text()) == {"merge": ["ja/"]}
    assert (output / "pagefind" / "ja" / "pagefind-entry.json").is_file()
    assert (output / "search.js").is_file()
    assert not (output / "pagefind" / "pagefind-ui.js").exists()  # the theme brings its own page


def test_an_english_word_finds_its_briefing_with_title_source_and_date(output: Path) -> None:
    results = query(output, "Pyongyang")["Pyongyang"]
    assert [r["url"] for r in results] == ["/briefings/lavrov/"]
    assert results[0]["meta"]["title"] == "Lavrov visits Pyongyang"
    assert results[0]["meta"]["source"] == "Japan Times, AP"
    assert results[0]["meta"]["date"] == "10 July 2025"
    assert results[0]["meta"]["published"] == "2025-07-10"
    assert "<mark>Pyongyang</mark>" in results[0]["excerpt"]


@pytest.mark.parametrize("word", ["経済", "中小企業", "東京"])
def test_a_japanese_word_inside_a_sentence_is_found(output: Path, word: str) -> None:
    results = query(output, word)[word]
    assert [r["url"] for r in results] == ["/briefings/tokyo/"]
    assert results[0]["meta"]["source"] == "NHK"
    assert results[0]["meta"]["date"] == "11 July 2025"
    assert "<mark>" in results[0]["excerpt"]  # the segmenter decides how much of a compound it marks


def test_only_briefing_pages_are_indexed(output: Path) -> None:
    # "Search test" is the site title on every page; only briefing bodies are indexed.
    assert query(output, "Search")["Search"] == []


def test_the_search_page_is_linked_and_its_links_resolve(output: Path) -> None:
    page = parse(output / "search" / "index.html")
    assert page.find(".//input[@id='search-query']") is not None
    home = parse(output / "index.html")
    assert "/desk/search/" in [a.get("href") for a in home.iter("a")]
    assert broken_links(output, "https://example.org/desk/") == []


def test_search_output_is_the_same_bytes_every_build(site_root: Path, output: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert run_cli("build", str(site_root), "--output", str(again))[0] == 0
    assert snapshot(again) == snapshot(output)


def test_a_build_without_search_needs_no_pagefind(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [m for m in sys.modules if m == "pagefind" or m.startswith("pagefind.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pagefind", None)  # any import of it now fails
    monkeypatch.setitem(sys.modules, "pagefind.service", None)
    root = make_site({"content/briefings/a.md": briefing()})
    status, _, err = run_cli("build", str(root))
    assert status == 0, err
    assert not (root / "output" / "pagefind").exists()
    assert not (root / "output" / "search").exists()
    assert "/search/" not in (root / "output" / "index.html").read_text()


def test_search_without_pagefind_is_a_clear_config_error(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pagefind", None)
    monkeypatch.setitem(sys.modules, "pagefind.service", None)
    root = make_site({"site.toml": SEARCH_TOML, "content/briefings/a.md": briefing()})
    status, _, err = run_cli("build", str(root))
    assert status == 1
    assert "site.toml: [search] enabled = true needs Pagefind, which is not installed" in err
    assert "pip install 'pagefind[extended]'" in err
    assert not (root / "output").exists()


# The search page in a real browser: Debian's Chromium driven by Playwright, never downloaded.


@pytest.fixture(scope="module")
def served(output: Path) -> Iterator[str]:
    with serving(output.parent) as base:
        yield f"{base}/desk/"


@pytest.fixture(scope="module")
def browser_page(served: str) -> Iterator[Any]:
    chromium = shutil.which("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    if chromium is None:
        pytest.skip("the browser test needs Debian's chromium")
    args = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync",
    ]  # fmt: skip
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=args)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def search_in_browser(page: Any, served: str, words: str) -> list[dict[str, str]]:
    page.goto(f"{served}search/?q={words}")
    page.wait_for_selector("#search-results li", timeout=15_000)
    return list(
        page.eval_on_selector_all(
            "#search-results li",
            """items => items.map(li => ({
                title: li.querySelector("h2 a").textContent,
                href: li.querySelector("h2 a").getAttribute("href"),
                meta: li.querySelector(".meta").textContent,
                marks: [...li.querySelectorAll("mark")].map(m => m.textContent).join("|"),
                excerpt: li.querySelector(".summary").textContent,
                scripts: li.querySelectorAll("script, b, img").length,
            }))""",
        )
    )


def test_the_search_page_shows_title_source_and_date_in_a_browser(browser_page: Any, served: str) -> None:
    [result] = search_in_browser(browser_page, served, "Pyongyang")
    assert result["title"] == "Lavrov visits Pyongyang"
    assert result["href"].endswith("/desk/briefings/lavrov/")
    assert result["meta"] == "10 July 2025 · Japan Times, AP"
    assert "Pyongyang" in result["marks"]


def test_excerpts_are_the_briefings_own_words_in_a_browser(browser_page: Any, served: str) -> None:
    """Not the page around it: its dates, topics, attribution, navigation or footer."""
    for words in ("Pyongyang", "Saturday"):
        [result] = search_in_browser(browser_page, served, words)
        assert "foreign minister met officials in Pyongyang" in result["excerpt"]
        furniture = ("Briefed", "Diplomacy", "Sources", "published", "Daily8", "Subscribe", "Search test")
        assert [word for word in furniture if word in result["excerpt"]] == []


def test_a_source_name_finds_its_briefings(output: Path) -> None:
    """Sources are searched, though their names stay out of the excerpts of other words."""
    assert [r["url"] for r in query(output, "AP")["AP"]] == ["/briefings/lavrov/"]
    assert [r["url"] for r in query(output, "NHK")["NHK"]] == ["/briefings/tokyo/"]


def test_the_search_page_finds_japanese_in_a_browser(browser_page: Any, served: str) -> None:
    [result] = search_in_browser(browser_page, served, "経済")
    assert result["title"] == "東京都が新しい経済政策を発表"
    assert result["meta"] == "11 July 2025 · NHK"
    assert "経済" in result["marks"]


def test_the_search_page_shows_hostile_titles_as_text(browser_page: Any, served: str) -> None:
    dialogs: list[str] = []
    browser_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    [result] = search_in_browser(browser_page, served, "zeppelin")
    assert result["title"] == HOSTILE_TITLE
    assert result["scripts"] == 0
    assert dialogs == []
