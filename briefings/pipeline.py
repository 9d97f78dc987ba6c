"""The build, stage by stage: config → content → markup → assemble → render → output.

Everything is loaded and checked before anything is written, so a site with an error never
touches its output folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from briefings import __version__
from briefings.assemble import assemble_site
from briefings.cache import Cache
from briefings.config import load_config
from briefings.content import Document, load_ledger, read_documents
from briefings.convert import Progress, convert_documents
from briefings.errors import ContentError
from briefings.feeds import render_feed_files
from briefings.model import OutputFile, ParsedBriefing, ParsedPage, SiteConfig, Stamp
from briefings.output import write_ledger, write_output
from briefings.render import THEME, render_pages
from briefings.reuse import files_digest
from briefings.schedule import schedule
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
    scheduled: int = 0  # briefings dated after the build's "now" (left out unless `future`)
    next_due: Stamp | None = None


def build(
    root: Path,
    output: Path,
    *,
    drafts: bool = False,
    base_url: str | None = None,
    accept_feed_changes: bool = False,
    progress: Progress | None = None,
    future: bool = False,
    now: dt.datetime | None = None,
) -> BuildReport:
    """Build the site in `root` into `output`; raises a BriefingsError for anything the user can fix.

    `progress(stage, done, total)` is told how the long stages advance, for a terminal to show.
    Feed ids are checked against the site's ledger only in a build for the address in site.toml
    (not for a preview or staging address) without drafts or `future`; only such builds record them.
    Briefings dated after `now` (default: the current time) are left out unless `future`."""
    config = load_config(root, base_url)
    own_address = base_url is None or config.base_url == load_config(root).base_url
    publishing = own_address and not drafts and not future
    moment = now or dt.datetime.now(dt.UTC)
    documents, problems = read_documents(config)
    builds = Cache(root, "builds", __version__)
    inputs = _inputs(config, documents, drafts=drafts, future=future)
    last = builds.get(str(output.absolute()))
    if last and last["inputs"] == inputs and moment < last["due"] and (output / "index.html").is_file():
        unchanged: BuildReport = replace(last["report"], changed=0)  # nothing it is made from changed
        return unchanged
    converted, conversion_problems = convert_documents(documents, config, progress)
    if problems or conversion_problems:
        raise ContentError(problems + conversion_problems)
    briefings = [(p, m, d) for p, m, d in converted if isinstance(p, ParsedBriefing) and d is not None]
    pages = [(p, m) for p, m, _ in converted if isinstance(p, ParsedPage)]
    waiting = schedule((p for p, _, _ in briefings), moment, drafts=drafts)
    site = assemble_site(config, briefings, pages, drafts=drafts, scheduled=waiting.slugs, future=future)
    if publishing:
        ledger, problems = check_ledger(load_ledger(root), site, accept=accept_feed_changes)
        if problems:
            raise ContentError(problems)
    pages_cache = Cache(root, "pages", __version__)
    previous = _live(output, pages_cache.get(str(output.absolute())) or {})
    rendered = render_pages(site, root / "templates", previous)
    pages_out = rendered.files + [OutputFile(p, (output / p).read_bytes()) for p in rendered.kept]
    fed = render_feed_files(site, previous)
    feeds_out = fed.files + [OutputFile(p, (output / p).read_bytes()) for p in fed.kept]
    search_out = index_site(site, pages_out) if config.search else []
    files = pages_out + feeds_out + search_out
    for cache in (pages_cache, builds):  # until the new output is in place, what they say may not hold
        cache.forget()
    written = write_output(files, [THEME / "static", root / "static"], output, root)
    html = sum(1 for f in pages_out if f.path.endswith(".html"))
    counts = (len(site.briefings), html, len(feeds_out), written.files, written.changed)
    report = BuildReport(*counts, output, len(waiting), waiting.next_due)
    pages_cache.put(str(output.absolute()), rendered.fingerprints | fed.fingerprints)
    pages_cache.save()
    due = waiting.next_due.moment if waiting.next_due and not future else FAR_FUTURE
    builds.put(str(output.absolute()), {"inputs": inputs, "due": due, "report": report})
    builds.save()
    if publishing:
        write_ledger(root, ledger)
    return report


FAR_FUTURE = dt.datetime.max.replace(tzinfo=dt.UTC)


def _inputs(config: SiteConfig, documents: Sequence[Document], *, drafts: bool, future: bool) -> str:
    """One digest of everything a build is made from: settings, options, content, templates, static."""
    digest = hashlib.sha256(repr((config, drafts, future)).encode("utf-8", "surrogatepass"))
    for document in documents:
        digest.update(os.fsencode(document.path) + b"\0" + hashlib.sha256(document.data).digest())
    digest.update(files_digest([config.root / "templates", config.root / "static", THEME]).encode())
    return digest.hexdigest()


def _live(output: Path, fingerprints: Mapping[str, str]) -> dict[str, str]:
    """The fingerprints of pages the live output folder still holds: those a build may keep."""
    return {path: key for path, key in fingerprints.items() if (output / path).is_file()}
