"""Feeds as a feed reader sees them: parsed with feedparser, JSON Feed checked against 1.1."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import html5lib
import pytest
from conftest import MakeSite, briefing, run_cli
from sitecheck import parse

BASE = "https://example.org/"
ATOM = "{http://www.w3.org/2005/Atom}"


def parse_fragment(html: str) -> ElementTree.Element:
    return html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)


def entries(path: Path) -> list[feedparser.FeedParserDict]:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return list(parsed.entries)


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    root = make_site(
        {
            "content/briefings/2025-07-10-spies.md": briefing(
                "China says it foiled spying plots",
                date="2025-07-10",
                source=(
                    "  - name: Japan Times\n    url: https://www.japantimes.co.jp/news/spies/\n"
                    "    author: Staff Writer\n    published: 2025-07-10\n"
                ),
                extra="via: Daily8\ntopics: [China, Espionage]\nsummary: Three plots.\n",
                body="Read [[lavrov]]. ![map](/img/map.png) [more](../x/)",
            ),
            "content/briefings/2025-07-12-lavrov.md": briefing(
                "Lavrov: Russia understands North Korea",
                date="2025-07-12T21:00:00+09:00",
                source="  - name: NHK\n",
                extra="topics: [Russia, china]\n",
            ),
        }
    )
    status, _, err = run_cli("build", str(root))
    assert status == 0, err
    return root / "output"


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml"])
def test_feeds_parse_cleanly_with_every_item_field(site: Path, name: str) -> None:
    items = entries(site / name)
    assert [e.link for e in items] == [f"{BASE}briefings/lavrov/", f"{BASE}briefings/spies/"]
    assert [e.id for e in items] == [e.link for e in items]
    assert [e.source.title for e in items] == ["NHK", "Japan Times"]
    spies = items[1]
    assert spies.summary == "Three plots."
    assert [t.term for t in spies.tags] == ["China", "Espionage"]
    assert spies.published_parsed[:3] == (2025, 7, 10)
    content = spies.content[0].value
    assert f'href="{BASE}briefings/lavrov/"' in content
    assert f'src="{BASE}img/map.png"' in content and f'href="{BASE}briefings/x/"' in content
    assert "Japan Times" in content and "via Daily8" in content
    assert "https://www.japantimes.co.jp/" in (spies.source.get("href"), spies.source.get("link"))


def test_atom_entries_carry_an_author_and_the_original_link(site: Path) -> None:
    spies = entries(site / "atom.xml")[1]
    assert spies.author == "Test Desk"
    assert {"rel": "related", "href": "https://www.japantimes.co.jp/news/spies/"}.items() <= next(
        link for link in spies.links if link.rel == "related"
    ).items()


def test_dates_keep_their_timezone(site: Path) -> None:
    atom = (site / "atom.xml").read_text(encoding="utf-8")
    assert "<published>2025-07-12T21:00:00+09:00</published>" in atom
    assert "<updated>2025-07-12T21:00:00+09:00</updated>" in atom
    assert "<pubDate>Sat, 12 Jul 2025 21:00:00 +0900</pubDate>" in (site / "rss.xml").read_text(
        encoding="utf-8"
    )


def test_json_feed_is_version_1_1(site: Path) -> None:
    feed = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == f"{BASE}feed.json" and feed["home_page_url"] == BASE
    assert feed["title"] == "Test Briefings" and feed["authors"] == [{"name": "Test Desk"}]
    for item in feed["items"]:
        assert {"id", "url", "title", "content_html", "date_published"} <= item.keys()
        assert item["url"].startswith(BASE)
    spies = feed["items"][1]
    assert spies["external_url"] == "https://www.japantimes.co.jp/news/spies/"
    assert spies["date_published"] == "2025-07-10T00:00:00+00:00"
    assert spies["_briefings"]["sources"][0]["name"] == "Japan Times"
    assert spies["_briefings"]["via"] == "Daily8"


def test_each_topic_has_feeds_of_its_own(site: Path) -> None:
    china = [e.title for e in entries(site / "topics" / "china" / "rss.xml")]
    assert china == ["Lavrov: Russia understands North Korea", "China says it foiled spying plots"]
    assert [e.title for e in entries(site / "topics" / "espionage" / "atom.xml")] == [
        "China says it foiled spying plots"
    ]


def test_ids_survive_rebuilds_and_edits(make_site: MakeSite) -> None:
    root = make_site({"content/briefings/a.md": briefing("First title", body="Old text.")})
    assert run_cli("build", str(root))[0] == 0
    before = [e.id for e in entries(root / "output" / "atom.xml")]
    (root / "content/briefings/a.md").write_text(briefing("New title", body="New text."), encoding="utf-8")
    assert run_cli("build", str(root))[0] == 0
    after = entries(root / "output" / "atom.xml")
    assert [e.id for e in after] == before and after[0].title == "New title"


def test_feed_size_limits_items_newest_first(make_site: MakeSite) -> None:
    toml = 'title = "T"\nbase_url = "https://example.org/"\nfeed_size = 2\n'
    files = {f"content/briefings/b{n}.md": briefing(f"B{n}", date=f"2025-07-0{n}") for n in range(1, 5)}
    root = make_site({"site.toml": toml, **files})
    assert run_cli("build", str(root))[0] == 0
    assert [e.title for e in entries(root / "output" / "rss.xml")] == ["B4", "B3"]
    feed = json.loads((root / "output" / "feed.json").read_text(encoding="utf-8"))
    assert [i["title"] for i in feed["items"]] == ["B4", "B3"]


def test_feed_output_has_no_build_time_in_it(make_site: MakeSite) -> None:
    root = make_site({"content/briefings/a.md": briefing("A", date="2025-01-02")})
    assert run_cli("build", str(root))[0] == 0
    rss = (root / "output" / "rss.xml").read_text(encoding="utf-8")
    assert "<lastBuildDate>Thu, 02 Jan 2025 00:00:00 +0000</lastBuildDate>" in rss
    assert "2026" not in rss and "<generator>briefings" in rss


def test_relative_links_become_absolute_once_escaped(make_site: MakeSite) -> None:
    root = make_site(
        {"content/briefings/a.md": briefing("A", body="[q](../b/?x=1&y=2) [abs](https://e.com/?p=1&q=2)")}
    )
    assert run_cli("build", str(root))[0] == 0
    content = entries(root / "output" / "atom.xml")[0].content[0].value
    assert 'href="https://example.org/briefings/b/?x=1&amp;y=2"' in content
    assert 'href="https://e.com/?p=1&amp;q=2"' in content


def test_each_feed_links_to_itself_and_to_the_site(site: Path) -> None:
    rss = (site / "topics" / "china" / "rss.xml").read_text(encoding="utf-8")
    assert "<link>https://example.org/topics/china/</link>" in rss
    assert '<atom:link href="https://example.org/topics/china/rss.xml" rel="self"/>' in rss
    parsed = feedparser.parse((site / "atom.xml").read_bytes()).feed
    assert {(link.rel, link.href) for link in parsed.links} == {
        ("self", "https://example.org/atom.xml"),
        ("alternate", "https://example.org/"),
    }


def test_titles_stay_as_written_and_summaries_are_escaped_html(make_site: MakeSite) -> None:
    """An RSS title is shown as text by some readers and as HTML by others: ordinary text such as
    `AT&T` is written once-encoded for both. Descriptions are HTML everywhere, so they are escaped;
    Atom says so with type="html"."""
    title, summary = "Q&A: AT&T and R&D", "Tariffs & trade: 5 < 6"
    root = make_site({"content/briefings/a.md": briefing(title, extra=f"summary: {summary!r}\n")})
    assert run_cli("build", str(root))[0] == 0
    item = ElementTree.parse(root / "output" / "rss.xml").getroot().find("channel/item")
    assert item is not None
    assert (item.findtext("title"), item.findtext("description")) == (title, "Tariffs &amp; trade: 5 &lt; 6")
    atom = ElementTree.parse(root / "output" / "atom.xml").getroot()
    atom_summary = atom.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary")
    assert atom_summary is not None and atom_summary.get("type") == "html"
    for name in ("rss.xml", "atom.xml"):
        [entry] = entries(root / "output" / name)
        assert entry.title == title
        assert entry.summary_detail.type == "text/html" and entry.summary == "Tariffs &amp; trade: 5 &lt; 6"


def test_rss_items_name_the_original_author_or_else_the_desk(site: Path) -> None:
    """RSS's own <author> must be an e-mail address, so the name is a dc:creator."""
    items = entries(site / "rss.xml")
    assert [(e.link, e.author) for e in items] == [
        (f"{BASE}briefings/lavrov/", "Test Desk"),
        (f"{BASE}briefings/spies/", "Staff Writer"),
    ]
    rss = ElementTree.parse(site / "rss.xml").getroot()
    assert rss.findall("channel/item/author") == []


