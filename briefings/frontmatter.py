"""Front matter: the YAML between `---` lines, read node by node so every value keeps its line.

Only the YAML *structure* is parsed (libyaml's composer when available); values are converted
here, by what each key expects. So `title: no` is the text "no", `12:30:00` stays text, an
impossible date is a located error, and tags such as `!!python/object` are refused outright.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from briefings.errors import Problem
from briefings.model import Stamp

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_FAST_NESTING = 2000
MIN_YEAR, MAX_YEAR = 1000, 9000

STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}
NULLS = {"", "~", "null", "Null", "NULL"}
TRUE = {"true", "yes", "on"}
FALSE = {"false", "no", "off"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The contexts of a construct left open: its start is where the curator has to look.
OPENED = re.compile(r"quoted scalar|flow sequence|flow mapping|simple key")
OPENED_HINTS = {
    "quoted scalar": "did you forget the closing quote?",
    "flow sequence": "is a ',' or the closing ']' missing?",
    "flow mapping": "is a ',' or the closing '}' missing?",
}
# A `key: value` line whose value is plain (not quoted, not a list, block or alias).
KEY_VALUE = re.compile(r"^\s*(?:-\s+)?(?P<key>[^\s:#'\"][^:#]*?):\s+(?P<value>[^\s'\"\[{&*!|>#].*)$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*([Zz]|[+-]\d{2}(:?\d{2})?)?$")


class FieldError(Exception):
    """A value that does not fit its key; `line` is the file line."""

    def __init__(self, message: str, line: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The split file: YAML text, where it starts, and the body after it."""

    yaml_text: str
    yaml_line: int
    body: str
    body_line: int


def split_front_matter(path: Path, text: str) -> FrontMatter:
    """Split `---` YAML `---` from the body; raise a located Problem when the fences are wrong."""
    first_end = text.find("\n")
    if (text if first_end < 0 else text[:first_end]).rstrip() != "---":
        hint = "a file starts with a '---' line, then keys such as 'title:', then '---'"
        raise _problem(path, 1, "missing front matter", hint)
    if first_end >= 0:
        for fence in _FENCE.finditer(text, first_end):  # a closing line starts with one of the fences
            start = fence.start() + 1
            end = text.find("\n", start)
            if (text[start:] if end < 0 else text[start:end]).rstrip() in ("---", "..."):
                body = "" if end < 0 else text[end + 1 :]
                return FrontMatter(text[first_end + 1 : start - 1], 2, body, text.count("\n", 0, start) + 2)
    raise _problem(path, 1, "front matter is never closed", "did you forget the closing '---'?")


_FENCE = re.compile(r"\n(?:---|\.\.\.)")


class LocatedProblem(Exception):
    """Carries a Problem out of the parsing helpers."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _problem(path: Path, line: int | None, message: str, hint: str | None = None) -> LocatedProblem:
    return LocatedProblem(Problem(message, path, line, hint))


def compose(path: Path, front: FrontMatter) -> yaml.MappingNode:
    """Parse the YAML structure; every failure PyYAML can raise becomes a located problem."""
    loader = _loader_for(front.yaml_text)(front.yaml_text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        raise _yaml_problem(path, front, error) from None
    except yaml.YAMLError as error:
        raise _problem(path, front.yaml_line, f"front matter is not valid YAML: {error}") from None
    except RecursionError:
        raise _problem(path, front.yaml_line, "front matter is nested too deeply") from None
    finally:
        loader.dispose()
    if node is None:
        raise _problem(path, front.yaml_line, "front matter is empty", "add at least 'title:'")
    if not isinstance(node, yaml.MappingNode):
        raise _problem(path, line_of(front, node), "front matter must be 'key: value' lines")
    return node


def _yaml_problem(path: Path, front: FrontMatter, error: yaml.MarkedYAMLError) -> LocatedProblem:
    """Located where the broken construct starts, with a hint when the fix is plain.

    For a quote, bracket or key left open, that is where it opened (the context mark), not where
    the parser gave up, which may be the end of the front matter. For any other context (the
    block mapping around the error, a plain scalar) the problem mark is nearer the mistake.
    Marks are mapped through their offset: YAML also breaks lines at U+2028 and U+2029."""
    problem = (error.problem or "it does not parse").replace("end of stream", "end of the front matter")
    opened = OPENED.search(error.context or "") if error.context_mark is not None else None
    mark = error.context_mark if opened else error.problem_mark or error.context_mark
    line = front.yaml_line + front.yaml_text.count("\n", 0, mark.index) if mark else None
    if opened:
        message, hint = f"{error.context}, {problem}", OPENED_HINTS.get(opened.group())
        if opened.group() == "quoted scalar" and "end of the front matter" not in problem:
            hint = None
    else:
        message, hint = problem, None
        if mark is not None and problem.startswith("mapping values are not allowed"):
            hint = _colon_hint(front.yaml_text, mark.index)
    return _problem(path, line, f"front matter is not valid YAML: {message}", hint)


def _colon_hint(text: str, index: int) -> str | None:
    """`title: Breaking: markets fall`: the ': ' at `index`, inside a plain value, would start a
    mapping there. The cure is quotes, shown on the curator's own line."""
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    found = KEY_VALUE.match(text[start : end if end >= 0 else None])
    if found is None or start + found.start("value") > index:
        return None
    key, value = found.group("key"), found.group("value").rstrip()
    plain = '"' not in value and "\\" not in value
    quoted = f'"{value}"' if plain else "'" + value.replace("'", "''") + "'"
    return f"put the {key} in quotes: {key}: {quoted}"


