"""Random runs of edits: after each edit, a build that reuses what the last build left gives the
bytes of a clean build of the same site, file for file, and the same feed ledger.

A small site (briefings with topics, related briefings, wiki links, several sources, drafts,
briefings dated later, a free page, site.toml with topic rules and related settings, lists long
enough to paginate) is kept as a model, and edited at random: what a curator does (texts, titles,
dates, topics, sources, links, briefings added, deleted and renamed, drafts toggled), what a site
designer does (templates overridden, changed and removed, a stylesheet), what a site's owner does
(site.toml), and time passing. Now and then an edit breaks the site: that build must fail and
leave the output folder as it was, and the repair is built next. Each seed gives the same run, so
a failure names its seed and its edits, and can be replayed.

The site is small (some 16 briefings, 60-odd pages), so what a build does only for large sites is
not done here: converting in forked processes, rendering pages in a pool, making the feeds, the
ledger check and every other page in processes of their own (the sizes in parallel.Parallelism),
saving cards from a forked process (pipeline.FRAGMENTS_AT_ONCE), scoring related lists in two
processes (score_related's parallel_from),
converting and assembling anew for more than snapshot.MOST_EDITS edited files, and saving a cache
table whole after a large change rather than its changes alone (cache.DELTA_LEAST). test_incremental
takes the parallel ways on a small site.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json
import random
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pytest
from conftest import MakeSite, briefing, files_look_old, snapshot

from briefings import THEME
from briefings.cache import CACHE_DIR
from briefings.errors import BriefingsError
from briefings.ledger import LEDGER_NAME
from briefings.pipeline import build
from briefings.preview import PreviewBuilder

# The builds' "now", as time passes in a run, and dates a briefing waits for.
NOWS = [dt.datetime(2025, 9, 1, tzinfo=dt.UTC), dt.datetime(2025, 10, 10, tzinfo=dt.UTC)]
LATER = ["2025-10-02", "2025-11-15", "2099-01-05"]

WORDS = {
    "trade": ["tariffs", "exports", "soybeans", "quotas", "customs", "shipping", "semiconductors"],
    "security": ["missile", "drills", "destroyer", "border", "espionage", "radar", "submarine"],
    "diplomacy": ["summit", "envoy", "talks", "treaty", "ministers", "sanctions", "communique"],
    "energy": ["reactor", "pipeline", "grid", "solar", "tanker", "uranium", "turbines"],
}
PLACES = ["Tokyo", "Seoul", "Manila", "Taipei", "Hanoi", "Jakarta"]
TOPICS = ["China", "North Korea", "Russia", "Japan", "Trade", "Energy", "Defence", "Diplomacy"]
RULE_WORDS = {"Beijing": "China", "Pyongyang": "North Korea", "Kremlin": "Russia", "DPRK": "North Korea"}
OUTLETS = ["Japan Times", "Kyodo", "Yonhap", "NHK World", "Reuters", "Nikkei Asia"]
PEOPLE = [None, "Staff Writer", "Mari Ito", "Kim Ji-won", "AP"]
VIAS = [None, None, "Daily8", "NewsNow"]
DAYS = [
    "2025-06-27",
    "2025-06-30",
    "2025-07-01",
    "2025-07-01T23:30:00-05:00",  # the next day in Tokyo
    "2025-07-03",
    "2025-07-08",
    "2025-07-08T21:30:00+09:00",
    "2025-07-08 10:00",  # a time in the site's timezone
    "2025-08-02",
    "2025-08-02T06:15:00+09:00",
    "2025-08-04",
]
CAPTURED = [None, None, "2025-07-09T08:00:00+09:00", "2025-08-02"]
PUBLISHED = [None, "2025-06-20", "2025-06-29", "2025-07-07T06:30:00+09:00", "2025-08-01"]


def sentence(rng: random.Random, subject: str) -> str:
    words = rng.sample(WORDS[subject], 3)
    where = rng.choice(PLACES)
    verb = rng.choice(["reported", "discussed", "announced", "questioned", "weighed"])
    return f"Officials in {where} {verb} {words[0]} and {words[1]}, citing {words[2]}."


@dataclass
class Source:
    name: str
    url: str | None = None
    author: str | None = None
    published: str | None = None


@dataclass
class Spec:
    """One briefing file, as the model of the site holds it."""

    file: str  # its name in content/briefings/
    slug: str
    title: str
    date: str
    subject: str
    sources: list[Source]
    lead: str
    points: list[str]
    end: str
    topics: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    links: list[tuple[str, str | None]] = field(default_factory=list)  # [[slug]] or [[slug|label]]
    lead_link: str | None = None  # a [[slug]] in the first paragraph, which makes the summary
    mentions: list[str] = field(default_factory=list)  # sentences past the opening
    via: str | None = None
    captured: str | None = None
    summary: str | None = None
    draft: bool = False
    slug_field: bool = False  # its slug given by `slug:`, not by its file name

    def text(self) -> str:
        lines = ["---", f"title: {json.dumps(self.title)}"]
        if self.slug_field:
            lines.append(f"slug: {self.slug}")
        lines += [f"date: {self.date}", "sources:"]
        for source in self.sources:
            lines.append(f"  - name: {json.dumps(source.name)}")
            for key in ("url", "author", "published"):
                value = getattr(source, key)
                if value is not None:
                    lines.append(f"    {key}: {json.dumps(value) if key != 'published' else value}")
        if self.via:
            lines.append(f"via: {json.dumps(self.via)}")
        if self.captured:
            lines.append(f"captured: {self.captured}")
        if self.topics:
            lines.append(f"topics: {json.dumps(self.topics)}")
        if self.related:
            lines.append(f"related: [{', '.join(self.related)}]")
        if self.summary is not None:
            lines.append(f"summary: {json.dumps(self.summary)}")
        if self.draft:
            lines.append("draft: true")
        lead = f"{self.lead} Compare [[{self.lead_link}]]." if self.lead_link else self.lead
        lines += ["---", "", lead, ""]
        lines += [f"- {point}" for point in self.points] + [""]
        if self.links:
            named = [f"[[{slug}|{label}]]" if label else f"[[{slug}]]" for slug, label in self.links]
            lines += ["See also " + ", ".join(named) + ".", ""]
        lines += [*(f"{mention}\n" for mention in self.mentions), self.end, ""]
        return "\n".join(lines)


TEMPLATE_CHANGES = {  # a built-in template and a change to it (what it replaces, what with)
    "card": ("partials/card.html", '<article class="item">', '<article class="item"><p>Noted</p>'),
    "card with text": (
        "partials/card.html",
        "</article>",
        '<div class="excerpt">{{ briefing.body_html|safe }}</div>\n</article>',
    ),
    "entry": ("partials/entry.html", "</span>", "</span> <em>noted</em>"),
    "macros": ("partials/macros.html", "<time datetime", '<time class="when" datetime'),
    "briefing": ("briefing.html", "<h2>Sources</h2>", "<h2>Sources cited</h2>"),
    "briefing with next text": (
        "briefing.html",
        "{% if previous or next %}",
        '{% if next %}<div class="next">{{ next.body_html|safe }}</div>{% endif %}\n'
        "{% if previous or next %}",
    ),
    "topic": ("topic.html", "<h1>{{ topic.name }}</h1>", "<h1>Topic: {{ topic.name }}</h1>"),
    "edition": ("edition.html", "Other news", "Elsewhere"),
    "footer": ("partials/footer.html", '<div class="wrap">', '<div class="wrap">\n<p>Edited by hand</p>'),
}


def overridden(change: str) -> tuple[str, str]:
    """A template of the site's own: a copy of a built-in one with a change; (name, text)."""
    name, old, new = TEMPLATE_CHANGES[change]
    text = (THEME / "templates" / name).read_text(encoding="utf-8")
    assert old in text, (name, old)
    return name, text.replace(old, new, 1)


