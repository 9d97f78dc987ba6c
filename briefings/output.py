"""Stage 5, output: rendered files and static folders → the output folder, all or nothing.

The new site is written into a temporary folder beside the output folder and swapped in only
when every file is written, so a failed or interrupted build leaves the previous site whole.
A lock beside the output folder keeps two builds of one site from interleaving, and folders
that hold a site's sources (or more) are refused before anything is touched.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path, PurePosixPath

from briefings.errors import OutputError, Problem
from briefings.model import OutputFile
from briefings.stability import LEDGER_NAME, Ledger


def write_output(
    files: Sequence[OutputFile], static_dirs: Sequence[Path], output: Path, site_root: Path
) -> int:
    """Replace `output` with `files` plus the static folders' files; returns how many were written."""
    output = output.absolute()
    _refuse_dangerous(output, site_root.absolute())
    output.parent.mkdir(parents=True, exist_ok=True)
    with _locked(output):
        _remove_leftovers(output)
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.tmp-", dir=output.parent))
        try:
            count = _copy_static(static_dirs, staging, {f.path for f in files})
            for file in files:
                _write(staging, file)
            _swap(staging, output)
        except OSError as error:
            shutil.rmtree(staging, ignore_errors=True)
            raise OutputError(
                [Problem(f"cannot write the site: {error.strerror or error}", output)]
            ) from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return count + len(files)


def _refuse_dangerous(output: Path, root: Path) -> None:
    resolved, root = output.resolve(), root.resolve()
    sources = [root / name for name in ("content", "templates", "static", "site.toml")]
    if resolved == resolved.parent or root.is_relative_to(resolved) or resolved in sources:
        message = "refusing to write the site here: it would replace the site's own files"
        raise OutputError([Problem(message, output, hint="choose a folder such as 'output'")])
    if any(resolved.is_relative_to(s) for s in sources[:3]):
        raise OutputError([Problem("refusing to write the site inside the site's sources", output)])
    if resolved.is_file() or (resolved / "site.toml").exists() or (resolved / ".git").exists():
        raise OutputError([Problem("refusing to replace what is not a built site", output)])


@contextmanager
def _locked(output: Path) -> Iterator[None]:
    lock_path = output.parent / f".{output.name}.lock"
    with open(lock_path, "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError([Problem("another build is writing this folder; try again", output)]) from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _remove_leftovers(output: Path) -> None:
    """Folders left by a build that was killed before it could clean up after itself."""
    for pattern in (f".{output.name}.tmp-*", f".{output.name}.old-*"):
        for leftover in output.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def _copy_static(static_dirs: Sequence[Path], staging: Path, generated: set[str]) -> int:
    """Copy each static folder in order (later ones win); a generated page always wins."""
    copied: set[str] = set()
    for folder in static_dirs:
        for source in sorted(folder.rglob("*")):
            relative = source.relative_to(folder).as_posix()
            if not source.is_file() or relative in generated or _hidden(relative):
                continue
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            copied.add(relative)
    return len(copied)


def _hidden(relative: str) -> bool:
    return any(part.startswith(".") for part in PurePosixPath(relative).parts)


def _write(staging: Path, file: OutputFile) -> None:
    parts = PurePosixPath(file.path).parts
    if (
        not parts
        or any(part in ("..", ".", "") or "\\" in part for part in parts)
        or file.path.startswith("/")
    ):
        raise ValueError(f"unsafe output path {file.path!r}")
    target = staging.joinpath(*parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(file.content)


def _swap(staging: Path, output: Path) -> None:
    """Put the new site in place: the old one moves aside, the new one in, the old one goes."""
    os.chmod(staging, 0o755)
    if not output.exists():
        staging.rename(output)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    old.rmdir()
    output.rename(old)
    staging.rename(output)
    shutil.rmtree(old, ignore_errors=True)


def write_ledger(root: Path, ledger: Ledger) -> None:
    """Save the feed ledger beside site.toml, atomically, sorted so that it diffs well."""
    items = {key: asdict(item) for key, item in sorted(ledger.items.items())}
    text = json.dumps({"base_url": ledger.base_url, "items": items}, ensure_ascii=False, indent=1) + "\n"
    path = root / LEDGER_NAME
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    temporary = path.with_name(f".{LEDGER_NAME}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as error:
        raise OutputError([Problem(f"cannot write the feed ledger: {error.strerror}", path)]) from None
