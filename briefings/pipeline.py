"""The build, stage by stage: config → content → markup → assemble → render → output.

Everything is loaded and checked before anything is written, so a site with an error never
touches its output folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefings.assemble import assemble_site
from briefings.config import load_config
from briefings.content import load_content
from briefings.feeds import render_feeds
from briefings.markup import MarkupRenderer
from briefings.output import write_output
from briefings.render import THEME, render_site


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build made, for the one line the command prints."""

    briefings: int
    pages: int
    feeds: int
    files: int
    output: Path


def build(root: Path, output: Path, *, drafts: bool = False, base_url: str | None = None) -> BuildReport:
    """Build the site in `root` into `output`; raises a BriefingsError for anything the user can fix."""
    config = load_config(root, base_url)
    parsed_briefings, parsed_pages = load_content(config)
    markup = MarkupRenderer()
    briefings = [(b, markup.render(b.body, b.body_line)) for b in parsed_briefings]
    pages = [(p, markup.render(p.body, p.body_line)) for p in parsed_pages]
    site = assemble_site(config, briefings, pages, drafts=drafts)
    pages_out = render_site(site, root / "templates")
    feeds_out = render_feeds(site)
    written = write_output(pages_out + feeds_out, [THEME / "static", root / "static"], output, root)
    html = sum(1 for f in pages_out if f.path.endswith(".html"))
    return BuildReport(len(site.briefings), html, len(feeds_out), written, output)
