"""Stages 1 and 2 at scale: documents → parsed front matter, Markdown and digests, cached and parallel.

Each file's result is kept in the build cache under its bytes' hash, so a warm build converts only
what changed. When many files are pending, they are converted by a pool of processes, one per
core (the work is pure Python, so threads would not help).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path

import markdown
import nh3
import yaml

from briefings import __version__
from briefings.cache import Cache, Writes
from briefings.content import Document, Parsed, parse_document, with_data
from briefings.digest import Digester
from briefings.errors import ContentError, Problem
from briefings.markup import MarkupRenderer
from briefings.model import Digest, Markup, ParsedBriefing, SiteConfig
from briefings.parallel import Parallelism

Converted = tuple[Parsed, Markup, Digest | None]  # a digest for briefings, None for pages
Progress = Callable[[str, int, int], None]
CACHE_FORMAT = 9  # raised whenever the cached types change shape
STAMPED = "stamp "  # a cache key naming a file version by its stamp; its value is the content key


def convert_site(
    config: SiteConfig,
    listed: tuple[list[Document], list[Problem]],
    progress: Progress | None = None,
    known: Mapping[str, Converted] | None = None,
    *,
    aside: Writes | None = None,
    parallelism: Parallelism | None = None,
) -> tuple[list[Converted], list[Problem], dict[str, tuple[str, str]]]:
    """Every content file of the site (`listed`: see `list_documents`) converted, in order, the
    problems of those that could not be listed, read or converted, and each converted file's stamp
    and content key by its path. A file whose stamp was met before is taken from the cache without
    being read; the others are read and looked up by their bytes. With nothing cached, there is
    nothing to look up: the converting processes read the files.
    `known` holds conversions the caller made already, by content key. From
    `parallelism.convert_from` files to convert (default: see Parallelism), a pool of processes
    converts them and, with `aside`, the cache table they make is written while the caller goes
    on (see Cache.save)."""
    documents, problems = list(listed[0]), list(listed[1])
    paths = {str(document.path): document.path for document in documents}
    cache = Cache(config.root, "documents", conversion_settings(config), paths)
    results: dict[int, Converted] = {}
    keys: dict[int, str] = {}
    pending = []
    for index, document in enumerate(documents):
        key = cache.get(STAMPED + document.stamp) if document.stamp else None
        if key is None and cache.entries:  # a file not met before, or its conversion is gone
            read = with_data(document)
            if isinstance(read, Problem):
                problems.append(read)
                continue
            document = documents[index] = read
        if key is None and document.data is not None:
            key = content_key(document, config.root)
        if not key or (hit := cache.get(key) or (known or {}).get(key)) is None:
            pending.append(index)
            continue
        cache.put(key, hit)
        parsed, markup, digest = hit
        if parsed.path != document.path:  # the site moved, or was copied
            hit = (replace(parsed, path=document.path), markup, digest)
        results[index], keys[index] = hit, key
        if document.stamp:
            cache.put(STAMPED + document.stamp, key)
    parallelism = parallelism or Parallelism()
    many = len(pending) >= parallelism.convert_from
    chunk = parallelism.convert_chunk if many else None
    for index, key, outcome in _convert(config, [documents[i] for i in pending], pending, progress, chunk):
        if isinstance(outcome, list):
            problems.extend(outcome)
            continue
        results[index], keys[index] = outcome, key
        cache.put(key, outcome)
        if documents[index].stamp:
            cache.put(STAMPED + documents[index].stamp, key)
    if not problems:  # many new conversions make a large table to write: it is written aside
        cache.save(aside=aside if many else None)
    found = sorted(results)
    sources = {str(documents[i].path): (documents[i].stamp, keys[i]) for i in found}
    return [results[i] for i in found], problems, sources


def conversion_settings(config: SiteConfig) -> str:
    """What else, besides a file's bytes, decides how it converts (the topic rules: its digest)."""
    nh3_version = getattr(nh3, "__version__", "")  # set by nh3, though its type stubs omit it
    tools = f"{markdown.__version__}|{nh3_version}|{yaml.__version__}"  # no metadata look-ups
    return f"{__version__}|{CACHE_FORMAT}|{tools}|{config.timezone}|{config.topics!r}"


def content_key(document: Document, root: Path) -> str:
    """The file's place in the site and its bytes: the same wherever the site is."""
    assert document.data is not None
    place = document.path.relative_to(root).as_posix()
    return f"{document.kind}|{place}|{hashlib.sha256(document.data).hexdigest()}"


