"""The README as a new user reads it: its references match the code, its quick start works."""

from __future__ import annotations

import importlib.util
import re
import shlex
import shutil
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import jinja2
import pytest
from conftest import MakeSite, briefing, run_cli
from sitecheck import broken_links

from briefings.config import KEYS
from briefings.content import BRIEFING_KEYS, PAGE_KEYS, SOURCE_KEYS

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
CAPTURE = REPO.parent / "shared" / "examples" / "daily8-capture.txt"


def cli_reference() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cli_reference", REPO / "docs" / "cli_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def test_the_command_reference_is_the_commands_own_help() -> None:
    reference = cli_reference()
    assert reference.readme_reference(README) == reference.reference(), "run python docs/cli_reference.py"
    for command in ["", *reference.command_names()]:
        title = " ".join(("briefings", command)).strip()
        assert f"### `{title}`" in README


def test_the_front_matter_and_site_toml_references_are_complete() -> None:
    writing = section("Writing a briefing")
    for key in BRIEFING_KEYS + SOURCE_KEYS:
        assert re.search(rf"^\s*(- )?{key}:", writing, re.MULTILINE) or f"`{key}:`" in writing, key
    assert all(f"`{key}`" in writing for key in PAGE_KEYS)
    table = section("site.toml")
    for key in KEYS:
        assert f"| `{key}` |" in table or f"| `[{key}]` |" in table, key


def test_the_template_reference_names_every_variable_a_template_receives(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    received: set[str] = set()
    render = jinja2.Template.render

    def recording(self: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        for values in [*args, kwargs]:
            if isinstance(values, Mapping):
                received.update(values)
        return render(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", recording)
    site = make_site(
        {
            "content/briefings/a.md": briefing("A", extra="topics: [T]\nrelated: [b]\n", body="[[b]]"),
            "content/briefings/b.md": briefing("B", date="2025-07-11"),
            "content/pages/about.md": "---\ntitle: About\n---\n\nAbout us.\n",
        }
    )
    status, _, err = run_cli("build", str(site))
    assert status == 0, err
    reference = section("Templates")
    missing = sorted(name for name in received if f"`{name}" not in reference)
    assert len(received) > 20 and missing == [], (sorted(received), missing)


def quick_start() -> list[str]:
    block = section("Quick start").split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("   #", 1)[0].strip() for line in block.splitlines() if line.strip()]


def test_the_quick_start_is_five_commands_from_pip_install_to_a_built_site() -> None:
    commands = quick_start()
    assert len(commands) == 5
    assert commands[0].startswith("python -m pip install")
    assert [shlex.split(c)[1] for c in commands[1:]] == ["new", "import", "serve", "build"]


@pytest.mark.skipif(not CAPTURE.is_file(), reason="the example capture is not beside this repository")
def test_the_quick_start_works_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clone = tmp_path / "main"
    clone.mkdir()
    (tmp_path / "shared" / "examples").mkdir(parents=True)
    shutil.copy(CAPTURE, tmp_path / "shared" / "examples")
    monkeypatch.chdir(clone)
    for command in quick_start():
        args = shlex.split(command)
        if args[0] == "briefings" and args[1] != "serve":
            status, out, err = run_cli(*args[1:])
            assert status == 0, f"{command}\n{err}"
    assert out.startswith("built 4 briefings, ")  # the sample and the capture's three
    base_url = re.search(r"--base-url (\S+)", quick_start()[1])
    assert base_url is not None
    assert broken_links(clone / "my-briefings" / "output", base_url.group(1)) == []
