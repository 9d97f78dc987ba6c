"""Stage 4, render: a Site → HTML pages, sitemap.xml and robots.txt through Jinja templates.

Templates come from the site's templates/ first, then the built-in theme, so a site overrides
any template by its file name. Autoescape is on and undefined names are errors; content is only
ever passed to templates as data, never compiled as a template itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import traceback
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from briefings import THEME
from briefings.cache import Cache
from briefings.contexts import FeedLink, SitePage, briefing_page, briefing_path, site_pages
from briefings.errors import Problem, TemplateError
from briefings.model import (
    MONTHS,
    Briefing,
    Edition,
    Month,
    OutputFile,
    Site,
    SourceOutlet,
    Stamp,
    Topic,
)
from briefings.reuse import Fingerprints, Lists, Rendered, files_digest, lists_digest

TEMPLATE_SUFFIXES = ("html", "xml", "txt")


def make_environment(site_templates: Path, compiled: Cache | None = None) -> jinja2.Environment:
    """The site's templates over the built-in theme; autoescaped, strict, deterministic. With
    `compiled` (a table of the build cache), compiled templates are kept for the next build."""
    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(site_templates), jinja2.FileSystemLoader(THEME / "templates")]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates cannot change during a build (the preview makes a new environment when one
        # does), so a compiled template is not checked against its file at every use.
        auto_reload=False,
        bytecode_cache=_CompiledTemplates(compiled) if compiled is not None else None,
    )
    env.filters["date"] = format_stamp
    env.filters["month_name"] = lambda number: MONTHS[number - 1]
    env.filters["absolute"] = _absolute
    return env


@jinja2.pass_context
def _absolute(context: jinja2.runtime.Context, path: str) -> str:
    """`{{ path | absolute }}`: what `absolute(path)` gives, for a loop over thousands of paths
    (the sitemap's): Jinja calls a filter straight, where it checks each call of a function."""
    absolute: Callable[[str], str] = context["absolute"]
    return absolute(path)


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates in the build cache, whose tables are signed: loading one runs its code.
    Jinja keys each by the template's name and checks it against the template's source."""

    def __init__(self, table: Cache) -> None:
        self.table = table

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.table.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.table.put(bucket.key, bucket.bytecode_to_string())


def format_stamp(stamp: Stamp) -> str:
    """`10 July 2025`, or `12 July 2025, 09:00 UTC+09:00` when the time is known."""
    moment = stamp.moment
    day = f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"
    if stamp.date_only:
        return day
    offset = moment.strftime("%z")
    zone = "UTC" if offset in ("+0000", "") else f"UTC{offset[:3]}:{offset[3:]}"
    return f"{day}, {moment:%H:%M} {zone}"


@dataclass(frozen=True, slots=True)
class PagePlan:
    """Which pages a build must render (`todo`: those about no one briefing, as lists are, first)
    and which it keeps as they are, with the pages' fingerprints; `render` renders a slice of
    `todo` into a sink, so processes can share the work.
    When the live output holds nothing to keep (a first build), the pages are fingerprinted as
    they are rendered instead of before, so that work is shared too."""

    renderer: _Renderer
    site_templates: Path
    todo: list[SitePage]
    kept: list[str]
    fingerprints: dict[str, str]
    fingerprinter: Fingerprints
    lists: Lists | None = None  # what the pages were made from

    def render(
        self, start: int, stop: int, put: Callable[[str, bytes], None], step: int = 1
    ) -> tuple[dict[str, str], list[Problem]]:
        """Render todo[start:stop:step], handing each page to `put`; the fingerprints of those
        not fingerprinted before, and the template problems met."""
        made: dict[str, str] = {}
        problems: dict[str, Problem] = {}
        for path, template, make_context, inputs, own, _ in self.todo[start:stop:step]:
            if path not in self.fingerprints:
                made[path] = self.fingerprinter.of(path, template, (inputs or make_context)(), own=own)
            try:
                put(path, self.renderer.render(template, path, make_context()).encode("utf-8"))
            except jinja2.TemplateError as error:
                problem = template_problem(error, self.site_templates)
                problems.setdefault(problem.render(), problem)
        return made, list(problems.values())

    @property
    def keeps_fragments(self) -> bool:
        """Whether cards and entries may be kept for later builds (see reuse_fragments), and
        this build renders pages that list briefings."""
        return (
            self.lists is not None
            and self.lists.listed is not None
            and any(page.own is None for page in self.todo)
        )

    def reuse_fragments(self, table: Cache) -> None:
        """Take the cards and list entries that earlier builds rendered and kept in `table` (see
        keep_fragments). One holds while its briefing's version and what every page shares are
        as they were, and while no template shows a listed briefing's text (the plan's `lists`
        are then known): so a briefing added, say, does not render again the cards of all the
        briefings on the home page's later pages, which all move."""
        assert self.lists is not None and self.lists.listed is not None
        if table.get(SHARED) != self.lists.shared:
            table.put(SHARED, self.lists.shared)
            return
        for name, fragments in self.renderer.fragments.items():
            for briefing in self.renderer.site.briefings:  # kept for later builds, if asked for or not
                table.get(f"{name}/{briefing.slug}")
            fragments.kept = table.entries  # taken when a page asks for one (see _Fragments)

    def fragments_made(self) -> MadeFragments:
        """The cards and entries rendered in this process since last asked."""
        made = {}
        for name, fragments in self.renderer.fragments.items():
            made[name], fragments.made = fragments.made, {}
        return made

    def keep_fragments(self, table: Cache, made: Iterable[MadeFragments]) -> int:
        """Keep in `table` the cards and entries rendered this build (see reuse_fragments); how many."""
        versions = self.renderer.site.versions
        kept = 0
        for found in made:
            for name, fragments in found.items():
                for slug, fragment in fragments.items():
                    table.put(f"{name}/{slug}", (versions[slug], fragment))
                kept += len(fragments)
        return kept


