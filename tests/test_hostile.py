"""The hostile-content suite, part two: attacks too big to keep as files under tests/invalid/, and
hostile text that must build into inert output.

Each big attack is generated here and must fail fast with its exact located error (the text
Python-Markdown would take minutes over, or overflow the stack on, never reaches it). Each inert
attack is one briefing of a site that builds; the output scan then finds nothing active, and
every page and folder stays inside output/. `pytest --durations=0` shows what each case costs.

Feeds are scanned field by field, as readers take them: every field a reader may render as HTML
(RSS titles and descriptions, content:encoded, Atom's type="html" elements, JSON Feed's
content_html) is parsed as HTML and must hold nothing active, and every hostile text must still
read as it was written once a reader has decoded it (feedparser, then HTML to text).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import html5lib
import pytest
from conftest import SITE_TOML, MakeSite, run_cli, snapshot
from sitecheck import active_content, active_html, broken_links, parse

HEAD = "---\ntitle: T\ndate: 2025-07-10\nsource: {name: X, url: 'https://x.example/'}\n---\n"
TOO_COSTLY = "split the text into shorter paragraphs or several briefings"
BIG = {
    "body-of-5-mb": (
        ("word " * 20 + "\n\n") * 50_000,
        6,
        "the text is 5.1 MB; a briefing's text may be at most 1 MB",
    ),
    "list-nested-500-deep": (
        "".join("  " * i + "- x\n" for i in range(500)),
        70,
        "Markdown nested more than 32 levels deep (lists, quotes or indents)",
    ),
    "quote-nested-20000-deep": (
        ">" * 20_000 + " x\n",
        6,
        "Markdown nested more than 32 levels deep (lists, quotes or indents)",
    ),
    "brackets-50000": ("[" * 50_000 + "x" + "]" * 50_000, 6, TOO_COSTLY),
    "unclosed-links-10000": ("[a](" * 10_000, 6, TOO_COSTLY),
    "tags-20000": ("<a " * 20_000, 6, TOO_COSTLY),
    "divs-nested-20000": ("<div>" * 20_000 + "x" + "</div>" * 20_000, 6, TOO_COSTLY),
    "emphasis-nested-20000": ("*_" * 20_000 + "x" + "_*" * 20_000, 6, TOO_COSTLY),
    "table-500-by-500": ("|a" * 500 + "|\n" + "|-" * 500 + "|\n" + ("|a" * 500 + "|\n") * 500, 6, TOO_COSTLY),
    "footnotes-5000": (
        "".join(f"[^{i}]: x\n\n" for i in range(5000)) + " ".join(f"[^{i}]" for i in range(5000)),
        10_006,
        TOO_COSTLY,
    ),
}


@pytest.mark.parametrize("name", sorted(BIG))
def test_costly_body_fails_fast_with_its_line(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    body, line, message = BIG[name]
    site = make_site({"content/briefings/a.md": HEAD + body})
    monkeypatch.chdir(site)
    status, out, err = run_cli("build", ".")
    assert (status, out) == (1, "")
    first, last = err.splitlines()
    assert first.startswith(f"content/briefings/a.md:{line}: ") and first.endswith(message), first
    assert last == "error: 1 problem; nothing was written"
    assert "Traceback" not in err and not (site / "output").exists()


def test_large_honest_body_still_builds(make_site: MakeSite) -> None:
    """The limits sit above real briefings: 200 KB of ordinary paragraphs with links and emphasis."""
    paragraph = "Officials *said* the [talks](https://news.example.com/a) went well; <b>more</b> soon.\n\n"
    site = make_site({"content/briefings/a.md": HEAD + paragraph * 2400})
    status, _, err = run_cli("build", str(site))
    assert status == 0, err


INERT = {
    "bom-crlf.md": ("\ufeff" + HEAD + "\nBody with CRLF line ends.\n").replace("\n", "\r\n"),
    "controls.md": HEAD + "\nBell \x07, escape \x1b[31m, form feed \x0c, \u202eright-to-left override.\n",
    "implicit-types.md": "---\ntitle: no\ndate: 2025-07-11\nsource: 12:30:00\nvia: 2025-02-30\n"
    "topics: [yes, null, 0x1F, 1e3]\ndraft: no\n---\n\nText.\n",
    "aliases.md": "---\ntitle: &t Aliased title\ndate: 2025-07-12\nsource: *t\nvia: *t\n"
    "topics: [*t, *t]\n---\n\nText.\n",
    "jinja.md": '---\ntitle: "{{ 7*7 }}{% raw %}"\ndate: 2025-07-13\n'
    "source: \"{% include '/etc/passwd' %}\"\n"
    "summary: \"{{ self.__init__.__globals__ }}\"\n---\n\n{% include 'base.html' %} {{ cycler.__init__ }}\n",
    "traversing-topics.md": HEAD.replace(
        "---\n", "---\ntopics: ['../../etc', '..\\\\x', '%2e%2e/a']\n", 1
    ).replace("title: T", "title: Traversal")
    + "\nText.\n",
    "traversing-source-names.md": "---\ntitle: Sources\ndate: 2025-07-14\nsources:\n"
    "  - name: ../../../etc/passwd\n    url: 'https://x.example/?a=\"><script>alert(1)</script>'\n"
    "  - {name: '..\\\\..\\\\windows', author: '</title><script>alert(1)</script>'}\n---\n\nText.\n",
    "con.md": HEAD.replace("title: T", "title: Reserved on Windows") + "\nText.\n",
    "feed-text.md": "---\ntitle: \"<script>alert('title')</script> AT&T &amp; a < b\"\ndate: 2025-07-15\n"
    "sources:\n  - name: '<b onmouseover=alert(1)>Wire</b>'\n    url: 'https://wire.example/a'\n"
    "topics: [\"<script>alert('topic')</script>\", '<svg onload=alert(1)>', 'Trade & <Tariffs>']\n"
    "summary: '<img src=x onerror=alert(1)> Markets & more <a href=\"javascript:alert(1)\">x</a>'\n"
    "---\n\nText.\n",
    "links.md": HEAD.replace("title: T", "title: Links")
    + "\n[a](JaVaScRiPt:alert(1)) [b](&#x6A;avascript:alert(1)) [c]( javascript:alert(1))\n"
    + "[d](vbscript:msgbox(1)) [e](data:text/html;base64,PHNjcmlwdD4=) ![f](jav&#x09;ascript:alert(1))\n"
    + '<a href="java\nscript:alert(1)">g</a> <img src="data:image/svg+xml,<svg onload=alert(1)>">\n'
    + '<video><source src="javascript:alert(1)"></video> <a href="//evil.example/">h</a>\n'
    + '<p style="width: expression(alert(1))">i</p>\n'
    + '<math><maction actiontype="statusline">j</maction></math>\n'
    + "<svg><a xlink:href='javascript:alert(1)'>k</a></svg> <details open ontoggle=alert(1)>l</details>\n",
}


@pytest.fixture(scope="module")
def inert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("inert")
    (root / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    folder = root / "content" / "briefings"
    folder.mkdir(parents=True)
    for name, text in INERT.items():
        (folder / name).write_bytes(text.encode("utf-8"))
    status, _, err = run_cli("build", str(root))
    assert status == 0, err
    return root / "output"


def test_hostile_site_builds_into_inert_pages(inert: Path) -> None:
    assert active_content(inert) == []
    assert broken_links(inert, "https://example.org/") == []


HOSTILE_TITLE = "<script>alert('title')</script> AT&T &amp; a < b"
HOSTILE_SUMMARY = '<img src=x onerror=alert(1)> Markets & more <a href="javascript:alert(1)">x</a>'
HOSTILE_TOPICS = {  # name → the folder of its page and feeds
    "<script>alert('topic')</script>": "script-alert-topic-script",
    "<svg onload=alert(1)>": "svg-onload-alert-1",
    "Trade & <Tariffs>": "trade-tariffs",
}
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
RSS_HTML = {"title", "description", CONTENT_ENCODED}  # RSS never says; readers take these as HTML


def feed_files(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*") if p.name in ("rss.xml", "atom.xml", "feed.json"))


def html_fields(feed: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every field of the feed that a reader may render as HTML."""
    if feed.suffix == ".json":
        for item in json.loads(feed.read_text(encoding="utf-8"))["items"]:
            yield f"{item['id']} content_html", item["content_html"]
        return
    for element in ElementTree.parse(feed).getroot().iter():
        tag = str(element.tag)
        rendered = tag in RSS_HTML if feed.name == "rss.xml" else element.get("type") in ("html", "xhtml")
        if rendered:
            yield tag, "".join(element.itertext())


