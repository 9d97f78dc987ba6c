"""`briefings new`: a site that builds at once, every setting explained, nothing ever overwritten."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import yaml
from conftest import run_cli, snapshot
from sitecheck import broken_links, parse

from briefings.config import KEYS
from briefings.content import BRIEFING_KEYS, SOURCE_KEYS
from briefings.scaffold import new_site, theme_templates

NOW = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC)


def test_new_then_build_makes_a_working_site(tmp_path: Path) -> None:
    site = tmp_path / "world-news"
    status, out, err = run_cli("new", str(site), "--title", 'Desk "A" \\ Co', "--base-url", "https://e.org/x")
    assert status == 0, err
    assert out.startswith(f"made a new site in {site}/: 6 files written\n") and "briefings build" in out
    assert sorted(snapshot(site)) == [
        ".github/workflows/publish.yml",
        ".gitignore",
        f"content/briefings/{dt.datetime.now(dt.UTC).date().isoformat()}-welcome.md",
        "site.toml",
        "static/.gitkeep",
        "templates/README.md",
    ]
    config = tomllib.loads((site / "site.toml").read_text(encoding="utf-8"))
    assert config["title"] == 'Desk "A" \\ Co' and config["base_url"] == "https://e.org/x/"
    status, out, err = run_cli("build", str(site))
    assert status == 0, err
    assert out.startswith("built 1 briefing, ") and err == ""
    page = site / "output" / "briefings" / "welcome" / "index.html"
    assert "Welcome to Desk" in "".join(parse(page).itertext())
    assert broken_links(site / "output", "https://e.org/x/") == []


def test_the_title_defaults_to_the_folders_name(tmp_path: Path) -> None:
    new_site(tmp_path / "east-asia_desk", now=NOW)
    config = tomllib.loads((tmp_path / "east-asia_desk" / "site.toml").read_text(encoding="utf-8"))
    assert config["title"] == "East asia desk" and config["base_url"] == "https://example.org/"


def test_site_toml_explains_every_key(tmp_path: Path) -> None:
    new_site(tmp_path / "s", now=NOW)
    text = (tmp_path / "s" / "site.toml").read_text(encoding="utf-8")
    for key in KEYS:
        assert f"\n{key} = " in text or f"[{key}]" in text, key
    for key in ("count", "threshold", "topics", "sources", "text", "include_newer", "enabled"):
        assert f"# {key} = " in text, key
    lines = text.splitlines()
    settings = [n for n, line in enumerate(lines) if line and not line.startswith("#")]
    assert all(lines[n - 1].startswith("#") for n in settings), "each setting has a comment above it"


def test_the_sample_briefing_shows_every_front_matter_field(tmp_path: Path) -> None:
    made = new_site(tmp_path / "s", now=NOW)
    (sample,) = [p for p in made.written if p.startswith("content/briefings/")]
    assert sample == "content/briefings/2026-11-28-welcome.md"
    text = (tmp_path / "s" / sample).read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    written = set(front) | {k for k in BRIEFING_KEYS if f"# {k}:" in text or f"`{k}:`" in text}
    assert written == set(BRIEFING_KEYS)
    assert set(front["sources"][0]) == set(SOURCE_KEYS)
    assert "imported" not in front, "the importer's fingerprint is explained, never faked"


def test_the_workflow_keeps_the_build_cache_and_its_signing_key(tmp_path: Path) -> None:
    new_site(tmp_path / "s", now=NOW)
    workflow = yaml.safe_load((tmp_path / "s" / ".github" / "workflows" / "publish.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    (cache,) = [s for s in steps if s.get("uses", "").startswith("actions/cache@")]
    assert cache["with"]["path"].split() == [".briefings-cache", "~/.cache/briefings"]
    assert any(s.get("run", "").startswith("briefings build") for s in steps)
    assert "deploy-pages" in str(workflow["jobs"]["deploy"])


def test_gitignore_and_templates_note(tmp_path: Path) -> None:
    new_site(tmp_path / "s", now=NOW)
    ignored = (tmp_path / "s" / ".gitignore").read_text(encoding="utf-8").split()
    assert {"/output/", "/.output.*", "/.briefings-cache/"} <= set(ignored)
    note = (tmp_path / "s" / "templates" / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in note for name in theme_templates()) and "base.html" in note


def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    site = tmp_path / "s"
    site.mkdir()
    (site / "notes.txt").write_text("mine", encoding="utf-8")
    status, out, err = run_cli("new", str(site))
    assert status == 1 and out == ""
    assert "folder is not empty (notes.txt)" in err and "--force" in err
    assert snapshot(site) == {"notes.txt": b"mine"}


def test_a_git_repository_counts_as_empty(tmp_path: Path) -> None:
    (tmp_path / "s" / ".git").mkdir(parents=True)
    assert run_cli("new", str(tmp_path / "s"))[0] == 0


def test_force_never_overwrites_a_file(tmp_path: Path) -> None:
    site = tmp_path / "s"
    (site / "templates").mkdir(parents=True)
    (site / "site.toml").write_text("title = 'Mine'\nbase_url = 'https://mine.example/'\n", encoding="utf-8")
    (site / "templates" / "README.md").write_text("my notes", encoding="utf-8")
    status, out, err = run_cli("new", str(site), "--force", "-v")
    assert status == 0, err
    assert "4 files written; kept 2 existing files" in out
    assert f"info: kept {site / 'site.toml'}: it already exists" in err
    assert (site / "site.toml").read_text(encoding="utf-8").startswith("title = 'Mine'")
    assert (site / "templates" / "README.md").read_text(encoding="utf-8") == "my notes"
    before = snapshot(site)
    assert run_cli("new", str(site), "--force")[0] == 0
    assert snapshot(site) == before


def test_a_wrong_base_url_writes_nothing(tmp_path: Path) -> None:
    status, _, err = run_cli("new", str(tmp_path / "s"), "--base-url", "example.org")
    assert status == 1 and "--base-url must be an absolute http(s) URL" in err
    assert not (tmp_path / "s").exists()


def test_a_scaffolded_site_under_a_sub_path_links_only_under_it(tmp_path: Path) -> None:
    site = tmp_path / "s"
    assert run_cli("new", str(site), "--base-url", "https://example.org/brief/")[0] == 0
    status, _, err = run_cli("build", str(site))
    assert status == 0, err
    output = site / "output"
    assert broken_links(output, "https://example.org/brief/") == []
    for page in sorted(output.rglob("*.html")):
        for element in parse(page).iter():
            url = element.get("href") or element.get("src")
            if url is not None and not url.startswith(("https://", "#", "mailto:")):
                assert url.startswith("/brief/"), f"{page.relative_to(output)}: {url}"
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/brief/briefings/welcome/</loc>" in sitemap
    rss = (output / "rss.xml").read_text(encoding="utf-8")
    assert (
        "https://example.org/brief/briefings/welcome/" in rss and "https://example.org/briefings/" not in rss
    )