@dataclass
class Model:
    """The site as files: briefings by slug, the free page, site.toml's settings, the site's own
    templates and stylesheet."""

    briefings: dict[str, Spec]
    page_title: str = "About"
    page_links: list[str] = field(default_factory=list)
    page_words: str = "We brief the news of the region."
    title: str = "Sequence Briefings"
    page_size: int = 4
    feed_size: int = 5
    timezone: str = "Asia/Tokyo"
    rules: dict[str, list[str]] = field(
        default_factory=lambda: {"China": ["Beijing"], "North Korea": ["Pyongyang"], "Russia": ["Kremlin"]}
    )
    related_count: int = 3
    templates: dict[str, str] = field(default_factory=dict)
    style: str | None = None
    method_page: bool = False
    now: dt.datetime = NOWS[0]
    added: int = 0  # briefings added so far, for new slugs

    def files(self) -> dict[str, str]:
        found = {f"content/briefings/{spec.file}": spec.text() for spec in self.briefings.values()}
        links = "".join(f" See [[{slug}]]." for slug in self.page_links)
        found["content/pages/about.md"] = (
            f"---\ntitle: {json.dumps(self.page_title)}\n---\n\n{self.page_words}{links}\n"
        )
        rules = "".join(
            f"{json.dumps(name)} = {json.dumps(aliases)}\n" for name, aliases in self.rules.items()
        )
        found["site.toml"] = (
            f"title = {json.dumps(self.title)}\n"
            'description = "Briefings for a run of edits"\n'
            'base_url = "https://example.org/"\n'
            'language = "en"\nauthor = "Test Desk"\n'
            f'timezone = "{self.timezone}"\nfeed_size = {self.feed_size}\npage_size = {self.page_size}\n\n'
            f"[topics]\n{rules}\n[related]\ncount = {self.related_count}\n"
        )
        found |= {f"templates/{name}": text for name, text in self.templates.items()}
        if self.style is not None:
            found["static/extra.css"] = self.style
        if self.method_page:
            found["content/pages/method.md"] = "---\ntitle: Method\n---\n\nHow we choose stories.\n"
        return found

    def shown(self, spec: Spec) -> bool:
        """Whether a build shows the briefing: no draft, and not dated after the build's now."""
        return not spec.draft and dt.date.fromisoformat(spec.date[:10]) < self.now.date()

    def referrers(self, slug: str) -> list[str]:
        """The briefings whose related briefings or wiki links name `slug` (and "page" for the page)."""
        found = [
            s.slug
            for s in self.briefings.values()
            if slug in s.related or slug == s.lead_link or any(target == slug for target, _ in s.links)
        ]
        return found + (["page"] if slug in self.page_links else [])

    def forget(self, slug: str) -> list[str]:
        """Every reference to `slug` taken out; the briefings (or the page) that had one."""
        fixed = self.referrers(slug)
        for spec in self.briefings.values():
            spec.related = [r for r in spec.related if r != slug]
            spec.links = [link for link in spec.links if link[0] != slug]
            spec.lead_link = None if spec.lead_link == slug else spec.lead_link
        self.page_links = [s for s in self.page_links if s != slug]
        return fixed


