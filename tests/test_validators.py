"""Validators: every page of the example and golden sites passes the Nu HTML checker with zero errors,
and every feed carries what feed readers and the W3C feed validator require.

The Nu checker is the `vnu-jar` npm package, which .ci/run installs into .validators/ (the jar needs
only Java, which is on the machine). It runs once over every page in a single JVM, since starting
Java costs seconds. Without the jar the test is skipped locally and fails in CI.
"""

from __future__ import annotations

import email.utils
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import pytest
from conftest import run_cli
from sitecheck import active_html

REPO = Path(__file__).parent.parent
VNU_JAR = Path(
    os.environ.get(
        "VNU_JAR", REPO / ".validators" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    )
)
INSTALL = "npm install --ignore-scripts --no-save --no-package-lock --prefix .validators vnu-jar@26.9.27"
SITE_FILES = ("site.toml", "content", "templates", "static", "published.json")
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
RFC_822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d{2}:\d{2}:\d{2} [+-]\d{4}$"
)
RFC_3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example site (the repository root) and the golden site, built into temp folders."""
    built = {}
    for name, source in (("example", REPO), ("golden", REPO / "tests" / "golden" / "site")):
        work = tmp_path_factory.mktemp(name)
        site = Path(shutil.copytree(source, work / "site", ignore=_not_site_files))
        status, _, err = run_cli("build", str(site), "--output", str(work / "output"))
        assert status == 0, err
        built[name] = work / "output"
    return built


def _not_site_files(folder: str, names: list[str]) -> list[str]:
    """Copy only what a build reads: a site's folders and files, not the repository around it."""
    if Path(folder) == REPO:
        return [
            n for n in names if n not in ("site.toml", "content", "templates", "static", "published.json")
        ]
    return ["output"] if "output" in names else []


def test_every_page_passes_the_nu_html_checker(sites: dict[str, Path]) -> None:
    if not VNU_JAR.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"the Nu HTML checker is missing: {INSTALL}")
        pytest.skip(f"the Nu HTML checker is not installed: {INSTALL}")
    pages = sorted(str(p) for output in sites.values() for p in output.rglob("*.html"))
    assert len(pages) > 40
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "gnu", *pages],
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = [line for line in result.stderr.splitlines() + result.stdout.splitlines() if line.strip()]
    assert errors == [], "\n".join(errors)
    assert result.returncode == 0


def feeds(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.xml") if p.name in ("rss.xml", "atom.xml"))


def test_every_feed_parses_as_a_reader_would(sites: dict[str, Path]) -> None:
    for output in sites.values():
        assert len(feeds(output)) >= 6
        for path in feeds(output):
            ElementTree.parse(path)  # well-formed XML, or this raises
            parsed = feedparser.parse(path.read_bytes())
            assert not parsed.bozo, (path, parsed.get("bozo_exception"))
            assert parsed.entries, path
            for entry in parsed.entries:
                assert active_html(entry.content[0].value, f"{path} {entry.link}") == []
        json_feed = json.loads((output / "feed.json").read_text(encoding="utf-8"))
        assert json_feed["items"] and json_feed["version"] == "https://jsonfeed.org/version/1.1"


def test_rss_carries_what_the_feed_validator_requires(sites: dict[str, Path]) -> None:
    for output in sites.values():
        for path in (p for p in feeds(output) if p.name == "rss.xml"):
            channel = ElementTree.parse(path).getroot().find("channel")
            assert channel is not None, path
            for required in ("title", "link", "description"):
                assert (channel.findtext(required) or "").strip(), (path, required)
            for date in channel.iter():
                if date.tag in ("pubDate", "lastBuildDate"):
                    assert RFC_822.match(date.text or "") and email.utils.parsedate_to_datetime(date.text)
            for item in channel.findall("item"):
                assert (item.findtext("guid") or "").strip(), path
                assert item.findtext("title") or item.findtext("description"), path
                assert RFC_822.match(item.findtext("pubDate") or ""), path
                assert (item.findtext(DC + "creator") or "").strip(), path  # <author> needs an e-mail


def test_atom_carries_what_the_feed_validator_requires(sites: dict[str, Path]) -> None:
    for output in sites.values():
        for path in (p for p in feeds(output) if p.name == "atom.xml"):
            feed = ElementTree.parse(path).getroot()
            for required in ("id", "title", "updated"):
                assert (feed.findtext(ATOM + required) or "").strip(), (path, required)
            assert RFC_3339.match(feed.findtext(ATOM + "updated") or ""), path
            feed_author = feed.find(f"{ATOM}author/{ATOM}name") is not None
            assert feed.find(f"{ATOM}link[@rel='self']") is not None, path
            for entry in feed.findall(ATOM + "entry"):
                for required in ("id", "title", "updated"):
                    assert (entry.findtext(ATOM + required) or "").strip(), (path, required)
                assert RFC_3339.match(entry.findtext(ATOM + "updated") or ""), path
                assert feed_author or entry.find(f"{ATOM}author/{ATOM}name") is not None, path
                for source in entry.findall(ATOM + "source"):  # what the validator asks of one
                    for required in ("id", "title", "updated"):
                        assert (source.findtext(ATOM + required) or "").strip(), (path, required)
                    assert RFC_3339.match(source.findtext(ATOM + "updated") or ""), path
                content = entry.find(ATOM + "content")  # the body, always HTML (summaries too, escaped)
                assert content is not None and content.get("type") == "html", path