def plan_pages(
    site: Site,
    site_templates: Path,
    previous: Mapping[str, str],
    compiled: Cache | None = None,
    lists_before: Lists | None = None,
    edited: Collection[str] | None = None,
    moved: Collection[str] | None = None,
) -> PagePlan:
    """Every page's fingerprint; those that differ from `previous` (path → fingerprint of the live
    page) are to be rendered. `compiled` keeps the compiled templates (see make_environment).
    `lists_before` is the plan's `lists` in the build that made `previous`: when this build's is
    the same, the pages about no one briefing keep their fingerprints without being worked out.
    So do the pages of briefings not `edited`, and the pages about no one briefing that list none
    of them, when all pages share what they shared then and the site is the one that build made
    but for the `edited` briefings and what their pages show (see snapshot). When briefings were
    added or moved since (see reassemble), the pages about no one briefing whose lists may have
    changed are the paths in `moved`; those without lists are fingerprinted."""
    env = make_environment(site_templates, compiled)
    shared = repr(site.config) + repr(site.pages) + files_digest([site_templates, THEME / "templates"])
    listed_text = _lists_show_text(site_templates)
    fingerprints = Fingerprints(shared, listed_text=listed_text, versions=site.versions)
    shared_digest = hashlib.sha1(shared.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()
    lists = Lists(shared_digest, None)
    if not listed_text:  # else a briefing's text shows on other pages than its own
        lists = lists._replace(listed=lists_digest(site, shared_digest))
    same_lists = lists.listed is not None and lists == lists_before
    same_shared = (
        lists.listed is not None and lists_before is not None and lists.shared == lists_before.shared
    )
    only = edited if previous and same_shared else None  # the briefings that alone may have changed
    # The pages of the others are kept as the live output has them, without being made (path by slug).
    unmade: dict[str, str] = {}
    if only is not None:
        for briefing in site.briefings:
            if briefing.slug not in only and (path := briefing_path(briefing)) in previous:
                unmade[briefing.slug] = path
    pages = list(site_pages(site, (lambda briefing: briefing.slug not in unmade) if unmade else None))
    try:  # a template that does not compile fails the build before anything is written
        for name in sorted({page.template for page in pages}):
            env.get_template(name)
    except jinja2.TemplateError as error:
        raise TemplateError([template_problem(error, site_templates)]) from None
    if compiled is not None:  # the others too (partials), here rather than in each rendering process
        for name in env.list_templates(extensions=TEMPLATE_SUFFIXES):
            # One that does not compile (or is no text) is reported where a page uses it.
            with contextlib.suppress(jinja2.TemplateError, UnicodeError, OSError):
                env.get_template(name)
    plan = PagePlan(page_renderer(site, env, site_templates), site_templates, [], [], {}, fingerprints, lists)
    for path in unmade.values():
        plan.fingerprints[path] = previous[path]
        plan.kept.append(path)
    if not previous:  # nothing to keep: every page is rendered, and fingerprinted then
        plan.todo.extend(pages)
    else:
        for page in pages:
            if page.own is None:  # its lists are as they were, or it lists none that changed
                if moved is not None:  # briefings added or moved: which lists changed is known
                    settled = same_lists or (
                        only is not None and page.lists is not None and page.path not in moved
                    )
                else:
                    settled = same_lists or (only is not None and not _lists_any(page, only))
            else:
                settled = only is not None and page.own.slug not in only
            if not settled and moved is not None and page.path in moved:
                plan.todo.append(page)  # its lists changed: it is fingerprinted as it is rendered
                continue
            if settled and (known := previous.get(page.path)):
                plan.fingerprints[page.path] = known
                plan.kept.append(page.path)
                continue
            key = plan.fingerprints[page.path] = fingerprints.of(
                page.path, page.template, (page.inputs or page.context)(), own=page.own
            )
            if previous.get(page.path) == key:
                plan.kept.append(page.path)
            else:
                plan.todo.append(page)
    plan.todo.sort(key=lambda page: page.own is not None)  # pages about one briefing last
    return plan


def _lists_any(page: SitePage, slugs: Collection[str]) -> bool:
    """Whether a page about no one briefing shows one of the briefings named: told from the
    lists its context is made from, when it has them, without making the context."""
    if page.lists is None:
        return _shows_any((page.inputs or page.context)(), slugs)
    return any(briefing.slug in slugs for _, briefings in page.lists for briefing in briefings)


def _shows_any(value: Any, slugs: Collection[str]) -> bool:
    """Whether a page's context holds one of the briefings named, in any list or mapping; also,
    to be safe, when it holds a value of a kind not known to hold none."""
    kind = type(value)
    if kind is Briefing:
        return value.slug in slugs
    if kind in _HOLD_NONE:
        return False
    if kind is tuple or kind is list:  # mostly briefings, looked at without a call
        for item in value:
            if (item.slug in slugs) if type(item) is Briefing else _shows_any(item, slugs):
                return True
        return False
    if kind is dict:
        return any(_shows_any(key, slugs) or _shows_any(item, slugs) for key, item in value.items())
    return True


_HOLD_NONE = frozenset(
    {str, int, float, bool, type(None), dt.date, Topic, SourceOutlet, Month, Edition, FeedLink}
)


FRAGMENTS_TABLE = "fragments"  # the build cache's table of cards and entries
SHARED = "shared"  # its digest of what every page shares, as its fragments saw it


def render_pages(site: Site, site_templates: Path, previous: Mapping[str, str]) -> Rendered:
    """The pages whose fingerprint differs from `previous`, rendered in memory."""
    plan = plan_pages(site, site_templates, previous)
    files: list[OutputFile] = []
    made, problems = plan.render(
        0, len(plan.todo), lambda path, content: files.append(OutputFile(path, content))
    )
    if problems:
        raise TemplateError(problems)
    return Rendered(files, plan.kept, plan.fingerprints | made)


def render_some(
    site: Site, env: jinja2.Environment, site_templates: Path, wanted: Collection[str]
) -> dict[str, bytes]:
    """Just the pages at the output paths in `wanted` (those the site has), e.g. those open in a
    browser; the contexts of all other pages are never built."""
    renderer = page_renderer(site, env, site_templates)
    pages: list[SitePage] = []
    others = set(wanted)
    for path in wanted:  # a briefing's page is found by its slug, the others by going through all
        slug = path.removeprefix("briefings/").removesuffix("/index.html")
        if path == f"briefings/{slug}/index.html" and slug in renderer.briefings:
            pages.append(briefing_page(site, renderer.briefings[slug]))
            others.discard(path)
    if others:
        pages += [page for page in site_pages(site) if page.path in others]
    found: dict[str, bytes] = {}
    for path, template, make_context, *_ in pages:
        try:
            found[path] = renderer.render(template, path, make_context()).encode("utf-8")
        except jinja2.TemplateError as error:
            raise TemplateError([template_problem(error, site_templates)]) from None
    return found


def _lists_show_text(site_templates: Path) -> bool:
    """Whether one of the site's own templates could show the text of a briefing other than the
    one a briefing page is about (a card showing it, say): then every page listing a briefing
    depends on its text too. The built-in theme never does."""
    for template in (p for p in site_templates.rglob("*") if p.is_file()):
        source = template.read_text(encoding="utf-8", errors="replace").replace("page.body_html", "")
        if template.name == "briefing.html":
            source = source.replace("briefing.body_html", "")
        if "body_html" in source:
            return True
    return False


def page_renderer(site: Site, env: jinja2.Environment, site_templates: Path) -> _Renderer:
    try:
        return _Renderer(site, env)
    except jinja2.TemplateError as error:
        raise TemplateError([template_problem(error, site_templates)]) from None


def template_problem(error: jinja2.TemplateError, site_templates: Path) -> Problem:
    """Where in which template the error happened, as `templates/x.html:12: message`."""
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename:
        return Problem(f"template error: {error.message}", Path(error.filename), error.lineno)
    if isinstance(error, jinja2.TemplateNotFound):
        return Problem(f"template not found: {error.name}", site_templates)
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.endswith(tuple(f".{suffix}" for suffix in TEMPLATE_SUFFIXES))
    ]
    if frames:
        return Problem(f"template error: {error}", Path(frames[-1].filename), frames[-1].lineno)
    return Problem(f"template error: {error}", site_templates)


