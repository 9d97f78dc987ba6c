"""The build cache: each file's parsed front matter and rendered Markdown, keyed by its bytes.

Kept in `.briefings-cache/` in the site folder, so a warm build converts only the files that
changed. The cache is a pickle, and unpickling runs code, so each cache file is signed with a key
that lives outside the site (in the user's cache folder): a cache that came with someone else's
site, or was edited, fails the signature and is ignored, never loaded.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import pickle
import secrets
from pathlib import Path
from typing import Any

CACHE_DIR = ".briefings-cache"
KEY_BYTES = 32
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
    """One named table of the cache: key → value, loaded whole and saved whole."""

    def __init__(self, root: Path, name: str, version: str) -> None:
        self.path = root / CACHE_DIR / f"{name}.pickle"
        self.version = version
        self.key = _key()
        self.entries: dict[str, Any] = self._load()
        self.used: dict[str, Any] = {}

    def _load(self) -> dict[str, Any]:
        if self.key is None:
            return {}
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        signature, payload = data[:32], data[32:]
        if not hmac.compare_digest(signature, hmac.new(self.key, payload, hashlib.sha256).digest()):
            log.info("ignoring %s: not signed by this user", self.path)
            return {}
        try:
            version, entries = pickle.loads(payload)
        except Exception:  # a signed file from another version of briefings; start afresh
            return {}
        return entries if version == self.version and isinstance(entries, dict) else {}

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
        self.entries = {}
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        except OSError as error:
            log.warning("cannot remove the build cache %s: %s", self.path, error)

    def save(self) -> None:
        """Keep what this build used (so deleted files drop out); skipped when nothing changed."""
        unchanged = self.used.keys() == self.entries.keys() and all(
            self.entries[key] is value for key, value in self.used.items()
        )
        if self.key is None or unchanged:
            return
        payload = pickle.dumps((self.version, self.used), protocol=pickle.HIGHEST_PROTOCOL)
        signature = hmac.new(self.key, payload, hashlib.sha256).digest()
        try:
            self.path.parent.mkdir(exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_bytes(signature + payload)
            os.replace(temporary, self.path)
        except OSError as error:  # a cache that cannot be written only costs time
            log.warning("cannot write the build cache %s: %s", self.path, error)
