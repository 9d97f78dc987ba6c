"""Importing feeds as real publishers write them: RSS 2.0 through FeedBurner, Atom with several
links, RSS 1.0 with dc:date, RFC 822 dates in their variants, legacy encodings, HTML in titles,
media-only entries, Google News, and imports that find nothing to write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import MakeSite, QuietHandler, body_of, front_matter, run_cli, serving

from briefings.pipeline import build

CAPTURED = "2025-07-13T09:00:00+09:00"


def zone(hours: float) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours))


FEEDBURNER = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>Harbour Tribune</title>
<link>https://tribune.example/</link>
<description>News from the harbour</description>
<item>
  <title>Ferry fares rise for the first time in a decade</title>
  <link>http://feedproxy.google.com/~r/harbourtribune/~3/aB1cD2eF3/</link>
  <guid isPermaLink="false">tribune-1001</guid>
  <feedburner:origLink>https://tribune.example/2025/07/ferry-fares?utm_source=feedburner&amp;utm_medium=feed</feedburner:origLink>
  <dc:creator><![CDATA[Mika Sato]]></dc:creator>
  <dc:creator>Ken Ito</dc:creator>
  <pubDate>Thu, 10 Jul 2025 08:30:00 +0900</pubDate>
  <description>Fares rise by ten percent.</description>
  <content:encoded><![CDATA[<p>Fares on every ferry route will rise by ten percent in August.</p>
  <p>The operator blamed fuel costs.</p>
  <img src="https://feeds.feedburner.com/~r/harbourtribune/~4/aB1cD2eF3" height="1"/>]]></content:encoded>
</item>
<item>
  <title>Quay repairs finished early</title>
  <link>http://feedproxy.google.com/~r/harbourtribune/~3/gH4iJ5kL6/</link>
  <feedburner:origLink>https://tribune.example/2025/07/quay-repairs</feedburner:origLink>
  <author>newsdesk@tribune.example (Harbour Desk)</author>
  <pubDate>Wed, 09 Jul 2025 17:00:00 GMT</pubDate>
  <description>&lt;p&gt;The north quay reopened a week early.&lt;/p&gt;</description>
</item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title type="text">Coastal Radio</title>
  <link rel="self" href="https://radio.example/feed.atom"/>
  <link rel="alternate" type="text/html" href="https://radio.example/"/>
  <id>tag:radio.example,2025:feed</id>
  <updated>2025-07-12T10:00:00+02:00</updated>
  <entry>
    <title>Storm warning for the weekend</title>
    <id>tag:radio.example,2025:1</id>
    <link rel="self" type="application/atom+xml" href="https://radio.example/api/entries/1"/>
    <link rel="enclosure" type="audio/mpeg" length="1234" href="https://cdn.radio.example/storm.mp3"/>
    <link rel="alternate" type="text/html" href="https://radio.example/news/storm-warning"/>
    <published>2025-07-11T18:45:00+02:00</published>
    <updated>2025-07-12T07:00:00+02:00</updated>
    <author><name>Ana Costa</name><email>ana@radio.example</email></author>
    <summary>Winds of up to 100 km/h are expected.</summary>
  </entry>
  <entry>
    <title>Harbour festival moved</title>
    <id>tag:radio.example,2025:2</id>
    <link href="/news/festival"/>
    <updated>2025-07-10T12:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">
      <p>The festival moves to August.</p></div></content>
  </entry>
</feed>
"""

RDF = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://kaigan.example/rss">
    <title>海岸新報</title>
    <link>https://kaigan.example/</link>
    <description>海岸のニュース</description>
    <items><rdf:Seq><rdf:li rdf:resource="https://kaigan.example/a/1"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://kaigan.example/a/1">
    <title>港の新しい桟橋が完成</title>
    <link>https://kaigan.example/a/1</link>
    <description>新しい桟橋が十日に完成した。</description>
    <dc:creator>佐藤美香</dc:creator>
    <dc:date>2025-07-10T15:00:00+09:00</dc:date>
  </item>
  <item rdf:about="https://kaigan.example/a/2">
    <title>漁業組合が総会</title>
    <link>https://kaigan.example/a/2</link>
    <description>漁業組合は総会を開いた。</description>
    <dc:date>2025-07-09</dc:date>
  </item>
