"""Import, article pages: who published an article, and its headline unadorned.

Pages decorate their headlines with the site's name, a section and sometimes a date, in front or
behind, in any script ("…-新华网", "NEWS WEB EASY|…", "…（CNET Japan）", "… | DW | 19.01.2020").
The site's names are known from the page itself (Open Graph, JSON-LD, application-name, the
address) and what is left when they are cut is the headline; bylines.py reads the authors.
"""

from __future__ import annotations

# Full-width brackets, bars and colons are what CJK pages write: the patterns name them as written.
# ruff: noqa: RUF001, RUF002, RUF003
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

# Between a headline and the site's name: a bar anywhere; a dash, colon or other mark between
# spaces; a dash or underscore glued to a CJK name ("…-新华网", "标题_新浪网").
SEPARATOR = re.compile(
    r"\s*[|｜]\s*|\s+(?:-{1,2}|[\u2013\u2014:·•»«/~]|::)\s+|\s*--\s*"
    r"|(?<=[^\x00-\x7f])\s*[-_]\s*(?=\S)|(?<=\S)\s*[-_]\s*(?=[^\x00-\x7f])|\s+：\s*|：\s+"
)
# A credit in brackets at the end of a headline: "…（CNET Japan）", "… (AFP)".
CREDIT = re.compile(r"\s*[（(]([^（）()]{2,30})[）)]\s*$")
ELLIPSIS = re.compile(r"(?:\.\.\.|…)\s*$")
# Names that are the site's sections, not its publisher.
SECTIONS = {
    "news", "world", "us", "u.s.", "uk", "business", "politics", "technology", "tech", "sports", "sport",
    "markets", "entertainment", "health", "science", "opinion", "lifestyle", "life", "asia", "europe",
    "americas", "africa", "middle east", "economy", "finance", "culture", "arts", "travel", "local",
    "national", "international", "breaking news", "top news", "latest news", "home", "media", "film",
    "music", "style", "food", "autos", "weather", "legal", "environment", "china", "japan", "video",
    "nachrichten", "politik", "wirtschaft", "sociedad", "actualidad", "economía", "internacional",
    "société", "économie", "monde", "politique", "ニュース", "国内", "国際", "経済", "新闻", "新聞",
    "国内新闻", "国际新闻", "财经", "뉴스", "정치", "경제", "사회", "연예", "국제", "스포츠", "zprávy",
    "domácí", "zahraničí", "noticias", "notizie", "actualités", "aktuell", "inland", "ausland",
}  # fmt: skip


def fold(text: str) -> str:
    """Letters and digits only, accents removed, case folded: 'EL PAÍS' and 'elpais.com' meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def host_labels(url: str | None) -> list[str]:
    """The distinctive labels of a page's host: 'news.bbc.co.uk' → ['bbc']."""
    host = (urlsplit(url).hostname or "") if url else ""
    generic = {
        "www", "www2", "www3", "m", "mobile", "amp", "news", "edition", "blog", "blogs", "com", "org",
        "net", "co", "or", "ne", "go", "gov", "ac", "info", "online", "web", "article",
    }  # fmt: skip
    labels = host.split(".")[:-1]
    return [label for label in labels if label not in generic and len(label) > 1]


class Names:
    """The names a page goes by: its publisher's, its aggregator's, and its address."""

    def __init__(self, names: Iterable[str | None], url: str | None) -> None:
        self.names = [n for n in dict.fromkeys(n.strip() for n in names if n) if fold(n)]
        self.labels = host_labels(url)

    def plus(self, *names: str | None) -> Names:
        """These names and more, for the same address."""
        more = Names([*self.names, *names], None)
        more.labels = self.labels
        return more

    def is_site(self, text: str) -> bool:
        """Whether `text` is one of the site's names (or its address, or one of its sections)."""
        folded = fold(text.removeprefix("www."))
        if not folded:
            return False
        if text.strip().casefold() in SECTIONS:
            return True
        short = len(text.split()) <= 5 and len(text) <= 40
        for name in self.names:
            other = fold(name.removeprefix("www."))
            close = short and min(len(other), len(folded)) > 3 and (other in folded or folded in other)
            if other and (folded == other or close):
                return True
        return short and self.like_host(text)

    def is_named(self, text: str) -> bool:
        """Whether `text` is exactly one of the site's names, or its address."""
        folded = fold(text.removeprefix("www."))
        return any(folded == fold(n.removeprefix("www.")) for n in self.names) or self.like_host(text)

    def starts_with_name(self, text: str) -> bool:
        """Whether `text` begins with one of the site's names: "ESPN.com Archive", "El País"."""
        folded = fold(text)
        return any(len(f) >= 3 and folded.startswith(f) for f in (fold(n) for n in self.names))

    def like_host(self, text: str) -> bool:
        folded = re.sub(r"(com|org|net|couk|de|fr|es|jp|cn|kr|cz|it)$", "", fold(text.removeprefix("www.")))
        ascii_part = "".join(c for c in folded if c.isascii())
        if len(ascii_part) < 2:
            return False
        if len(text.split()) > 3:
            return False
        joined = "".join(self.labels)
        # The address's name must be most of the text: "TIME NewsFeed" on newsfeed.time.com, not
        # "Market report" on market.example.
        return any(
            ascii_part == label
            or (len(label) > 2 and label in ascii_part and 2 * len(label) >= len(ascii_part))
            for label in self.labels
        ) or (len(ascii_part) > 3 and ascii_part in joined)


def segments(title: str) -> list[str]:
    parts = [p.strip() for p in SEPARATOR.split(title)]
    return [p for p in parts if p]


