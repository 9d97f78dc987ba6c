"""Importing saved HTML pages, URLs and feeds, some served from a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import MakeSite, body_of, front_matter, run_cli, serving

from briefings.pipeline import build

PARAGRAPH = "The council met on Tuesday and agreed a plan that will change how the harbour is run for years."
ARTICLE = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Harbour plan approved after long debate | The Coastal Times</title>
<meta property="og:site_name" content="The Coastal Times">
<meta property="article:published_time" content="2025-07-10T08:30:00+09:00">
<meta name="author" content="Mika Sato">
<link rel="canonical" href="https://coastal.example/news/harbour-plan?utm_source=rss&amp;id=7#top">
<script>window.tracking = true;</script>
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<div class="ad">Advertisement: buy our paper today, only one yen for a whole year of news</div>
<article>
<h1>Harbour plan approved after long debate</h1>
<p>{PARAGRAPH}</p>
<p>Opponents said the <a href="/harbour-history?fbclid=abc">history of the harbour</a> was ignored,
and that the cost &amp; the timing were wrong for a town of this size.</p>
<ul><li>Ferries will run every hour in summer.</li><li>Fishing boats keep the north quay.</li></ul>
<blockquote><p>"We listened to everyone," the mayor said after the vote.</p></blockquote>
<p>The plan goes to the prefecture next month, where officials expect to approve it quickly.</p>
<p><a href="javascript:alert(1)">Click me</a> for nothing, says this sentence with enough words.</p>
</article>
<section id="comments"><h2>Comments</h2>
<p>Comment by reader42: this is a terrible plan and I hate it!</p></section>
<footer>Copyright The Coastal Times. All rights reserved.</footer>
</body></html>
"""
BARE_PAGE = """<html><head><title>Quiet day at the market</title></head><body><article>
<p>Nothing much happened at the market today, where traders waited for customers who never came.</p>
<p>Prices of fish stayed the same as last week, and the weather was fine all day long.</p>
</article></body></html>
"""


def rss(items: str) -> str:
    return f"""<?xml version="1.0" encoding="gb2312"?>
<rss version="2.0"><channel>
<title>新华快讯</title><link>http://feeds.example.cn/</link><description>测试</description>
{items}
</channel></rss>
"""


RSS_ITEMS = """
<item><title>北京发布新规定</title><link>/news/1.html?utm_campaign=x&amp;a=1</link>
<author>王明</author><pubDate>Thu, 10 Jul 2025 08:00:00 +0800</pubDate>
<description>&lt;p&gt;北京市政府发布了新规定。&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;
&lt;p&gt;详见&lt;a href="/detail"&gt;全文&lt;/a&gt;。&lt;/p&gt;</description></item>
<item><title>日期有误的新闻</title><link>http://feeds.example.cn/news/2.html</link>
<pubDate>not a date at all</pubDate><description>坏日期。</description></item>
<item><link>http://feeds.example.cn/news/3.html</link><pubDate>Fri, 11 Jul 2025 09:00:00 +0800</pubDate>
<description>没有标题。</description></item>
<item><title>上海天气晴朗</title><link>javascript:alert(1)</link>
<pubDate>Sat, 12 Jul 2025 10:00:00 +0800</pubDate><description>晴天。</description></item>
"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Harbour Weekly</title><id>urn:x</id><updated>2025-07-12T00:00:00Z</updated>
<link href="/"/>
<entry><title type="html">Ferry &lt;b&gt;times&lt;/b&gt; change</title><id>urn:1</id>
<link href="/posts/ferry"/><updated>2025-07-11T18:00:00-04:00</updated>
<author><name>Ann Lee</name></author>
<content type="html">&lt;p&gt;Ferries now leave hourly.&lt;/p&gt;
&lt;img src=x onerror=alert(1)&gt;</content></entry>
<entry><title>Old news</title><id>urn:2</id><link href="/posts/old"/><updated>2025-06-01</updated>
<summary>Old.</summary></entry>
<entry><title>Quay reopens</title><id>urn:3</id><link href="/posts/quay"/>
<updated>2025-07-12T06:00:00+09:00</updated>
<summary>The north quay reopens.</summary></entry>
</feed>
"""


