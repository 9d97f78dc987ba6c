"""The build cache: named tables of what a build keeps for the next, in `.briefings-cache/`.

Kept in the site folder, so that a build converts and renders only what changed. Its tables:
each file's parsed front matter, rendered Markdown and digest, keyed by its bytes (`documents`:
see convert); the compiled templates (`templates`) and each briefing's card and list entry as
rendered (`fragments`: see render); the assembled site, its briefings, the files it was made from
and the related scoring (`site`, `site-briefings`, `site-files`, `related`: see snapshot); and,
for each output folder, what its last build was made from and a fingerprint of every page and
feed it holds (`builds`, `pages`: see pipeline). The large ones are written aside, by a process
of their own at the lowest priority while the build goes on (see Cache.save, Writes and
parallel.in_background).

The cache is a pickle, and unpickling runs code, so each cache file is signed with a key
that lives outside the site (in the user's cache folder): a cache that came with someone else's
site, or was edited, fails the signature and is ignored, never loaded.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import hmac
import logging
import mmap
import os
import pickle
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Protocol

from briefings.parallel import in_background, wait_for

CACHE_DIR = ".briefings-cache"
KEY_BYTES = 32
DELTA_LEAST = 100  # a change of up to this many entries (or a tenth of the table) is saved alone
log = logging.getLogger(__name__)


def user_cache_home() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "briefings"


def _key() -> bytes | None:
    """This user's signing key, made on first use; None when there is nowhere to keep one."""
    path = user_cache_home() / "key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(KEY_BYTES))
        return path.read_bytes()
    except FileExistsError:
        return path.read_bytes()
    except OSError:
        return None


