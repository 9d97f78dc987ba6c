"""Write README.md's command reference from the commands' own `--help`, so the two cannot drift.

    python docs/cli_reference.py          rewrite the section between the markers in README.md
    python docs/cli_reference.py --check  exit 1, changing nothing, when the README is out of date

Help is taken at a fixed width (COLUMNS), since argparse wraps to the terminal it runs in.
tests/test_readme.py holds the README to it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from briefings.cli import _parser, main

README = Path(__file__).resolve().parent.parent / "README.md"
START = "<!-- cli-reference:start (written by docs/cli_reference.py; do not edit by hand) -->"
END = "<!-- cli-reference:end -->"
COLUMNS = "100"


def command_names() -> list[str]:
    """The subcommands in the order `briefings --help` lists them."""
    for action in _parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


@contextlib.contextmanager
def _fixed_width() -> Iterator[None]:
    before = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = COLUMNS
    try:
        yield
    finally:
        if before is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = before


def help_text(*command: str) -> str:
    """What `briefings [COMMAND] --help` prints, at the fixed width."""
    out = io.StringIO()
    with _fixed_width(), contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        main([*command, "--help"])
    return out.getvalue().rstrip() + "\n"


def reference() -> str:
    """The section between the markers: each command's help as a block of text."""
    parts = []
    for command in [(), *((name,) for name in command_names())]:
        title = " ".join(("briefings", *command))
        parts.append(f"### `{title}`\n\n```text\n{help_text(*command)}```\n")
    return "\n".join(parts)


def readme_reference(readme: str) -> str:
    """The section as the README holds it now."""
    start, end = readme.index(START) + len(START), readme.index(END)
    return readme[start:end].strip("\n") + "\n"


def updated(readme: str) -> str:
    start, end = readme.index(START) + len(START), readme.index(END)
    return readme[:start] + "\n" + reference() + readme[end:]


def run(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    if "--check" in argv:
        current = readme_reference(text) == reference()
        print(
            "README.md: command reference is current" if current else "README.md: run docs/cli_reference.py"
        )
        return 0 if current else 1
    README.write_text(updated(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
