"""Scheduling, between content and assemble: parsed briefings and the build's "now" → a Schedule.

A briefing dated in the future is scheduled: a build leaves it out (as it leaves out drafts) until
its date has come, so a nightly rebuild publishes it on the day. A date without a time is due at
the start of that day in the site's timezone, which is how content.py already reads it. Pure: the
moment taken as "now" is the caller's, so tests and previews can fix it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from briefings.model import ParsedBriefing, Stamp

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Schedule:
    """The slugs of the briefings not yet due, and the date of the first of them to come due."""

    slugs: frozenset[str] = frozenset()
    next_due: Stamp | None = None

    def __len__(self) -> int:
        return len(self.slugs)

    def holds_until(self, *, future: bool) -> dt.datetime:
        """When a site built with this schedule stops being the site: the moment the first
        scheduled briefing falls due; never for a build that shows them all (`future`)."""
        if self.next_due is None or future:
            return dt.datetime.max.replace(tzinfo=dt.UTC)
        return self.next_due.moment


def schedule(briefings: Iterable[ParsedBriefing], now: dt.datetime, *, drafts: bool) -> Schedule:
    """Which briefings are dated after `now` (an aware datetime); drafts count only when shown."""
    waiting = sorted(
        (b for b in briefings if b.date.moment > now and (drafts or not b.draft)),
        key=lambda b: (b.date.moment, b.slug),
    )
    for briefing in waiting:
        log.info("%s: scheduled for %s", briefing.path, briefing.date.iso)
    return Schedule(frozenset(b.slug for b in waiting), waiting[0].date if waiting else None)
