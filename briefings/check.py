"""`briefings check`: the build's stages up to rendered files, in memory → a list of findings.

Nothing is written to output/. Findings are located at the briefing file when they come from one
(`path:line: message`), else at the page's address. Checked: every internal link and `#fragment`
of every page, sources without a link (missing attribution: a warning, a problem when strict),
briefings without a summary, and with `external`, every external link of the briefings: fetched
concurrently, at most a few at a time per host, with a timeout; a slow host is a warning, never a
failure. Answers are remembered in
`.briefings-cache/links.json` for a day, so a second run asks again only about what failed.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from briefings import THEME, __version__
from briefings.cache import CACHE_DIR, Writes
from briefings.config import load_config
from briefings.errors import Problem
from briefings.feeds import render_feed_files
from briefings.model import Briefing, OutputFile, Site
from briefings.pipeline import assemble
from briefings.render import render_pages
from briefings.search import script_file

LINK_ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src"}
CACHE_NAME = "links.json"
CACHE_DAYS = 1
PER_HOST = 2
WORKERS = 16


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem (or, when `warning`, a doubt that does not fail the check)."""

    problem: Problem
    warning: bool = False


@dataclass(slots=True)
class CheckReport:
    pages: int = 0
    links: int = 0
    external: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if not f.warning]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.warning]


Fetch = Callable[[str, float], int]


def check_site(
    root: Path,
    *,
    external: bool = False,
    strict: bool = False,
    timeout: float = 10.0,
    now: dt.datetime,
    fetch: Fetch | None = None,
) -> CheckReport:
    """Everything wrong with the site in `root` that a build does not already refuse.

    A source without a url is a warning (the briefing still names its publisher), a problem when
    `strict`."""
    site, files = render_in_memory(root, now)
    report = CheckReport(pages=sum(1 for f in files if f.path.endswith(".html")))
    origins = _origins(site, root)
    report.findings += _content_findings(site, origins, strict=strict)
    report.findings += _internal_findings(site, files, root, origins, report)
    if external:
        links = _external_links(site, origins)
        report.external = len({url for url, _ in links})
        cache = _LinkCache(root / CACHE_DIR / CACHE_NAME, now)
        report.findings += check_external(links, fetch or fetch_status, timeout, cache)
        cache.save()
    report.findings.sort(key=lambda f: (f.warning, f.problem.render()))
    return report


def render_in_memory(root: Path, now: dt.datetime) -> tuple[Site, list[OutputFile]]:
    """The site's pages and feeds as a build would make them (without drafts), kept in memory.

    With search on, the search page's script is among them; Pagefind's index is not made, since
    pages never link to its files (the script loads them)."""
    config = load_config(root)
    with Writes() as aside:  # the large cache tables are written while the pages render
        site, _ = assemble(config, drafts=False, future=False, now=now, aside=aside)
        files = render_pages(site, root / "templates", {}).files + render_feed_files(site, {}).files
    if config.search:
        files.append(script_file())
    return site, files


def _origins(site: Site, root: Path) -> dict[str, tuple[Path, str]]:
    """Output page → (source file, its text), for the pages that show one briefing or page."""
    origins = {f"briefings/{b.slug}/index.html": b.path for b in site.briefings}
    origins |= {f"{p.slug}/index.html": p.path for p in site.pages}
    return {
        page: (path, path.read_text(encoding="utf-8", errors="replace")) for page, path in origins.items()
    }


def _source_text(briefing: Briefing, origins: dict[str, tuple[Path, str]]) -> str:
    """The briefing's file as read once for all the findings (see `_origins`)."""
    return origins[f"briefings/{briefing.slug}/index.html"][1]


def _content_findings(site: Site, origins: dict[str, tuple[Path, str]], *, strict: bool) -> list[Finding]:
    findings = []
    for briefing in site.briefings:
        text = _source_text(briefing, origins)
        for source in briefing.sources:
            if not source.url:
                line = _line_of(text, source.name)
                message = f"source '{source.name}' has no url: readers cannot check the attribution"
                problem = Problem(message, briefing.path, line, "add 'url:' to the source")
                findings.append(Finding(problem, warning=not strict))
        if not (briefing.summary or "").strip():
            hint = "add 'summary:' or start the text with a paragraph"
            findings.append(Finding(Problem("empty summary", briefing.path, _line_of(text, "title:"), hint)))
    return findings


def _line_of(text: str, needle: str, default: int = 1) -> int:
    """The first line holding `needle`: where a curator looks for what a finding is about."""
    for number, line in enumerate(text.split("\n"), start=1):
        if needle and needle in line:
            return number
    return default


