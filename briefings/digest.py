"""Stage 2b, digest: what discovery needs to know of one briefing, worked out once per file.

The topics site.toml's rules find in it, the sentence that mentions each of its topics, and the
keywords of its opening text. Each depends only on the file and the topic rules, so it is cached
with the file's Markdown and computed in parallel with it; assembly then only combines them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from briefings.model import Digest, ParsedBriefing, TopicRule
from briefings.related import TEXT_CHARS, keywords, pack_keywords
from briefings.slugs import slugify
from briefings.topics import TopicMatcher

MARKDOWN_NOISE = (
    (re.compile(r"\[\[[^\]|]+\|([^\]]+)\]\]"), r"\1"),
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"<[^>]*>|\[\[|\]\]|[*_`]+|^\s{0,3}(?:[>#]+|[-+] |\d+\. )", re.MULTILINE), ""),
)
# The same removals, done faster: a link found from its '[', with the '!' before it if any.
_LABELLED_WIKILINK, _NOISE = MARKDOWN_NOISE[0][0], MARKDOWN_NOISE[2][0]
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_FIRST_LINE_MARK = re.compile(r"\s{0,3}(?:[>#]+|[-+] |\d+\. )")
_LATER_LINE_MARK = re.compile(r"(\n)\s{0,3}(?:[>#]+|[-+] |\d+\. )")
_BRACKETS = re.compile(r"\[\[|\]\]")


def readable(body: str) -> str:
    """Markdown as the words a reader sees, near enough to quote a sentence from."""
    if "[[" in body:
        body = _LABELLED_WIKILINK.sub(r"\1", body)
    body = _without_links(body)
    if "<" in body:
        return _NOISE.sub("", body)
    # Without a tag, the last pattern's branches take disjoint sets of characters, none of them a
    # line end, so each can be removed alone: line marks (which start after a line end, so removing
    # one joins nothing), then '[[' and ']]' (a placeholder keeps ']' apart from ']'), then every
    # '*', '_' and '`', all of which the pattern removes.
    body = _without_line_marks(body)
    if "[[" in body or "]]" in body:
        if "\x00" in body:
            body = _BRACKETS.sub("", body)
        else:
            body = body.replace("[[", "\x00").replace("]]", "").replace("\x00", "")
    return body.replace("*", "").replace("_", "").replace("`", "")


def _without_links(body: str) -> str:
    parts: list[str] = []
    end = 0
    for link in _LINK.finditer(body):
        start = link.start()
        if start > end and body[start - 1] == "!":
            start -= 1
        parts += (body[end:start], link.group(1))
        end = link.end()
    return "".join(parts) + body[end:] if parts else body


def _without_line_marks(body: str) -> str:
    """The last pattern's line-start branch alone: a mark never ends with a line end, so after the
    first line each one is found from the line end before it."""
    first = _FIRST_LINE_MARK.match(body)
    return _LATER_LINE_MARK.sub(r"\1", body[first.end() :] if first else body)


class Digester:
    """Digests briefings against one site's topic rules; compiled patterns are kept between briefings."""

    def __init__(self, rules: Iterable[TopicRule]) -> None:
        self.rules = tuple(rules)
        self.matcher = TopicMatcher.compile(self.rules)
        self.aliases = {slugify(rule.name): rule.aliases for rule in self.rules}
        self.patterns: dict[str, TopicMatcher] = {}

    def digest(self, parsed: ParsedBriefing) -> Digest:
        found = self.matcher.match(parsed.title + "\n" + parsed.body) if self.rules else ()
        text = readable(parsed.body)
        mentions = []
        for name in dict.fromkeys([t.value for t in parsed.topics] + list(found)):
            sentence = self._matcher(name).mention(name, text)
            if sentence:
                mentions.append((slugify(name), sentence))
        words = keywords(parsed.title + "\n" + parsed.body[:TEXT_CHARS])
        return Digest(found, tuple(mentions), pack_keywords(words))

    def _matcher(self, name: str) -> TopicMatcher:
        """A matcher for one topic: its name as written, and the aliases of the rule it belongs to."""
        if name not in self.patterns:
            rule = TopicRule(name, self.aliases.get(slugify(name), ()))
            self.patterns[name] = TopicMatcher.compile([rule])
        return self.patterns[name]
