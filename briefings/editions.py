"""The daily editions' one order: how a day's briefings are grouped and listed, the same on the
edition's page (render) and in its item of the editions feed (feeds)."""

from __future__ import annotations

from collections.abc import Sequence

from briefings.model import Briefing, Topic


def edition_groups(briefings: Sequence[Briefing]) -> list[tuple[Topic | None, list[Briefing]]]:
    """A day's briefings under their first topic, topics in name order, those without one last;
    in each group, in the order they were posted."""
    groups: dict[Topic | None, list[Briefing]] = {}
    for briefing in sorted(briefings, key=lambda b: (b.date.moment, b.slug)):
        groups.setdefault(briefing.topics[0] if briefing.topics else None, []).append(briefing)
    return sorted(
        groups.items(), key=lambda item: (item[0] is None, item[0].name.casefold() if item[0] else "")
    )