class _Links(HTMLParser):
    """A page's link targets (in order) and the ids it offers as `#fragment` targets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("id", "name" if tag == "a" else "id"):
            if values.get(name):
                self.ids.add(str(values[name]))
        value = values.get(LINK_ATTRIBUTES.get(tag, ""))
        if value is not None and not (tag == "link" and values.get("rel") in ("preconnect", "dns-prefetch")):
            self.links.append(value)


def _parse(data: bytes) -> _Links:
    parser = _Links()
    parser.feed(data.decode("utf-8", errors="replace"))
    parser.close()
    return parser


def _internal_findings(
    site: Site,
    files: Sequence[OutputFile],
    root: Path,
    origins: dict[str, tuple[Path, str]],
    report: CheckReport,
) -> list[Finding]:
    base = site.config.base_url
    parsed = {f.path: _parse(f.content) for f in files if f.path.endswith(".html")}
    existing = {f.path for f in files} | _static_files([THEME / "static", root / "static"])
    findings: dict[str, Finding] = {}
    for page, links in parsed.items():
        here = base + page.removesuffix("index.html")
        for value in links.links:
            report.links += 1
            url, fragment = urldefrag(urljoin(here, value))
            if not url.startswith(base):
                continue
            target = _target(unquote(urlsplit(url).path).removeprefix(urlsplit(base).path), existing)
            message = None
            if target is None:
                message = f"broken link '{value}': nothing is built at that address"
            elif fragment and target in parsed and unquote(fragment) not in parsed[target].ids:
                message = f"broken anchor '{value}': the page has no id '{unquote(fragment)}'"
            if message:
                finding = _locate(message, page, value, origins)
                findings.setdefault(finding.problem.render(), finding)
    return list(findings.values())


def _target(path: str, existing: set[str]) -> str | None:
    """The built file an internal path lands on, as a static server would serve it."""
    for candidate in (path, path + "index.html" if path.endswith("/") or not path else path + "/index.html"):
        if candidate.lstrip("/") in existing:
            return candidate.lstrip("/")
    return None


def _static_files(folders: Iterable[Path]) -> set[str]:
    return {p.relative_to(f).as_posix() for f in folders if f.is_dir() for p in f.rglob("*") if p.is_file()}


def _locate(message: str, page: str, value: str, origins: dict[str, tuple[Path, str]]) -> Finding:
    """At the briefing's file and line when its text holds the link, else at the page."""
    if page in origins:
        path, text = origins[page]
        needle = value.split("#")[0] or value
        if needle in text:
            return Finding(Problem(message, path, _line_of(text, needle)))
    return Finding(Problem(f"{message} (in a template: it is on page {page})", Path(page)))


def _external_links(site: Site, origins: dict[str, tuple[Path, str]]) -> list[tuple[str, Problem]]:
    """(URL, where it is written) for every http(s) link of every briefing: sources and text."""
    found: list[tuple[str, Problem]] = []
    for briefing in site.briefings:
        text = _source_text(briefing, origins)
        urls = [s.url for s in briefing.sources if s.url] + _body_links(briefing)
        for url in dict.fromkeys(urls):
            found.append((url, Problem("", briefing.path, _line_of(text, url, _line_of(text, "title:")))))
    return found


def _body_links(briefing: Briefing) -> list[str]:
    links = _parse(briefing.body_html.encode("utf-8")).links
    return [url for url in links if urlsplit(url).scheme in ("http", "https")]


def check_external(
    links: Sequence[tuple[str, Problem]], fetch: Fetch, timeout: float, cache: _LinkCache
) -> list[Finding]:
    """Each distinct URL asked once, concurrently, never more than PER_HOST at a time per host."""
    hosts: defaultdict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(PER_HOST))
    for url in {u for u, _ in links}:
        hosts[urlsplit(url).netloc.lower()]  # made here, before the threads, so none races to make it

    def ask(url: str) -> str | None:
        if cache.fresh(url):
            return None
        with hosts[urlsplit(url).netloc.lower()]:
            outcome = _outcome(fetch, url, timeout)
        if outcome is None:
            cache.remember(url)
        return outcome

    urls = sorted({u for u, _ in links})
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="briefings-check") as pool:
        outcomes = dict(zip(urls, pool.map(ask, urls), strict=True))
    findings = []
    for url, where in links:
        outcome = outcomes[url]
        if outcome is not None:
            slow = outcome.startswith("slow")
            message = f"{'slow link' if slow else 'dead link'} {url}: {outcome}"
            findings.append(Finding(Problem(message, where.path, where.line), warning=slow))
    return findings


def _outcome(fetch: Fetch, url: str, timeout: float) -> str | None:
    """None when the URL answers; else why not ('slow …' for a timeout, which only warns)."""
    try:
        status = fetch(url, timeout)
    except TimeoutError:
        return f"slow: no answer within {timeout:g} s"
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            return f"slow: no answer within {timeout:g} s"
        return f"unreachable ({error.reason})"
    except (OSError, ValueError) as error:
        return f"unreachable ({error})"
    return None if status < 400 else f"HTTP {status}"


def fetch_status(url: str, timeout: float) -> int:
    """The HTTP status of `url`: HEAD first, GET when the server refuses HEAD; redirects followed."""
    headers = {"User-Agent": f"briefings-check/{__version__}"}
    status = 0
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            status = error.code
            if status not in (403, 405, 501):
                return status
    return status


class _LinkCache:
    """URLs that answered, with when: asked again only after CACHE_DAYS. Failures are never kept."""

    def __init__(self, path: Path, now: dt.datetime) -> None:
        self.path = path
        self.now = now
        self.lock = threading.Lock()
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            self.seen = {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            self.seen = {}

    def fresh(self, url: str) -> bool:
        with self.lock:
            when = self.seen.get(url)
        try:
            return when is not None and self.now - dt.datetime.fromisoformat(when) < dt.timedelta(CACHE_DAYS)
        except (TypeError, ValueError):
            return False

    def remember(self, url: str) -> None:
        with self.lock:
            self.seen[url] = self.now.isoformat()

    def save(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.seen, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        except OSError:
            pass  # a cache that cannot be written only makes the next check slower
