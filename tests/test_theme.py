"""What the built-in theme shows a reader around the briefings: where they are in the site's
navigation, how to subscribe, and the list pages' furniture; read from the built pages' HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MakeSite, briefing, run_cli
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
