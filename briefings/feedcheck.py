"""A build's check of the feed ledger (see stability): what readers' feeds would notice.

The check reads every briefing's address, file, date and title; at ten thousand briefings that is
a few tenths of a second, which a build for a large site spends in a forked process while it
renders (see build). A check the last build made of the very same ledger file against the very
same briefings, which found nothing to change or report, is not made again.
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

from briefings.content import load_ledger
from briefings.errors import Problem
from briefings.model import Site
from briefings.output import ledger_digest, ledger_text
from briefings.stability import check_ledger


class Checked(NamedTuple):
    """What a check of the feed ledger found: the changes readers would notice (none when the
    curator accepts them), else the ledger file's new bytes when it changes (None: it holds as
    it is) and what the check was made against (see inputs) once the file holds them."""

    problems: list[Problem]
    ledger: bytes | None
    checked: str | None


def check(site: Site, last_checked: str | None, *, accept: bool) -> Checked:
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
