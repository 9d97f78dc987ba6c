"""What `briefings build` says: one line, --quiet, -v with the package's log, colour only at a terminal."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from conftest import MakeSite, briefing

from briefings.cli import main

BROKEN = {"content/briefings/a.md": briefing("A", extra="topcis: [x]\n")}


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(*args: str, terminal: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), Terminal() if terminal else io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def test_quiet_prints_nothing_but_errors(make_site: MakeSite) -> None:
    site = make_site({"content/briefings/a.md": briefing("A")})
    assert run("build", str(site), "-q") == (0, "", "")
    broken = make_site(BROKEN)
    status, out, err = run("build", str(broken), "--quiet")
    assert status == 1 and out == "" and "unknown key 'topcis'" in err


def test_verbose_shows_the_packages_log_on_stderr(make_site: MakeSite) -> None:
    site = make_site({"content/briefings/a.md": briefing("A")})
    (site / ".briefings-cache").mkdir()
    (site / ".briefings-cache" / "documents.pickle").write_bytes(b"\0" * 64)  # not signed by this user
    status, out, err = run("build", str(site), "-v")
    assert status == 0 and out.startswith("built 1 briefing")
    assert "info: ignoring " in err and "not signed by this user" in err
    assert "info:" not in run("build", str(site))[2]


def test_errors_are_coloured_at_a_terminal_and_plain_in_pipes(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(BROKEN)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    _, _, plain = run("build", str(site))
    assert "\033[" not in plain and plain.endswith("error: 1 problem; nothing was written\n")
    _, _, coloured = run("build", str(site), terminal=True)
    assert "\033[1m\033[31merror:\033[0m 1 problem" in coloured
    location = str(Path(site, "content/briefings/a.md")) + ":7:"
    assert f"\033[1m{location}\033[0m unknown key 'topcis'" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    no_colour = run("build", str(site), terminal=True)[2]  # progress still shows: it is not colour
    assert no_colour.endswith(plain) and "\033[1m" not in no_colour and "\033[31m" not in no_colour