Outcome = Converted | list[Problem]


def _convert(
    config: SiteConfig,
    documents: list[Document],
    indexes: list[int],
    progress: Progress | None,
    chunk: int | None,
) -> list[tuple[int, str, Outcome]]:
    """(index, content key, outcome) of each document: with a `chunk` size, by a pool of
    processes (when there are cores to use), each given that many documents at a time."""
    if chunk is None or (os.cpu_count() or 1) < 2:
        return [
            (i, *done) for i, done in zip(indexes, convert_chunk(config, documents, progress), strict=True)
        ]
    chunks = [(indexes[i : i + chunk], documents[i : i + chunk]) for i in range(0, len(documents), chunk)]
    # fork is fastest, but forking a process that runs other threads (the preview server's) can
    # deadlock in the child; there a fork server starts clean workers instead.
    context = multiprocessing.get_context("fork" if threading.active_count() == 1 else "forkserver")
    done: list[tuple[int, str, Outcome]] = []
    with ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=context) as pool:
        futures = {
            pool.submit(convert_chunk, config, chunk): chunk_indexes for chunk_indexes, chunk in chunks
        }
        for future in as_completed(futures):
            done += [(i, *outcome) for i, outcome in zip(futures[future], future.result(), strict=True)]
            if progress:
                progress("rendering Markdown", len(done), len(documents))
    return done


def convert_chunk(
    config: SiteConfig, documents: Sequence[Document], progress: Progress | None = None
) -> list[tuple[str, Outcome]]:
    """Parse, render and digest some documents in this process, reading those not read yet; each
    one's content key (see `content_key`) and conversion, or its problems ("" and the problem
    for a file that cannot be read)."""
    converter = Converter(config)
    outcomes: list[tuple[str, Outcome]] = []
    for done, document in enumerate(documents, start=1):
        if document.data is None:
            read = with_data(document)
            if isinstance(read, Problem):
                outcomes.append(("", [read]))
                continue
            document = read
        outcomes.append((content_key(document, config.root), converter.convert(document)))
        if progress and (done % 250 == 0 or done == len(documents)):
            progress("rendering Markdown", done, len(documents))
    return outcomes


class Converter:
    """Converts documents one at a time for one site's settings (its Markdown and topic rules are
    costly to set up, so one converter serves many documents)."""

    def __init__(self, config: SiteConfig) -> None:
        self.config = config
        self.renderer, self.digester = MarkupRenderer(), Digester(config.topics)

    def convert(self, document: Document) -> Outcome:
        try:
            parsed = parse_document(document, self.config)
            digest = self.digester.digest(parsed) if isinstance(parsed, ParsedBriefing) else None
            markup = self.renderer.render(parsed.body, parsed.body_line)
            # The Markdown source is not kept: all that is made from it is in the markup and digest.
            if isinstance(parsed, ParsedBriefing) and digest is not None:
                front = repr(replace(parsed, body="", title=""))
                version, frame, shape = _digests(front, parsed.title, markup, digest)
                parsed = replace(parsed, body="", version=version, frame=frame, shape=shape)
            else:
                parsed = replace(parsed, body="")
            return parsed, markup, digest
        except ContentError as error:
            return list(error.problems)


def _digests(front: str, title: str, markup: Markup, digest: Digest) -> tuple[str, str, str]:
    """A converted briefing's version, frame and shape, from its front matter but its title (the
    repr of its parsed file without its body and title) and its title:

    - `version`: its front matter and summary, what pages that only list it show of it, worked
      out once per file instead of every build (see reuse.Fingerprints);
    - `frame`: its front matter but its title, its wiki links and the topics found in it, all
      assembly reads of it but its text, its title, the summary its first paragraph makes, its
      keywords and the sentences that mention its topics: two conversions of the same frame differ
      in what its page, its entries in lists, topic pages, the links to it and related scoring
      show of it, never in where it is listed or what it links to (see snapshot);
    - `shape`: all assembly reads of it but its text: two conversions of the same shape differ in
      their texts alone."""
    found = (markup.links, digest.rule_topics)
    version = _sha1(front, title, markup.summary)
    shape = _sha1(version, repr((*found, digest.mentions)), digest.keywords)  # keywords: letters alone
    return version, _sha1(front, repr(found)), shape


def _sha1(*parts: str) -> str:
    text = "\0".join(parts)
    return hashlib.sha1(text.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()