def write(root: Path, model: Model) -> None:
    """The site folder made to hold exactly the model's files: changed ones written, others
    left alone (their times too), those the model lacks deleted."""
    wanted = model.files()
    for folder in ("content", "templates", "static"):
        for path in sorted((root / folder).rglob("*")) if (root / folder).is_dir() else ():
            if path.is_file() and path.relative_to(root).as_posix() not in wanted:
                path.unlink()
    for name, text in wanted.items():
        path = root / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


def new_spec(rng: random.Random, slug: str, date: str, others: list[str]) -> Spec:
    subject = rng.choice(sorted(WORDS))
    sources = [
        Source(
            rng.choice(OUTLETS),
            rng.choice([None, f"https://news.example.com/{slug}"]),
            rng.choice(PEOPLE),
            rng.choice(PUBLISHED),
        )
        for _ in range(rng.choice([1, 1, 2]))
    ]
    day = date[:10]
    return Spec(
        file=f"{day}-{slug}.md" if rng.random() < 0.8 else f"{slug}.md",
        slug=slug,
        title=f"{rng.choice(PLACES)} {rng.choice(WORDS[subject])} {rng.choice(WORDS[subject])} ({slug})",
        date=date,
        subject=subject,
        sources=sources,
        lead=sentence(rng, subject),
        points=[sentence(rng, subject) for _ in range(rng.randint(1, 3))],
        end=f"[Read the original](https://news.example.com/{slug})",
        topics=rng.sample(TOPICS, rng.randint(0, 2)),
        related=rng.sample(others, min(len(others), rng.choice([0, 0, 1, 2]))),
        links=[
            (target, rng.choice([None, "the earlier story"]))
            for target in rng.sample(others, min(len(others), rng.choice([0, 1, 1, 2])))
        ],
        via=rng.choice(VIAS),
        captured=rng.choice(CAPTURED),
        summary=rng.choice([None, None, f"A summary of {slug}."]),
    )


def first_site(rng: random.Random) -> Model:
    specs: dict[str, Spec] = {}
    for number in range(1, 17):
        slug = f"b{number:02d}"
        specs[slug] = new_spec(rng, slug, rng.choice(DAYS), sorted(specs))
    specs["b03"].draft = True
    specs["b05"].date = LATER[0]  # scheduled: left out until it is due
    return Model(specs, page_links=["b01"])


# The edits. Each changes the model and says what it did; None when it does not apply.
Edit = Callable[[random.Random, Model], str | None]


