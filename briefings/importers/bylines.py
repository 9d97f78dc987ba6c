"""Import, article pages: the people and agencies an author line names.

Author lines carry more than names: "By", roles ("AP Technology Writers", "Envoyés spéciaux"),
the site's own name ("Ed Hornick, CNN"), dates and relative times ("Aleš Vávra před 3 hodinami"),
e-mail addresses, and interface words ("View Author Page"). What is left is a person or an agency;
a placeholder ("Staff", "admin", "No Author") or the site itself is no author.
"""

from __future__ import annotations

# Full-width brackets and colons are what CJK bylines write: the patterns name them as written.
# ruff: noqa: RUF001
import re

from briefings.importers.attribution import Names

PLACEHOLDERS = {
    "no author", "unknown", "staff", "admin", "administrator", "editor", "editors", "anonymous",
    "author", "guest", "redaktion", "rédaction", "redacción", "redazione", "redakce", "webmaster",
    "newsroom", "news desk", "web desk", "desk", "staff writer", "staff reporter", "editorial",
    "editorial board", "editorial writers", "team", "user", "null", "none", "n/a", "편집부", "编辑",
    "記者", "기자", "編集部", "责任编辑", "online", "digital",
}  # fmt: skip
AGENCIES = {
    "ap", "afp", "reuters", "dpa", "efe", "ansa", "bloomberg", "xinhua", "kyodo", "jiji", "yonhap", "tass",
    "interfax", "pti", "ani", "ians", "lusa", "anp", "apa", "sda", "ats", "ctk", "čtk", "pap", "mti",
    "bernama", "antara", "aap", "kna", "newsis", "nhk", "upi", "epa", "associated press",
}  # fmt: skip
# Words of a page's interface or a newsroom, which no author line that names a person contains.
INTERFACE = {
    "text", "size", "email", "e-mail", "share", "print", "comments", "comment", "follow", "more", "view",
    "profile", "page", "posts", "archive", "contact", "subscribe", "twitter", "facebook", "linkedin",
    "editorial", "staff", "desk", "team", "newsroom", "redaktion", "logged", "account", "sign", "login",
    "menu", "search", "home", "photo", "photos", "images", "getty", "reuters/", "wordpress", "all",
    "read", "full", "story", "article", "articles", "bio", "latest", "about",
}  # fmt: skip
# Words that make an author line name a newsroom or a programme rather than a person.
ORGANISATION = re.compile(
    r"(?i)studio|büro|bureau|redaktion|agentur|agency|zeitung|\bnews\b|\bpress\b|\btv\b|radio|"
    r"\bonline\b|\bmagazin|\bdesk\b|\bteam\b|\bstaff\b|\bnachrichten|\bnoticias|\bredacci|\bredaz"
)
ROLE_WORDS = re.compile(
    r"\b(?:senior|chief|staff|correspondent|correspondents|writer|writers|reporter|reporters|editor|"
    r"editors|contributor|columnist|journalist|journaliste|envoyés?|envoyées?|spécia[lu]x?|"
    r"redakteur(?:in)?|korrespondent(?:in)?|autor(?:in)?|reportero|corresponsal|technology|"
    r"washington|bureau|national|political|business|for|in|at|à|aus|en|de la|photos?|video|"
    r"updated|published|posted|from|with|via|and more)\b.*$",
    re.IGNORECASE,
)
LEAD_IN = re.compile(
    r"^(?:(?:story|words|text|reporting|written|posted|published|photos?|compiled|interview)\s+)?"
    r"(?:(?:by|par|von|por|door|di|av|af|autor(?:a|in)?|auteur|writer|author|credit)\s*[:：]?"
    r"|(?:text|texte)\s*[:：])\s+",
    re.IGNORECASE,
)
# Words and marks after which an author line no longer names anyone: times, dates, e-mail.
TAIL = re.compile(
    r"\s+(?:před|vor|hace|il y a|fa|ago|updated|aktualisiert|mis à jour|actualizado|posted|published|"
    r"publié|veröffentlicht|(?:am|le|on|el|dne|den)\s+\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?(?:\s+\d|$))\b.*$|\s*\d.*$|\s*\S+@\S+.*$|\s*[|•·–—]\s.*$",
    re.IGNORECASE,
)
PARTICLES = {
    "de", "da", "do", "dos", "das", "del", "della", "di", "du", "van", "von", "der", "den", "ter", "la",
    "le", "bin", "al", "el", "y", "e", "zu", "af", "ibn", "st.", "mc",
}  # fmt: skip
SPLIT_NAMES = re.compile(r"\s*(?:,|;|/|、|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\ba\b|\bog\b|\bi\b)\s*")
CJK_TITLES = re.compile(r"(?:新华社)?(?:记者|記者|特派員|特派员|撮影|通讯员|기자|특파원|객원기자|인턴기자)")


def clean_authors(raw: str, names: Names) -> list[str]:
    """The people or agencies an author line names, without roles, dates or the site's own name."""
    text = " ".join(raw.split())
    if "://" in text or text.startswith("@"):
        return []
    text = LEAD_IN.sub("", text)
    text = re.sub(r"\s+-\s+.*$", "", text)  # "Name - AP Technology Writers"
    text = TAIL.sub("", text)
    found: list[str] = []
    for part in SPLIT_NAMES.split(text):
        name = _one_name(part, names)
        if name and name.casefold() not in (f.casefold() for f in found):
            found.append(name)
    return found[:6]


def _one_name(part: str, names: Names) -> str | None:
    part = re.sub(r"\s*[（(][^（）()]*[）)]", "", LEAD_IN.sub("", part))  # "坂本純子 (編集部)"
    part = CJK_TITLES.sub(" ", part).strip(" .,:;-=()[]（）【】")
    if not part or part.casefold() in PLACEHOLDERS or names.is_named(part):
        return None
    if part.casefold() in AGENCIES:
        return part
    if any(ord(c) > 0x2E80 for c in part):
        return part if len(part) <= 20 else None
    if ORGANISATION.search(part):
        return None
    if len(part.split()) > 1:
        part = ROLE_WORDS.sub("", part).strip(" ,.-")
    kept: list[str] = []
    words = part.split()
    for at, word in enumerate(words):
        if names.starts_with_name(" ".join(words[at:])) or names.like_host(word):
            break
        if word.casefold().strip(".,:;'’s") in INTERFACE or word.casefold() in PLACEHOLDERS:
            return None
        if not word[:1].isupper() and word.casefold() not in PARTICLES:
            return None
        kept.append(word)
    while kept and kept[-1].casefold() in PARTICLES:
        kept.pop()
    if not kept or len(kept) > 5 or any(w.casefold() in PLACEHOLDERS for w in kept):
        return None
    if len(kept) == 1 and not (kept[0].isupper() or kept[0].casefold() in AGENCIES):
        return None  # one word is a name only for an agency ("AP", "Reuters", "dpa")
    name = " ".join(kept)
    if name.isupper() and len(name) > 4 and " " in name:
        name = name.title()
    return None if names.is_named(name) else name
