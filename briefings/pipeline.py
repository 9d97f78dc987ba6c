"""The build, stage by stage: config → content → markup → assemble → render → output.

All content is loaded and checked, and every template compiled, before anything is written; pages
are then rendered straight into the spare folder beside the output, which is exchanged with the
output folder only once the whole site is in it. So a site with an error never touches its output
folder. A record in the build cache of what the last build was made from lets a build with nothing
changed return at once, and one with a few changes re-render only the pages that show them; one
that finds only edits that move no briefing (its text, title, summary) takes the site the last
build assembled and puts the edited briefings in (see snapshot); so does one that finds briefings
added or moved (new dates, topics, sources, links), working out the site's lists again from its
briefings (see reassemble).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import as_completed
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from briefings import THEME, __version__
from briefings.cache import Cache, Writes, collector_paused
from briefings.config import load_config
from briefings.content import BRIEFINGS_DIR, PAGES_DIR, Document, list_documents
from briefings.errors import ContentError, Problem, TemplateError
from briefings.ledger import Checked, check_site, write_ledger
from briefings.model import OutputFile, ParsedBriefing, ParsedPage, Site, SiteConfig, Stamp
from briefings.output import Spare, spare_folder, writing
from briefings.parallel import Parallelism, can_fork, forked, forked_pool, inherited
from briefings.reuse import FilesStamp, Lists, Taken, files_stamp
from briefings.schedule import Schedule, schedule
from briefings.snapshot import keep_whole, new_build, reframe, related_memo, resume

# Markdown, Jinja and feedgen load when there is something to convert or render: a build with
# nothing to do starts without them (see `assemble` and `_render`).
if TYPE_CHECKING:
    from briefings.convert import Converted, Progress
    from briefings.render import MadeFragments, PagePlan


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
    # The files the site has and those this build changed; empty when nothing changed.
    paths: frozenset[str] = field(default=frozenset(), repr=False)
    changed_paths: frozenset[str] = field(default=frozenset(), repr=False)


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
    on_site: Callable[[Site], None] | None = None,
    parallelism: Parallelism | None = None,
) -> BuildReport:
    """Build the site in `root` into `output`; raises a BriefingsError for anything the user can fix.

    `progress(stage, done, total)` is told how the long stages advance, for a terminal to show.
    Feed ids are checked against the site's ledger only in a build for the address in site.toml
    (not for a preview or staging address) without drafts or `future`; only such builds record them.
    Briefings dated after `now` (default: the current time) are left out unless `future`.
    `on_site` is given the assembled site once it is written (not when nothing changed).
    `parallelism` says from what sizes the work is shared with other processes (default: see
    Parallelism); what is built is the same at any."""
    config = load_config(root, base_url)
    own_address = base_url is None or config.base_url == load_config(root).base_url
    publishing = own_address and not drafts and not future
    taken = Taken()  # the files' metadata, taken once for the record and the content
    record = _Record(root, output, _inputs(config, drafts=drafts, future=future, taken=taken))
    moment = now or dt.datetime.now(dt.UTC)
    parallelism = parallelism or Parallelism()
    if (unchanged := record.unchanged(moment)) is not None:
        return unchanged
    aside = Writes()  # the cache tables written while the build goes on (see Cache.save)
    try:
        # A build makes millions of long-lived objects and almost no garbage cycles: Python's cycle
        # collector would walk the growing heap again and again for nothing (a tenth of a cold build,
        # a quarter of one edit's build at 10,000 briefings), so it waits until the build is done.
        with collector_paused():
            this_build = new_build()
            # After edits that move no briefing, the site is the last build's with the edits put in.
            listed = list_documents(config, taken)
            converted: dict[str, Converted] = {}  # what was converted on the way, by content key
            resumed = resume(
                config, drafts=drafts, future=future, now=moment, listed=listed, converted=converted
            )
            # After edits that add briefings or move them, it is the last build's with them put in.
            reframed = None
            if resumed is None:
                reframed = reframe(
                    config,
                    drafts=drafts,
                    future=future,
                    now=moment,
                    listed=listed,
                    converted=converted,
                    build=this_build,
                    aside=aside,
                )
            if last := resumed or reframed:
                site, waiting = last.site, last.waiting
            else:  # the files' bytes are let go once assembled (40 MB at 10,000 briefings)
                site, waiting = assemble(
                    config,
                    drafts=drafts,
                    future=future,
                    now=moment,
                    progress=progress,
                    listed=listed,
                    known=converted,
                    keep=this_build,
                    aside=aside,
                    parallelism=parallelism,
                )
            # The briefings whose own page may differ from the live output's, when that is known.
            edited = last.edited if last is not None and last.build == record.build() else None
            apart = len(site.briefings) >= parallelism.apart_from
            with _checking_ledger(
                site, record, publishing=publishing, accept=accept_feed_changes, apart=apart
            ) as ledger:
                spare_holds, linked = record.spare_holds(), record.linked()
                previous = record.fingerprints(linked)
                lists_before = record.lists()
                record.forget_spare()  # what the spare holds is not known again until the build is done
                statics = [THEME / "static", root / "static"]
                # Until the new output is in place, what the record says may not hold: it goes just before.
                with writing(
                    output,
                    root,
                    statics,
                    spare_holds=spare_holds,
                    linked=linked,
                    before_exchange=record.forget,
                ) as spare:
                    moved = reframed.lists if reframed is not None else None
                    made = _render(
                        site, previous, lists_before, edited, moved, spare, progress, aside, parallelism
                    )
                    checked = ledger()
                    if checked.problems:  # changes readers would notice: the output stays as it was
                        raise ContentError(checked.problems)
            paths, changed = frozenset(spare.paths), frozenset(spare.changed)
            counts = (len(site.briefings), made.pages, made.feeds, len(paths), len(changed))
            report = BuildReport(*counts, output, len(waiting), waiting.next_due, paths, changed)
            due = waiting.holds_until(future=future)
            if checked.ledger is not None:
                write_ledger(root, checked.ledger)
            record.keep(report, made.fingerprints, made.lists, checked.checked, this_build, due)
            if resumed is not None:
                resumed.keep(this_build)
            if on_site:
                on_site(site)
            return report
    finally:  # a cache table written aside is in place when the build ends
        aside.finish()


def assemble(
    config: SiteConfig,
    *,
    drafts: bool,
    future: bool,
    now: dt.datetime,
    progress: Progress | None = None,
    listed: tuple[list[Document], list[Problem]] | None = None,
    known: Mapping[str, Converted] | None = None,
    keep: str | None = None,
    aside: Writes | None = None,
    parallelism: Parallelism | None = None,
) -> tuple[Site, Schedule]:
    """Content files → the site as readers see it (stages 1-3), and what waits for its date.
    `listed` is the content files when the caller listed them already (see `list_documents`);
    `known`, conversions made already (see convert_site). With `keep` (a build's name), the site
    is kept for the next build (see snapshot). With `aside`, the large cache tables are written
    while the caller goes on, in place once it finishes `aside` (see Cache.save); else here.
    `parallelism` says from how many files they are converted by a pool of processes (see
    convert_site)."""
    from briefings.assemble import CURATED, SCORED, assemble_site
    from briefings.convert import convert_site

    listed = listed or list_documents(config)
    converted, problems, sources = convert_site(
        config, listed, progress, known, aside=aside, parallelism=parallelism
    )
    if problems:
        raise ContentError(problems)
    briefings = [(p, m, d) for p, m, d in converted if isinstance(p, ParsedBriefing) and d is not None]
    pages = [(p, m) for p, m, _ in converted if isinstance(p, ParsedPage)]
    waiting = schedule((p for p, _, _ in briefings), now, drafts=drafts)
    memo = related_memo(config.root)
    site = assemble_site(
        config, briefings, pages, drafts=drafts, scheduled=waiting.slugs, future=future, memo=memo
    )
    if keep is not None:
        keep_whole(
            config,
            drafts=drafts,
            future=future,
            build=keep,
            site=site,
            waiting=waiting,
            converted=converted,
            sources=sources,
            scoring=(memo.used[SCORED].key, memo.used[CURATED]),
            aside=aside,
        )
    memo.save(aside=aside)  # 14 MB at 10,000 briefings, written while pages render
    return site, waiting


@dataclass(frozen=True, slots=True)
class _Made:
    """What stage 4 made: the numbers of pages and feeds, every one's fingerprint, and what the
    pages listing briefings were made from (see render.plan_pages)."""

    pages: int
    feeds: int
    fingerprints: dict[str, str]
    lists: Lists | None


def _render(
    site: Site,
    previous: Mapping[str, str],
    lists_before: Lists | None,
    edited: frozenset[str] | None,
    moved: frozenset[str] | None,
    spare: Spare,
    progress: Progress | None,
    aside: Writes,
    parallelism: Parallelism,
) -> _Made:
    """Every file of the site into the spare folder (stage 4), each as soon as it is rendered. A
    page or feed whose fingerprint matches the live output's is not rendered again: the spare
    gets the very file. `lists_before` is what the last build's lists were made from; `edited`,
    the briefings that alone may have changed since, and `moved`, after briefings were added or
    moved, the pages listing briefings whose lists may have changed (see render.plan_pages)."""
    from briefings.render import FRAGMENTS_TABLE, plan_pages

    compiled = Cache(site.config.root, "templates", __version__)
    plan = plan_pages(site, site.config.root / "templates", previous, compiled, lists_before, edited, moved)
    compiled.save()
    fragments = Cache(site.config.root, FRAGMENTS_TABLE, __version__) if plan.keeps_fragments else None
    if fragments is not None:
        plan.reuse_fragments(fragments)
    fed, made, problems, rendered = _render_all(_Work(site, previous, plan, spare), progress, parallelism)
    if fragments is not None:
        many = plan.keep_fragments(fragments, rendered) > FRAGMENTS_AT_ONCE
        fragments.save(aside=aside if many else None)
    for path in plan.kept:
        spare.keep(path)
    if problems:
        raise TemplateError(problems)
    if site.config.search:  # the index is made from every briefing page, rendered now or kept
        from briefings.search import index_site, page_path

        pages = [OutputFile(p, (spare.folder / p).read_bytes()) for p in map(page_path, site.briefings)]
        for file in index_site(site, pages):
            spare.put(file.path, file.content)
    fingerprints = plan.fingerprints | made
    html = sum(1 for path in fingerprints if path.endswith(".html"))
    return _Made(html, fed.count, fingerprints | fed.fingerprints, plan.lists)


class _Work(NamedTuple):
    """What rendering needs, as forked rendering processes inherit it."""

    site: Site
    previous: Mapping[str, str]
    plan: PagePlan
    spare: Spare


@dataclass(frozen=True, slots=True)
class _Fed:
    count: int
    fingerprints: dict[str, str]


FRAGMENTS_AT_ONCE = 1000  # cards and entries: more are saved by a forked process


def _render_all(
    work: _Work, progress: Progress | None, parallelism: Parallelism
) -> tuple[_Fed, dict[str, str], list[Problem], list[MadeFragments]]:
    """The planned pages and the feeds into the spare: for many pages, in one forked process per
    core, which inherit the site instead of being sent it; else in this process, but for a large
    site's feeds and (for enough pages) every other page, rendered in forked processes meanwhile
    (see Parallelism). Forking a process that runs other threads (the preview server's) is unsafe, so
    there all is rendered here.
    The feeds, the fingerprints of pages fingerprinted as they were rendered, the problems, and
    the briefings' cards and entries rendered on the way."""
    total = len(work.plan.todo)
    if total < parallelism.pool_from or not can_fork():
        # Here, but for a large site's feeds and, when they are many, every other page.
        large = len(work.site.briefings) >= parallelism.apart_from
        split = large and total >= parallelism.split_from
        step, others_stop = (2, total) if split else (1, 0)  # unsplit: the others are none
        with (
            forked(lambda: _feeds_apart(work), apart=large) as fed_apart,
            forked(lambda: _pages_apart(work, 1, others_stop, step), apart=split) as others,
        ):
            made, problems = work.plan.render(0, total, work.spare.put, step)
            paths, changed, fed = fed_apart()
            other_paths, other_changed, other_made, other_problems, fragments = others()
        work.spare.note(paths + other_paths, changed + other_changed)
        met = {problem.render(): problem for problem in problems + other_problems}
        return fed, made | other_made, list(met.values()), [work.plan.fragments_made(), fragments]
    problems, made, rendered = [], {}, []
    with forked_pool(os.cpu_count() or 2, inherit=work) as pool:
        feeds = pool.submit(_feeds_share)  # first: the longest single task
        # The pages listing briefings come first in the plan (see plan_pages): one process
        # renders them all, so that each briefing's card is rendered once, not in each process.
        lists = sum(1 for page in work.plan.todo if page.own is None)
        per_task = parallelism.pages_per_task
        starts = [0, *range(lists, total, per_task)] if lists else range(0, total, per_task)
        stops = [*starts[1:], total]
        shares = [pool.submit(_pages_share, start, stop) for start, stop in zip(starts, stops, strict=True)]
        done = 0
        for future in as_completed(shares):
            paths, changed, fingerprints, found, fragments = future.result()
            work.spare.note(paths, changed)
            made.update(fingerprints)
            problems += found
            rendered.append(fragments)
            done += len(paths)
            if progress:
                progress("rendering pages", done, total)
        paths, changed, fed = feeds.result()
        work.spare.note(paths, changed)
    return fed, made, list({problem.render(): problem for problem in problems}.values()), rendered


def _feeds(work: _Work, spare: Spare) -> _Fed:
    from briefings.feeds import render_feed_files

    fed = render_feed_files(work.site, work.previous)
    for file in fed.files:
        spare.put(file.path, file.content)
    for path in fed.kept:
        spare.keep(path)
    return _Fed(len(fed.files) + len(fed.kept), fed.fingerprints)


def _pages_share(
    start: int, stop: int
) -> tuple[list[str], list[str], dict[str, str], list[Problem], MadeFragments]:
    """In a forked pool's process: some of the planned pages into the spare (see _pages_apart)."""
    return _pages_apart(inherited(_Work), start, stop)


def _pages_apart(
    work: _Work, start: int, stop: int, step: int = 1
) -> tuple[list[str], list[str], dict[str, str], list[Problem], MadeFragments]:
    """Some of the planned pages (see PagePlan.render) into the spare as another process puts
    them there; what was put there, the fingerprints of pages fingerprinted as they were
    rendered, and the cards and entries rendered."""
    mine = work.spare.another()
    made, problems = work.plan.render(start, stop, mine.put, step)
    return sorted(mine.paths), sorted(mine.changed), made, problems, work.plan.fragments_made()


def _feeds_share() -> tuple[list[str], list[str], _Fed]:
    """In a forked pool's process: the feeds into the spare, and what was put there."""
    return _feeds_apart(inherited(_Work))


def _feeds_apart(work: _Work) -> tuple[list[str], list[str], _Fed]:
    """The feeds into the spare as another process puts them there, and what was put there."""
    mine = work.spare.another()
    fed = _feeds(work, mine)
    return sorted(mine.paths), sorted(mine.changed), fed


def _checking_ledger(
    site: Site, record: _Record, *, publishing: bool, accept: bool, apart: bool
) -> AbstractContextManager[Callable[[], Checked]]:
    """The feed ledger's check (see ledger), made in a forked process (when `apart`: for a large
    site) while this one renders; only a build that publishes checks it (see build)."""
    if not publishing:
        return nullcontext(lambda: Checked([], None, None))
    last = record.ledger_checked()
    return forked(lambda: check_site(site, last, accept=accept), apart=apart)


def _inputs(config: SiteConfig, *, drafts: bool, future: bool, taken: Taken) -> FilesStamp:
    """A stamp of everything a build is made from: settings, options, content, templates, static;
    each file's metadata is kept in `taken`."""
    root = config.root
    folders = [root / BRIEFINGS_DIR, root / PAGES_DIR, root / "templates", root / "static", THEME]
    return files_stamp(folders, settings=repr((config, drafts, future)), taken=taken)


class _Record:
    """What the last build into an output folder was made from, and its files' fingerprints."""

    def __init__(self, root: Path, output: Path, inputs: FilesStamp) -> None:
        self.key, self.output, self.inputs, self.root = str(output.absolute()), output, inputs, root
        self.builds = self._others_kept(Cache(root, "builds", __version__))
        self.before: dict[str, Any] | None = self.builds.get(self.key)  # the last build's record

    @cached_property
    def pages(self) -> Cache:
        """The fingerprints, loaded only by a build that has something to do."""
        return self._others_kept(Cache(self.root, "pages", __version__))

    def _others_kept(self, table: Cache) -> Cache:
        """The table, with the records of the other output folders that still exist kept in it (a
        preview's, a staging build's): a table keeps what a build used, and a record goes with
        its folder."""
        for key in list(table.entries):
            if key != self.key and os.path.isdir(key):
                table.get(key)
        return table

    def unchanged(self, now: dt.datetime) -> BuildReport | None:
        """The last build's report, when nothing it was made from changed and nothing fell due."""
        last = self.builds.get(self.key)
        if not last or not isinstance(last["inputs"], FilesStamp) or now >= last["due"]:
            return None
        if not self.inputs.holds(last["inputs"]):
            return None
        if not (self.output / "index.html").is_file():
            return None
        report: BuildReport = replace(last["report"], changed=0)
        return report

    def fingerprints(self, linked: Collection[str]) -> dict[str, str]:
        """The fingerprints of the files a build may keep: those the live output folder still
        holds, and those the spare folder holds as the very files of the live one (`linked`: see
        `linked`), which the exchange puts back in place even if the live ones went."""
        known: Mapping[str, str] = self.pages.get(self.key) or {}
        live = str(self.output)
        shared = linked if spare_folder(self.output).is_dir() else ()
        return {
            path: key
            for path, key in known.items()
            if path in shared or os.path.isfile(os.path.join(live, path))
        }

    def _last(self, name: str) -> Any:
        """What the last build into the output recorded under `name`, or None."""
        last = self.builds.get(self.key)
        return last.get(name) if last else None

    def lists(self) -> Lists | None:
        """What the pages in the live output were made from (see plan_pages)."""
        lists = self._last("lists")
        return lists if isinstance(lists, Lists) else None

    def build(self) -> str | None:
        """The name of the last build into the output (see snapshot.new_build)."""
        build: str | None = self._last("build")
        return build

    def ledger_checked(self) -> str | None:
        """What the last build checked the feed ledger against and found holding (see ledger)."""
        checked: str | None = self._last("ledger")
        return checked

    def spare_holds(self) -> frozenset[str] | None:
        """What the spare folder beside the output holds: the files of the build before the last."""
        holds: frozenset[str] | None = self._last("spare")
        return holds

    def linked(self) -> frozenset[str]:
        """The files the spare and the live output share (the same inode): those the last build
        left unchanged, which it linked from the folder that is the spare now."""
        last = self.builds.get(self.key)
        if not last or last.get("spare") is None or last.get("changed") is None:
            return frozenset()
        linked: frozenset[str] = last["paths"] - last["changed"]
        return linked

    def forget_spare(self) -> None:
        """Before writing into the spare folder: a build that fails there leaves it unknown."""
        last = self.builds.get(self.key)
        if last and last.get("spare") is not None:
            self.builds.put(self.key, last | {"spare": None})
            self.builds.save()

    def forget(self) -> None:
        """For the output swap: a build killed during it must leave no record of the output that
        could be wrong. Those of other folders stay; when they cannot, all go."""
        for table in (self.builds, self.pages):
            if self.key in table.entries:
                table.put(self.key, None)  # saved as gone
                if not table.save():
                    table.forget()

    def keep(
        self,
        report: BuildReport,
        fingerprints: dict[str, str],
        lists: Lists | None,
        ledger: str | None,
        build: str,
        due: dt.datetime,
    ) -> None:
        last = self.before  # the build before: its files are the spare's now
        self.pages.put(self.key, fingerprints)
        self.pages.save()
        brief = replace(report, paths=frozenset(), changed_paths=frozenset())
        entry = {
            "inputs": self.inputs,
            "due": due,
            "report": brief,
            "paths": report.paths,
            "changed": report.changed_paths,
            "lists": lists,
            "ledger": ledger,
            "build": build,
        }
        self.builds.put(self.key, entry | {"spare": last.get("paths") if last else None})
        self.builds.save()
