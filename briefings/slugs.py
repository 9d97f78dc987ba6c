"""Slugs: the one folder name a briefing, page, topic or source gets under output/.

A slug is letters and digits of any script, '-' and '_'; never '.', '/', '\\', '%' or an
invisible character, so it can never name a path outside its folder.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from urllib.parse import quote

SLUG = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")
MAX_SLUG_BYTES = 180
_SEPARATORS = re.compile(r"[\W_]+")


def slug_problem(slug: str) -> str | None:
    """Why `slug` cannot name a folder of the site, or None when it can."""
    if not SLUG.match(slug):
        return "may hold only letters, digits, '-' and '_', starting and ending with a letter or digit"
    if len(slug.encode("utf-8")) > MAX_SLUG_BYTES:
        return f"is longer than {MAX_SLUG_BYTES} bytes"
    return None


@functools.lru_cache(maxsize=65536)  # topic and source names recur across thousands of briefings
def slugify(text: str) -> str:
    """A readable slug for any text ('' when it has no letters or digits); CJK is kept as is."""
    words = _SEPARATORS.sub("-", unicodedata.normalize("NFKC", text).casefold()).strip("-")
    while len(words.encode("utf-8")) > MAX_SLUG_BYTES:
        words = words[:-1].rstrip("-")
    return words


def address_length(slug: str) -> int:
    """How many characters `slug` takes in an address, percent-encoded: one for a Latin letter,
    nine for a Chinese, Japanese or Korean one (東 is %E6%9D%B1)."""
    return len(quote(slug, safe=""))
