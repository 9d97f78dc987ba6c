"""Stage 5, output: rendered files and static folders → the output folder, all or nothing.

Two copies of the site take turns: the output folder readers see, and a spare beside it
(`.output.spare`) holding the build before. A build brings the spare up to date as it renders,
writing only files whose bytes changed and deleting what is gone, then exchanges the two folders in
one atomic rename; the live folder is never written. So a build killed at any moment leaves the
output folder as the previous complete site or the new one, never a mix; unchanged files keep their
modification times (rsync-style deploys send only what changed); and no build pays for deleting or
copying a whole tree.

A lock beside the output folder keeps two builds of one site from interleaving, and folders that
hold a site's sources (or more) are refused before anything is touched.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from briefings.errors import OutputError, Problem


class Spare:
    """The folder beside the live output that a build brings up to date, file by file, before the
    two are exchanged. Rendering processes may put files in it side by side; each tells the
    build what it put (`paths`, `changed`), to be merged with `note`."""

    def __init__(
        self, folder: Path, live: Path, *, empty: bool = False, linked: Collection[str] = frozenset()
    ) -> None:
        self.folder, self.live = folder, live
        self._folder, self._live = os.fspath(folder), os.fspath(live)  # for `keep`, run per file
        self.empty = empty  # the spare was made for this build, and there is no live site
        self.linked = linked  # files the spare and the live site are known to share
        self.paths: set[str] = set()
        self.changed: set[str] = set()
        self._folders: set[str] = set()  # folders known to be in the spare

    def another(self) -> Spare:
        """The same spare for another process to put files in."""
        return Spare(self.folder, self.live, empty=self.empty, linked=self.linked)

    def put(self, relative: str, content: bytes) -> None:
        """Make the spare's file at `relative` hold `content`.

        A file the live site already holds unchanged is hard-linked from it, so it keeps its inode
        and modification time across the exchange; any other file gets a new inode, so that
        writing the spare can never touch a file of the live site."""
        parts = _safe_parts(relative)
        self.paths.add(relative)
        if self.empty and self._create(parts, content):  # the first build of a site: all is new
            self.changed.add(relative)
            return
        target, current = self.folder.joinpath(*parts), self.live.joinpath(*parts)
        if _same(current, content):
            self.keep(relative)
            return
        self.changed.add(relative)
        if _same(target, content) and not _linked(target, current):
            return
        _clear(target)
        target.write_bytes(content)

    def _create(self, parts: tuple[str, ...], content: bytes) -> bool:
        """Write a new file, in as few system calls as it takes (a large site has many); False
        when something is in the way, for `put` to clear."""
        folder = os.path.join(self._folder, *parts[:-1])
        try:
            if folder not in self._folders:
                os.makedirs(folder, exist_ok=True)
                self._folders.add(folder)
            handle = os.open(os.path.join(folder, parts[-1]), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except (FileExistsError, NotADirectoryError):
            return False
        try:
            left = memoryview(content)
            while left:
                left = left[os.write(handle, left) :]
        finally:
            os.close(handle)
        return True

    def keep(self, relative: str) -> None:
        """The live site's file at `relative` is also the new site's."""
        self.paths.add(relative)
        if relative in self.linked:  # the spare holds it, as a build put it there before
            return
        parts = _safe_parts(relative)
        # Mostly the spare holds that very file already (two builds ago it was kept too): a
        # check on plain strings, as this runs for every unchanged file of a large site.
        spare_path, live_path = os.path.join(self._folder, *parts), os.path.join(self._live, *parts)
        with contextlib.suppress(OSError):
            spare_file, live_file = os.stat(spare_path), os.stat(live_path)
            if (spare_file.st_ino, spare_file.st_dev) == (live_file.st_ino, live_file.st_dev):
                return
        _clear(Path(spare_path))
        os.link(live_path, spare_path)

    def note(self, paths: Iterable[str], changed: Iterable[str]) -> None:
        self.paths.update(paths)
        self.changed.update(changed)


@contextmanager
def writing(
    output: Path,
    site_root: Path,
    static_dirs: Sequence[Path],
    *,
    spare_holds: Collection[str] | None = None,
    linked: Collection[str] = frozenset(),
    before_exchange: Callable[[], None] = lambda: None,
) -> Iterator[Spare]:
    """The spare folder to put the new site's files in; when the block ends without an error, the
    static folders' files are added (a generated file wins), files no longer part of the site are
    pruned, and the spare and `output` are exchanged atomically. `spare_holds` lists what the
    spare holds (the files of the build before last) when the caller knows: that spares a walk;
    `linked`, the files the spare shares with `output` (those the last build left unchanged).
    Whatever goes wrong, `output` is the old site or the new one, never a mix."""
    output = output.absolute()
    _refuse_dangerous(output, site_root.absolute())
    output.parent.mkdir(parents=True, exist_ok=True)
    with _locked(output):
        _recover(output)
        folder = spare_folder(output)
        made = not folder.is_dir()
        try:
            if made:  # a new spare holds only what this build puts in it: nothing to prune
                spare_holds, linked = frozenset(), frozenset()
            folder.mkdir(exist_ok=True)
            spare = Spare(folder, output, empty=made and not output.exists(), linked=linked)
            try:
                yield spare
            except BaseException:
                if made:  # a failed first build leaves nothing behind
                    shutil.rmtree(folder, ignore_errors=True)
                raise
            for relative, content in sorted(_static_files(static_dirs, spare.paths).items()):
                spare.put(relative, content)
            _prune(folder, spare.paths, spare_holds)
            before_exchange()
            _exchange(folder, output)
        except OSError as error:
            reason = error.strerror or str(error)
            raise OutputError([Problem(f"cannot write the site: {reason}", output)]) from None


def spare_folder(output: Path) -> Path:
    """The spare folder beside `output` (see writing)."""
    return _sibling(output.absolute(), "spare")


def _sibling(output: Path, role: str) -> Path:
    return output.parent / f".{output.name}.{role}"


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


def _recover(output: Path) -> None:
    """Finish an exchange that a killed build left half done (only where renames can't exchange)."""
    moved = _sibling(output, "old")
    if moved.exists() and not output.exists():
        moved.rename(output)
    elif moved.exists():
        shutil.rmtree(moved, ignore_errors=True)
    for leftover in output.parent.glob(f".{output.name}.tmp-*"):  # from briefings 0.1's staging folders
        shutil.rmtree(leftover, ignore_errors=True)


def _static_files(static_dirs: Sequence[Path], generated: Collection[str]) -> dict[str, bytes]:
    """Each static folder's files, later folders winning; a generated file always wins."""
    found: dict[str, bytes] = {}
    for folder in static_dirs:
        for source in sorted(folder.rglob("*")):
            relative = source.relative_to(folder).as_posix()
            if source.is_file() and relative not in generated and not _hidden(relative):
                found[relative] = source.read_bytes()
    return found


def _hidden(relative: str) -> bool:
    return any(part.startswith(".") for part in PurePosixPath(relative).parts)


def _linked(first: Path, second: Path) -> bool:
    try:
        return first.samefile(second)
    except OSError:
        return False


def _clear(target: Path) -> None:
    """Make way for a new file at `target`: remove what is there, create the folders above it."""
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    elif target.exists() or target.is_symlink():
        target.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)


