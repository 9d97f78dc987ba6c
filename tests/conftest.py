"""Shared test helpers: sites written into temp folders, built with the real pipeline."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

SITE_TOML = """\
title = "Test Briefings"
description = "Briefings for tests"
base_url = "https://example.org/"
language = "en"
author = "Test Desk"
timezone = "UTC"
"""


def briefing(
    title: str = "A briefing",
    *,
    date: str = "2025-07-10",
    source: str = "  - name: Example News\n    url: https://news.example.com/a\n",
    extra: str = "",
    body: str = "Body text.",
) -> str:
    """The text of a briefing file; `extra` is more front matter lines."""
    return f"---\ntitle: {title!r}\ndate: {date}\nsources:\n{source}{extra}---\n\n{body}\n"


MakeSite = Callable[[Mapping[str, str]], Path]


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Write a site from {relative path: text}; site.toml defaults to a minimal one."""

    def make(files: Mapping[str, str]) -> Path:
        root = tmp_path / "site"
        root.mkdir(exist_ok=True)
        if "site.toml" not in files:
            (root / "site.toml").write_text(SITE_TOML, encoding="utf-8")
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return root

    return make