def _pick(rng: random.Random, model: Model) -> Spec:
    return model.briefings[rng.choice(sorted(model.briefings))]


def edit_end(rng: random.Random, model: Model) -> str:
    spec = _pick(rng, model)
    spec.end = f"Closing note {rng.randint(1, 999)}: {sentence(rng, spec.subject)}"
    return f"{spec.slug}: last paragraph"


def edit_lead(rng: random.Random, model: Model) -> str:
    spec = _pick(rng, model)
    spec.subject = rng.choice(sorted(WORDS))
    spec.lead = sentence(rng, spec.subject)
    if rng.random() < 0.3:  # a link in it, or none
        others = [s for s in sorted(model.briefings) if s != spec.slug]
        spec.lead_link = rng.choice([None, *others]) if spec.lead_link is None else None
        return f"{spec.slug}: first paragraph (about {spec.subject}, linking {spec.lead_link})"
    return f"{spec.slug}: first paragraph (about {spec.subject})"


def edit_points(rng: random.Random, model: Model) -> str:
    spec = _pick(rng, model)
    if len(spec.points) > 1 and rng.random() < 0.4:
        spec.points.pop(rng.randrange(len(spec.points)))
        return f"{spec.slug}: a key point taken out"
    spec.points.append(sentence(rng, spec.subject))
    return f"{spec.slug}: a key point added"


def edit_mention(rng: random.Random, model: Model) -> str:
    """A sentence naming a topic (its own, or one a rule of site.toml finds) past the opening."""
    spec = _pick(rng, model)
    if spec.mentions and rng.random() < 0.4:
        spec.mentions.pop()
        return f"{spec.slug}: a sentence naming a topic taken out"
    named = rng.choice([*spec.topics, *RULE_WORDS]) if spec.topics else rng.choice(sorted(RULE_WORDS))
    spec.mentions.append(f"Later on, {named} came up again ({rng.randint(1, 99)}).")
    return f"{spec.slug}: a sentence naming {named}"


def edit_link(rng: random.Random, model: Model) -> str | None:
    spec = _pick(rng, model)
    if spec.links and rng.random() < 0.4:
        gone = spec.links.pop(rng.randrange(len(spec.links)))
        return f"{spec.slug}: link to {gone[0]} taken out"
    targets = [s for s in sorted(model.briefings) if s != spec.slug and s not in {t for t, _ in spec.links}]
    if not targets:
        return None
    target = rng.choice(targets)
    spec.links.append((target, rng.choice([None, f"what {target} said"])))
    return f"{spec.slug}: link to {target} added"


def edit_title(rng: random.Random, model: Model) -> str:
    spec = _pick(rng, model)
    spec.title = (
        f"{rng.choice(PLACES)} {rng.choice(WORDS[spec.subject])} update {rng.randint(1, 99)} ({spec.slug})"
    )
    return f"{spec.slug}: title {spec.title!r}"


def edit_topics(rng: random.Random, model: Model) -> str:
    spec = _pick(rng, model)
    choice = rng.random()
    if spec.topics and choice < 0.3:
        gone = spec.topics.pop(rng.randrange(len(spec.topics)))
        return f"{spec.slug}: topic {gone} taken out"
    if spec.topics and choice < 0.45:  # another spelling of the same topic
        at = rng.randrange(len(spec.topics))
        name = spec.topics[at]
        spec.topics[at] = name.lower() if name != name.lower() else name.title()
        return f"{spec.slug}: topic {name} spelled {spec.topics[at]}"
    new = rng.choice([t for t in [*TOPICS, "Fisheries", "Space"] if t not in spec.topics])
    spec.topics.insert(rng.randint(0, len(spec.topics)), new)
    return f"{spec.slug}: topic {new} added"


def edit_date(rng: random.Random, model: Model) -> str:
    spec = _pick(rng, model)
    spec.date = rng.choice([d for d in [*DAYS, *LATER] if d != spec.date])
    return f"{spec.slug}: date {spec.date}"


def edit_related(rng: random.Random, model: Model) -> str | None:
    spec = _pick(rng, model)
    if spec.related and rng.random() < 0.4:
        gone = spec.related.pop(rng.randrange(len(spec.related)))
        return f"{spec.slug}: related {gone} taken out"
    targets = [s for s in sorted(model.briefings) if s != spec.slug and s not in spec.related]
    if not targets:
        return None
    target = rng.choice(targets)
    spec.related.insert(rng.randint(0, len(spec.related)), target)
    return f"{spec.slug}: related {target} added"