def test_every_feed_field_a_reader_renders_as_html_holds_nothing_active(inert: Path) -> None:
    feeds = feed_files(inert)
    topics = {p.parent.name for p in feeds if p.parent.parent.name == "topics"}
    assert set(HOSTILE_TOPICS.values()) <= topics
    assert {"editions/rss.xml", "editions/atom.xml", "feed.json"} <= {
        p.relative_to(inert).as_posix() for p in feeds
    }
    fields = [(feed, where, text) for feed in feeds for where, text in html_fields(feed)]
    assert len(fields) > 100
    found = [
        hit for feed, where, text in fields for hit in active(text, f"{feed.relative_to(inert)} {where}")
    ]
    assert found == []


def active(html: str, where: str) -> list[str]:
    """What could run in an HTML fragment: the page scan's findings, and any SVG or MathML."""
    root = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    foreign = [f"{where}: <{element.tag}>" for element in root.iter() if str(element.tag).startswith("{")]
    return active_html(html, where) + foreign


def read(detail: feedparser.FeedParserDict) -> str:
    """A field as feedparser gives it to a reader to show: text as it is, HTML as a browser shows it."""
    return shown(detail.value) if detail.type == "text/html" else str(detail.value)


def shown(html: str) -> str:
    """The text a browser shows for an HTML fragment."""
    return "".join(html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False).itertext())


