"""Feed stability: the ids a site has published must not change, and old items must not reorder.

Feed readers know an item by its id; a changed id makes an old briefing arrive again as new, and a
changed date can move old items around in a reader's list. The build keeps a small ledger of what
it published (`published.json` in the site folder, committed with the site) and refuses such
changes unless the curator accepts them. Pure: the ledger is read by content and written by output.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from briefings.errors import Problem
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
