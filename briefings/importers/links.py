"""Links from sources: resolved against the page they came from, http(s) only, trackers removed."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from briefings.content import is_web_url

# Query parameters that only tell an advertiser where a click came from.
TRACKERS = re.compile(
    r"^(utm_\w+|fbclid|gclid|gclsrc|dclid|msclkid|yclid|twclid|igshid|mc_cid|mc_eid|_hsenc|_hsmi"
    r"|mkt_tok|oly_anon_id|oly_enc_id|vero_id|wickedid|ref_src|ref_url|__twitter_impression|spm"
    r"|ncid|ocid|cmpid|s_cid|at_medium|at_campaign|sr_share|guccounter|guce_referrer\w*)$",
    re.IGNORECASE,
)


def clean_url(url: str | None, base: str | None = None) -> str | None:
    """`url` made absolute against `base`, without trackers or fragment; None unless it is http(s)."""
    if not url or not url.strip():
        return None
    url = url.strip()
    if base:
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not TRACKERS.match(k)]
    # Rebuild the query only when a tracker was removed, so other addresses keep their spelling.
    query = urlencode(kept) if len(kept) < len(pairs) else parts.query
    cleaned = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))
    return cleaned if is_web_url(cleaned) else None


def same_url_key(url: str) -> str:
    """A key under which two spellings of one address compare equal (scheme, `www.`, trailing '/')."""
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}?{parts.query}"
