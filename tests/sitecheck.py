"""What a reader's browser and a link checker see in a built site: parsed pages, links, active content."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree.ElementTree import Element

import html5lib

NS = "{http://www.w3.org/1999/xhtml}"
URL_ATTRIBUTES = {
    "a": "href",
    "link": "href",
    "img": "src",
    "script": "src",
    "iframe": "src",
    "source": "src",
}
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "form", "base", "frame", "frameset", "applet"}
DANGEROUS_SCHEMES = re.compile(r"^\s*(javascript|vbscript|data|file):", re.IGNORECASE)


def parse(path: Path) -> Element:
    """The page as a browser parses it (html5lib), with namespaces stripped from tag names."""
    return html5lib.parse(path.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)


def pages(output: Path) -> Iterator[Path]:
    yield from sorted(output.rglob("*.html"))


def page_url(output: Path, page: Path, base_url: str) -> str:
    relative = page.relative_to(output).as_posix()
    return base_url + (relative.removesuffix("index.html"))


def links(output: Path, base_url: str) -> Iterator[tuple[Path, str, str]]:
    """(page, attribute value, absolute URL) for every URL-bearing attribute of every page."""
    for page in pages(output):
        here = page_url(output, page, base_url)
        for element in parse(page).iter():
            attribute = URL_ATTRIBUTES.get(str(element.tag))
            value = element.get(attribute) if attribute else None
            if value is not None:
                yield page, value, urljoin(here, value)


def target_file(output: Path, url: str, base_url: str) -> Path | None:
    """The file an internal URL lands on, or None when the URL is not internal."""
    if not url.startswith(base_url):
        return None
    path = unquote(urlsplit(url).path).removeprefix(urlsplit(base_url).path)
    target = output / path
    return target / "index.html" if path == "" or path.endswith("/") else target


def broken_links(output: Path, base_url: str) -> list[str]:
    broken = []
    for page, value, url in links(output, base_url):
        target = target_file(output, url, base_url)
        if target is not None and not target.is_file():
            broken.append(f"{page.relative_to(output)}: {value}")
    return broken


def active_content(output: Path) -> list[str]:
    """Everything in the built pages that could run script or send a reader elsewhere unasked."""
    found = []
    for page in pages(output):
        found += active_elements(parse(page), str(page.relative_to(output)))
    return found


def active_html(fragment: str, where: str) -> list[str]:
    """The same scan for an HTML fragment, such as a feed item's content."""
    return active_elements(html5lib.parse(fragment, treebuilder="etree", namespaceHTMLElements=False), where)


def active_elements(root: Element, where: str) -> list[str]:
    found = []
    for element in root.iter():
        tag = str(element.tag)
        here = f"{where}: <{tag}>"
        if (tag in DANGEROUS_TAGS and not inert_data(element)) or tag.startswith(("svg", "math")):
            found.append(here)
        if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            found.append(here + " refresh")
        for name, value in element.attrib.items():
            lowered = name.lower()
            if lowered.startswith("on"):
                found.append(f"{here} {name}")
            if lowered in ("href", "src", "action", "formaction", "xlink:href") and DANGEROUS_SCHEMES.match(
                value
            ):
                found.append(f"{here} {name}={value}")
            if lowered == "style" and re.search(r"expression|url\s*\(", value, re.IGNORECASE):
                found.append(f"{here} style={value}")
    return found


def inert_data(element: Element) -> bool:
    """A JSON-LD block: a script element browsers keep as data and never run."""
    kind = (element.get("type") or "").strip().lower()
    return element.tag == "script" and kind == "application/ld+json" and element.get("src") is None
