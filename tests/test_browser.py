"""The live preview end to end, in Debian's headless Chromium driven by Playwright.

Open a briefing, change its title on disk, see it without a manual reload; change the stylesheet,
see it applied without a reload; break the front matter, see the overlay naming file and line;
fix it, see the overlay go. The page reloads exactly once per change that alters it: with search
on, a save is rendered ahead for the open pages and then built whole, search index and all, and
each open page still reloads once, and only if the save changed it or a file it loaded.
"""

from __future__ import annotations

import operator
import os
import shutil
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from briefings import preview
from briefings.preview import Rebuild
from briefings.serve import PreviewServer
from tests.conftest import SITE_TOML, MakeSite, briefing

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


@pytest.fixture
def listed() -> int:
    """How many changed files a preview tells a browser of by name (more: by their folders)."""
    return preview.LISTED_FILES


@pytest.fixture
def searched(make_site: MakeSite, listed: int) -> Iterator[tuple[PreviewServer, list[Rebuild]]]:
    """A preview of a site with search on (its index changes with every edit), and its rebuilds."""
    root = make_site(
        {
            "site.toml": SITE_TOML + "[search]\nenabled = true\n",
            ALPHA: briefing("Alpha title", body="Alpha body."),
            "content/briefings/2025-07-11-bravo.md": briefing("Bravo title", date="2025-07-11"),
            "content/briefings/2025-07-12-charlie.md": briefing("Charlie title", date="2025-07-12"),
        }
    )
    rebuilds: list[Rebuild] = []
    with PreviewServer(root, port=0, report=rebuilds.append, listed_files=listed) as running:
        yield running, rebuilds


# Open pages → the text each shows once a save renamed Alpha, or None for a page the save leaves
# as it is. Bravo's page links to Alpha as the briefing before it; the search page has loaded the
# index, which every save changes; the sources page names no briefing.
TABS = {
    "briefings/alpha/": "Alpha renamed {n}",
    "briefings/bravo/": "Alpha renamed {n}",
    "": "Alpha renamed {n}",
    "search/?q=alpha": "Alpha renamed {n}",
    "sources/": None,
}


# Each save changes a dozen files besides pages (feeds, the search index): listed one by one, or,
# as on a large site where they are hundreds, by their folders (the five entries of this site).
@pytest.mark.parametrize(
    ("listed", "by_folder"), [(preview.LISTED_FILES, False), (8, True)], ids=["files", "folders"]
)
def test_one_save_reloads_each_page_it_changes_once(
    searched: tuple[PreviewServer, list[Rebuild]], by_folder: bool
) -> None:
    server, rebuilds = searched
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            polled: dict[str, list[int]] = {path: [] for path in TABS}
            pages = {path: _counted_tab(browser, polled[path]) for path in TABS}
            for path, page in pages.items():
                page.goto(server.url + path)
            pages["search/?q=alpha"].wait_for_selector("#search-results a")
            for n in range(3):
                built = len(rebuilds)
                _save(server.root / ALPHA, briefing(f"Alpha renamed {n}", body="Alpha body."))
                for path, text in TABS.items():
                    if text is not None:
                        shown = "text => document.body.innerText.includes(text)"
                        pages[path].wait_for_function(shown, arg=text.format(n=n))
                _acted_on_build(server, rebuilds, built, pages, polled)
                told = server.state.wait_newer(server.state.version - 1, server.state.instance, ())
                assert ("pagefind/" in told["files"]) is by_folder
                loads = {path: _loads(page) for path, page in pages.items()}
                assert loads == {path: 1 if text is None else n + 2 for path, text in TABS.items()}
        finally:
            browser.close()


def _acted_on_build(
    server: PreviewServer,
    rebuilds: list[Rebuild],
    built: int,
    pages: dict[str, Page],
    polled: dict[str, list[int]],
) -> None:
    """Wait for the whole build that follows the pages rendered ahead, and for each page to poll
    from the version it made: then every answer for the save has been acted on."""
    _wait_for(next(iter(pages.values())), lambda: len(rebuilds) > built)
    assert rebuilds[-1].ok and "pagefind/pagefind-entry.json" in rebuilds[-1].changed
    latest = server.state.version
    for path, page in pages.items():
        _wait_for(page, partial(operator.contains, polled[path], latest))


def _counted_tab(browser: Browser, polled: list[int]) -> Page:
    """A tab whose documents count their loads, noting the versions its reload script polls from."""
    page = browser.new_page()
    page.set_default_timeout(WAIT_MS)
    # Counted by the documents themselves, so a reload is counted the moment it starts.
    page.add_init_script("sessionStorage.loads = String(Number(sessionStorage.loads || 0) + 1)")
    page.on("request", lambda request: polled.extend(_since(request.url)))
    return page


def _save(path: Path, text: str) -> None:
    """Save as editors do: write a hidden file beside it, then rename it over the old one."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