def is_date(text: str) -> bool:
    return bool(
        re.fullmatch(r"[\d\s./\-年月日:]+|\d{1,2}\.? \w+\.? \d{4}|\w+\.? \d{1,2},? \d{4}", text.strip())
    )


def strip_site(title: str, names: Names) -> tuple[str, list[str]]:
    """The headline without the site's names, dates and sections at either end, and what was cut."""
    cut: list[str] = []
    title = _without_credit(title, names, cut)
    parts = segments(title)
    if len(parts) == 1:
        colon = re.match(r"^([^:]{2,40}):\s+(\S.*)$", title)
        if colon and names.is_site(colon.group(1)):
            return colon.group(2), [colon.group(1)]
    while len(parts) > 1:
        # The site's name may stand behind a section or a date: "… - BBC中文网 - 两岸三地".
        last = range(len(parts) - 1, max(len(parts) - 4, 0), -1)
        behind = next((i for i in last if _decoration(parts[i], names, cut)), None)
        first = range(min(2, len(parts) - 1))
        ahead = next((i for i in first if names.is_site(parts[i]) or is_date(parts[i])), None)
        if behind is not None and (names.is_site(parts[behind]) or behind == len(parts) - 1):
            cut += reversed(parts[behind:])
            parts = parts[:behind]
        elif ahead is not None:
            cut += parts[: ahead + 1]
            parts = parts[ahead + 1 :]
        else:
            break
    if not cut and len(parts) > 1:
        # A short name behind or before the headline that the page names nowhere else: "…-新华网".
        if _name_like(parts[-1]) and _weight(" ".join(parts[:-1])) >= 2 * _weight(parts[-1]):
            cut.append(parts.pop())
        elif _name_like(parts[0]) and _weight(" ".join(parts[1:])) >= 2 * _weight(parts[0]) and "|" in title:
            cut.append(parts.pop(0))
    if not cut:
        return title, cut
    # Keep the headline's own punctuation: cut the original at the kept parts' ends.
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return _without_credit(title[start:end].strip(), names, cut), cut


def _without_credit(title: str, names: Names, cut: list[str]) -> str:
    """The title without a credit in brackets at its end that names the site: "…（CNET Japan）"."""
    credit = CREDIT.search(title)
    if credit and names.is_site(credit.group(1)):
        cut.append(credit.group(1).strip())
        return title[: credit.start()].rstrip()
    return title


def _weight(text: str) -> int:
    """A text's width as a reader sees it: a CJK character is as wide as two Latin ones."""
    return len(text) + sum(1 for c in text if ord(c) > 0x2E80)


def _name_like(part: str) -> bool:
    """Short, capitalised, without a sentence's punctuation: how sites write their names."""
    if re.search(r"[.?!,;:。、？！]\s|[?!？！。]$", part):
        return False
    cjk = sum(1 for c in part if ord(c) > 0x2E80)
    if cjk:
        return len(part) <= 10
    words = part.split()
    return len(words) <= 3 and all(w[:1].isupper() or w[:1].isdigit() for w in words)


def _decoration(part: str, names: Names, cut: list[str]) -> bool:
    return names.is_site(part) or is_date(part) or bool(cut and part.casefold() in SECTIONS)


def leftover(title: str, headline: str) -> list[str]:
    """The parts of a page's <title> around its headline: ["Sociedad", "EL PAÍS"]."""
    parts = segments(title)
    for size in range(len(parts) - 1, 0, -1):
        if fold(" ".join(parts[:size])) == fold(headline):
            return parts[size:][::-1]
        if fold(" ".join(parts[-size:])) == fold(headline):
            return parts[:-size]
    return []


def runs(text: str) -> set[str]:
    """Every run of consecutive segments of `text`, folded."""
    parts = segments(text)
    return {fold(" ".join(parts[i:j])) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)}


def choose_title(candidates: list[str], names: Names) -> tuple[str, bool]:
    """The headline most of the page's statements agree on, and whether it had to be cut from one."""
    stripped = [(c, *strip_site(c, names)) for c in candidates if c and fold(c)]
    usable = [(raw, clean) for raw, clean, _ in stripped if _headline_like(clean, names)]
    # A very short headline ("大雨警報") is still the headline when the page offers no longer one.
    usable = usable or [(raw, clean) for raw, clean, _ in stripped if not names.is_named(clean)]
    if not usable:
        return "", False
    all_runs = [runs(raw) | runs(clean) for raw, clean in usable]

    def support(text: str) -> int:
        return sum(fold(text) in r for r in all_runs)

    best = max(range(len(usable)), key=lambda i: (support(usable[i][1]), -i))
    title = usable[best][1]
    if ELLIPSIS.search(title):
        title = _completed(title, [clean for _, clean in usable])
    return title, all(title != raw for raw, _ in usable)


def _headline_like(text: str, names: Names) -> bool:
    if names.is_site(text) or text.casefold() in SECTIONS:
        return False
    cjk = sum(1 for c in text if ord(c) > 0x2E80)
    return cjk >= 4 or len(text.split()) >= 2


def _completed(title: str, others: list[str]) -> str:
    """A cut-off headline ("… Plans to…") replaced by a complete one that starts the same way."""
    stem = fold(ELLIPSIS.sub("", title))
    for other in others:
        if not ELLIPSIS.search(other) and fold(other).startswith(stem) and len(fold(other)) > len(stem):
            return other
    return title


def site_part(cut: list[str], names: Names) -> str | None:
    """The publisher's name among the parts cut from a title: the one like the address, else the outermost."""
    named = [c for c in cut if not is_date(c) and c.casefold() not in SECTIONS]
    for part in named:
        if names.like_host(part):
            return part
    return named[0] if named else None
