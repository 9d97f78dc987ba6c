"""The command line: parses arguments, runs a stage, prints what happened, picks the exit code.

Exit codes: 0 done, 1 the site has problems (each printed as `path:line: message`), 2 usage.
This is the only module that prints.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from briefings import __version__
from briefings.errors import BriefingsError
from briefings.pipeline import build


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(args.run(args))
    except BriefingsError as error:
        _print_problems(error)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefings",
        description="Build sites of curated, well-attributed news briefings.",
    )
    parser.add_argument("--version", action="version", version=f"briefings {__version__}")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    build_parser = commands.add_parser(
        "build",
        help="build a site folder into static files",
        description="Build the site in SITE (content/, templates/, static/, site.toml) into static files.",
    )
    build_parser.add_argument(
        "site", nargs="?", default=".", metavar="SITE", help="the site folder (default: .)"
    )
    build_parser.add_argument(
        "-o", "--output", metavar="DIR", help="where to write the site (default: SITE/output)"
    )
    build_parser.add_argument("--drafts", action="store_true", help="include briefings marked 'draft: true'")
    build_parser.add_argument(
        "--base-url", metavar="URL", help="the address the site is published at (overrides site.toml)"
    )
    build_parser.set_defaults(run=_build)
    return parser


def _build(args: argparse.Namespace) -> int:
    root = Path(args.site)
    output = Path(args.output) if args.output else root / "output"
    started = time.perf_counter()
    report = build(root, output, drafts=args.drafts, base_url=args.base_url)
    seconds = time.perf_counter() - started
    noun = "briefing" if report.briefings == 1 else "briefings"
    print(
        f"built {report.briefings} {noun}, {report.pages} pages, {report.feeds} feeds "
        f"in {seconds:.1f} s → {_shown(report.output)}"
    )
    return 0


def _shown(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:
        relative = str(path)
    shown = relative if not relative.startswith("..") else str(path.absolute())
    return shown.rstrip("/") + "/"


def _print_problems(error: BriefingsError) -> None:
    cwd = Path.cwd()
    for problem in error.problems:
        inside = problem.path is not None and problem.path.absolute().is_relative_to(cwd)
        print(problem.render(cwd) if inside else problem.render(), file=sys.stderr)
    count = len(error.problems)
    print(f"error: {count} problem{'s' if count != 1 else ''}; nothing was written", file=sys.stderr)
