"""Hostile briefings: nothing a source wrote may run in a reader's browser or feed reader."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import html5lib
import pytest
from conftest import MakeSite, run_cli
from sitecheck import active_content, active_html, parse

ATTACKS = {
    "script": "<script>alert(1)</script><SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "handlers": '<img src="x.png" onerror="alert(1)"><p onmouseover="alert(1)">hover</p>',
    "javascript-link": '[click](javascript:alert(1)) <a href="jav&#x09;ascript:alert(1)">x</a>',
    "entity-scheme": '<a href="&#106;avascript:alert(1)">x</a> <a href=" JaVaScRiPt:alert(1)">y</a>',
    "data-url": '![x](data:image/svg+xml;base64,PHN2Zz4=) <a href="data:text/html,<script>">d</a>',
    "vbscript": '<a href="vbscript:msgbox(1)">v</a>',
    "frames": '<iframe src="https://evil.example/"></iframe><object data="x"></object><embed src="x">',
    "svg-math": "<svg><script>alert(1)</script></svg>"
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    "style": '<p style="background:url(javascript:alert(1))">s</p><style>body{}</style>',
    "form-base-meta": '<form action="https://evil.example/"><input></form><base href="https://evil.example/">'
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "jinja": "{{ config }} {% for x in range(10**9) %}x{% endfor %} {{ ''.__class__ }}",
}


def hostile(name: str, body: str) -> str:
    return (
        "---\n"
        f"title: \"<script>alert('{name}')</script> {{{{ 7*7 }}}}\"\n"
        "date: 2025-07-10\n"
        "sources:\n"
        '  - name: "<img src=x onerror=alert(1)>"\n'
        "    author: '\"><script>alert(1)</script>'\n"
        '    url: "https://news.example.com/?q=\\"><script>"\n'
        "via: \"</script><script>alert('via')</script>\"\n"
        'topics: ["<b onclick=alert(1)>topic</b>"]\n'
        "summary: \"</title><script>alert('summary')</script>\"\n"
        f"---\n\n{body}\n"
    )


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    (root / "site.toml").write_text(
        'title = "Hostile"\nbase_url = "https://example.org/"\n', encoding="utf-8"
    )
    folder = root / "content" / "briefings"
    folder.mkdir(parents=True)
    for name, body in ATTACKS.items():
        (folder / f"{name}.md").write_text(hostile(name, body), encoding="utf-8")
    status, _, err = run_cli("build", str(root))
    assert status == 0, err
    return root / "output"


def test_no_page_carries_active_content(output: Path) -> None:
    assert active_content(output) == []


def test_markup_in_fields_is_shown_as_text(output: Path) -> None:
    page = parse(output / "briefings" / "script" / "index.html")
    assert page.find(".//h1").text == "<script>alert('script')</script> {{ 7*7 }}"
    assert page.find(".//title").text.startswith("<script>alert('script')</script>")
    assert "<img src=x onerror=alert(1)>" in "".join(page.find(".//aside").itertext())
    raw = (output / "briefings" / "jinja" / "index.html").read_text(encoding="utf-8")
    assert "{{ config }}" in raw and "49" not in raw  # content is data, never a template


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml"])
def test_feed_items_carry_no_active_content(output: Path, name: str) -> None:
    parsed = feedparser.parse((output / name).read_bytes())
    assert not parsed.bozo and len(parsed.entries) == len(ATTACKS)
    for entry in parsed.entries:
        assert active_html(entry.content[0].value, f"{name} {entry.link}") == []
        shown = entry.title if entry.title_detail.type == "text/plain" else html_text(entry.title)
        assert shown.startswith("<script>")  # text, or in RSS HTML that shows it as text


def html_text(fragment: str) -> str:
    return "".join(html5lib.parse(fragment, treebuilder="etree", namespaceHTMLElements=False).itertext())


def test_json_feed_escapes_and_sanitizes(output: Path) -> None:
    feed = json.loads((output / "feed.json").read_text(encoding="utf-8"))
    for item in feed["items"]:
        assert active_html(item["content_html"], item["url"]) == []


def test_unsafe_output_folders_are_refused_before_anything_is_deleted(make_site: MakeSite) -> None:
    site = make_site({"content/briefings/a.md": "---\ntitle: A\ndate: 2025-07-10\nsource: X\n---\n"})
    for target in (site, site / "content", site.parent, Path("/")):
        status, _, err = run_cli("build", str(site), "--output", str(target))
        assert status == 1 and "refusing" in err, target
    assert (site / "content" / "briefings" / "a.md").is_file()
