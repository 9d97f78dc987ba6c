"""The command line: parses arguments, runs a stage, prints what happened, picks the exit code.

Exit codes: 0 done, 1 the site has problems (each printed as `path:line: message`), 2 usage,
141 when the reader of the output has gone (as if by SIGPIPE), 130 interrupted.
This is the only module that prints.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import logging
import os
import shlex
import signal
import sys
import time
import webbrowser
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from briefings import __version__
from briefings.errors import BriefingsError, Problem

# Each command imports what it runs when it runs: a build with nothing to do then starts in a
# fraction of the time that loading the importers, the checker and the server would take.
if TYPE_CHECKING:
    from briefings.model import Stamp
    from briefings.pipeline import BuildReport
    from briefings.preview import Rebuild

IMPORT_FORMATS = ("auto", "capture", "html", "feed")  # what the importers read


def run() -> NoReturn:
    """The `briefings` command: `main`, then an exit that leaves this process's memory to the
    operating system, instead of freeing a large site's millions of objects one at a time
    (a tenth of a second at 10,000 briefings). Whatever was printed is flushed first."""
    left: list[object] = []  # what the command made, held until the exit frees it
    try:
        code = main(left_to_exit=left)
    except BrokenPipeError:  # the reader of the output has gone (`| head -1`): as if by SIGPIPE
        code = 128 + signal.SIGPIPE
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe, say: nothing more to say
            stream.flush()
    logging.shutdown()
    os._exit(code)


def main(argv: Sequence[str] | None = None, *, left_to_exit: list[object] | None = None) -> int:
    """Run the command in `argv` (default: this process's arguments); its exit code. With
    `left_to_exit`, the process ends right after (see `run`): the command puts in it what it made
    for the exit to free, instead of freeing it on its return."""
    parser = _parser()
    args = parser.parse_args(argv)
    args.left_to_exit = left_to_exit
    if args.command is None:
        parser.print_help()
        return 2
    _configure_logging(getattr(args, "verbose", False), getattr(args, "quiet", False))
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
        "--future", action="store_true", help="include briefings dated later than now (scheduled ones)"
    )
    build_parser.add_argument(
        "--base-url", metavar="URL", help="the address the site is published at (overrides site.toml)"
    )
    build_parser.add_argument(
        "--accept-feed-changes",
        action="store_true",
        help="allow published feed items to change id or order (a renamed slug, a changed date or base_url)",
    )
    _add_verbosity(build_parser)
    build_parser.set_defaults(run=_build)
    serve_parser = commands.add_parser(
        "serve",
        help="preview a site in the browser, rebuilt and reloaded on every save",
        description="Build the site in SITE into a temporary folder and serve it; rebuild on every "
        "change and reload the browser. output/ is never touched. Briefings dated in the future are shown, "
        "marked as scheduled.",
    )
    serve_parser.add_argument(
        "site", nargs="?", default=".", metavar="SITE", help="the site folder (default: .)"
    )
    serve_parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)"
    )
    serve_parser.add_argument("--port", type=int, default=8000, help="port to listen on; 0 picks a free one")
    serve_parser.add_argument("--drafts", action="store_true", help="include briefings marked 'draft: true'")
    serve_parser.add_argument(
        "--poll", action="store_true", help="poll for changes (network mounts, containers) instead of inotify"
    )
    serve_parser.add_argument("--open", action="store_true", help="open the preview in a web browser")
    serve_parser.set_defaults(run=_serve)
    _add_import_parser(commands)
    _add_check_parser(commands)
    _add_new_parser(commands)
    return parser


def _add_verbosity(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    group.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also log what the build notices (scheduled briefings, caches)",
    )


def _add_new_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "new",
        help="make a new site: settings, a sample briefing, a publishing workflow",
        description="Make a new site in DIR that builds at once: site.toml with every key explained, a "
        "sample briefing showing every front-matter field, templates/ and static/, a .gitignore and a "
        "GitHub Pages workflow. Existing files are never replaced.",
    )
    parser.add_argument("dir", metavar="DIR", help="the folder to make the site in (made if missing)")
    parser.add_argument("--title", metavar="T", help="the site's name (default: from the folder's name)")
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="the address it will be published at (default: https://example.org/)",
    )
    parser.add_argument(
        "--force", action="store_true", help="use a folder that is not empty; its files are kept as they are"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="name each file written or kept")
    parser.set_defaults(run=_new)


def _add_import_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "import",
        help="turn aggregator captures, saved pages, URLs or feeds into briefings",
        description="Write briefings into SITE/content/briefings/ from aggregator text captures, saved "
        "HTML pages, http(s) URLs and RSS/Atom feeds. Nothing is written unless every SOURCE can be read.",
    )
    parser.add_argument("sources", nargs="+", metavar="SOURCE", help="a capture, HTML or feed file, or a URL")
    parser.add_argument("--site", default=".", metavar="DIR", help="the site folder (default: .)")
    parser.add_argument(
        "--captured", type=_iso_moment, metavar="WHEN",
        help="when the capture was taken, e.g. 2025-07-13T09:00:00+09:00 (default: the file's time)",
    )  # fmt: skip
    parser.add_argument("--via", metavar="NAME", help="the aggregator or channel the articles came through")
    parser.add_argument(
        "--format", choices=IMPORT_FORMATS, default="auto", help="what the sources are (default: auto)"
    )
    parser.add_argument("--draft", action="store_true", help="mark the new briefings 'draft: true'")
    parser.add_argument(
        "--full-text",
        action="store_true",
        help="write each article's whole text, not its key points (only where its licence allows "
        "republishing); the original is recorded as `canonical:`",
    )
    parser.add_argument(
        "--since",
        type=dt.date.fromisoformat,
        metavar="DATE",
        help="feeds: only entries published on DATE or later (one without a date is kept, with a note)",
    )
    parser.add_argument("--limit", type=_positive, metavar="N", help="feeds: only the N newest entries")
    parser.set_defaults(run=_import)


def _add_check_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "check",
        help="report broken links and anchors, missing attribution and empty summaries",
        description="Build SITE in memory (nothing is written) and report every broken internal link or "
        "anchor, source without a url and empty summary; with --external, dead external links too.",
    )
    parser.add_argument("site", nargs="?", default=".", metavar="SITE", help="the site folder (default: .)")
    parser.add_argument("--external", action="store_true", help="also fetch every external link once")
    parser.add_argument(
        "--strict", action="store_true", help="a source without a url fails the check (else it warns)"
    )
    parser.add_argument(
        "--timeout", type=float, default=10.0, metavar="S", help="seconds to wait for a host (default: 10)"
    )
    parser.set_defaults(run=_check)


def _check(args: argparse.Namespace) -> int:
    from briefings.check import check_site

    report = check_site(
        Path(args.site),
        external=args.external,
        strict=args.strict,
        timeout=args.timeout,
        now=dt.datetime.now(dt.UTC),
    )
    cwd = Path.cwd()
    for finding in report.findings:
        text = finding.problem.render(cwd)
        print(text.replace(": ", ": warning: ", 1) if finding.warning else text, file=sys.stderr)
    problems, warnings = len(report.problems), len(report.warnings)
    external = f", {report.external} external" if args.external else ""
    print(
        f"checked {report.pages} pages, {report.links} links{external}: "
        f"{problems} problem{'s' if problems != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    )
    return 1 if problems else 0


def _iso_moment(text: str) -> str:
    dt.datetime.fromisoformat(text.strip().replace(" ", "T", 1))  # a ValueError makes it a usage error
    return text.strip()


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise ValueError(text)
    return number


def _build(args: argparse.Namespace) -> int:
    left: list[object] | None = args.left_to_exit
    if left is not None:
        # The build pauses Python's cycle collector (see pipeline.build); as it resumed, it would
        # walk every object the build made once more (half a second at 10,000 briefings). When the
        # process ends with the build, there is nothing for it to collect: it stays paused, and
        # the site is left to the exit rather than freed object by object (0.07 s).
        gc.disable()
    from briefings.pipeline import build

    root = Path(args.site)
    output = Path(args.output) if args.output else root / "output"
    started = time.perf_counter()
    # Progress lines would interleave with -v's log lines, so a verbose build shows only the log.
    progress = _show_progress if sys.stderr.isatty() and not (args.quiet or args.verbose) else None
    try:
        report = build(
            root,
            output,
            drafts=args.drafts,
            base_url=args.base_url,
            accept_feed_changes=args.accept_feed_changes,
            progress=progress,
            future=args.future,
            on_site=left.append if left is not None else None,
        )
    finally:
        if progress:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    if not args.quiet:
        noun = "briefing" if report.briefings == 1 else "briefings"
        print(
            f"built {report.briefings} {noun}, {report.pages} pages, {report.feeds} feeds "
            f"in {seconds:.1f} s → {_shown(report.output)}"
        )
        if report.scheduled:
            print(_scheduled_line(report, included=args.future))
    return 0


def _scheduled_line(report: BuildReport, *, included: bool) -> str:
    """`scheduled: 1 briefing dated in the future, the next due 2026-12-01 (...)`: when to rebuild."""
    count = (
        f"scheduled: {report.scheduled} briefing{'s' if report.scheduled != 1 else ''} dated in the future"
    )
    if included:
        return f"{count}, built as --future asked"
    due = _due(report.next_due) if report.next_due else "?"
    return f"{count}, the next due {due} (rebuild then to publish it)"


def _due(stamp: Stamp) -> str:
    """`2026-12-01` for a date (the site's midnight), `2026-12-01 09:00 +09:00` for a time."""
    if stamp.date_only:
        return stamp.moment.date().isoformat()
    offset = stamp.moment.strftime("%z")
    return f"{stamp.moment:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def _new(args: argparse.Namespace) -> int:
    from briefings.scaffold import new_site

    made = new_site(
        Path(args.dir),
        title=args.title,
        base_url=args.base_url,
        force=args.force,
        now=dt.datetime.now(dt.UTC),
    )
    where = _shown(made.root)
    kept = f"; kept {len(made.kept)} existing file{'s' if len(made.kept) != 1 else ''}" if made.kept else ""
    print(f"made a new site in {where}: {len(made.written)} files written{kept}")
    site = shlex.quote(str(args.dir))
    print(f"next: briefings serve {site} to preview it, briefings build {site} to build it")
    return 0


def _import(args: argparse.Namespace) -> int:
    from briefings.importers import ImportOptions, import_sources

    options = ImportOptions(
        captured=args.captured, via=args.via, format=args.format, draft=args.draft,
        full_text=args.full_text, since=args.since, limit=args.limit,
    )  # fmt: skip
    report = import_sources(Path(args.site), args.sources, options, now=dt.datetime.now(dt.UTC))
    labels = {"new": "written", "updated": "updated", "unchanged": "unchanged", "skipped": "skipped"}
    for outcome in report.outcomes:
        reason = f" ({outcome.reason})" if outcome.reason else ""
        print(f"{labels[outcome.status]:<9} {_shown_file(outcome.path)}{reason}")
        for note in outcome.notes:
            print(f"{'':<9} note: {note}")
    for what, why in report.skipped:
        print(f"{'skipped':<9} {what}: {why}")
    count = len(report.outcomes)
    summary = (
        f"imported {count} briefing{'s' if count != 1 else ''}: {report.count('new')} new, "
        f"{report.count('updated')} updated, {report.count('unchanged')} unchanged"
    )
    skipped = report.count("skipped")
    print(summary + (f", {skipped} skipped" if skipped else ""))
    return 0


def _shown_file(path: Path) -> str:
    return _shown(path).rstrip("/")


def _serve(args: argparse.Namespace) -> int:
    from briefings.serve import PreviewServer, ServeError, is_loopback

    def report(rebuild: Rebuild) -> None:
        for problem in rebuild.problems:
            print(problem.render(Path.cwd()), file=sys.stderr)
        print(rebuild.describe(), file=sys.stderr if rebuild.problems else sys.stdout, flush=True)

    try:
        server = PreviewServer(
            Path(args.site), host=args.host, port=args.port, drafts=args.drafts, poll=args.poll, report=report
        )
    except ServeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not is_loopback(args.host):
        print(
            f"warning: listening on {args.host}: anyone who can reach this machine can read the preview, "
            "drafts included",
            file=sys.stderr,
        )
    print(f"serving {server.url} (Ctrl-C to stop)", flush=True)
    # An edited page is rendered on the watcher's thread while the rebuild runs on another: a
    # shorter switch interval lets it (and the requests for it) have the interpreter sooner.
    sys.setswitchinterval(0.001)
    # `kill` and `docker stop` end the preview as cleanly as Ctrl-C does.
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        server.start()
        if args.open:
            webbrowser.open(server.url)
        server.wait()
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a preview ends
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)
    print("stopped")
    return 0


def _show_progress(stage: str, done: int, total: int) -> None:
    """One self-overwriting line on a terminal; nothing at all in pipes and CI logs."""
    print(f"\r\033[K{stage} {done}/{total}", end="", file=sys.stderr, flush=True)


def _shown(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:
        relative = str(path)
    shown = relative if not relative.startswith("..") else str(path.absolute())
    return shown.rstrip("/") + "/"


def _print_problems(error: BriefingsError) -> None:
    cwd = Path.cwd()
    colour = _colour(sys.stderr)
    for problem in error.problems:
        inside = problem.path is not None and problem.path.absolute().is_relative_to(cwd)
        line = problem.render(cwd) if inside else problem.render()
        print(_bold_location(line, problem) if colour else line, file=sys.stderr)
    count = len(error.problems)
    prefix = _error_prefix(colour)
    print(f"{prefix} {count} problem{'s' if count != 1 else ''}; nothing was written", file=sys.stderr)


RED, BOLD, RESET = "\033[31m", "\033[1m", "\033[0m"


def _colour(stream: TextIO) -> bool:
    """Colour only for a person at a terminal who has not asked for none (https://no-color.org/)."""
    wanted = not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    return wanted and stream.isatty()


def _error_prefix(colour: bool) -> str:
    return f"{BOLD}{RED}error:{RESET}" if colour else "error:"


def _bold_location(line: str, problem: Problem) -> str:
    """`path:line:` in bold: the part of a problem a reader's eye looks for first."""
    tail = problem.message + (f" ({problem.hint})" if problem.hint else "")
    where = line.removesuffix(tail)
    return f"{BOLD}{where.rstrip()}{RESET} {tail}" if where and where != line else line


class _StderrHandler(logging.Handler):
    """Log records as `info: message` lines on whatever sys.stderr is at the time."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"{record.levelname.lower()}: {record.getMessage()}", file=sys.stderr)


def _configure_logging(verbose: bool, quiet: bool) -> None:
    """The package's log records on stderr: warnings by default, INFO with -v, errors only with -q."""
    logger = logging.getLogger("briefings")
    for handler in [h for h in logger.handlers if isinstance(h, _StderrHandler)]:
        logger.removeHandler(handler)
    logger.addHandler(_StderrHandler())
    logger.setLevel(logging.INFO if verbose else logging.ERROR if quiet else logging.WARNING)