def edit_source(rng: random.Random, model: Model) -> str:
    spec = _pick(rng, model)
    source = rng.choice(spec.sources)
    what = rng.choice(["published", "author", "url", "name", "another"])
    if what == "published":
        source.published = rng.choice([p for p in PUBLISHED if p != source.published])
    elif what == "author":
        source.author = rng.choice([p for p in PEOPLE if p != source.author])
    elif what == "url":
        source.url = None if source.url else f"https://other.example.com/{spec.slug}/{rng.randint(1, 99)}"
    elif what == "name":  # another outlet, or another spelling of one
        source.name = rng.choice([*(o for o in OUTLETS if o != source.name), source.name.upper()])
    elif len(spec.sources) > 1:
        spec.sources.remove(source)
        return f"{spec.slug}: source {source.name} taken out"
    else:
        spec.sources.append(Source(rng.choice(OUTLETS), published=rng.choice(PUBLISHED)))
        return f"{spec.slug}: source {spec.sources[-1].name} added"
    return f"{spec.slug}: a source's {what} changed"


def edit_via(rng: random.Random, model: Model) -> str:
    spec = _pick(rng, model)
    if rng.random() < 0.3:
        spec.captured = rng.choice([c for c in CAPTURED if c != spec.captured])
        return f"{spec.slug}: captured {spec.captured}"
    spec.via = rng.choice([v for v in VIAS if v != spec.via])
    return f"{spec.slug}: via {spec.via}"


def edit_time(rng: random.Random, model: Model) -> str | None:
    """Time passes: briefings dated after the last build's now come due."""
    if model.now == NOWS[-1]:
        return None
    model.now = NOWS[NOWS.index(model.now) + 1]
    return f"now {model.now.date()}"


def edit_summary(rng: random.Random, model: Model) -> str:
    spec = _pick(rng, model)
    spec.summary = None if spec.summary and rng.random() < 0.4 else f"In short: {sentence(rng, spec.subject)}"
    return f"{spec.slug}: summary {'taken out' if spec.summary is None else 'changed'}"


def edit_add(rng: random.Random, model: Model) -> str:
    model.added += 1
    slug = f"n{model.added:02d}"
    spec = new_spec(rng, slug, rng.choice([*DAYS, *LATER]), sorted(model.briefings))
    spec.draft = rng.random() < 0.15
    model.briefings[slug] = spec
    said = f"{slug} added ({spec.date}{', a draft' if spec.draft else ''})"
    if rng.random() < 0.4:
        other = _pick(rng, model)
        if other.slug != slug:
            other.links.append((slug, None))
            said += f", linked from {other.slug}"
    return said


def edit_delete(rng: random.Random, model: Model) -> str | None:
    if len(model.briefings) < 8:
        return None
    spec = _pick(rng, model)
    if model.referrers(spec.slug) and rng.random() < 0.5:
        free = [s for s in sorted(model.briefings) if not model.referrers(s)]
        if not free:
            return None
        spec = model.briefings[rng.choice(free)]
    del model.briefings[spec.slug]
    fixed = model.forget(spec.slug)
    return f"{spec.slug} deleted" + (f" (references taken out of {', '.join(fixed)})" if fixed else "")


def edit_rename(rng: random.Random, model: Model) -> str:
    """A new slug, by the file's name or by `slug:`; every reference follows it."""
    spec = _pick(rng, model)
    model.added += 1
    old, new = spec.slug, f"r{model.added:02d}"
    for other in model.briefings.values():
        other.related = [new if r == old else r for r in other.related]
        other.links = [(new if t == old else t, label) for t, label in other.links]
        other.lead_link = new if other.lead_link == old else other.lead_link
    model.page_links = [new if s == old else s for s in model.page_links]
    del model.briefings[old]
    spec.slug = new
    if rng.random() < 0.5:
        spec.slug_field = True
        how = "by slug:"
    else:
        spec.slug_field = False
        spec.file = f"{spec.date[:10]}-{new}.md"
        how = "by its file name"
    model.briefings[new] = spec
    return f"{old} renamed {new} ({how})"


def edit_draft(rng: random.Random, model: Model) -> str:
    spec = _pick(rng, model)
    spec.draft = not spec.draft
    return f"{spec.slug}: {'made a draft' if spec.draft else 'no longer a draft'}"


def edit_template(rng: random.Random, model: Model) -> str:
    if model.templates and rng.random() < 0.45:
        name = rng.choice(sorted(model.templates))
        del model.templates[name]
        return f"templates/{name} removed"
    change = rng.choice(sorted(TEMPLATE_CHANGES))
    name, text = overridden(change)
    model.templates[name] = text
    return f"templates/{name} overridden ({change})"