class Cache:
    """One named table of the cache: key → value, loaded whole.

    A save that changes a small part of a large table writes only the change, beside the table
    (`name.delta.pickle`, naming the table it applies to); a later save that finds the change has
    grown writes the whole table again."""

    def __init__(
        self,
        root: Path,
        name: str,
        version: str,
        paths: Mapping[str, Path] | None = None,
        *,
        fresh: bool = False,
        deltas: bool = True,
        named: ByName | None = None,
    ) -> None:
        """The table `name`, loaded; or empty with `fresh`, to be saved whole. A path in it that
        is in `paths` (by its text) loads as that very object: making ten thousand paths anew is a
        third of loading a documents table. Without `deltas`, every save writes the whole table:
        for one whose bulk is an entry that any change replaces, where a change saved alone is as
        large as the table and doubles what the next build loads. With `named`, the objects of a
        type that another table keeps are written by name, and load as that table's (see ByName)."""
        self.path = root / CACHE_DIR / f"{name}.pickle"
        self.delta_path = root / CACHE_DIR / f"{name}.delta.pickle"
        self.version = version
        self.paths = paths or {}
        self.deltas = deltas
        self.named = named
        self.key = _key()
        self.base_signature = b""
        self.base: dict[str, Any] = {}  # the table as saved whole
        self.entries: dict[str, Any] = {} if fresh else self._load()  # with the saved change applied
        self.used: dict[str, Any] = {}
        self.aside: Writes | None = None  # what the table was last written aside by (see save)

    def _load(self) -> dict[str, Any]:
        loaded = self._read(self.path)
        if loaded is None:
            return {}
        self.base_signature, self.base = loaded[0], loaded[1]
        delta = self._read(self.delta_path)
        if delta is None or not isinstance(delta[1], tuple) or delta[1][0] != self.base_signature:
            return dict(self.base)
        _, changed, removed = delta[1]
        entries = {key: value for key, value in self.base.items() if key not in removed}
        entries.update(changed)
        return entries

    def _read(self, path: Path) -> tuple[bytes, Any] | None:
        """(signature, value) of a cache file this user signed for this version, else None.

        The file is mapped rather than read: the table is checked and loaded from the system's
        own copy of it, never copied whole into this process (a large one is 70 MB)."""
        if self.key is None:
            return None
        try:
            with open(path, "rb") as handle:
                mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
            return None
        with mapped:
            with memoryview(mapped) as view:
                signature = bytes(view[:32])
                expected = hmac.new(self.key, view[32:], hashlib.sha256).digest()
            if not hmac.compare_digest(signature, expected):
                log.info("ignoring %s: not signed by this user", path)
                return None
            try:
                mapped.seek(32)
                with collector_paused():
                    version, value = _Unpickler(mapped, self.paths, self.named).load()
            except Exception:  # a signed file from another version of briefings; start afresh
                return None
        return (signature, value) if version == self.version else None

    def get(self, key: str) -> Any:
        value = self.entries.get(key)
        if value is not None:
            self.used[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        self.used[key] = value

    def forget(self) -> None:
        """Drop the saved table now (what is in use stays, for `save`): for a step that a killed
        build could leave half done, after which the saved table would no longer be true."""
        if self.aside is not None:
            self.aside.finish(self.path)
        self.entries, self.base, self.base_signature = {}, {}, b""
        for path in (self.delta_path, self.path):
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError as error:
                log.warning("cannot remove the build cache %s: %s", path, error)

    def save(self, *, aside: Writes | None = None) -> bool:
        """Keep what this build used (so deleted files drop out); skipped when nothing changed.
        Whether the table holds it now (or will: see `aside`).

        With `aside`, a forked process writes the table while this one goes on (a large table
        takes most of a second to write), and `aside` knows it: the table is in place once
        `aside` is finished (see Writes)."""
        unchanged = self.used.keys() == self.entries.keys() and all(
            self.entries[key] is value for key, value in self.used.items()
        )
        if self.key is None:
            return False
        if unchanged:
            return True
        if self.aside is not None:  # an earlier save still writing it would land after this one
            self.aside.finish(self.path)
        if aside is not None:
            self.aside = aside
            if aside.start(self.path, self._save):  # what its file holds is the child's to know
                self.entries, self.base, self.base_signature = dict(self.used), {}, b""
            return True
        return self._save()

    def _save(self) -> bool:
        changed = {key: value for key, value in self.used.items() if self.base.get(key) is not value}
        removed = frozenset(key for key in self.base if key not in self.used)
        small = len(changed) + len(removed) <= max(DELTA_LEAST, len(self.used) // 10)
        if self.deltas and self.base_signature and small:
            return bool(self._write(self.delta_path, (self.base_signature, changed, removed)))
        signature = self._write(self.path, self.used)
        if signature:
            self.base_signature, self.base = signature, self.used
            with contextlib.suppress(FileNotFoundError):
                self.delta_path.unlink()
        return bool(signature)

    def _write(self, path: Path, value: Any) -> bytes:
        """Write a signed cache file atomically; its signature, or b"" when it cannot be written.

        The pickle streams to the file through the signature, never whole in memory; the
        signature then takes the place kept for it at the start."""
        assert self.key is not None
        try:
            path.parent.mkdir(exist_ok=True)
            temporary = path.with_suffix(".tmp")
            with open(temporary, "wb") as handle, collector_paused():
                handle.write(bytes(32))
                signed = _Signed(handle, hmac.new(self.key, digestmod=hashlib.sha256))
                _Pickler(signed, self.named, protocol=pickle.HIGHEST_PROTOCOL).dump((self.version, value))
                signature = signed.mac.digest()
                handle.seek(0)
                handle.write(signature)
            os.replace(temporary, path)
        except OSError as error:  # a cache that cannot be written only costs time
            log.warning("cannot write the build cache %s: %s", path, error)
            return b""
        return signature


class Writes:
    """The cache tables being written aside, each by a background process (see Cache.save): a
    build's own, which it finishes before it ends, so that a table is in place before anything
    loads it again. As a context manager, it finishes as the block ends."""

    def __init__(self) -> None:
        self.writing: dict[Path, int] = {}  # cache file → the process writing it

    def start(self, path: Path, write: Callable[[], object]) -> bool:
        """`write` the cache file at `path` in a background process (see parallel.in_background)
        once no other is writing it; whether it went to one (else it was written here)."""
        self.finish(path)
        pid = in_background(write)
        if pid is not None:
            self.writing[path] = pid
        return pid is not None

    def finish(self, path: Path | None = None) -> None:
        """Wait for the process writing the cache file at `path`, or for all of them."""
        for written in [path] if path is not None else list(self.writing):
            if (pid := self.writing.pop(written, None)) is not None:
                wait_for(pid)

    def __enter__(self) -> Writes:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.finish()


_PATH = type(Path())  # PosixPath or WindowsPath


def _path(text: str) -> Path:
    """A path written by _Pickler, as a plain unpickler loads it (see _Unpickler.find_class)."""
    return Path(text)


def _named(name: str) -> Any:
    """An object written by name (see ByName), which a plain unpickler cannot load."""
    raise pickle.UnpicklingError(f"no table to take {name!r} from")


@dataclass(frozen=True)
class ByName:
    """Objects of a `kind` that another table keeps (by their `name`): a table written with them
    holds only their names, and loads each as the object of its name in `objects` (that other
    table's, loaded first). A name not there fails the load, as a table from elsewhere would."""

    kind: type
    name: str  # the attribute that names one
    objects: Mapping[str, Any]


class _Pickler(pickle.Pickler):
    """Writes each path as its text, to be loaded by `_path`, and named objects by name (see
    _Unpickler). Unlike a persistent id, asked of every object written, this is asked only of
    objects of other than the built-in types (a tenth of a site's), and once of each."""

    def __init__(self, file: BinaryIO | _Signed, named: ByName | None, **options: Any) -> None:
        super().__init__(file, **options)
        self.kind: type | None = named.kind if named else None
        self.name = named.name if named else ""

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is _PATH:
            return (_path, (str(obj),))
        if kind is self.kind:
            return (_named, (getattr(obj, self.name),))
        return NotImplemented


class _Source(Protocol):
    """What an unpickler reads from: a file, or a mapped one."""

    def read(self, size: int, /) -> bytes: ...

    def readline(self) -> bytes: ...


class _Unpickler(pickle.Unpickler):
    """Loads each path written as its text as the path of that text in `paths`, or a new one, and
    each object written by name as the `named` one."""

    def __init__(self, source: _Source, paths: Mapping[str, Path], named: ByName | None = None) -> None:
        super().__init__(source)
        self.paths = paths
        self.objects = named.objects if named else {}

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == "_path":
            return self._path
        if module == __name__ and name == "_named":
            return self.objects.__getitem__  # a name not there: a KeyError, and no table
        return super().find_class(module, name)

    def _path(self, text: str) -> Path:
        return self.paths.get(text) or Path(text)


class _Signed:
    """A file to write that also feeds everything written to a MAC."""

    def __init__(self, handle: BinaryIO, mac: hmac.HMAC) -> None:
        self.handle, self.mac = handle, mac

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.handle.write(data)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused for a block that makes many long-lived objects and no
    garbage cycles (unpickling a large table, say), which it would walk again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
