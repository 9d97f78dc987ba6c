"""`briefings new`: a folder → a working site made from the starter files in `briefings/starter/`.

The starter files are package data, copied with a few placeholders filled in: @TITLE@ and
@BASE_URL@ (as TOML strings), @PLAIN_TITLE@, @DATE@ and @CAPTURED@ (the day and moment the site
was made, so the sample briefing is published at once) and @TEMPLATES@ (the theme's templates).
A path part named `dot-x` is written as `.x`, which keeps `.gitignore` and `.github/` out of the
way of packaging tools that skip hidden files.

A folder that holds anything is refused unless `force`, and even then no file is ever replaced:
each is created with O_EXCL, so a file that exists is kept and reported.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from briefings import THEME
from briefings.config import KEYS
from briefings.errors import OutputError, Problem

STARTER = Path(__file__).parent / "starter"
THEME_TEMPLATES = THEME / "templates"
IGNORED = {".git"}  # `git init` first, then `briefings new .`: the folder still counts as empty
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class NewSite:
    """What `new` did: the files it wrote and those it found already there and kept."""

    root: Path
    written: tuple[str, ...]
    kept: tuple[str, ...]


def new_site(
    root: Path,
    *,
    title: str | None = None,
    base_url: str | None = None,
    force: bool = False,
    now: dt.datetime,
) -> NewSite:
    """Write a new site into `root` (made if missing); an OutputError when that would be unsafe."""
    base_url = _checked_base_url(root, base_url or "https://example.org/")
    _check_folder(root, force=force)
    values = _values(title or _title_from(root), base_url, now)
    written: list[str] = []
    kept: list[str] = []
    for relative, text in _starter_files(values):
        (written if _create(root / relative, text) else kept).append(relative)
    return NewSite(root, tuple(written), tuple(kept))


def _checked_base_url(root: Path, base_url: str) -> str:
    wrong = KEYS["base_url"](base_url)
    if wrong is not None:
        raise OutputError([Problem(f"--base-url {wrong}", root)])
    return base_url if base_url.endswith("/") else base_url + "/"


def _check_folder(root: Path, *, force: bool) -> None:
    if root.exists() and not root.is_dir():
        raise OutputError([Problem("is a file, not a folder", root)])
    if force or not root.exists():
        return
    present = sorted(p.name for p in root.iterdir() if p.name not in IGNORED)
    if present:
        shown = ", ".join(present[:3]) + (", …" if len(present) > 3 else "")
        hint = "use --force to add the starter files beside them; no file is ever replaced"
        raise OutputError([Problem(f"folder is not empty ({shown})", root, None, hint)])


def _title_from(root: Path) -> str:
    """`world-news` → `World news`: a folder name read as words."""
    words = root.absolute().name.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else "Briefings"


def _values(title: str, base_url: str, now: dt.datetime) -> dict[str, str]:
    moment = now.astimezone(dt.UTC).replace(microsecond=0)
    return {
        # JSON strings are TOML basic strings (the same escapes), so any title stays valid TOML.
        "@TITLE@": json.dumps(title, ensure_ascii=False),
        "@BASE_URL@": json.dumps(base_url),
        "@PLAIN_TITLE@": title.replace("\\", "\\\\").replace('"', '\\"'),
        "@DATE@": moment.date().isoformat(),
        "@CAPTURED@": moment.isoformat(),
        "@TEMPLATES@": "\n".join(f"- `{name}`" for name in theme_templates()),
    }


def theme_templates() -> list[str]:
    """The built-in theme's templates by the name a site's templates/ overrides them with."""
    return sorted(
        p.relative_to(THEME_TEMPLATES).as_posix() for p in THEME_TEMPLATES.rglob("*") if p.is_file()
    )


def _starter_files(values: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """(path in the new site, text) for each starter file, placeholders filled in."""
    for path in sorted(STARTER.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = _fill(_undotted(path.relative_to(STARTER).as_posix()), values)
            yield relative, _fill(path.read_text(encoding="utf-8"), values)


def _undotted(relative: str) -> str:
    return "/".join(
        "." + part.removeprefix("dot-") if part.startswith("dot-") else part
        for part in PurePosixPath(relative).parts
    )


def _fill(text: str, values: Mapping[str, str]) -> str:
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def _create(path: Path, text: str) -> bool:
    """Write a new file; False, and nothing written, when the path already exists."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except (FileExistsError, NotADirectoryError):  # a file (or a file where a folder goes) is kept
        log.info("kept %s: it already exists", path)
        return False
    log.info("wrote %s", path)
    return True
