"""What the built-in theme shows a reader around the briefings: where they are in the site's
navigation, how to subscribe, and the list pages' furniture; read from the built pages' HTML."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeSite, briefing, run_cli, serving
from sitecheck import parse

SITE_TOML = """\
title = "Desk Briefings"
description = "Briefings for tests"
base_url = "https://example.org/desk/"
language = "en"
author = "Test Desk"
timezone = "UTC"
"""


@pytest.fixture
def output(make_site: MakeSite) -> Path:
    site = make_site(
        {
            "site.toml": SITE_TOML,
            "content/briefings/2025-07-10-alpha.md": briefing(
                "Alpha", extra="topics: [Trade]\n", body="Alpha body."
            ),
            "content/pages/about.md": "---\ntitle: About the desk\n---\nWe curate.\n",
        }
    )
    status, _, err = run_cli("build", str(site))
    assert status == 0, err
    return site / "output"


def current_links(page: Path) -> dict[str, str]:
    """The header's links marked current: link text → the value of aria-current."""
    header = next(parse(page).iter("header"))
    return {
        "".join(a.itertext()).strip(): a.get("aria-current", "")
        for a in header.iter("a")
        if a.get("aria-current")
    }


@pytest.mark.parametrize(
    ("page", "current"),
    [
        ("index.html", {"Desk Briefings": "page"}),
        ("topics/index.html", {"Topics": "page"}),
        ("topics/trade/index.html", {"Topics": "true"}),
        ("sources/index.html", {"Sources": "page"}),
        ("sources/example-news/index.html", {"Sources": "true"}),
        ("editions/index.html", {"Editions": "page"}),
        ("editions/2025-07-10/index.html", {"Editions": "true"}),
        ("archive/index.html", {"Archive": "page"}),
        ("archive/2025/07/index.html", {"Archive": "true"}),
        ("about/index.html", {"About the desk": "page"}),
        ("briefings/alpha/index.html", {}),
        ("404.html", {}),
    ],
)
def test_the_header_marks_the_page_or_section_a_reader_is_in(
    output: Path, page: str, current: dict[str, str]
) -> None:
    assert current_links(output / page) == current


def test_every_page_offers_each_feed_by_name_and_links_a_favicon(output: Path) -> None:
    pages = sorted(output.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        root = parse(page)
        block = next(e for e in root.iter("aside") if e.get("id") == "subscribe")
        offered = {"".join(a.itertext()).strip(): a.get("href", "") for a in block.iter("a")}
        assert offered == {
            "RSS": "/desk/rss.xml",
            "Atom": "/desk/atom.xml",
            "JSON Feed": "/desk/feed.json",
            "Daily editions (RSS)": "/desk/editions/rss.xml",
        }, page
        assert "#subscribe" in [a.get("href") for a in next(root.iter("nav")).iter("a")], page
        icons = [link.get("href", "") for link in root.iter("link") if link.get("rel") == "icon"]
        assert icons == ["/desk/favicon.svg"], page
    for href in offered.values():
        assert (output / href.removeprefix("/desk/")).is_file(), href
    assert (output / "favicon.svg").read_bytes().startswith(b"<svg")


def test_a_topic_page_quotes_the_sentence_naming_it_inside_its_briefing_s_card(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/briefings/a.md": briefing(
                "Talks", extra="topics: [Trade]\n", body="Ministers met.\n\nLater the trade talks resumed."
            ),
            "content/briefings/b.md": briefing("Tariffs", extra="topics: [Trade]\n", body="Trade fell."),
        }
    )
    assert run_cli("build", str(site))[0] == 0
    main = next(parse(site / "output" / "topics" / "trade" / "index.html").iter("main"))
    quotes = [
        (["".join(h.itertext()) for h in card.iter("h2")], "".join(card.find("blockquote").itertext()))
        for card in main.iter("div")
        if card.get("class") == "with-mention"
    ]
    # The second one's summary, its first paragraph, already says what its quote would.
    assert quotes == [(["Talks"], "Later the trade talks resumed.")]
    assert main.find("blockquote") is None  # never between two cards


# The list pages in a real browser: Debian's Chromium driven by Playwright, never downloaded.

LAYOUT = """() => {
    const columns = {};
    for (const row of document.querySelectorAll(".index li")) {
        const box = row.getBoundingClientRect();
        (columns[Math.round(box.left)] ??= []).push(box.top);
    }
    const firstRows = Object.values(columns).map((tops) => Math.min(...tops));
    const quotes = [...document.querySelectorAll("blockquote.mention")].map((quote) => {
        let card = quote.parentElement;
        const title = card.querySelector("h2").getBoundingClientRect();
        while (getComputedStyle(card).borderBottomWidth === "0px") card = card.parentElement;
        const box = quote.getBoundingClientRect();
        const rule = card.getBoundingClientRect().bottom;
        return box.top > title.bottom && box.bottom <= rule && box.left >= title.left;
    });
    return {columns: firstRows.length, firstRows, quotes};
}"""


@pytest.fixture(scope="module")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("layout")
    files = {
        f"content/briefings/2025-07-1{n}-{name.lower()}.md": briefing(
            f"{name} news",
            date=f"2025-07-1{n}",
            source=f"  - name: {name} Times\n",
            extra=f"topics: [{name}, Trade]\n",
            body=f"Opening words {n}.\n\nLater the trade talks in {name} resumed.",
        )
        for n, name in enumerate(["Seoul", "Tokyo", "Beijing", "Hanoi", "Manila", "Taipei", "Jakarta"])
    }
    for name, text in {"site.toml": SITE_TOML, **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    status, _, err = run_cli("build", str(root), "--output", str(root / "www" / "desk"))
    assert status == 0, err
    with serving(root / "www") as base:
        yield f"{base}/desk/"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = shutil.which("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    if chromium is None:
        pytest.skip("the browser test needs Debian's chromium")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize(
    ("page", "wide_columns"),
    [("topics/", 2), ("sources/", 2), ("editions/", 2), ("archive/", 1), ("topics/trade/", 0)],
)
def test_list_columns_line_up_and_quotes_sit_in_their_cards(
    browser: Any, served_site: str, page: str, wide_columns: int, width: int
) -> None:
    """Eight topics, seven sources and seven days fill two columns on a wide screen, one on a
    phone; a topic's page quotes, inside each card, the sentence naming the topic."""
    view = browser.new_page(viewport={"width": width, "height": 900})
    try:
        view.goto(served_site + page)
        layout = view.evaluate(LAYOUT)
    finally:
        view.close()
    assert layout["columns"] == (min(wide_columns, 1) if width < 500 else wide_columns)
    if layout["columns"]:
        assert max(layout["firstRows"]) - min(layout["firstRows"]) < 0.5, layout
    assert layout["quotes"] == ([True] * 7 if page == "topics/trade/" else [])
