"""`briefings check`: located findings, exit status, no output written; external links checked
against a local http.server on 127.0.0.1 (no other network)."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import ClassVar
from urllib.parse import urlsplit

import html5lib
import pytest
from conftest import SITE_TOML, MakeSite, briefing, run_cli

NO_URL = "  - name: Wire Agency\n"


def test_clean_site_passes_with_one_summary_line(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"content/briefings/a.md": briefing("A", body="Text [[b]], [key](/briefings/b/#key).")})
    (site / "content/briefings/b.md").write_text(
        briefing("B", body='See [a](/briefings/a/).\n\n<h2 id="key">K</h2>')
    )
    (site / "templates").mkdir()
    monkeypatch.chdir(site)
    status, out, err = run_cli("check")
    assert (status, err) == (0, "")
    assert out.startswith("checked ") and out.endswith(": 0 problems, 0 warnings\n") and out.count("\n") == 1
    assert not (site / "output").exists()


def test_every_finding_is_located_at_the_briefing(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(
        {
            "content/briefings/a.md": briefing("A", body="Intro.\n\nGo [there](/briefings/nowhere/)."),
            "content/briefings/b.md": briefing(
                "B", source=NO_URL, body="## Heading\n\n[top](/briefings/a/#missing) [ok](/briefings/a/)"
            ),
            "content/briefings/c.md": briefing("C", body="# Only a heading"),
        }
    )
    monkeypatch.chdir(site)
    status, out, err = run_cli("check", ".")
    assert status == 1
    assert err.splitlines() == [
        "content/briefings/a.md:11: broken link '/briefings/nowhere/': nothing is built at that address",
        "content/briefings/b.md:10: broken anchor '/briefings/a/#missing': the page has no id 'missing'",
        "content/briefings/c.md:2: empty summary (add 'summary:' or start the text with a paragraph)",
        "content/briefings/b.md:5: warning: source 'Wire Agency' has no url: readers cannot check the "
        "attribution (add 'url:' to the source)",
    ]
    assert out.endswith(": 3 problems, 1 warning\n")
    assert not (site / "output").exists()


def test_a_source_without_url_warns_and_fails_only_when_strict(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"content/briefings/a.md": briefing("A", source=NO_URL)})
    monkeypatch.chdir(site)
    warned = "content/briefings/a.md:5: warning: source 'Wire Agency' has no url"
    status, out, err = run_cli("check")
    assert status == 0 and err.startswith(warned) and err.count("\n") == 1
    assert out.startswith("checked 1") and out.endswith(" links: 0 problems, 1 warning\n")
    status, out, err = run_cli("check", "--strict")
    assert status == 1 and err.startswith(warned.replace("warning: ", "")) and err.count("\n") == 1
    assert out.endswith(" links: 1 problem, 0 warnings\n")


@pytest.mark.parametrize("base_url", ["https://example.org/", "https://example.org/desk/"])
def test_a_site_with_search_passes_and_its_script_is_built(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, base_url: str
) -> None:
    pytest.importorskip(
        "pagefind", reason="building with search needs Pagefind (pip install 'pagefind[extended]')"
    )
    toml = SITE_TOML.replace("https://example.org/", base_url) + "[search]\nenabled = true\n"
    site = make_site({"site.toml": toml, "content/briefings/a.md": briefing("A", body="Text.")})
    monkeypatch.chdir(site)
    status, out, err = run_cli("check")
    assert (status, err) == (0, "") and out.endswith(": 0 problems, 0 warnings\n")
    assert run_cli("build")[0] == 0
    page = html5lib.parse((site / "output/search/index.html").read_bytes(), namespaceHTMLElements=False)
    [script] = [s.get("src") for s in page.iter("script") if s.get("src")]
    assert script == urlsplit(base_url).path + "search.js"
    assert (site / "output" / script.removeprefix(urlsplit(base_url).path)).is_file()


def test_broken_site_reports_like_build(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site({"content/briefings/a.md": "no front matter\n"})
    monkeypatch.chdir(site)
    status, _, err = run_cli("check")
    assert status == 1 and err.startswith("content/briefings/a.md:1: missing front matter")


class _Handler(http.server.BaseHTTPRequestHandler):
    asked: ClassVar[Counter[str]] = Counter()

    def do_HEAD(self) -> None:
        self.answer(405 if self.path == "/no-head" else None)

    def do_GET(self) -> None:
        self.answer(None)

    def answer(self, status: int | None) -> None:
        type(self).asked[self.path] += 1
        if self.path == "/slow":
            time.sleep(1.5)
        self.send_response(status or {"/gone": 404, "/broken": 500}.get(self.path, 200))
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Handler.asked = Counter()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def test_external_links_dead_slow_and_cached(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, server: str
) -> None:
    body = (
        f"[a]({server}/ok) [b]({server}/gone) [c]({server}/slow) [d]({server}/no-head) [e]({server}/broken)"
    )
    source = f"  - name: Local\n    url: {server}/ok\n"
    site = make_site({"content/briefings/a.md": briefing("A", source=source, body=body)})
    monkeypatch.chdir(site)
    status, out, err = run_cli("check", "--external", "--timeout", "0.5")
    assert status == 1
    assert err.splitlines() == [
        f"content/briefings/a.md:9: dead link {server}/broken: HTTP 500",
        f"content/briefings/a.md:9: dead link {server}/gone: HTTP 404",
        f"content/briefings/a.md:9: warning: slow link {server}/slow: slow: no answer within 0.5 s",
    ]
    assert out.endswith("5 external: 2 problems, 1 warning\n")
    assert _Handler.asked["/ok"] == 1 and _Handler.asked["/no-head"] == 2  # HEAD refused, then GET
    cached = json.loads((site / ".briefings-cache" / "links.json").read_text(encoding="utf-8"))
    assert sorted(cached) == [f"{server}/no-head", f"{server}/ok"]

    run_cli("check", "--external", "--timeout", "0.5")
    assert _Handler.asked["/ok"] == 1 and _Handler.asked["/gone"] == 2  # answers kept, failures asked again


def test_only_slow_hosts_do_not_fail_the_check(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, server: str
) -> None:
    source = f"  - name: Local\n    url: {server}/ok\n"  # every link local: no other network
    site = make_site({"content/briefings/a.md": briefing("A", source=source, body=f"[slow]({server}/slow)")})
    monkeypatch.chdir(site)
    status, out, _ = run_cli("check", "--external", "--timeout", "0.3")
    assert status == 0 and out.endswith("0 problems, 1 warning\n")
