"""The hostile-content suite, part two: attacks too big to keep as files under tests/invalid/, and
hostile text that must build into inert output.

Each big attack is generated here and must fail fast with its exact located error (the text
Python-Markdown would take minutes over, or overflow the stack on, never reaches it). Each inert
attack is one briefing of a site that builds; the output scan then finds nothing active, and
every page and folder stays inside output/. `pytest --durations=0` shows what each case costs.
"""

from __future__ import annotations

from pathlib import Path

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


def test_hostile_site_builds_into_inert_pages_and_feeds(inert: Path) -> None:
    assert active_content(inert) == []
    assert broken_links(inert, "https://example.org/") == []
    for feed in inert.rglob("*.xml"):
        assert active_html(feed.read_text(encoding="utf-8"), str(feed)) == [] or feed.name == "sitemap.xml"


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
