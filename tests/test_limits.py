"""The body limits: their shortcuts give the same answers as checking every line and block."""

from __future__ import annotations

import random

from briefings.limits import MAX_NESTING, _costliest, body_problem, nesting


def _every_line_and_block(body: str) -> tuple[int, str] | None:
    """body_problem without shortcuts: every line's nesting, then every block's cost."""
    for number, line in enumerate(body.split("\n")):
        if nesting(line) > MAX_NESTING:
            return number, f"Markdown nested more than {MAX_NESTING} levels deep (lists, quotes or indents)"
    return _costliest(body)


PIECES = [" ", "\t", ">", "-", "+", "*", ":", ".", ")", "1", "٣", "\n", "\n\n", "a", "é", "[", "<", "&", "|"]
PIECES += ["_", "`", "    ", "1. ", "- ", "> ", "\n \n"]


def test_shortcuts_agree_with_checking_everything() -> None:
    rng = random.Random(7)
    found = 0
    for _ in range(4000):
        body = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, rng.choice([10, 60, 300]))))
        body *= rng.choice([1, 1, 5, 40])
        expected = _every_line_and_block(body)
        assert body_problem(body) == expected, repr(body)
        found += expected is not None
    for _ in range(200):  # around the rendering budget
        block = "[" * rng.randint(0, 300) + "é" * rng.randint(0, 3000) + "\n\n" * rng.randint(0, 2)
        body = block * rng.randint(1, 40)
        expected = _every_line_and_block(body)
        assert body_problem(body) == expected
        found += expected is not None
    assert found > 20


def test_a_deep_line_is_found_on_any_line() -> None:
    deep = "> " * (MAX_NESTING + 1) + "text"
    problem = _every_line_and_block(deep)
    assert problem is not None
    assert body_problem(deep) == problem
    assert body_problem("a\n\nb\n" + deep + "\nc") == (3, problem[1])
    tabs = "\t" * (MAX_NESTING // 4) + "- " * 2 + "x"
    assert body_problem("x\n" + tabs) == _every_line_and_block("x\n" + tabs)
