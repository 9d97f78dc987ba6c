"""Import, writing: found articles → briefing files in content/briefings/, the one writer every
importer shares.

A briefing is written, not copied: its summary is one sentence of the article, its body the key
points (sentences of the article, see keypoints), up to two attributed quotes and a link to the
original. The whole text is written only when the curator asks for it (`full_text`, for sources
whose licence allows republishing), and then the original is recorded as `canonical:`. The
briefing's `date:` is when it was captured; the source's `published:` is when the original
appeared, and only when the source says.

An article already in the site (same source url, or same title and source) is not written
again; its related links are merged in. Every file the importer writes records `imported:`, the
SHA-256 of its text without that line, so a file a curator has edited since is recognised and
never overwritten. Files are written atomically (a temp file beside them, then os.replace), and
only into content/briefings/.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from briefings.assemble import RESERVED
from briefings.content import BRIEFINGS_DIR
from briefings.importers.article import Article, Found
from briefings.importers.existing import IMPORTED, Existing, article_keys, content_hash, read_existing
from briefings.importers.keypoints import KeyPoints, key_points
from briefings.importers.sentences import language_of
from briefings.importers.text import escape_text
from briefings.model import SiteConfig, Source, Stamp
from briefings.slugs import address_length, slug_problem, slugify
from briefings.topics import TopicMatcher

# A new briefing's slug in its address, percent-encoded: 80 Latin letters, or 8 Chinese, Japanese or
# Korean ones (9 characters each), rather than a title's worth of %XX.
MAX_SLUG_ADDRESS = 80
_PLAIN = re.compile(r"[^\W_][\w .&'()/-]*[\w.)]|[^\W_]")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one article: `new`, `updated`, `unchanged` or `skipped`, and why."""

    status: str
    path: Path
    title: str
    reason: str = ""
    notes: tuple[str, ...] = ()  # what the source did not say ("no author"), for the curator


@dataclass(slots=True, eq=False)
class _Plan:
    """One article's file as it will be: where, under which slug, related to what."""

    article: Article
    captured: Stamp
    slug: str
    path: Path
    existing: Existing | None
    related: list[str] = field(default_factory=list)


def write_briefings(
    config: SiteConfig, found: Sequence[Found], *, draft: bool = False, full_text: bool = False
) -> tuple[Outcome, ...]:
    """Write every article found into the site; one Outcome per distinct article, in the order found."""
    folder = config.root / BRIEFINGS_DIR
    existing = read_existing(folder)
    plans = _plan(folder, existing, found)
    matcher = TopicMatcher.compile(config.topics)
    # An article found twice in one import is one plan: applied once, reported once.
    unique = list(dict.fromkeys(plans))
    return tuple(_apply(folder, plan, matcher, draft, full_text) for plan in unique)


def _plan(folder: Path, existing: list[Existing], found: Sequence[Found]) -> list[_Plan]:
    """A plan per article found (the same plan twice for an article found twice), related linked."""
    taken = {e.slug.casefold() for e in existing} | set(RESERVED)
    by_key: dict[str, _Plan] = {}
    plans: list[_Plan] = []
    for source in found:
        group = []
        for article in source.articles:
            plan = next((by_key[k] for k in article_keys(article) if k in by_key), None)
            if plan is None:
                plan = _new_plan(folder, article, source.captured, existing, taken)
                by_key.update(dict.fromkeys(article_keys(article), plan))
            group.append(plan)
        if source.related:
            _link(group)
        plans.extend(group)
    return plans


def _new_plan(
    folder: Path, article: Article, captured: Stamp, existing: list[Existing], taken: set[str]
) -> _Plan:
    keys = set(article_keys(article))
    match = next((e for e in existing if keys & set(e.keys)), None)
    if match is not None:
        return _Plan(article, captured, match.slug, match.path, match, list(match.related))
    slug = _unique_slug(folder, article, captured, taken)
    taken.add(slug.casefold())
    return _Plan(article, captured, slug, folder / _file_name(captured, slug), None)


def _link(group: list[_Plan]) -> None:
    for plan in group:
        for other in group:
            if other is not plan and other.slug not in plan.related and other.slug != plan.slug:
                plan.related.append(other.slug)


def _unique_slug(folder: Path, article: Article, captured: Stamp, taken: set[str]) -> str:
    base = _readable_slug(article.title) or _readable_slug(article.source.name) or "briefing"
    if slug_problem(base):
        base = "briefing"
    slug, number = base, 1
    while slug.casefold() in taken or (folder / _file_name(captured, slug)).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _readable_slug(text: str) -> str:
    """The title's slug, short enough to read in an address: at most MAX_SLUG_ADDRESS characters
    once percent-encoded. It is cut at a word break in its second half, else between two
    characters (whole ones: slugify keeps no combining marks)."""
    slug = slugify(text)
    if address_length(slug) <= MAX_SLUG_ADDRESS:
        return slug
    end, used = 0, 0
    while (used := used + address_length(slug[end])) <= MAX_SLUG_ADDRESS:
        end += 1
    cut = slug[:end]
    return cut[: cut.rfind("-")] if cut.rfind("-") > len(cut) // 2 else cut.rstrip("-_")


def _file_name(date: Stamp, slug: str) -> str:
    return f"{date.moment.date().isoformat()}-{slug}.md"