def edit_style(rng: random.Random, model: Model) -> str:
    if model.style is not None and rng.random() < 0.3:
        model.style = None
        return "static/extra.css removed"
    model.style = f"body {{ margin: {rng.randint(0, 9)}px; }}\n"
    return "static/extra.css written"


def edit_settings(rng: random.Random, model: Model) -> str:
    what = rng.choice(["title", "page_size", "feed_size", "rule", "rule", "related", "timezone"])
    if what == "title":
        model.title = f"Sequence Briefings {rng.randint(1, 99)}"
    elif what == "page_size":
        model.page_size = rng.choice([s for s in (2, 3, 4, 5, 7) if s != model.page_size])
    elif what == "feed_size":
        model.feed_size = rng.choice([s for s in (2, 5, 8) if s != model.feed_size])
    elif what == "rule":
        name = rng.choice(sorted(set(RULE_WORDS.values()) | {"Trade"}))
        aliases = model.rules.get(name, [])
        alias = rng.choice([a for a, topic in RULE_WORDS.items() if topic == name] or ["tariffs"])
        if alias in aliases:
            aliases.remove(alias)
        else:
            aliases.append(alias)
        if aliases:
            model.rules[name] = aliases
        else:
            model.rules.pop(name, None)
        return f"site.toml: topic rule {name} = {aliases}"
    elif what == "related":
        model.related_count = rng.choice([c for c in (0, 1, 2, 3, 5) if c != model.related_count])
    else:
        model.timezone = "UTC" if model.timezone != "UTC" else "Asia/Tokyo"
    return f"site.toml: {what} changed"


def edit_page(rng: random.Random, model: Model) -> str:
    if rng.random() < 0.2:
        model.method_page = not model.method_page
        return f"content/pages/method.md {'added' if model.method_page else 'deleted'}"
    if rng.random() < 0.2:  # every page's navigation shows it
        model.page_title = "About us" if model.page_title == "About" else "About"
        return f"content/pages/about.md: title {model.page_title!r}"
    if rng.random() < 0.5:
        model.page_words = f"We brief the news, edition {rng.randint(1, 99)}."
        return "content/pages/about.md: text"
    target = rng.choice(sorted(model.briefings))
    if target in model.page_links:
        model.page_links.remove(target)
        return f"content/pages/about.md: link to {target} taken out"
    model.page_links.append(target)
    return f"content/pages/about.md: link to {target} added"


EDITS: list[tuple[Edit, int]] = [  # each with its weight
    (edit_end, 3),
    (edit_lead, 3),
    (edit_points, 2),
    (edit_mention, 2),
    (edit_link, 3),
    (edit_title, 3),
    (edit_topics, 3),
    (edit_date, 3),
    (edit_related, 3),
    (edit_source, 3),
    (edit_via, 1),
    (edit_summary, 2),
    (edit_add, 3),
    (edit_delete, 2),
    (edit_rename, 1),
    (edit_draft, 2),
    (edit_template, 3),
    (edit_style, 1),
    (edit_settings, 3),
    (edit_page, 1),
    (edit_time, 1),
]


def breakage(rng: random.Random, model: Model) -> tuple[str, str, str]:
    """An edit a build must refuse: (what it is, the file, its broken text). The references of
    a briefing the site leaves out (a draft, a scheduled one) are checked once it is shown."""
    spec = model.briefings[
        rng.choice([s for s, spec in sorted(model.briefings.items()) if model.shown(spec)])
    ]
    path = f"content/briefings/{spec.file}"
    kind = rng.choice(["front matter", "related", "link", "template", "settings", "duplicate"])
    if kind == "front matter":
        return (
            "front matter that does not parse",
            path,
            spec.text().replace("title: ", 'title: "unclosed ', 1),
        )
    if kind == "related":
        return (
            "a related briefing that does not exist",
            path,
            spec.text().replace("date:", "related: [nowhere]\ndate:", 1),
        )
    if kind == "link":
        return "a wiki link to no briefing", path, spec.text() + "\nSee [[nowhere-at-all]].\n"
    if kind == "template":
        return "a template that does not compile", "templates/partials/card.html", "{% if %}\n"
    if kind == "settings":
        return (
            "a page_size of 0",
            "site.toml",
            model.files()["site.toml"].replace("page_size = ", "page_size = 0 #"),
        )
    text = dataclasses.replace(spec, file="2025-07-02-twin.md", slug_field=True).text()
    return f"a second briefing with the slug {spec.slug}", "content/briefings/2025-07-02-twin.md", text


