"""Reading a file's text and front matter: the quick paths agree with the plain definitions."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from briefings import frontmatter
from briefings.content import STRAY, decode_text
from briefings.frontmatter import FrontMatter, LocatedProblem, compose, split_front_matter

PATH = Path("content/briefings/x.md")


def _split_line_by_line(text: str) -> FrontMatter | None:
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return FrontMatter("\n".join(lines[1:index]), 2, "\n".join(lines[index + 1 :]), index + 2)
    return None


def test_front_matter_splits_where_the_first_closing_line_is() -> None:
    rng = random.Random(9)
    pieces = ["---", "...", "\n", "-", ".", " ", "\t", "a", "----", "--- ", "\u3000", "key: v"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 15)))
        text = "---\n" + text if rng.random() < 0.7 else text
        expected = _split_line_by_line(text)
        if expected is None:
            with pytest.raises(LocatedProblem):
                split_front_matter(PATH, text)
        else:
            assert split_front_matter(PATH, text) == expected, repr(text)


def test_text_keeps_what_is_not_stray_and_drops_what_is() -> None:
    rng = random.Random(4)
    chars = [chr(c) for c in (*range(1, 0x100), 0x2014, 0x201C, 0xE000, 0xE001, 0xE002, 0x4E2D, 0x1F600)]
    for _ in range(20_000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 12)))
        plain = text.replace("\r\n", "\n").replace("\r", "\n")
        assert decode_text(PATH, text.encode("utf-8")) == STRAY.sub("", plain), repr(text)
    assert decode_text(PATH, "\ufeffa\x85b\u201c\x07".encode()) == "ab\u201c"


YAML_ERRORS = {
    "unclosed quote": (
        'title: "Spies\ndate: 2025-07-10\nsources:\n  - name: X\nsummary: s\n',
        2,
        "while scanning a quoted scalar, found unexpected end of the front matter",
        "did you forget the closing quote?",
    ),
    "unclosed bracket": (
        "title: T\ntopics: [China, Espionage\ndate: 2025-07-10\n",
        3,
        "while parsing a flow sequence, ",
        "is a ',' or the closing ']' missing?",
    ),
    "colon in the title": (
        "title: Breaking: markets fall\ndate: 2025-07-10\n",
        2,
        "mapping values are not allowed ",
        'put the title in quotes: title: "Breaking: markets fall"',
    ),
    "colon in a source name, with quotes inside": (
        'title: T\nsources:\n  - name: NHK "World": Tokyo\n',
        4,
        "mapping values are not allowed ",
        "put the name in quotes: name: 'NHK \"World\": Tokyo'",
    ),
    "key indented under a value": (
        "title: T\n  date: 2025-07-10\n",
        3,
        "mapping values are not allowed ",
        None,
    ),
    "stray bracket, late in the mapping": ("title: T\ndate: x\ntopics: [a, b]]\n", 4, "", None),
    "line separator in an earlier value": (
        'title: "a\u2028b"\ndate: [2025\n',
        3,
        "while parsing a flow",
        "is a",
    ),
}


@pytest.mark.parametrize("loader", ["libyaml", "python"])
@pytest.mark.parametrize("case", sorted(YAML_ERRORS))
def test_yaml_errors_name_the_line_where_the_mistake_starts(
    monkeypatch: pytest.MonkeyPatch, case: str, loader: str
) -> None:
    """At the opening quote or bracket, not the closing `---` where the parser gave up; with a
    hint when the fix is plain. Both parsers (libyaml, and Python's for deep nesting) agree."""
    if loader == "python":
        monkeypatch.setattr(frontmatter, "Loader", yaml.SafeLoader)
    text, line, message, hint = YAML_ERRORS[case]
    with pytest.raises(LocatedProblem) as raised:
        compose(PATH, split_front_matter(PATH, f"---\n{text}---\n\nBody.\n"))
    problem = raised.value.problem
    assert problem.line == line
    assert problem.message.startswith(f"front matter is not valid YAML: {message}")
    assert (problem.hint or "").startswith(hint) if hint else problem.hint is None