</rdf:RDF>
"""


def rss(items: str, title: str = "Wire Desk", encoding: str = "utf-8") -> str:
    return f"""<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
<title>{title}</title><link>https://wire.example/</link><description>d</description>
{items}
</channel></rss>
"""


def item(title: str, date: str, link: str = "", extra: str = "") -> str:
    slug = link or "https://wire.example/" + str(abs(hash(title)))
    return f"<item><title>{title}</title><link>{slug}</link><pubDate>{date}</pubDate>{extra}</item>\n"


DATED = [
    # (as the feed writes it, what `published:` says)
    ("Fri, 10 Jan 2020", dt.date(2020, 1, 10)),  # no time: the day, never 1 December
    ("10 Jan 2020", dt.date(2020, 1, 10)),
    ("Fri, 10 Jan 2020 10:00:00 GMT", dt.datetime(2020, 1, 10, 10, tzinfo=dt.UTC)),
    ("Fri, 10 Jan 2020 10:00:00 EST", dt.datetime(2020, 1, 10, 10, tzinfo=zone(-5))),
    ("10 Jan 2020 10:00 +0900", dt.datetime(2020, 1, 10, 10, tzinfo=zone(9))),
    ("Sat, 11 Jan 2020 23:30:00 -0330", dt.datetime(2020, 1, 11, 23, 30, tzinfo=zone(-3.5))),
    ("Fri, 1 Feb 20 06:05 PDT", dt.datetime(2020, 2, 1, 6, 5, tzinfo=zone(-7))),
    ("Fri, 10 Jan 2020 10:00:00 +0000 (UTC)", dt.datetime(2020, 1, 10, 10, tzinfo=dt.UTC)),
    ("2020-01-10T10:00:00+05:30", dt.datetime(2020, 1, 10, 10, tzinfo=zone(5.5))),
    ("2020/01/10", dt.date(2020, 1, 10)),  # year first: never read as 1 December
    ("Fri, 10 Jan 2020 10:00:00", dt.date(2020, 1, 10)),  # no zone: the day only
    ("Fri, 10 Jan 2020 10:00:00 IST", dt.date(2020, 1, 10)),  # three zones are called IST
]
UNREADABLE = ["10/01/2020", "yesterday", "Fri, 32 Jan 2020", "not a date at all"]


def by_title(root: Path) -> dict[str, dict[str, object]]:
    files = sorted((root / "content" / "briefings").glob("*.md"))
    return {str(front_matter(p)["title"]): front_matter(p) | {"body": body_of(p)} for p in files}


def source_of(meta: dict[str, object]) -> dict[str, object]:
    [source] = meta["sources"]  # type: ignore[misc]
    assert isinstance(source, dict)
    return source


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    return make_site(
        {"site.toml": 'title = "T"\nbase_url = "https://example.org/"\ntimezone = "Asia/Tokyo"\n'}
    )


def run_import(site: Path, *args: str) -> tuple[int, str, str]:
    return run_cli("import", *args, "--site", str(site), "--captured", CAPTURED)


def write(tmp_path: Path, name: str, text: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def test_feedburner_entries_link_to_the_original_and_credit_every_creator(site: Path, tmp_path: Path) -> None:
    status, out, err = run_import(site, write(tmp_path, "fb.xml", FEEDBURNER), "--full-text")
    assert status == 0, err
    assert out.splitlines()[-1] == "imported 2 briefings: 2 new, 0 updated, 0 unchanged"
    metas = by_title(site)
    fares = metas["Ferry fares rise for the first time in a decade"]
    assert source_of(fares) == {
        "name": "Harbour Tribune",
        "url": "https://tribune.example/2025/07/ferry-fares",
        "author": "Mika Sato, Ken Ito",
        "published": dt.datetime(2025, 7, 10, 8, 30, tzinfo=zone(9)),
    }
    assert str(fares["date"]) == "2025-07-13 09:00:00+09:00"  # posted when it was imported
    assert "via" not in fares  # the feed is the publisher's own
    assert "Fares on every ferry route will rise by ten percent in August." in str(fares["body"])
    assert "feedproxy" not in str(fares) and "feedburner" not in str(fares["body"])
    quay = metas["Quay repairs finished early"]
    assert source_of(quay) == {
        "name": "Harbour Tribune",
        "url": "https://tribune.example/2025/07/quay-repairs",
        "author": "Harbour Desk",  # the name, never the address
        "published": dt.datetime(2025, 7, 9, 17, tzinfo=dt.UTC),
    }
    build(site, tmp_path / "out")


def test_atom_entry_links_to_its_alternate_page_not_self_or_enclosure(site: Path, tmp_path: Path) -> None:
    status, _out, err = run_import(site, write(tmp_path, "feed.atom", ATOM), "--full-text")
    assert status == 0, err
    metas = by_title(site)
    storm = source_of(metas["Storm warning for the weekend"])
    assert storm == {
        "name": "Coastal Radio",
        "url": "https://radio.example/news/storm-warning",
        "author": "Ana Costa",
        "published": dt.datetime(2025, 7, 11, 18, 45, tzinfo=zone(2)),  # published, not updated
    }
    festival = source_of(metas["Harbour festival moved"])
    assert festival["url"] == "https://radio.example/news/festival"  # resolved against the feed's page
    assert festival["published"] == dt.datetime(2025, 7, 10, 12, tzinfo=dt.UTC)
    assert "The festival moves to August." in str(metas["Harbour festival moved"]["body"])


def test_rss_1_0_dates_come_from_dc_date(site: Path, tmp_path: Path) -> None:
    status, _out, err = run_import(site, write(tmp_path, "index.rdf", RDF))
    assert status == 0, err
    metas = by_title(site)
    assert source_of(metas["港の新しい桟橋が完成"]) == {
        "name": "海岸新報",
        "url": "https://kaigan.example/a/1",
        "author": "佐藤美香",
        "published": dt.datetime(2025, 7, 10, 15, tzinfo=zone(9)),
    }
    assert source_of(metas["漁業組合が総会"])["published"] == dt.date(2025, 7, 9)


def test_dates_are_read_as_the_feed_wrote_them(site: Path, tmp_path: Path) -> None:
    items = "".join(item(f"Story {n}", written) for n, (written, _) in enumerate(DATED))
    status, out, err = run_import(site, write(tmp_path, "dates.xml", rss(items)))
    assert status == 0, err
    metas = by_title(site)
    for n, (written, published) in enumerate(DATED):
        assert source_of(metas[f"Story {n}"])["published"] == published, written
    assert "note:" not in out


def test_a_date_that_cannot_be_read_is_left_out_with_a_note(site: Path, tmp_path: Path) -> None:
    items = "".join(item(f"Odd date {n}", written) for n, written in enumerate(UNREADABLE))
    items += "<item><title>No date at all</title><link>https://wire.example/none</link></item>"
    status, out, err = run_import(site, write(tmp_path, "odd.xml", rss(items)))
    assert status == 0, err
    metas = by_title(site)
    assert len(metas) == len(UNREADABLE) + 1  # every entry imports
    for meta in metas.values():
        assert "published" not in source_of(meta)
    lines = out.splitlines()
    notes = [line.strip() for line in lines if line.strip().startswith("note:")]
    assert len(notes) == len(UNREADABLE) + 1
    assert all("no date: add `published:`" in note for note in notes)
    assert any('"10/01/2020" cannot be read' in note for note in notes)


def test_entries_without_a_title_are_skipped_with_the_reason(site: Path, tmp_path: Path) -> None:
    items = item("Kept", "Fri, 11 Jul 2025 09:00:00 +0900")
    items += "<item><title>  </title><link>https://wire.example/x</link><description>x</description></item>"
    status, out, err = run_import(site, write(tmp_path, "t.xml", rss(items)))
    assert status == 0, err
    assert list(by_title(site)) == ["Kept"]
    assert any(
        line.startswith("skipped") and "entry 2" in line and "no title" in line for line in out.splitlines()
    )


def test_feeds_in_legacy_encodings(site: Path, tmp_path: Path) -> None:
    latin = rss(
        item(
            "Café prices rise in São Paulo", "Fri, 11 Jul 2025 09:00:00 -0300", "https://diario.example/cafe"
        ),
        "Diário da Manhã",
        "iso-8859-1",
    )
    shift_jis = rss(
        item("東京の気温、観測史上最高に", "Fri, 11 Jul 2025 15:00:00 +0900", "https://tenki.example/1"),
        "日刊天気",
        "shift_jis",
    )
    status, _out, err = run_import(
        site,
        write(tmp_path, "latin.xml", latin.encode("iso-8859-1")),
        write(tmp_path, "sjis.xml", shift_jis.encode("shift_jis")),
    )
    assert status == 0, err
    metas = by_title(site)
    assert source_of(metas["Café prices rise in São Paulo"]) == {
        "name": "Diário da Manhã",
        "url": "https://diario.example/cafe",
        "published": dt.datetime(2025, 7, 11, 9, tzinfo=zone(-3)),
    }
    assert source_of(metas["東京の気温、観測史上最高に"]) == {
        "name": "日刊天気",
        "url": "https://tenki.example/1",
        "published": dt.datetime(2025, 7, 11, 15, tzinfo=zone(9)),
    }


def test_html_in_titles_becomes_plain_text(site: Path, tmp_path: Path) -> None:
    items = item("Prices &lt;b&gt;soar&lt;/b&gt; &amp;amp; fall", "Fri, 11 Jul 2025 09:00:00 GMT")
    items += item("<![CDATA[Mayor <i>resigns</i> & leaves]]>", "Fri, 11 Jul 2025 10:00:00 GMT")
    items += item("&lt;script&gt;alert(1)&lt;/script&gt;Council votes", "Fri, 11 Jul 2025 11:00:00 GMT")
    status, _out, err = run_import(site, write(tmp_path, "h.xml", rss(items)))
    assert status == 0, err
    titles = sorted(by_title(site))
    assert "Mayor resigns & leaves" in titles
    assert any(t.startswith("Prices soar") for t in titles)
    assert all("<" not in t for t in titles)
    assert not any("alert" in t for t in titles)
    build(site, tmp_path / "out")
    html = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*.html"))
    assert "<script>alert" not in html


def test_a_feed_of_media_content_only(site: Path, tmp_path: Path) -> None:
    extra = (
        '<media:content url="https://video.example/clip.mp4" type="video/mp4" medium="video">'
        "<media:title>Harbour at dawn</media:title>"
        "<media:description>A short film of the harbour at dawn.</media:description>"
        '<media:thumbnail url="https://video.example/clip.jpg"/></media:content>'
    )
    items = item("Harbour at dawn", "Sat, 12 Jul 2025 05:00:00 +0900", "https://video.example/watch/1", extra)
    items += item(
        "Silent clip",
        "Sat, 12 Jul 2025 06:00:00 +0900",
        "https://video.example/watch/2",
        '<media:content url="https://video.example/2.mp4" type="video/mp4"/>',
    )
    status, _out, err = run_import(site, write(tmp_path, "m.xml", rss(items, "Harbour Video")), "--full-text")
    assert status == 0, err
    metas = by_title(site)
    assert source_of(metas["Harbour at dawn"])["url"] == "https://video.example/watch/1"
    assert "A short film of the harbour at dawn." in str(metas["Harbour at dawn"]["body"])
    assert source_of(metas["Silent clip"])["published"] == dt.datetime(2025, 7, 12, 6, tzinfo=zone(9))
    build(site, tmp_path / "out")


GOOGLE_NEWS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<rss xmlns:media="http://search.yahoo.com/mrss/" version="2.0"><channel>
<generator>NFE/5.0</generator><title>Top stories - Google News</title>
<link>https://news.google.com/?hl=en-US&amp;gl=US&amp;ceid=US:en</link>
<language>en-US</language><description>Google News</description>
<item><title>Central bank holds rates steady - Reuters</title>
<link>https://news.google.com/rss/articles/CBMiWmh0dHBzOi8vd3d3LnJldXRlcnMuY29t?oc=5</link>
<guid isPermaLink="false">CBMiWmh0dHBzOi8vd3d3LnJldXRlcnMuY29t</guid>
<pubDate>Fri, 11 Jul 2025 13:05:00 GMT</pubDate>
<description>&lt;a href="https://news.google.com/rss/articles/CBMi?oc=5" target="_blank"&gt;Central bank holds
rates steady&lt;/a&gt;&amp;nbsp;&amp;nbsp;&lt;font color="#6f6f6f"&gt;Reuters&lt;/font&gt;</description>
<source url="https://www.reuters.com">Reuters</source></item>
<item><title>Heatwave grips the south \u2013 The Associated Press</title>
<link>https://news.google.com/rss/articles/CBMiX2h0dHBzOi8vYXBuZXdzLmNvbQ?oc=5</link>
<pubDate>Fri, 11 Jul 2025 12:00:00 GMT</pubDate>
<source url="https://apnews.com">The Associated Press</source></item>
</channel></rss>
"""


