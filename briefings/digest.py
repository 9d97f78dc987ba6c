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


def readable(body: str) -> str:
    """Markdown as the words a reader sees, near enough to quote a sentence from."""
    for pattern, replacement in MARKDOWN_NOISE:
        body = pattern.sub(replacement, body)
    return body


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
