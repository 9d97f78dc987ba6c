"""`briefings new`: a folder → a working site made from the starter files in `briefings/starter/`.

The starter files are package data, copied with a few placeholders filled in: @TITLE@ and
@BASE_URL@ (as TOML strings), @PLAIN_TITLE@, @DATE@ and @CAPTURED@ (the day and moment the site
was made, so the sample briefing is published at once), @TEMPLATES@ (the theme's templates) and
@INSTALL@ (the line of requirements.txt that installs briefings on a build server).
A path part named `dot-x` is written as `.x`, which keeps `.gitignore` and `.github/` out of the
way of packaging tools that skip hidden files.

The install line is the briefings that runs `new`, as its installer recorded it (PEP 610's
direct_url.json): a commit of a git repository, an archive's address, a version from a package
index, or, for a folder on this machine (a clone installed with `pip install .` or `-e .`), its
git remote at the commit the clone is on. What a build server cannot install (a folder without a
remote) is said in a comment instead, and as a warning.

A folder that holds anything is refused unless `force`, and even then no file is ever replaced:
each is created with O_EXCL, so a file that exists is kept and reported.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import subprocess
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib.metadata import Distribution, PackageNotFoundError, distribution
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit, urlunsplit
from urllib.request import url2pathname

from briefings import THEME
from briefings.config import KEYS
from briefings.errors import OutputError, Problem

STARTER = Path(__file__).parent / "starter"
THEME_TEMPLATES = THEME / "templates"
REQUIREMENTS = "requirements.txt"
IGNORED = {".git"}  # `git init` first, then `briefings new .`: the folder still counts as empty
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Install:
    """How a build server installs the briefings that made a site: `line` for requirements.txt
    (None when there is none it could install), where it comes from, and what the curator must
    do before publishing, if anything."""

    line: str | None
    source: str
    todo: tuple[str, ...] = ()


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
    install: Install | None = None,
) -> NewSite:
    """Write a new site into `root` (made if missing); an OutputError when that would be unsafe.
    `install` is how its build server installs briefings (default: as this one was installed)."""
    base_url = _checked_base_url(root, base_url or "https://example.org/")
    _check_folder(root, force=force)
    install = install or installed()
    values = _values(title or _title_from(root), base_url, now, install)
    written: list[str] = []
    kept: list[str] = []
    for relative, text in _starter_files(values):
        (written if _create(root / relative, text) else kept).append(relative)
    if REQUIREMENTS in written:
        for todo in install.todo:
            log.warning("%s: %s", root / REQUIREMENTS, todo)
    return NewSite(root, tuple(written), tuple(kept))


def installed(found: Distribution | None = None) -> Install:
    """How the briefings running now (or the distribution `found`) was installed, as a line pip
    can install from anywhere, where there is one.

    Code that runs from a source folder (an editable install, or a clone run as it is) came from
    that folder, so the folder is read rather than the metadata: a clone's own briefings.egg-info,
    found first when the clone is the current folder, would pass for an install from an index."""
    if found is None:
        source = Path(__file__).resolve().parent.parent
        if (source / "pyproject.toml").is_file():
            return _from_folder(source)
        try:
            found = distribution("briefings")
        except PackageNotFoundError:
            return Install(None, "an install pip did not record", (f"no record of it was found; {ANYWHERE}",))
    recorded = found.read_text("direct_url.json")
    if recorded is None:
        return Install(f"briefings=={found.version}", f"version {found.version} from a package index")
    try:
        direct = json.loads(recorded)
        url = str(direct["url"])
    except (ValueError, KeyError, TypeError):
        return Install(
            None, "an install without a readable record", (f"pip's record of it is unreadable; {ANYWHERE}",)
        )
    return _from_direct_url(direct, url)


ANYWHERE = "put in requirements.txt a line pip can install from anywhere before you publish"


def _from_direct_url(direct: Mapping[str, object], url: str) -> Install:
    vcs = direct.get("vcs_info")
    local = url.startswith("file:")
    commit = str(vcs.get("commit_id") or "") if isinstance(vcs, dict) else ""
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and commit and not local:
        line = f"briefings @ git+{_public(url)}@{commit}{_subdirectory(direct.get('subdirectory'))}"
        return Install(line, f"commit {commit[:12]} of {_public(url)}")
    if local and "dir_info" in direct:
        return _from_folder(Path(url2pathname(urlsplit(url).path)))
    if not local and "archive_info" in direct:
        return Install(f"briefings @ {_public(url)}", _public(url))
    todo = f"a build server cannot install briefings as it was installed here, from {url}; {ANYWHERE}"
    return Install(None, url, (todo,))


def _from_folder(folder: Path) -> Install:
    """A clone on this machine: its origin at the commit it is on, if the origin is not local too."""
    remote = _git(folder, "config", "--get", "remote.origin.url")
    commit = _git(folder, "rev-parse", "HEAD")
    address = _fetchable(remote) if remote else None
    if address is None or commit is None:
        why = "has no git remote a build server can reach" if commit else "is not a git clone"
        todo = f"briefings was installed from {folder}, which {why}; {ANYWHERE}"
        return Install(None, f"the folder {folder}", (todo,))
    line = f"briefings @ git+{address}@{commit}{_subdirectory(_git(folder, 'rev-parse', '--show-prefix'))}"
    steps: list[str] = []
    if not _git(folder, "branch", "--remotes", "--contains", commit):
        steps.append(f"push commit {commit[:12]} to {address}: as far as {folder} knows, it is not there yet")
    if _git(folder, "status", "--porcelain", "--untracked-files=no"):
        steps.append(
            f"commit and push the changes in {folder}: the build server installs commit {commit[:12]}"
        )
    source = f"the clone at {folder}, whose origin is {address}, at commit {commit[:12]}"
    return Install(line, source, tuple(steps))


def _git(folder: Path, *args: str) -> str | None:
    """What a git command prints in `folder`, or None when it fails or prints nothing."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):  # no git, or it hangs
        return None
    out = done.stdout.strip().rstrip("/")
    return out if done.returncode == 0 and out else None