def test_google_news_credits_the_publisher_and_records_the_feed_as_via(site: Path, tmp_path: Path) -> None:
    status, _out, err = run_import(site, write(tmp_path, "gn.xml", GOOGLE_NEWS))
    assert status == 0, err
    metas = by_title(site)
    assert sorted(metas) == ["Central bank holds rates steady", "Heatwave grips the south"]
    bank = metas["Central bank holds rates steady"]
    assert source_of(bank)["name"] == "Reuters"
    assert source_of(bank)["published"] == dt.datetime(2025, 7, 11, 13, 5, tzinfo=dt.UTC)
    assert bank["via"] == "Top stories - Google News"
    assert source_of(metas["Heatwave grips the south"])["name"] == "The Associated Press"
    build(site, tmp_path / "out")


def test_since_filters_on_published_and_keeps_undated_entries_with_a_note(site: Path, tmp_path: Path) -> None:
    items = item("New", "Fri, 11 Jul 2025 09:00:00 +0900")
    items += item("Old", "Mon, 30 Jun 2025 09:00:00 +0900")
    items += item("Undated", "sometime")
    status, out, err = run_import(site, write(tmp_path, "s.xml", rss(items)), "--since", "2025-07-01")
    assert status == 0, err
    assert sorted(by_title(site)) == ["New", "Undated"]
    assert any(
        "skipped" in line and "1 entry" in line and "before 2025-07-01" in line for line in out.splitlines()
    )
    assert "kept by --since 2025-07-01: its date is unknown" in out


