"""The live preview end to end, in Debian's headless Chromium driven by Playwright.

Open a briefing, change its title on disk, see it without a manual reload; change the stylesheet,
see it applied without a reload; break the front matter, see the overlay naming file and line;
fix it, see the overlay go. The page reloads exactly once per change that alters it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, sync_playwright

from briefings.serve import PreviewServer
from tests.conftest import MakeSite, briefing

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)")

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ALPHA = "content/briefings/2025-07-10-alpha.md"
BROKEN = "---\ntitle: 'Alpha'\ndate: 2025-07-10\ntopcis: [x]\nsources:\n  - name: X\n---\n\nBody.\n"
WAIT_MS = 15_000


@pytest.fixture
def server(make_site: MakeSite) -> Iterator[PreviewServer]:
    root = make_site(
        {
            ALPHA: briefing("Alpha title", body="Alpha body."),
            "content/briefings/2025-07-11-bravo.md": briefing("Bravo title", date="2025-07-11"),
            "static/style.css": "body { background-color: rgb(255, 255, 255); }\n",
        }
    )
    with PreviewServer(root, port=0) as running:
        yield running


def test_edits_show_in_the_browser_without_a_manual_reload(server: PreviewServer) -> None:
    def write(name: str, text: str) -> None:
        (server.root / name).write_text(text, encoding="utf-8")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(WAIT_MS)
            # Counted by the documents themselves, so a reload is counted the moment it starts.
            page.add_init_script("sessionStorage.loads = String(Number(sessionStorage.loads || 0) + 1)")
            polls: list[int] = []
            page.on("request", lambda r: polls.extend(_since(r.url)))

            page.goto(server.url + "briefings/alpha/")
            assert "Alpha title" in page.title()

            write(ALPHA, briefing("Alpha renamed", body="Alpha body."))
            page.wait_for_function("document.title.includes('Alpha renamed')")
            assert _loads(page) == 2

            page.evaluate("window.sameDocument = true")
            write("static/style.css", "body { background-color: rgb(1, 2, 3); }\n")
            page.wait_for_function("getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'")
            assert page.evaluate("window.sameDocument") is True  # swapped, not reloaded

            write(ALPHA, BROKEN)
            overlay = page.wait_for_selector("#briefings-overlay")
            assert overlay is not None
            assert "content/briefings/2025-07-10-alpha.md:4:" in overlay.inner_text()
            assert "Alpha renamed" in page.title()  # the last good build stays on screen

            write(ALPHA, briefing("Alpha fixed", body="Alpha body."))
            page.wait_for_function("document.title.includes('Alpha fixed')")  # rendered ahead
            page.wait_for_selector("#briefings-overlay", state="detached")  # once the whole build is in

            # Once the page polls from the newest version, every answer has been acted on.
            latest = server.state.version
            _wait_for(page, lambda: latest in polls)
            assert _loads(page) == 3  # the first visit, the rename, the fix: once per change
        finally:
            browser.close()


def _loads(page: Page) -> int:
    return int(page.evaluate("sessionStorage.loads"))


def _since(url: str) -> list[int]:
    parts = urlsplit(url)
    if parts.path != "/__briefings__/poll":
        return []
    return [int(v) for v in parse_qs(parts.query).get("since", [])]


def _wait_for(page: Page, condition: Callable[[], bool]) -> None:
    """Let Playwright deliver the page's events until `condition()` holds, up to a deadline."""
    for _ in range(WAIT_MS // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("timed out waiting for the page")