_SCP_LIKE = re.compile(r"^[\w.-]+@(?P<host>[\w.-]+):(?P<path>(?!/).+)$")  # git@github.com:owner/repo.git


def _fetchable(remote: str) -> str | None:
    """A git remote as an https address a build server can fetch without keys (a public repository
    over ssh is also public over https), or None for a remote on this machine."""
    scp = _SCP_LIKE.match(remote)
    if scp:
        return f"https://{scp['host']}/{scp['path']}"
    parts = urlsplit(remote)
    if parts.scheme in ("http", "https", "git") and parts.hostname:
        return _public(remote)
    if parts.scheme == "ssh" and parts.hostname:
        return urlunsplit(("https", parts.hostname, parts.path, "", ""))
    return None


def _public(url: str) -> str:
    """`url` without a user name or password (a token in a remote must not go into a site's repository)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    return urlunsplit(parts._replace(netloc=f"{netloc}:{parts.port}" if parts.port else netloc))


def _subdirectory(folder: object) -> str:
    return f"#subdirectory={folder}" if isinstance(folder, str) and folder else ""


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


def _values(title: str, base_url: str, now: dt.datetime, install: Install) -> dict[str, str]:
    moment = now.astimezone(dt.UTC).replace(microsecond=0)
    return {
        "@INSTALL@": _install_lines(install),
        # JSON strings are TOML basic strings (the same escapes), so any title stays valid TOML.
        "@TITLE@": json.dumps(title, ensure_ascii=False),
        "@BASE_URL@": json.dumps(base_url),
        "@PLAIN_TITLE@": title.replace("\\", "\\\\").replace('"', '\\"'),
        "@DATE@": moment.date().isoformat(),
        "@CAPTURED@": moment.isoformat(),
        "@TEMPLATES@": "\n".join(f"- `{name}`" for name in theme_templates()),
    }


def _install_lines(install: Install) -> str:
    """The end of requirements.txt: where the line comes from, what to do, and the line."""
    notes = [f"Made with briefings from {install.source}.", *(f"To do: {todo}." for todo in install.todo)]
    comments = [
        line
        for note in notes  # split() takes every kind of line break: nothing breaks out of a comment
        for line in textwrap.wrap(" ".join(note.split()), 100, initial_indent="# ", subsequent_indent="# ")
    ]
    return "\n".join([*comments, *([install.line] if install.line else [])])


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
