"""The build, stage by stage: config → content → markup → assemble → render → output.

Everything is loaded and checked before anything is written, so a site with an error never
touches its output folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefings.assemble import assemble_site
from briefings.config import load_config
from briefings.content import load_ledger, read_documents
from briefings.convert import Progress, convert_documents
from briefings.errors import ContentError
from briefings.feeds import render_feeds
from briefings.model import ParsedBriefing, ParsedPage
from briefings.output import write_ledger, write_output
from briefings.render import THEME, render_site
from briefings.search import index_site
from briefings.stability import check_ledger


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build made, for the one line the command prints."""

    briefings: int
    pages: int
    feeds: int
    files: int
    changed: int
    output: Path


def build(
    root: Path,
    output: Path,
    *,
    drafts: bool = False,
    base_url: str | None = None,
    accept_feed_changes: bool = False,
    progress: Progress | None = None,
) -> BuildReport:
    """Build the site in `root` into `output`; raises a BriefingsError for anything the user can fix.

    `progress(stage, done, total)` is told how the long stages advance, for a terminal to show.
    Feed ids are checked against the site's ledger only in a build for the address in site.toml
    (not for a preview or staging address) without drafts; only such builds record them."""
    config = load_config(root, base_url)
    publishing = not drafts and (base_url is None or config.base_url == load_config(root).base_url)
    documents, problems = read_documents(config)
    converted, conversion_problems = convert_documents(documents, config, progress)
    if problems or conversion_problems:
        raise ContentError(problems + conversion_problems)
    briefings = [(p, m, d) for p, m, d in converted if isinstance(p, ParsedBriefing) and d is not None]
    pages = [(p, m) for p, m, _ in converted if isinstance(p, ParsedPage)]
    site = assemble_site(config, briefings, pages, drafts=drafts)
    if publishing:
        ledger, problems = check_ledger(load_ledger(root), site, accept=accept_feed_changes)
        if problems:
            raise ContentError(problems)
    pages_out = render_site(site, root / "templates")
    feeds_out = render_feeds(site)
    search_out = index_site(site, pages_out) if config.search else []
    files = pages_out + feeds_out + search_out
    written = write_output(files, [THEME / "static", root / "static"], output, root)
    if publishing:
        write_ledger(root, ledger)
    html = sum(1 for f in pages_out if f.path.endswith(".html"))
    return BuildReport(len(site.briefings), html, len(feeds_out), written.files, written.changed, output)