def _safe_parts(relative: str) -> tuple[str, ...]:
    parts = tuple(relative.split("/"))
    if any(p in ("", ".", "..") or "\\" in p for p in parts):
        raise ValueError(f"unsafe output path {relative!r}")  # slugs are checked long before this
    return parts


def _same(target: Path, content: bytes) -> bool:
    try:
        return target.stat().st_size == len(content) and target.read_bytes() == content
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return False


def _prune(folder: Path, wanted: Collection[str], held: Collection[str] | None) -> None:
    """Delete files that are no longer part of the site, then the folders they leave empty.

    `held` is what the folder held before this build, when known: then only what it held is
    looked at, instead of walking the whole folder."""
    if held is None:
        _prune_walking(folder, wanted)
        return
    emptied: set[Path] = set()
    for relative in held:
        if relative not in wanted:
            path = folder.joinpath(*_safe_parts(relative))
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            emptied.update(path.parents)
    for path in sorted(emptied, key=lambda p: len(p.parts), reverse=True):
        if path.is_relative_to(folder) and path != folder:
            with contextlib.suppress(OSError):  # not empty: it still holds part of the site
                path.rmdir()


def _prune_walking(folder: Path, wanted: Collection[str]) -> None:
    top = os.fspath(folder)
    for where, folders, names in os.walk(top, topdown=False):
        relative = os.path.relpath(where, top)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        for name in names:
            if prefix + name not in wanted or os.path.islink(os.path.join(where, name)):
                os.unlink(os.path.join(where, name))
        for name in folders:
            path = os.path.join(where, name)
            if os.path.islink(path):
                os.unlink(path)
            elif not os.listdir(path):
                os.rmdir(path)


RENAME_EXCHANGE = 2
AT_FDCWD = -100


def _exchange(spare: Path, output: Path) -> None:
    """Swap the two folders in one step, so output/ is always one complete site."""
    os.chmod(spare, 0o755)
    if not output.exists():
        spare.rename(output)
        return
    if _rename_exchange(spare, output):
        return
    moved = _sibling(output, "old")  # no atomic exchange here: three renames, recovered by _recover
    output.rename(moved)
    spare.rename(output)
    moved.rename(spare)


def _rename_exchange(first: Path, second: Path) -> bool:
    """Linux's renameat2(RENAME_EXCHANGE); False where the C library or file system lacks it."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    result = renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code))
