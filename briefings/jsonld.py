"""Part of stage 4, render: a Briefing → its JSON-LD `NewsArticle`, ready to sit in a <script>.

Search engines and link previews read this block; browsers never run it. Its text comes from
sources, so it is built as data with json.dumps and every character that could end the block or
change how the HTML around it parses is written as a JSON escape instead: `<`, `>` and `&` (so no
`</script>` or `<!--`), and U+2028/U+2029, which older JavaScript parsers take for line ends.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from briefings.model import Briefing, SiteConfig

UNSAFE_IN_SCRIPT = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def news_article(briefing: Briefing, config: SiteConfig) -> Markup:
    """The briefing as schema.org NewsArticle JSON, escaped for an HTML script element."""
    return script_json(news_article_data(briefing, config))


def script_json(data: Any) -> Markup:
    """`data` as JSON that cannot end or alter the <script> element it is placed in."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.translate(UNSAFE_IN_SCRIPT))


def news_article_data(briefing: Briefing, config: SiteConfig) -> dict[str, Any]:
    """What the briefing says about itself, in schema.org's words."""
    url = config.absolute(briefing.url)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": briefing.title,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": briefing.date.iso,
        "dateModified": modified(briefing),
        "author": authors(briefing),
        "publisher": {"@type": "Organization", "name": briefing.sources[0].name},
        "inLanguage": config.language,
    }
    based_on = dict.fromkeys([*(s.url for s in briefing.sources if s.url), briefing.canonical])
    based_on.pop(None, None)
    if based_on:
        data["isBasedOn"] = list(based_on)
    if briefing.summary:
        data["description"] = briefing.summary
    if briefing.topics:
        data["keywords"] = [topic.name for topic in briefing.topics]
    return data


def modified(briefing: Briefing) -> str:
    """The later of publication and capture: a briefing is last written when it is captured."""
    stamps = [briefing.date, *([briefing.captured] if briefing.captured else [])]
    return max(stamps, key=lambda stamp: stamp.moment).iso


def authors(briefing: Briefing) -> list[dict[str, str]]:
    """The sources' authors, each once; with none named, the outlets stand as authors."""
    named = dict.fromkeys(source.author for source in briefing.sources if source.author)
    if named:
        return [{"@type": "Person", "name": name} for name in named]
    outlets = dict.fromkeys(source.name for source in briefing.sources)
    return [{"@type": "Organization", "name": name} for name in outlets]