Step = tuple[Model, str, tuple[str, str, str] | None, bool]


def run_of_edits(seed: int, steps: int) -> Iterator[Step]:
    """The model after each step of a run, what the step did, a breakage to try before it, and
    whether the step also builds into another folder."""
    rng = random.Random(seed)
    model = first_site(rng)
    edits, weights = zip(*EDITS, strict=True)
    yield model, "the first build", None, False
    for _ in range(steps):
        broken = breakage(rng, model) if rng.random() < 0.12 else None
        done = []
        for _ in range(rng.choice([1, 1, 1, 2, 3, 5])):  # now and then, several edits before a build
            said = None
            while said is None:
                said = rng.choices(edits, weights)[0](rng, model)
            done.append(said)
        yield model, "; ".join(done), broken, rng.random() < 0.25


def differences(run: str, done: list[str], built: dict[str, bytes], clean: dict[str, bytes]) -> str:
    """What a failing run shows: which it is (its seed), its edits, and the first file that differs."""
    steps = "\n".join(f"  {number}. {what}" for number, what in enumerate(done))
    head = f"{run}: the output differs from a clean build's after\n{steps}\n"
    missing, extra = sorted(clean.keys() - built.keys()), sorted(built.keys() - clean.keys())
    if missing or extra:
        return (
            head + f"files only in the clean build: {missing}\nfiles only in the incremental build: {extra}"
        )
    path = next(p for p in sorted(clean) if clean[p] != built[p])
    diff = difflib.unified_diff(
        clean[path].decode("utf-8", "replace").splitlines(),
        built[path].decode("utf-8", "replace").splitlines(),
        "clean/" + path,
        "incremental/" + path,
        n=1,
        lineterm="",
    )
    return head + "\n".join(list(diff)[:40])


def clean_copy(site: Path, folder: Path) -> Path:
    """A copy of the site as a curator's checkout has it: no output, no build cache."""
    shutil.copytree(site, folder, ignore=shutil.ignore_patterns("output", ".output.*", CACHE_DIR))
    return folder


def built_clean(site: Path, folder: Path, **options: object) -> dict[str, bytes]:
    """A copy of the site built into its own folder; its output."""
    build(clean_copy(site, folder), folder / "output", **options)  # type: ignore[arg-type]
    return snapshot(folder / "output")


def refused(
    seed: int, broken: tuple[str, str, str], site: Path, folder: Path, attempt: Callable[[], bool]
) -> str:
    """A breakage written into the site: the build (`attempt`, whether it succeeded) must fail
    and leave its folder as it was. What it was, for the list of a run's edits."""
    kind, name, text = broken
    before = snapshot(folder)
    (site / name).parent.mkdir(parents=True, exist_ok=True)
    (site / name).write_text(text, encoding="utf-8")
    assert not attempt(), f"seed {seed}: {kind} in {name} was not refused"
    assert snapshot(folder) == before, f"seed {seed}: {kind} in {name} touched {folder.name}"
    return f"{kind} in {name}, refused, then repaired"


def refusal(root: Path, output: Path, **options: object) -> list[str]:
    """A build of the site; what it refused the site for (each problem as the command prints
    it), or nothing."""
    try:
        build(root, output, **options)  # type: ignore[arg-type]
    except BriefingsError as error:
        return [problem.render(root.absolute()) for problem in error.problems] or ["refused"]
    return []


def builds(root: Path, output: Path, **options: object) -> bool:
    """Whether a build of the site succeeds."""
    return not refusal(root, output, **options)


SEEDS = [(1, False), (2, False), (3, True), (4, False), (5, True)]
STEPS = 14  # edits after the first build, per seed
PREVIEW_STEPS = 8


