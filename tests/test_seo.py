"""Rich previews and SEO: canonical URLs, Open Graph and Twitter tags, JSON-LD NewsArticle read
back as a search engine reads it, and sitemap lastmod; hostile text never breaks out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import pytest
from conftest import MakeSite, briefing, run_cli
from sitecheck import active_content, parse

HOSTILE = "</script><script>alert(1)</script> <!-- & \u2028\u2029 </SCRIPT >"
SOURCES = (
    "  - name: Japan Times\n    url: https://www.japantimes.co.jp/a\n    author: Jesse Johnson\n"
    "  - name: Kyodo\n    url: https://english.kyodonews.net/b\n    author: Jesse Johnson\n"
    "  - name: NHK\n    author: Sato Kenji\n"
)
FILES = {
    "content/briefings/2025-07-10-spying.md": briefing(
        "China says it foiled spying plots",
        source=SOURCES,
        extra="captured: 2025-07-13T08:00:00+00:00\ntopics: [China, Espionage]\nsummary: Three plots.\n",
    ),
    # JSON strings are YAML double-quoted strings, so the escapes of U+2028/2029 reach the title.
    "content/briefings/2025-07-11-hostile.md": (
        f"---\ntitle: {json.dumps(HOSTILE)}\ndate: 2025-07-11T09:30:00+09:00\n"
        f"sources:\n  - name: {json.dumps(HOSTILE)}\n    author: {json.dumps(HOSTILE)}\n"
        f"topics: [{json.dumps(HOSTILE)}]\nsummary: {json.dumps(HOSTILE)}\n---\n\nBody.\n"
    ),
    "content/briefings/republished.md": briefing(
        "Republished in full", extra="canonical: https://original.example.com/story?id=1&x=2\n"
    ),
}


@pytest.fixture
def output(make_site: MakeSite) -> Path:
    root = make_site(FILES)
    status, _, err = run_cli("build", str(root))
    assert status == 0, err
    return root / "output"


def head_meta(page: Element) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in page.iter("meta"):
        key = meta.get("property") or meta.get("name")
        if key:
            found.setdefault(key, []).append(meta.get("content") or "")
    return found


def json_ld(page: Element) -> list[Any]:
    return [json.loads(s.text or "") for s in page.iter("script") if s.get("type") == "application/ld+json"]


def test_json_ld_says_what_the_briefing_says(output: Path) -> None:
    [article] = json_ld(parse(output / "briefings" / "spying" / "index.html"))
    assert article == {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "China says it foiled spying plots",
        "url": "https://example.org/briefings/spying/",
        "mainEntityOfPage": "https://example.org/briefings/spying/",
        "datePublished": "2025-07-10",
        "dateModified": "2025-07-13T08:00:00+00:00",
        "author": [{"@type": "Person", "name": "Jesse Johnson"}, {"@type": "Person", "name": "Sato Kenji"}],
        "publisher": {"@type": "Organization", "name": "Japan Times"},
        "isBasedOn": ["https://www.japantimes.co.jp/a", "https://english.kyodonews.net/b"],
        "inLanguage": "en",
        "description": "Three plots.",
        "keywords": ["China", "Espionage"],
    }


def test_without_named_authors_the_outlet_is_the_author(output: Path) -> None:
    [article] = json_ld(parse(output / "briefings" / "republished" / "index.html"))
    assert article["author"] == [{"@type": "Organization", "name": "Example News"}]
    assert article["dateModified"] == article["datePublished"] == "2025-07-10"
    assert article["isBasedOn"] == [
        "https://news.example.com/a",
        "https://original.example.com/story?id=1&x=2",
    ]


def test_a_hostile_title_cannot_end_the_json_ld_block(output: Path) -> None:
    page_path = output / "briefings" / "hostile" / "index.html"
    page = parse(page_path)
    assert len(list(page.iter("script"))) == 1  # the JSON-LD block, and nothing from content
    [article] = json_ld(page)
    assert article["headline"] == HOSTILE
    assert article["description"] == HOSTILE
    assert article["author"] == [{"@type": "Person", "name": HOSTILE}]
    assert article["publisher"]["name"] == HOSTILE
    raw = page_path.read_text(encoding="utf-8")
    block = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    for unsafe in ("<", ">", "&", "\u2028", "\u2029"):
        assert unsafe not in block
    assert active_content(output) == []


def test_open_graph_and_twitter_tags_describe_a_briefing(output: Path) -> None:
    meta = head_meta(parse(output / "briefings" / "spying" / "index.html"))
    assert meta["og:type"] == ["article"]
    assert meta["og:title"] == ["China says it foiled spying plots"]
    assert meta["og:description"] == ["Three plots."]
    assert meta["og:url"] == ["https://example.org/briefings/spying/"]
    assert meta["og:site_name"] == ["Test Briefings"]
    assert meta["article:published_time"] == ["2025-07-10"]
    assert meta["article:tag"] == ["China", "Espionage"]
    assert meta["twitter:card"] == ["summary"]


def test_open_graph_tags_carry_hostile_text_as_text(output: Path) -> None:
    page = parse(output / "briefings" / "hostile" / "index.html")
    meta = head_meta(page)
    assert meta["og:title"] == [HOSTILE]
    assert meta["og:description"] == [HOSTILE]
    assert meta["article:tag"] == [HOSTILE]
    assert meta["article:published_time"] == ["2025-07-11T09:30:00+09:00"]
    head = page.find("head")
    assert (
        head is not None and [e.tag for e in head if e.tag not in ("meta", "link", "title", "script")] == []
    )


def test_other_pages_are_websites_with_their_own_url(output: Path) -> None:
    home = head_meta(parse(output / "index.html"))
    assert home["og:type"] == ["website"]
    assert home["og:title"] == ["Test Briefings"]
    assert home["og:description"] == ["Briefings for tests"]
    assert home["og:url"] == ["https://example.org/"]
    topics = parse(output / "topics" / "index.html")
    assert head_meta(topics)["og:url"] == ["https://example.org/topics/"]
    assert json_ld(topics) == []


def canonical(page: Element) -> str | None:
    return next((link.get("href") for link in page.iter("link") if link.get("rel") == "canonical"), None)


def test_every_page_has_a_canonical_url(output: Path) -> None:
    pages = sorted(output.rglob("*.html"))
    assert pages
    for path in pages:
        href = canonical(parse(path))
        assert href is not None and href.startswith("https://"), path


def test_a_republished_briefing_names_the_original_as_canonical(output: Path) -> None:
    page = parse(output / "briefings" / "republished" / "index.html")
    assert canonical(page) == "https://original.example.com/story?id=1&x=2"
    assert head_meta(page)["og:url"] == ["https://example.org/briefings/republished/"]
    assert canonical(parse(output / "briefings" / "spying" / "index.html")) == (
        "https://example.org/briefings/spying/"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("javascript:alert(1)", "'canonical' must be an http(s) URL: 'javascript:alert(1)'"),
        ("[https://a.example/]", "'canonical' must be text, not a list or mapping"),
    ],
)
def test_canonical_must_be_a_web_url(make_site: MakeSite, value: str, message: str) -> None:
    root = make_site({"content/briefings/a.md": briefing(extra=f"canonical: {value}\n")})
    status, _, err = run_cli("build", str(root))
    assert status == 1
    assert f"content/briefings/a.md:7: {message}" in err


def test_sitemap_lists_briefings_with_their_lastmod(output: Path) -> None:
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    assert (
        "<url><loc>https://example.org/briefings/spying/</loc><lastmod>2025-07-10</lastmod></url>" in sitemap
    )
    assert (
        "<url><loc>https://example.org/briefings/hostile/</loc><lastmod>2025-07-11</lastmod></url>" in sitemap
    )
    assert "<url><loc>https://example.org/</loc><lastmod>2025-07-11</lastmod></url>" in sitemap