def briefings_in(root: Path) -> list[Path]:
    return sorted((root / "content" / "briefings").glob("*.md"))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A folder served on 127.0.0.1 (a free port), and its base URL."""
    folder = tmp_path / "www"
    folder.mkdir()
    with serving(folder) as base:
        yield base, folder


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    return make_site(
        {"site.toml": 'title = "T"\nbase_url = "https://example.org/"\n[topics]\nFerries = []\n'}
    )


def run_import(site: Path, *args: str) -> tuple[int, str, str]:
    return run_cli("import", *args, "--site", str(site), "--captured", "2025-07-13T09:00:00+09:00")


def test_saved_article_page(site: Path, tmp_path: Path) -> None:
    page = tmp_path / "saved.html"
    page.write_text(ARTICLE, encoding="utf-8")
    status, _out, err = run_import(site, str(page), "--full-text")
    assert status == 0, err
    [file] = briefings_in(site)
    # Two dates: the briefing is dated by its capture, the source by when the page says it appeared.
    assert file.name == "2025-07-13-harbour-plan-approved-after-long-debate.md"
    meta = front_matter(file)
    assert meta["title"] == "Harbour plan approved after long debate"
    assert str(meta["date"]) == "2025-07-13 09:00:00+09:00"
    [source] = meta["sources"]  # type: ignore[misc]
    assert source["name"] == "The Coastal Times"
    assert source["url"] == "https://coastal.example/news/harbour-plan?id=7"
    assert source["author"] == "Mika Sato"
    assert str(source["published"]) == "2025-07-10 08:30:00+09:00"
    assert "via" not in meta
    assert meta["topics"] == ["Ferries"]
    body = body_of(file)
    assert PARAGRAPH in body
    assert "[history of the harbour](https://coastal.example/harbour-history)" in body
    assert "- Ferries will run every hour in summer." in body
    for left_out in ("reader42", "Advertisement", "Sport", "Copyright", "tracking", "javascript"):
        assert left_out not in body
    build(site, tmp_path / "out")


def test_page_without_author_or_date_gets_none_invented(site: Path, tmp_path: Path) -> None:
    page = tmp_path / "bare.html"
    page.write_text(BARE_PAGE, encoding="utf-8")
    assert run_import(site, str(page))[0] == 0
    [file] = briefings_in(site)
    meta = front_matter(file)
    [source] = meta["sources"]  # type: ignore[misc]
    assert "author" not in source and "published" not in source and "url" not in source
    assert str(meta["date"]) == "2025-07-13 09:00:00+09:00"  # the capture's time; no publication guessed
    build(site, tmp_path / "out")


def test_url_import_resolves_links_against_the_page(
    site: Path, tmp_path: Path, served: tuple[str, Path]
) -> None:
    base, folder = served
    (folder / "bare.html").write_text(
        BARE_PAGE.replace("today,", 'today, <a href="stalls.html">see</a>'), "utf-8"
    )
    status, _out, err = run_import(site, f"{base}/bare.html?utm_medium=email", "--full-text")
    assert status == 0, err
    [file] = briefings_in(site)
    [source] = front_matter(file)["sources"]  # type: ignore[misc]
    assert source["url"] == f"{base}/bare.html"
    assert f"[see]({base}/stalls.html)" in body_of(file)
    assert source["name"].startswith("127.0.0.1")  # no site name on the page: its address
    build(site, tmp_path / "out")


def test_rss_in_gb2312_imports_what_is_sound(site: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss(RSS_ITEMS).encode("gb2312"))
    status, out, err = run_import(site, str(feed), "--full-text")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[-1] == "imported 3 briefings: 3 new, 0 updated, 0 unchanged"
    # An entry whose date cannot be read is imported without one, and the curator is told.
    assert any("note:" in line and "no date: add `published:`" in line for line in lines)
    assert any("skipped" in line and "entry 3" in line and "no title" in line for line in lines)
    files = {front_matter(p)["title"]: p for p in briefings_in(site)}
    beijing = front_matter(files["北京发布新规定"])
    [source] = beijing["sources"]  # type: ignore[misc]
    assert source == {
        "name": "新华快讯",
        "url": "http://feeds.example.cn/news/1.html?a=1",
        "author": "王明",
        "published": dt.datetime(2025, 7, 10, 8, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    }
    assert str(beijing["date"]) == "2025-07-13 09:00:00+09:00"  # posted when it was imported
    body = body_of(files["北京发布新规定"])
    assert "北京市政府发布了新规定。" in body and "alert" not in body
    assert "[全文](http://feeds.example.cn/detail)" in body
    [undated] = front_matter(files["日期有误的新闻"])["sources"]  # type: ignore[misc]
    assert undated == {"name": "新华快讯", "url": "http://feeds.example.cn/news/2.html"}
    [shanghai] = front_matter(files["上海天气晴朗"])["sources"]  # type: ignore[misc]
    assert "url" not in shanghai
    build(site, tmp_path / "out")
    assert (
        run_import(site, str(feed), "--full-text")[1].splitlines()[-1]
        == "imported 3 briefings: 0 new, 0 updated, 3 unchanged"
    )


def test_atom_feed_from_url_with_since_and_limit(
    site: Path, tmp_path: Path, served: tuple[str, Path]
) -> None:
    base, folder = served
    (folder / "atom.xml").write_text(ATOM, encoding="utf-8")
    status, out, err = run_import(site, f"{base}/atom.xml", "--since", "2025-07-01", "--limit", "1")
    assert status == 0, err
    assert out.splitlines()[-1] == "imported 1 briefing: 1 new, 0 updated, 0 unchanged"
    [file] = briefings_in(site)
    meta = front_matter(file)
    assert meta["title"] == "Ferry times change"  # 22:00 UTC, an hour after "Quay reopens"
    status, out, err = run_import(site, f"{base}/atom.xml", "--since", "2025-07-01")
    assert status == 0, err
    assert any(
        "skipped" in line and "1 entry" in line and "before 2025-07-01" in line for line in out.splitlines()
    )
    files = {front_matter(p)["title"]: p for p in briefings_in(site)}
    assert sorted(files) == ["Ferry times change", "Quay reopens"]
    ferry = front_matter(files["Ferry times change"])
    [source] = ferry["sources"]  # type: ignore[misc]
    assert source == {
        "name": "Harbour Weekly",
        "url": f"{base}/posts/ferry",
        "author": "Ann Lee",
        "published": dt.datetime(2025, 7, 11, 18, tzinfo=dt.timezone(dt.timedelta(hours=-4))),
    }
    assert "onerror" not in body_of(files["Ferry times change"])
    build(site, tmp_path / "out")


def test_unreachable_url_and_missing_file_are_named(site: Path, served: tuple[str, Path]) -> None:
    base, _ = served
    status, _out, err = run_import(site, f"{base}/missing.html", "no-such-file.txt")
    assert status == 1
    assert f"{base}/missing.html: the server answered 404" in err
    assert "no-such-file.txt: no such file" in err
    assert "Traceback" not in err and not (site / "content" / "briefings").exists()


def test_forced_format_that_does_not_fit_is_refused(site: Path, tmp_path: Path) -> None:
    page = tmp_path / "saved.html"
    page.write_text(ARTICLE, encoding="utf-8")
    status, _, err = run_import(site, str(page), "--format", "feed")
    assert status == 1 and "saved.html: not an RSS or Atom feed" in err


def test_saved_page_remembers_where_it_was_saved_from(site: Path, tmp_path: Path) -> None:
    page = tmp_path / "saved.html"
    page.write_text("<!-- saved from url=(0031)https://market.example/quiet -->\n" + BARE_PAGE, "utf-8")
    assert run_import(site, str(page))[0] == 0
    [file] = briefings_in(site)
    [source] = front_matter(file)["sources"]  # type: ignore[misc]
    assert source["url"] == "https://market.example/quiet"
    assert source["name"] == "market.example"