def _apply(folder: Path, plan: _Plan, matcher: TopicMatcher, draft: bool, full_text: bool) -> Outcome:
    title, notes = plan.article.title, plan.article.notes
    if plan.existing is None:
        _write(folder, plan.path, render_briefing(plan, matcher, draft, full_text))
        return Outcome("new", plan.path, title, notes=notes)
    existing = plan.existing
    added = [slug for slug in plan.related if slug not in existing.related]
    if not added:
        return Outcome("unchanged", plan.path, existing.title or title, _edited_note(existing), notes)
    if existing.imported is None or existing.edited:
        why = "written by hand" if existing.imported is None else "edited since it was imported"
        reason = f"{why}, so not changed; it would gain related: {', '.join(added)}"
        return Outcome("skipped", plan.path, existing.title or title, reason, notes)
    _write(folder, plan.path, with_related(existing.text, plan.related))
    return Outcome("updated", plan.path, existing.title or title, "related: +" + ", +".join(added), notes)


def _edited_note(existing: Existing) -> str:
    if existing.imported is None:
        return "already in the site"
    return "edited since it was imported; kept as is" if existing.edited else ""


def render_briefing(plan: _Plan, matcher: TopicMatcher, draft: bool, full_text: bool = False) -> str:
    """The text of a new briefing file, `imported:` hash included."""
    article = plan.article
    chosen = key_points(article.text, article.lang)
    lines = ["---", f"title: {quoted(article.title)}", f"date: {plan.captured.iso}", "sources:"]
    lines += _source_lines(article.source)
    if article.via:
        lines.append(f"via: {scalar(article.via)}")
    lines.append(f"captured: {plan.captured.iso}")
    topics = matcher.match(article.title + "\n" + article.text)
    if topics:
        lines.append(f"topics: [{', '.join(scalar(t) for t in topics)}]")
    if plan.related:
        lines.append(_related_line(plan.related))
    # One sentence of the article; an article too short to spare one (under the 40 % cap) is
    # summed up by its first point, or by its title.
    lines.append(f"summary: {quoted(chosen.summary or next(iter(chosen.points), article.title))}")
    if full_text and article.source.url:
        lines.append(f"canonical: {quoted(article.source.url)}")
    if draft:
        lines.append("draft: true")
    language = language_of(article.text, article.lang)
    body = article.text.strip() if full_text else briefing_body(chosen, article.source, language)
    lines += ["---", "", body, ""]
    return with_hash("\n".join(lines))


def briefing_body(chosen: KeyPoints, source: Source, language: str) -> str:
    """The key points as a list, then the quotes with their speakers, then the way to the original."""
    blocks = []
    if chosen.points:
        blocks.append("\n".join(f"- {escape_text(point)}" for point in chosen.points))
    opening, closing = ("「", "」") if language == "ja" else ("\u201c", "\u201d")
    for quote in chosen.quotes:
        blocks.append("> " + escape_text(f"{opening}{quote.text}{closing} \u2014 {quote.speaker}"))
    if source.url:
        blocks.append(f"[Read the full article at {escape_text(source.name)}]({_link_target(source.url)})")
    return "\n\n".join(blocks)


def _link_target(url: str) -> str:
    """A URL as a Markdown link's target: what would end the target early is percent-encoded."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _source_lines(source: Source) -> list[str]:
    lines = [f"  - name: {scalar(source.name)}"]
    if source.url:
        lines.append(f"    url: {quoted(source.url)}")
    if source.author:
        lines.append(f"    author: {scalar(source.author)}")
    if source.published:
        lines.append(f"    published: {source.published.iso}")
    return lines


def _related_line(slugs: Sequence[str]) -> str:
    return f"related: [{', '.join(scalar(s) for s in slugs)}]"


def quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar on one line: any character round-trips exactly."""
    dumped: str = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=2**31 - 1)
    return dumped.rstrip("\n").removesuffix("\n...")


def scalar(text: str) -> str:
    """`text` plain when YAML reads it back as the same text, else double-quoted."""
    plain = _PLAIN.fullmatch(text) and ": " not in text and " #" not in text
    return text if plain and yaml.safe_load(text) == text else quoted(text)


def with_hash(text: str) -> str:
    """The text with its `imported:` line (re)written as the last front-matter key."""
    text = IMPORTED.sub("", text, count=1)
    head, _, body = text.partition("\n---\n")
    return f"{head}\nimported: {content_hash(text)}\n---\n{body}"


def with_related(text: str, related: Sequence[str]) -> str:
    """An unedited imported file with its `related:` line set to `related`."""
    text = IMPORTED.sub("", text, count=1)
    head, _, body = text.partition("\n---\n")
    kept = [line for line in head.split("\n") if not line.startswith("related:")]
    return with_hash("\n".join([*kept, _related_line(related)]) + "\n---\n" + body)


def _write(folder: Path, path: Path, text: str) -> None:
    """Write atomically, refusing any path that is not directly inside content/briefings/."""
    folder.mkdir(parents=True, exist_ok=True)
    if path.parent.resolve() != folder.resolve() or path.suffix != ".md" or path.name.startswith("."):
        raise ValueError(f"refusing to write outside {folder}: {path}")
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".import-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
