"""The feed ledger: every item id the site's feeds have published, and the changes readers would notice.

Feed readers know an item by its id; a changed id makes an old briefing arrive again as new, and a
changed date can move old items around in a reader's list. The build keeps a small ledger of what
it published (`published.json` in the site folder, committed with the site) and refuses such
changes unless the curator accepts them.

    published.json ──load_ledger──► Ledger ──check_ledger(site)──► the Ledger after the build, problems
    the Ledger after the build ──ledger_text──► bytes ──write_ledger──► published.json

`check_ledger` is pure. The ledger is a record the build keeps beside site.toml, like its cache, and
not part of content/ or output/, so this module reads and writes its own file. A build checks it
through `check_site`, which reads every briefing's address, file, date and title; at ten thousand
briefings that is a few tenths of a second, which a build for a large site spends in a forked
process while it renders (see pipeline.build). A check the last build made of the very same ledger
file against the very same briefings, which found nothing to change or report, is not made again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from briefings.errors import ContentError, OutputError, Problem
from briefings.model import Briefing, Site

LEDGER_NAME = "published.json"
ACCEPT = "if this is intended, build once with --accept-feed-changes"


@dataclass(frozen=True, slots=True)
class PublishedItem:
    """One item as feeds published it."""

    path: str
    date: str  # the published moment in UTC, so that items compare in time order
    title: str


@dataclass(frozen=True, slots=True)
class Ledger:
    """Every item id the site's feeds have published, under the address they were published at."""

    base_url: str
    items: Mapping[str, PublishedItem] = field(default_factory=dict)


class Checked(NamedTuple):
    """What a check of the feed ledger found: the changes readers would notice (none when the
    curator accepts them), else the ledger file's new bytes when it changes (None: it holds as
    it is) and what the check was made against (see Inputs) once the file holds them."""

    problems: list[Problem]
    ledger: bytes | None
    checked: str | None


def check_site(site: Site, last_checked: str | None, *, accept: bool) -> Checked:
    """The feed ledger checked against the site; `last_checked`, what the last build into the same
    output checked it against and found holding (see Inputs)."""
    read = Inputs(site)
    checked = None if accept else read.with_ledger(ledger_digest(site.config.root))
    if checked is not None and checked == last_checked:
        return Checked([], None, checked)
    published = load_ledger(site.config.root)
    ledger, problems = check_ledger(published, site, accept=accept)
    if problems:
        return Checked(problems, None, None)
    if ledger == published:  # the file holds it
        return Checked([], None, checked)
    data = ledger_text(ledger).encode("utf-8")
    return Checked([], data, read.with_ledger(hashlib.sha256(data).hexdigest()))