class _Renderer:
    def __init__(self, site: Site, env: jinja2.Environment) -> None:
        self.site = site
        self.env = env
        self.briefings = {b.slug: b for b in site.briefings}
        config = site.config
        self.common = {
            "site": config,
            "root": config.base_path,
            "nav_pages": site.pages,
            "absolute": config.absolute,
        }
        # A briefing appears in many lists (home, topics, source, month, related): its list entries
        # are rendered once here, from partials/card.html and partials/entry.html, and reused.
        self.fragments = {name: _Fragments(self, name, kind) for name, kind in FRAGMENTS.items()}
        self.common.update(self.fragments)
        self.site_feeds = (
            FeedLink(f"{config.title} (RSS)", f"{config.base_path}rss.xml", "application/rss+xml"),
            FeedLink(f"{config.title} (Atom)", f"{config.base_path}atom.xml", "application/atom+xml"),
            FeedLink(f"{config.title} (JSON Feed)", f"{config.base_path}feed.json", "application/feed+json"),
        )

    def render(self, template: str, path: str, context: Mapping[str, Any]) -> str:
        url = self.site.config.base_path + path.removesuffix("index.html")
        values = {**self.common, "page_url": url, "feeds": self.site_feeds, "page_feeds": (), **context}
        return self.env.get_template(template).render(values)