@pytest.mark.parametrize(
    ("feed", "args", "why"),
    [
        (rss(""), (), "the feed has no entries"),
        (rss("<item><description>x</description></item>" * 2), (), "no title"),
        (rss(item("Old", "Mon, 30 Jun 2025 09:00:00 +0900")), ("--since", "2025-07-01"), "before 2025-07-01"),
    ],
    ids=["empty", "unreadable", "all-before-since"],
)
def test_an_import_that_finds_nothing_says_why_and_fails(
    site: Path, tmp_path: Path, feed: str, args: tuple[str, ...], why: str
) -> None:
    path = write(tmp_path, "f.xml", feed)
    status, _out, err = run_import(site, path, *args)
    assert status == 1
    assert path in err and "nothing to import" in err and why in err
    assert "nothing was written" in err and "Traceback" not in err
    assert not (site / "content" / "briefings").exists() or not by_title(site)


BING = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:News="https://www.bing.com:443/news/search?q=harbour&amp;format=rss">
<channel><title>harbour - Bing News</title><link>https://www.bing.com/news/search?q=harbour</link>
<item><title>Harbour pilots strike for better pay</title>
<link>http://www.bing.com/news/apiclick.aspx?ref=FexRss&amp;aid=&amp;tid=6870ABC&amp;url=https%3a%2f%2fwww.reuters.com%2fworld%2fharbour-pilots-strike-2025-07-11%2f%3futm_source%3dbing&amp;c=1234&amp;mkt=en-us</link>
<description>Pilots stopped work at dawn.</description>
<pubDate>Fri, 11 Jul 2025 06:12:00 GMT</pubDate><News:Source>Reuters</News:Source></item>
<item><title>Pier lights switched on</title><guid>https://pier.example/news/lights</guid>
<dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">By Lena Park</dc:creator>
<pubDate>Fri, 11 Jul 2025 07:00:00 GMT</pubDate></item>
</channel></rss>
"""


def test_click_counting_links_give_the_original_and_its_publisher(site: Path, tmp_path: Path) -> None:
    status, _out, err = run_import(site, write(tmp_path, "bing.xml", BING))
    assert status == 0, err
    metas = by_title(site)
    pilots = metas["Harbour pilots strike for better pay"]
    assert source_of(pilots) == {
        "name": "Reuters",
        "url": "https://www.reuters.com/world/harbour-pilots-strike-2025-07-11/",
        "published": dt.datetime(2025, 7, 11, 6, 12, tzinfo=dt.UTC),
    }
    assert pilots["via"] == "harbour - Bing News"
    lights = source_of(metas["Pier lights switched on"])
    assert lights["url"] == "https://pier.example/news/lights"  # the guid is the permalink
    assert lights["author"] == "Lena Park"


class _Charset(QuietHandler):
    """Serves .rss files as a server that names the charset only in its Content-Type does."""

    extensions_map = {".rss": "application/rss+xml; charset=windows-1251"}  # noqa: RUF012


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    folder = tmp_path / "www"
    folder.mkdir()
    with serving(folder, _Charset) as base:
        yield base, folder


def test_a_feed_whose_encoding_only_the_server_names(site: Path, served: tuple[str, Path]) -> None:
    base, folder = served
    feed = rss(
        item("Порт открыт после ремонта", "Fri, 11 Jul 2025 10:00:00 +0300", "https://wire.example/news/1"),
        "Новости порта",
    )
    body = feed.replace('<?xml version="1.0" encoding="utf-8"?>\n', "")  # no declaration in the file
    (folder / "news.rss").write_bytes(body.encode("windows-1251"))
    status, _out, err = run_import(site, f"{base}/news.rss")
    assert status == 0, err
    [(title, meta)] = by_title(site).items()
    assert title == "Порт открыт после ремонта"
    assert source_of(meta) == {
        "name": "Новости порта",
        "url": "https://wire.example/news/1",
        "published": dt.datetime(2025, 7, 11, 10, tzinfo=zone(3)),
    }


def test_an_empty_feed_among_others_is_reported(site: Path, tmp_path: Path) -> None:
    empty = write(tmp_path, "empty.xml", rss(""))
    full = write(tmp_path, "full.xml", rss(item("Kept", "Fri, 11 Jul 2025 09:00:00 +0900")))
    status, out, err = run_import(site, empty, full)
    assert status == 0, err
    assert list(by_title(site)) == ["Kept"]
    assert f"skipped   {empty}: the feed has no entries" in out.splitlines()
