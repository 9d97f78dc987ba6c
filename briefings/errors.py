"""The error family. Every error a user can cause is a `BriefingsError` carrying problems.

    BriefingsError              something in the site (not in briefings) is wrong; exit status 1
    ├── ConfigError             site.toml is missing, malformed or has a wrong key
    ├── ContentError            briefings or pages do not load, or do not fit together
    ├── TemplateError           a template does not parse or fails while rendering
    ├── OutputError             the output folder cannot be written or is a dangerous place
    └── CaptureError            an import source is not a capture, page or feed, or cannot be read

Each error holds one or more `Problem`s, each located as precisely as is known, so a stage can
collect everything wrong with a site and report it at once, like a compiler.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong, at `path:line` when known."""

    message: str
    path: Path | None = None
    line: int | None = None
    hint: str | None = None

    def render(self, root: Path | None = None) -> str:
        """`path:line: message (hint)`, the path relative to `root` when it is inside it."""
        where = ""
        if self.path is not None:
            shown = self.path
            if root is not None and self.path.absolute().is_relative_to(root):
                shown = self.path.absolute().relative_to(root)
            where = f"{shown.as_posix()}:{self.line}: " if self.line else f"{shown.as_posix()}: "
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{hint}"


class BriefingsError(Exception):
    """A problem with the site that the user can fix; never a bug in briefings."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=_problem_order))
        super().__init__("\n".join(p.render() for p in self.problems))


def _problem_order(problem: Problem) -> tuple[str, int, str]:
    return (problem.path.as_posix() if problem.path else "", problem.line or 0, problem.message)


class ConfigError(BriefingsError):
    """site.toml is missing, malformed, or holds an unknown or mistyped key."""


class ContentError(BriefingsError):
    """A briefing or page does not load, or the briefings do not fit together."""


class TemplateError(BriefingsError):
    """A template does not parse, or fails while rendering."""


class OutputError(BriefingsError):
    """The output folder cannot be written, or writing there would destroy something."""


class CaptureError(BriefingsError):
    """Something given to `briefings import` is not a capture, page or feed, or cannot be read."""