def test_atom_sources_have_an_id_and_a_date(site: Path) -> None:
    """The publisher's address, and when its article appeared (else when it was briefed)."""
    atom = ElementTree.parse(site / "atom.xml").getroot()
    sources = [
        (source.findtext(f"{ATOM}id"), source.findtext(f"{ATOM}title"), source.findtext(f"{ATOM}updated"))
        for source in atom.iter(f"{ATOM}source")
    ]
    assert sources == [
        (f"{BASE}sources/nhk/", "NHK", "2025-07-12T21:00:00+09:00"),
        ("https://www.japantimes.co.jp/", "Japan Times", "2025-07-10T00:00:00+00:00"),
    ]


def test_an_editions_item_lists_the_day_as_its_page_does(make_site: MakeSite) -> None:
    day = "2025-07-13T0{}:00:00+00:00"
    root = make_site(
        {
            "content/briefings/a.md": briefing("Zebra talks", date=day.format(1), extra="topics: [Trade]\n"),
            "content/briefings/b.md": briefing("Apple harvest", date=day.format(2)),
            "content/briefings/c.md": briefing("Mango prices", date=day.format(3), extra="topics: [Trade]\n"),
            "content/briefings/d.md": briefing("Bridge opens", date=day.format(4), extra="topics: [City]\n"),
        }
    )
    assert run_cli("build", str(root))[0] == 0
    output = root / "output"
    page = next(parse(output / "editions" / "2025-07-13" / "index.html").iter("main"))
    on_page = ["".join(h.itertext()) for h in page.iter("h3")]
    assert on_page == ["Bridge opens", "Zebra talks", "Mango prices", "Apple harvest"]
    for name in ("rss.xml", "atom.xml"):
        [item] = entries(output / "editions" / name)
        content = parse_fragment(item.content[0].value)
        assert ["".join(a.itertext()) for a in content.iter("a")] == on_page
        assert ["".join(h.itertext()) for h in content.iter("h3")] == ["City", "Trade", "Other news"]
        assert item.summary == "4 briefings: " + "; ".join(on_page)