FRAGMENTS = {"cards": "card", "entries": "entry"}  # name in templates → partials/<kind>.html
MadeFragments = dict[str, dict[str, str]]  # name → slug → a briefing's card or entry, as rendered


class _Fragments(dict[str, markupsafe.Markup]):
    """A briefing's list entry by slug, rendered the first time a page asks for it."""

    def __init__(self, renderer: _Renderer, name: str, kind: str) -> None:
        super().__init__()
        self.renderer = renderer
        self.name = name
        self.template = renderer.env.get_template(f"partials/{kind}.html")
        self.made: dict[str, str] = {}  # slug → fragment, those rendered since last taken
        self.kept: Mapping[str, tuple[str, str]] = {}  # "name/slug" → version and fragment, kept before

    def __missing__(self, slug: str) -> markupsafe.Markup:
        kept = self.kept.get(f"{self.name}/{slug}")
        if kept is not None and kept[0] == self.renderer.site.versions[slug]:  # its briefing as it was
            fragment = self[slug] = markupsafe.Markup(kept[1])
            return fragment
        context = {**self.renderer.common, "briefing": self.renderer.briefings[slug]}
        fragment = self[slug] = markupsafe.Markup(self.template.render(context).strip())
        self.made[slug] = str(fragment)
        return fragment