def _loader_for(text: str) -> type[yaml.SafeLoader] | type[yaml.CSafeLoader]:
    """libyaml for speed, but its composer recurses in C and overflows the stack on deep nesting:
    text that could nest deeply goes to the Python loader, which stops with a RecursionError."""
    if len(text) <= MAX_FAST_NESTING:  # indicators and one line's indent are never more
        return Loader
    indicators = sum(text.count(c) for c in "[{-?")
    deepest_indent = max((len(line) - len(line.lstrip(" ")) for line in text.split("\n")), default=0)
    return yaml.SafeLoader if indicators + deepest_indent > MAX_FAST_NESTING else Loader


def line_of(front: FrontMatter, node: yaml.Node) -> int:
    return int(front.yaml_line + node.start_mark.line)


def check_tag(front: FrontMatter, node: yaml.Node) -> None:
    if node.tag not in STANDARD_TAGS:
        tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
        raise FieldError(f"YAML tag '{tag}' is not allowed", line_of(front, node), "remove the tag")


def to_text(front: FrontMatter, node: yaml.Node, key: str) -> str | None:
    """A scalar as the text the curator typed; None for an empty value."""
    check_tag(front, node)
    if not isinstance(node, yaml.ScalarNode):
        raise FieldError(f"'{key}' must be text, not a list or mapping", line_of(front, node))
    value = str(node.value)
    if node.style is None and value in NULLS:
        return None
    return value.strip() or None


def to_required_text(front: FrontMatter, node: yaml.Node, key: str) -> str:
    value = to_text(front, node, key)
    if value is None:
        raise FieldError(f"'{key}' must not be empty", line_of(front, node))
    return value


def to_bool(front: FrontMatter, node: yaml.Node, key: str) -> bool:
    value = (to_text(front, node, key) or "").lower()
    if value in TRUE or value in FALSE:
        return value in TRUE
    raise FieldError(f"'{key}' must be true or false", line_of(front, node))


def to_stamp(front: FrontMatter, node: yaml.Node, key: str, tz: dt.tzinfo) -> Stamp:
    """`2025-07-10` (a whole day) or `2025-07-10T08:00:00+09:00`; no offset means site time."""
    value = to_required_text(front, node, key)
    line = line_of(front, node)
    hint = "write 2025-07-10 or 2025-07-10T08:00:00+09:00"
    if DATE.match(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise FieldError(f"'{key}': {value} is not a real date", line) from None
        return Stamp(_in_range(dt.datetime(day.year, day.month, day.day, tzinfo=tz), key, value, line), True)
    if not DATETIME.match(value):
        raise FieldError(f"'{key}': '{value}' is not a date", line, hint)
    try:
        moment = dt.datetime.fromisoformat(value.replace(" ", "T", 1).replace(" ", ""))
    except ValueError:
        raise FieldError(f"'{key}': {value} is not a real date and time", line) from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=tz)
    return Stamp(_in_range(moment, key, value, line), False)


def _in_range(moment: dt.datetime, key: str, value: str, line: int) -> dt.datetime:
    """Years 1 and 9999 overflow when a later stage converts between zones or adds a day."""
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        hint = f"use a year from {MIN_YEAR} to {MAX_YEAR}"
        raise FieldError(f"'{key}': {value} is out of range", line, hint)
    return moment


def to_list(front: FrontMatter, node: yaml.Node, key: str) -> list[yaml.Node]:
    """A sequence's items; a single scalar counts as a list of one."""
    check_tag(front, node)
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.ScalarNode):
        return [] if node.style is None and node.value in NULLS else [node]
    raise FieldError(f"'{key}' must be a list", line_of(front, node))


def to_pairs(front: FrontMatter, node: yaml.Node, key: str) -> list[tuple[str, yaml.Node, int]]:
    """A mapping's (key, value node, line) pairs, refusing duplicate and non-text keys."""
    check_tag(front, node)
    if not isinstance(node, yaml.MappingNode):
        raise FieldError(f"'{key}' must be a mapping of 'key: value' lines", line_of(front, node))
    pairs: list[tuple[str, yaml.Node, int]] = []
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        line = line_of(front, key_node)
        if not isinstance(key_node, yaml.ScalarNode):
            raise FieldError("a key must be a plain word", line)
        name = str(key_node.value)
        if name in seen:
            raise FieldError(f"duplicate key '{name}' (first on line {seen[name]})", line)
        seen[name] = line
        pairs.append((name, value_node, line))
    return pairs