def hostile_entry(feed: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(feed.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    [entry] = [e for e in parsed.entries if e.link.endswith("/briefings/feed-text/")]
    return entry


@pytest.mark.parametrize("topic", ["", *HOSTILE_TOPICS])
@pytest.mark.parametrize("name", ["rss.xml", "atom.xml"])
def test_hostile_text_reads_as_written_in_every_feed(inert: Path, name: str, topic: str) -> None:
    folder = inert / "topics" / HOSTILE_TOPICS[topic] if topic else inert
    parsed = feedparser.parse((folder / name).read_bytes())
    if topic:
        assert read(parsed.feed.title_detail) == f"Test Briefings: {topic}"
        assert read(parsed.feed.subtitle_detail) == f"Briefings on {topic} from Test Briefings"
    entry = hostile_entry(folder / name)
    assert read(entry.title_detail) == HOSTILE_TITLE
    assert read(entry.summary_detail) == HOSTILE_SUMMARY
    assert {t.term for t in entry.tags} == set(HOSTILE_TOPICS)


def test_hostile_text_reads_as_written_in_the_daily_editions(inert: Path) -> None:
    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse((inert / "editions" / name).read_bytes())
        [day] = [e for e in parsed.entries if e.link.endswith("/editions/2025-07-15/")]
        assert read(day.summary_detail) == f"1 briefing: {HOSTILE_TITLE}"
        assert HOSTILE_TITLE in read(day.content[0]) and HOSTILE_SUMMARY in read(day.content[0])
        assert "<b onmouseover=alert(1)>Wire</b>" in read(day.content[0])


def test_json_feed_keeps_text_fields_plain(inert: Path) -> None:
    feed = json.loads((inert / "feed.json").read_text(encoding="utf-8"))
    [item] = [i for i in feed["items"] if i["url"].endswith("/briefings/feed-text/")]
    assert (item["title"], item["summary"]) == (HOSTILE_TITLE, HOSTILE_SUMMARY)
    assert set(item["tags"]) == set(HOSTILE_TOPICS)
    assert "Source: <b onmouseover=alert(1)>Wire</b>" in shown(item["content_html"])


def test_everything_built_stays_inside_output(inert: Path) -> None:
    names = snapshot(inert)
    assert all(".." not in name.split("/") and "\\" not in name for name in names)
    topics = sorted(p.name for p in (inert / "topics").iterdir() if p.is_dir())
    assert "etc" in topics and all("." not in t and "/" not in t for t in topics)
    sources = sorted(p.name for p in (inert / "sources").iterdir() if p.is_dir())
    assert "etc-passwd" in sources and "windows" in sources


def test_yaml_implicit_types_stay_the_text_that_was_typed(inert: Path) -> None:
    page = parse(inert / "briefings" / "implicit-types" / "index.html")
    assert page.find(".//h1").text == "no"
    text = "".join(page.itertext())
    assert "12:30:00" in text and "2025-02-30" in text and "0x1F" in text and "1e3" in text


def test_control_characters_and_bom_are_dropped(inert: Path) -> None:
    raw = (inert / "briefings" / "controls" / "index.html").read_text(encoding="utf-8")
    assert not any(c in raw for c in "\x07\x1b\x0c\ufeff")
    assert "Body with CRLF line ends." in (inert / "briefings" / "bom-crlf" / "index.html").read_text()


def test_jinja_in_content_is_shown_never_run(inert: Path) -> None:
    raw = (inert / "briefings" / "jinja" / "index.html").read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in raw and "{% include 'base.html' %}" in raw and "49" not in raw
    assert "__globals__" in raw and "root:" not in raw
