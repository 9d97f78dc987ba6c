"""`briefings new`: a site that builds at once, every setting explained, nothing ever overwritten."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import tomllib
from importlib.metadata import Distribution
from pathlib import Path

import pytest
import yaml
from conftest import run_cli, snapshot
from packaging.requirements import Requirement
from sitecheck import broken_links, parse

import briefings
from briefings.config import KEYS
from briefings.content import BRIEFING_KEYS, SOURCE_KEYS
from briefings.scaffold import ANYWHERE, Install, installed, new_site, theme_templates

NOW = dt.datetime(2026, 11, 28, 9, 30, tzinfo=dt.UTC)


def test_new_then_build_makes_a_working_site(tmp_path: Path) -> None:
    site = tmp_path / "world-news"
    status, out, err = run_cli("new", str(site), "--title", 'Desk "A" \\ Co', "--base-url", "https://e.org/x")
    assert status == 0, err
    assert out.startswith(f"made a new site in {site}/: 7 files written\n") and "briefings build" in out
    assert sorted(snapshot(site)) == [
        ".github/workflows/publish.yml",
        ".gitignore",
        f"content/briefings/{dt.datetime.now(dt.UTC).date().isoformat()}-welcome.md",
        "requirements.txt",
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


def test_the_workflow_installs_the_briefings_that_made_the_site(tmp_path: Path) -> None:
    status, _, err = run_cli("new", str(tmp_path / "s"))
    assert status == 0, err
    workflow = yaml.safe_load((tmp_path / "s" / ".github" / "workflows" / "publish.yml").read_text())
    runs = [step.get("run", "") for step in workflow["jobs"]["build"]["steps"]]
    assert [run.splitlines()[0] for run in runs if "pip" in run] == [
        "python -m pip install -r requirements.txt"
    ]
    for path, text in snapshot(tmp_path / "s").items():  # neither a release nobody published nor an extra
        assert not re.search(r"pip install ['\"]?briefings\b", text.decode("utf-8")), path
    text = (tmp_path / "s" / "requirements.txt").read_text(encoding="utf-8")
    this = installed()
    assert _requirements(text) == ([this.line] if this.line else [])
    for todo in this.todo:
        assert f"To do: {todo}." in _comments(text)
        assert f"warning: {tmp_path / 's' / 'requirements.txt'}: {todo}\n" in err
    # The test runs from an editable install of a clone: the line is its origin at its commit, or,
    # where the clone has no remote a build server can reach, comments that say what to put there.
    project = Path(briefings.__file__).parent.parent
    if this.line is None:
        assert f"briefings was installed from {project}, which has no git remote" in _comments(text)
    else:
        assert str(_pinned(this.line).url).endswith(f"@{_git(project, 'rev-parse', 'HEAD')}")


def test_an_install_from_a_package_index_is_its_version(tmp_path: Path) -> None:
    assert installed(_distribution(tmp_path, None)) == Install(
        "briefings==9.9.9", "version 9.9.9 from a package index"
    )


def test_an_install_from_git_is_the_commit_installed(tmp_path: Path) -> None:
    commit = "0123456789abcdef0123456789abcdef01234567"
    vcs = {"vcs": "git", "commit_id": commit, "requested_revision": "main"}
    recorded = {"url": "https://someone:token@github.com/example/briefings.git", "vcs_info": vcs}
    install = installed(_distribution(tmp_path, recorded))
    assert install.line == f"briefings @ git+https://github.com/example/briefings.git@{commit}"
    assert _pinned(install.line).name == "briefings" and not install.todo  # the token stays out


def test_an_install_from_a_clone_is_its_origin_at_its_commit(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    commit = _repository(clone, origin="git@github.com:example/briefings.git", pushed=True)
    install = installed(_distribution(tmp_path, {"url": clone.as_uri(), "dir_info": {"editable": True}}))
    assert install.line == f"briefings @ git+https://github.com/example/briefings.git@{commit}"
    assert _pinned(install.line).name == "briefings" and install.todo == ()
    assert str(clone) in install.source


def test_a_clone_ahead_of_its_origin_or_with_changes_says_what_to_do(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    commit = _repository(clone, origin="https://github.com/example/briefings", pushed=False)
    (clone / "pyproject.toml").write_text("[project]\nname = 'briefings'\nversion = '2'\n", encoding="utf-8")
    install = installed(_distribution(tmp_path, {"url": clone.as_uri(), "dir_info": {}}))
    assert install.line == f"briefings @ git+https://github.com/example/briefings@{commit}"
    assert [todo.split(" ", 2)[:2] for todo in install.todo] == [["push", "commit"], ["commit", "and"]]


def test_a_package_in_a_folder_of_its_clone_is_installed_from_that_folder(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    commit = _repository(
        clone, origin="https://git.example.org/desk/tools.git", pushed=True, package="briefings"
    )
    recorded = {"url": (clone / "briefings").as_uri(), "dir_info": {"editable": True}}
    install = installed(_distribution(tmp_path, recorded))
    assert (
        install.line
        == f"briefings @ git+https://git.example.org/desk/tools.git@{commit}#subdirectory=briefings"
    )


def test_a_folder_a_build_server_cannot_reach_writes_no_line_but_says_why(tmp_path: Path) -> None:
    local = tmp_path / "local"
    _repository(local, origin=str(tmp_path / "elsewhere.git"), pushed=True)
    plain = tmp_path / "plain"
    plain.mkdir()
    for folder, why in ((local, "has no git remote a build server can reach"), (plain, "is not a git clone")):
        install = installed(
            _distribution(
                tmp_path / "installed" / folder.name, {"url": folder.as_uri(), "dir_info": {"editable": True}}
            )
        )
        assert install.line is None
        assert install.todo == (f"briefings was installed from {folder}, which {why}; {ANYWHERE}",)


def test_requirements_txt_holds_the_line_and_what_to_do(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    todo = "push commit 0123456789ab to https://github.com/example/briefings: it is not there yet\nreally"
    line = "briefings @ git+https://github.com/example/briefings@0123456789abcdef0123456789abcdef01234567"
    new_site(tmp_path / "s", now=NOW, install=Install(line, "the clone at /home/me/briefings", (todo,)))
    text = (tmp_path / "s" / "requirements.txt").read_text(encoding="utf-8")
    assert _requirements(text) == [line]
    assert "Made with briefings from the clone at /home/me/briefings." in _comments(text)
    assert f"To do: {' '.join(todo.split())}." in _comments(text)  # a line break cannot end the comment
    assert [r.getMessage() for r in caplog.records] == [f"{tmp_path / 's' / 'requirements.txt'}: {todo}"]


def _comments(text: str) -> str:
    """The comments of a requirements file, as one line of text."""
    return " ".join(line.removeprefix("# ") for line in text.splitlines() if line.startswith("#"))


def _requirements(text: str) -> list[str]:
    """The lines of a requirements file that pip reads as requirements."""
    return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _pinned(line: str) -> Requirement:
    """`line` as pip reads it; a git address must name the commit to install."""
    requirement = Requirement(line)
    if requirement.url is not None and requirement.url.startswith("git+"):
        assert re.search(r"@[0-9a-f]{40}(#subdirectory=[\w/]+)?$", requirement.url), line
    return requirement


def _distribution(folder: Path, direct_url: dict[str, object] | None) -> Distribution:
    """An installed briefings 9.9.9 as pip records it, with its direct_url.json when given."""
    info = folder / "briefings-9.9.9.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: briefings\nVersion: 9.9.9\n", encoding="utf-8"
    )
    if direct_url is not None:
        (info / "direct_url.json").write_text(json.dumps(direct_url), encoding="utf-8")
    return Distribution.at(info)


def _repository(clone: Path, *, origin: str, pushed: bool, package: str = "") -> str:
    """A git repository with briefings' pyproject.toml (in the folder `package`) in one commit and
    `origin` as its remote; `pushed`: origin has the commit, as after a push. Its commit id."""
    (clone / package).mkdir(parents=True)
    (clone / package / "pyproject.toml").write_text("[project]\nname = 'briefings'\n", encoding="utf-8")
    _git(clone, "init", "-q", "-b", "main")
    _git(clone, "add", ".")
    _git(clone, "-c", "user.name=Desk", "-c", "user.email=desk@example.org", "commit", "-q", "-m", "one")
    _git(clone, "remote", "add", "origin", origin)
    if pushed:
        _git(clone, "update-ref", "refs/remotes/origin/main", "HEAD")
    return _git(clone, "rev-parse", "HEAD")


def _git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


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
    assert "5 files written; kept 2 existing files" in out
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