@pytest.mark.parametrize(("seed", "old"), SEEDS)
def test_every_build_of_a_random_run_of_edits_equals_a_clean_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, old: bool
) -> None:
    """After each step, the output and the feed ledger are a clean build's (of a copy of the
    site with the ledger as it was before the step). An edit that would change what feed readers
    saw (a date that reorders items, a new slug) is refused by both builds alike, the output left
    as it was, and then accepted.

    With files looking old, builds find edits by the files' metadata alone; else by their bytes
    (files written within the last two seconds). Now and then the same site is also built into
    a staging folder, which must hold the same files: the two builds keep records of their own
    folders and share the rest of the build cache."""
    if old:
        files_look_old(monkeypatch)
    site = tmp_path / "site"
    output, staging = site / "output", tmp_path / "staging"
    done: list[str] = []
    for step, (model, what, broken, elsewhere) in enumerate(run_of_edits(seed, STEPS)):
        if broken is not None:
            done.append(refused(seed, broken, site, output, partial(builds, site, output, now=model.now)))
        write(site, model)
        done.append(what)
        clean = clean_copy(site, tmp_path / f"clean-{step}")
        before = snapshot(output)
        found = refusal(site, output, now=model.now)
        assert found == refusal(clean, clean / "output", now=model.now), done
        if found:
            assert snapshot(output) == before, f"seed {seed}: a refused build touched the output"
            done.append(f"(feed changes refused, then accepted: {found[0]})")
            build(site, output, now=model.now, accept_feed_changes=True)
            build(clean, clean / "output", now=model.now, accept_feed_changes=True)
        built, made = snapshot(output), snapshot(clean / "output")
        assert built == made, differences(f"seed {seed}", done, built, made)
        assert (site / LEDGER_NAME).read_bytes() == (clean / LEDGER_NAME).read_bytes(), done
        if elsewhere:
            build(site, staging, now=model.now)
            done.append("(also built into staging/)")
            assert snapshot(staging) == made, differences(f"seed {seed}", done, snapshot(staging), made)


OPENINGS = {  # two stories, told in few words each: the related lists follow the openings' words
    1: "Soybeans and tariffs at the customs quotas talks.",
    2: "Tariffs on soybeans and customs quotas were raised.",
    3: "The reactor, uranium and turbines were inspected.",
    4: "Uranium for the reactor turbines arrived late.",
    5: "Reactor turbines and uranium stocks were checked.",
}


def test_a_draft_added_keeps_the_edits_that_moved_related_lists(make_site: MakeSite, tmp_path: Path) -> None:
    """An edit to an opening rescores related lists; a draft added next leaves the site as it
    was, edit included; an edit after that rescores them again, from the keywords of both edits
    (a random run found the draft's build dropping the first edit's keywords from what it kept,
    so the third build scored that briefing by its old opening)."""
    site = make_site(
        {
            f"content/briefings/2025-07-0{n}-b{n}.md": briefing(
                f"Briefing {n}", date=f"2025-07-0{n}", body=text
            )
            for n, text in OPENINGS.items()
        }
    )
    edits = [
        ("content/briefings/2025-07-05-b5.md", briefing("Briefing 5", date="2025-07-05", body=OPENINGS[1])),
        ("content/briefings/2025-07-06-d.md", briefing("Draft", date="2025-07-06", extra="draft: true\n")),
        (
            "content/briefings/2025-07-03-b3.md",
            briefing("Briefing 3", date="2025-07-03", body=OPENINGS[3] + " Again."),
        ),
    ]
    build(site, site / "output")
    for step, (name, text) in enumerate(edits):
        (site / name).write_text(text, encoding="utf-8")
        build(site, site / "output")
        clean = built_clean(site, tmp_path / f"clean-{step}")
        built, done = snapshot(site / "output"), [name for name, _ in edits[: step + 1]]
        assert built == clean, differences("a draft added", done, built, clean)


PREVIEW_URL = "http://127.0.0.1:8000/"


@pytest.mark.parametrize("seed", [11])
def test_every_rebuild_of_the_preview_equals_a_clean_preview_build(tmp_path: Path, seed: int) -> None:
    """The preview (`briefings serve`) rebuilds its own folder, with drafts and briefings dated
    later, at its own address: after each edit, that folder is what a clean build of the same
    site with those options makes; a broken edit leaves it as it was. Now and then the site is
    also built into output/ meanwhile, as a curator may while the preview runs."""
    site, folder = tmp_path / "site", tmp_path / "preview"
    builder = PreviewBuilder(site, folder, drafts=True, base_url=PREVIEW_URL)
    options = {"drafts": True, "base_url": PREVIEW_URL, "future": True}
    done: list[str] = []
    for step, (model, what, broken, elsewhere) in enumerate(run_of_edits(seed, PREVIEW_STEPS)):
        if broken is not None:
            done.append(refused(seed, broken, site, folder, lambda: builder.rebuild([site]).ok))
        write(site, model)
        done.append(what)
        rebuild = builder.rebuild([site])
        assert rebuild.ok, rebuild.problems
        clean = built_clean(site, tmp_path / f"clean-{step}", **options)
        assert snapshot(folder) == clean, differences(f"seed {seed}", done, snapshot(folder), clean)
        if elsewhere:
            build(site, site / "output", accept_feed_changes=True)
            done.append("(also built into output/)")
