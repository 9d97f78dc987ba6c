"""Stage 4b, search: rendered briefing pages → a Pagefind index, as files for the output stage.

Runs only when site.toml has `[search] enabled = true`; Pagefind is imported here and nowhere
else, so a build without search never needs it. The index is built entirely in a scratch folder
and handed back as OutputFiles, so it is swapped in with the rest of the site or not at all.

Why a scratch folder rather than one `add_html_file` per page: Pagefind's Python service reads
one answer every 0.1 s (10 pages a second, 17 minutes for 10,000 briefings), and `get_files`
returns the whole bundle in one pipe message that overflows its 2 MiB buffer on large sites.
`add_directory` and `write_files` are one message each, whatever the size of the site.

Pagefind segments Chinese and Japanese only on pages whose language is `zh` or `ja`, and the
browser searches one language per bundle. So briefings written mainly in Chinese or Japanese are
indexed in a bundle of their own under `pagefind/<language>/`, listed in `pagefind/bundles.json`
for the search page to merge into its results; everything else goes into `pagefind/`.
"""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from briefings.errors import ConfigError, OutputError, Problem
from briefings.model import Briefing, OutputFile, Site, SiteConfig

if TYPE_CHECKING:
    from pagefind.service import PagefindService

BUNDLE = "pagefind"
SCRIPT = Path(__file__).parent / "theme" / "scripts" / "search.js"
# The ready-made search interfaces: the theme brings its own page and script, so they are not shipped.
UNUSED = re.compile(r"^pagefind-(component-ui|modular-ui|ui|highlight)\.(js|css)$")
HTML_OPEN = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
TAG = re.compile(r"<[^>]*>")
KANA = re.compile("[\u3040-\u30ff]")
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def index_site(site: Site, pages: Sequence[OutputFile]) -> list[OutputFile]:
    """Pagefind's bundle for the briefing pages among `pages`, plus the search page's script."""
    service = _import_pagefind(site)
    by_path = {page.path: page for page in pages}
    groups: dict[str, list[OutputFile]] = defaultdict(list)
    for briefing in site.briefings:
        page = by_path.get(page_path(briefing))
        if page is not None:
            groups[index_language(briefing, site.config.language)].append(page)
    with tempfile.TemporaryDirectory(prefix="briefings-search-") as scratch:
        root = Path(scratch)
        bundles = asyncio.run(_index_groups(service, root, groups, site.config))
    extra = sorted(language for language in bundles if language != site.config.language)
    listing = json.dumps({"merge": [f"{language}/" for language in extra]}, sort_keys=True)
    files = [OutputFile(f"{BUNDLE}/bundles.json", listing.encode("utf-8") + b"\n")]
    for language, bundle in sorted(bundles.items()):
        prefix = BUNDLE if language == site.config.language else f"{BUNDLE}/{language}"
        files += [OutputFile(f"{prefix}/{name}", data) for name, data in sorted(bundle.items())]
    return [*files, script_file()]


def script_file() -> OutputFile:
    """The search page's script: the one file of this stage that pages link to."""
    return OutputFile("search.js", SCRIPT.read_bytes())


def page_path(briefing: Briefing) -> str:
    """Where render puts a briefing's page, relative to the output folder."""
    return f"briefings/{briefing.slug}/index.html"


def index_language(briefing: Briefing, site_language: str) -> str:
    """`ja` or `zh` for a briefing written mainly in that script, else the site's language.

    A CJK word carries about as much as a five-letter Latin one, hence the weighting; any kana
    makes Han text Japanese, since Chinese never uses kana."""
    text = briefing.title + " " + TAG.sub(" ", briefing.body_html)
    kana, han, latin = (len(pattern.findall(text)) for pattern in (KANA, HAN, LATIN))
    if (kana + han) * 3 < latin or kana + han == 0:
        return site_language
    language = "ja" if kana else "zh"
    return site_language if site_language.lower().split("-")[0] == language else language


def _import_pagefind(site: Site) -> type[PagefindService]:
    try:
        from pagefind.service import PagefindService
    except ImportError:
        message = "[search] enabled = true needs Pagefind, which is not installed"
        hint = "install it with pip install 'pagefind[extended]', or set enabled = false"
        raise ConfigError([Problem(message, site.config.root / "site.toml", hint=hint)]) from None
    return PagefindService


async def _index_groups(
    service_type: type[PagefindService],
    scratch: Path,
    groups: Mapping[str, Sequence[OutputFile]],
    config: SiteConfig,
) -> dict[str, dict[str, bytes]]:
    """One bundle per language, as (file name → bytes); the site's own language always has one,
    so the search page finds a bundle in its language even when every briefing is in another."""
    bundles = {}
    async with service_type() as service:
        for language in sorted({*groups, config.language}):
            folder = scratch / language
            _write_pages(folder / "site", groups.get(language, ()), language)
            bundles[language] = await _index_folder(service, folder)
    return bundles


async def _index_folder(service: PagefindService, folder: Path) -> dict[str, bytes]:
    created = await service.create_index()
    result = await created.add_directory(str(folder / "site"))
    if result.get("type") != "IndexedDir":
        raise OutputError([Problem(f"Pagefind could not index the site: {result}")])
    await created.write_files(output_path=str(folder / "bundle"))
    await created.delete_index()
    return {name: data for name, data in _read_tree(folder / "bundle") if not UNUSED.match(name)}


def _write_pages(site: Path, pages: Iterable[OutputFile], language: str) -> None:
    """The pages as Pagefind reads them, each marked with the language it is indexed in.

    URLs are indexed relative to the output folder: Pagefind's script puts the folder its bundle
    sits in (the site's base path) in front of them."""
    site.mkdir(parents=True, exist_ok=True)
    for page in pages:
        target = site.joinpath(*page.path.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        html = page.content.decode("utf-8")
        target.write_text(HTML_OPEN.sub(f'<html lang="{language}">', html, count=1), encoding="utf-8")


def _read_tree(folder: Path) -> Iterable[tuple[str, bytes]]:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield path.relative_to(folder).as_posix(), path.read_bytes()