class Inputs:
    """What checking the feed ledger reads: the ledger file, the settings, and each briefing as
    the ledger has it: its address, file, date and title (so an edit to a briefing's summary or
    text is not checked again)."""

    def __init__(self, site: Site) -> None:
        items = "".join(
            f"{b.url}\0{b.path}\0{b.date.moment.isoformat()}\0{b.title}\n" for b in site.briefings
        )
        digest = hashlib.sha1(items.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()
        self.site = f"{digest} {site.config!r}"

    def with_ledger(self, ledger: str) -> str:
        """All of it, with the ledger file's bytes as `ledger` (a digest of them) names them."""
        return f"{ledger} {self.site}"


def item_id(site: Site, briefing: Briefing) -> str:
    """A briefing's id in every feed: its permanent address."""
    return site.config.absolute(briefing.url)


def check_ledger(previous: Ledger | None, site: Site, *, accept: bool) -> tuple[Ledger, list[Problem]]:
    """The ledger after this build, and the changes readers would notice (none when `accept`)."""
    root = str(site.config.root) + os.sep
    current = {item_id(site, b): _item(root, b) for b in site.briefings}
    if previous is None or accept:
        kept = {} if previous is None or previous.base_url != site.config.base_url else previous.items
        return Ledger(site.config.base_url, {**kept, **current}), []
    if previous.base_url != site.config.base_url:
        message = f"base_url changed from {previous.base_url}: every feed item would get a new id"
        hint = f"readers would see every briefing again as new; {ACCEPT}"
        return previous, [Problem(message, site.config.root / "site.toml", None, hint)]
    problems = _changed_ids(previous, current, site) + _reordered(previous, current, site)
    return Ledger(previous.base_url, {**previous.items, **current}), problems


def _item(root: str, briefing: Briefing) -> PublishedItem:
    """The briefing as its feed items show it; its file named within the site folder (`root`,
    ending in a separator), which all of a build's briefings are in."""
    moment = briefing.date.moment.astimezone(dt.UTC).isoformat()
    path = str(briefing.path)
    return PublishedItem(path.removeprefix(root).replace(os.sep, "/"), moment, briefing.title)


def _changed_ids(previous: Ledger, current: Mapping[str, PublishedItem], site: Site) -> list[Problem]:
    """A published briefing (same file, or same title) now under another id."""
    gone = {i: item for i, item in previous.items.items() if i not in current}
    by_path = {item.path: i for i, item in gone.items()}
    by_title = {item.title: i for i, item in gone.items()}
    problems = []
    for new_id, item in current.items():
        if new_id in previous.items:
            continue
        old_id = by_path.get(item.path) or by_title.get(item.title)
        if old_id is not None:
            message = f"feed id would change from {old_id} to {new_id}"
            hint = f"keep the old slug (slug: {_slug_of(old_id)}) so readers don't see it as new; or {ACCEPT}"
            problems.append(Problem(message, site.config.root / item.path, 1, hint))
    return problems


def _slug_of(item: str) -> str:
    return item.rstrip("/").rsplit("/", 1)[-1]


def _reordered(previous: Ledger, current: Mapping[str, PublishedItem], site: Site) -> list[Problem]:
    """Published items whose date changed so that feeds would list them in another order."""
    both = [i for i in previous.items if i in current]
    if all(previous.items[i].date == current[i].date for i in both):  # mostly: no date changed
        return []
    before = sorted(both, key=lambda i: (previous.items[i].date, i))
    after = sorted(both, key=lambda i: (current[i].date, i))
    if before == after:
        return []
    return [
        Problem(
            f"date changed from {previous.items[i].date} to {current[i].date}, reordering published feeds",
            site.config.root / current[i].path,
            1,
            f"readers would see old items move; {ACCEPT}",
        )
        for i in both
        if previous.items[i].date != current[i].date
    ]


def load_ledger(root: Path) -> Ledger | None:
    """The feed ledger (published.json), None when the site has none yet."""
    path = root / LEDGER_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        items = {
            str(key): PublishedItem(str(item["path"]), str(item["date"]), str(item["title"]))
            for key, item in data["items"].items()
        }
        return Ledger(str(data["base_url"]), items)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        hint = "it is written by the build; restore it from version control, or delete it to start afresh"
        raise ContentError([Problem(f"cannot read the feed ledger: {error}", path, None, hint)]) from None


def ledger_digest(root: Path) -> str:
    """A digest of the feed ledger's bytes, "" when there is none."""
    try:
        return hashlib.sha256((root / LEDGER_NAME).read_bytes()).hexdigest()
    except OSError:
        return ""


def ledger_text(ledger: Ledger) -> str:
    """The ledger as JSON, sorted so that it diffs well: what `json.dumps` writes with an indent
    of one and no escaping of non-ASCII text, written line by line (its indenting encoder is
    Python's own, a few times slower for the tens of thousands of lines of a large site)."""
    quote = json.encoder.encode_basestring  # a JSON string, non-ASCII characters as they are
    items = [
        f'  {quote(key)}: {{\n   "path": {quote(item.path)},\n   "date": {quote(item.date)},\n'
        f'   "title": {quote(item.title)}\n  }}'
        for key, item in sorted(ledger.items.items())
    ]
    listed = "{\n" + ",\n".join(items) + "\n }" if items else "{}"
    return f'{{\n "base_url": {quote(ledger.base_url)},\n "items": {listed}\n}}\n'


def write_ledger(root: Path, data: bytes) -> None:
    """Save the feed ledger's bytes (see ledger_text) beside site.toml, atomically."""
    path = root / LEDGER_NAME
    temporary = path.with_name(f".{LEDGER_NAME}.tmp")
    try:
        if not path.exists() or path.read_bytes() != data:
            temporary.write_bytes(data)
            os.replace(temporary, path)
    except OSError as error:
        raise OutputError([Problem(f"cannot write the feed ledger: {error.strerror}", path)]) from None
