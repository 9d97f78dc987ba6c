"""Markup: a body renders exactly as stock Python-Markdown renders it, read in one pass or not."""

from __future__ import annotations

import random
import re
from typing import Any

import markdown
import pytest

from briefings import quickbody
from briefings.markup import EXTENSIONS, WIKILINK, MarkupRenderer, _link_lines, clean_html

PIECES = [
    *[
        "*",
        "**",
        "_",
        "__",
        "`",
        "``",
        "\\",
        "\\*",
        "\\`",
        "[",
        "]",
        "(",
        ")",
        "![",
        "[^1]",
        "[^x]:",
        "[[",
        "]]",
    ],
    *["|", "[[a|b]]", "[[slug]]", "<", ">", "<b>", "</b>", "<https://e.org/x>", "<a@b.c>", "<!-- c -->"],
    *["&amp;", "&#123;", "&x", "&", ";", "  \n", "\n", "\n\n", "word", " ", "x", "{: .cls}", "{#id}"],
    *["\r", "\r\n", " \t\n", "\n \n", "Term\n  : def", "x\n > q", "   > q", "  : d"],
    *[
        "*[HTML]: Hyper",
        "HTML",
        "[x](http://e.org)",
        "[x][r]",
        "[r]: http://e.org",
        "![i](p.png)",
        "~~~",
        "```",
    ],
    *[
        "    code",
        "- ",
        "1. ",
        "> ",
        "# ",
        "Term\n: def",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        '<div markdown="1">',
    ],
    *["</div>", "é", "\t", "'", '"', "\x02", "\x03", "klzzwxh:0000", "\n===", "\n---", "Title\n=====", "="],
    *[
        "[a b](http://e.org/x y )",
        "[t]( u\n)",
        "](",
        "]( ",
        "[t](<u>)",
        '[t](u "T")',
        "[t](u 'T')",
        "[t](u(v))",
    ],
    *["[t] [r]", "[t]\n[r]", "[]", "[r]", "[t][]", "(", " )", "[t](", "\\]", "\\(", "[x](http://e.org)"],
    *["**w**", " **a b** ", "**a**,", "**a\nb**", "**a **", "** a**", "***", "****", "x**y**", "**é**"],
]


def stock_renderer() -> MarkupRenderer:
    """A renderer that gives every body to Python-Markdown, never reading one in one pass."""
    return MarkupRenderer(quick=False)


def test_the_renderer_is_stock_python_markdown() -> None:
    """Without wiki links, a body renders as markdown.markdown() with the same extensions does:
    nothing of Python-Markdown is replaced."""
    rng = random.Random(3)
    renderer = stock_renderer()
    bodies = ["Prices rose **5%* in May, **analysts** said *(Reuters)*."]
    bodies += ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40))) for _ in range(1500)]
    for body in bodies:
        if "[[" in body:
            continue
        expected = clean_html(markdown.markdown(body, extensions=EXTENSIONS, output_format="html"))
        assert renderer.render(body, 1).html == expected, repr(body)


def test_emphasis_that_does_not_pair_keeps_every_word() -> None:
    body = "Prices rose **5%* in May, **analysts** said *(Reuters)*."
    html = MarkupRenderer().render(body, 1).html
    assert html == stock_renderer().render(body, 1).html
    assert html.count("analysts") == 1 and "(Reuters)" in html


def test_rendering_is_that_of_the_stock_stages() -> None:
    fast, stock = MarkupRenderer(), stock_renderer()
    rng = random.Random(11)
    for _ in range(4000):
        body = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, rng.choice([5, 20, 60]))))
        assert fast.render(body, 3) == stock.render(body, 3), repr(body)


# Words, links, wiki links and strong words, and the near misses of each.
PLAIN_PIECES = [
    *["word", "word ", " ", "\n", ",", ".", "(", ")", "é", "-", ":", "!", "\u00a0", "\t", "- ", "\n\n"],
    *["*", "**", "***", "[", "]", "[[", "]]", "**w**", " **a b** ", "**a**,", "x**y**", "**a **", "** a**"],
    *[
        "[x](http://e.org)",
        "[a b](u v)",
        "[t]( u\n)",
        "[**b**](u)",
        "[t](u*v)",
        "[[s]]",
        "[[s|L]]",
        "[[a\nb]]",
        "[t](a[[s]] )",
    ],
    *["**[a](b)**", "**[[s]]**", "1. ", "> ", "# ", "[r]", "\n[r]: http://e.org", "[x][r]", "[x]\n(u)"],
    *["**a [x](u) b**", "**see [[s]] now**", "[^1](u)", "\n\n[^1]: n"],
]


def answers(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[bool]:
    """For each call of `owner.name` from now on, whether it gave an answer (not None)."""
    function, answered = getattr(owner, name), []

    def counted(*args: Any) -> Any:
        result = function(*args)
        answered.append(result is not None)
        return result

    monkeypatch.setattr(owner, name, counted)
    return answered


def test_plain_text_read_in_one_pass_renders_as_the_stock_stages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many such bodies are read in one pass; each renders as the stock stages render it."""
    read = answers(monkeypatch, quickbody, "render")
    fast, stock = MarkupRenderer(), stock_renderer()
    rng = random.Random(5)
    for _ in range(4000):
        body = "".join(rng.choice(PLAIN_PIECES) for _ in range(rng.randint(1, rng.choice([5, 20, 40]))))
        assert fast.render(body, 3) == stock.render(body, 3), repr(body)
    assert sum(read) > len(read) / 40


# Lines of paragraphs, list items and quotes: mostly words, links, wiki links and strong words,
# with now and then what only Python-Markdown reads, where a line starts and within it.
WORDS = [
    *["word", "news", "é", "24", "(a)", "x.", "“q”", "—", "$3", "a > b", "Mail & Guardian", "'s", '"q"'],
    *["AT&T", "&copy", "a|b", "a | b"],
    *[":", "-", "1.", "[x](http://e.org/a?b=1&c=2)", "[a b](u v)", "[t]( u )", "[x](u>v)", "[x](u)y"],
    *["[[s]]", "[[s|L]]", "[[s|a b]]", "**w**", "**a b**", "**a**,", "**a**b"],
]
ODD_WORDS = [
    "(**a**)",
    "x**y**",
    "#",
    "*",
    "**",
    "=",
    "|",
    "&",
    "&amp;",
    "&#1;",
    "]",
    "[",
    "_a_",
    "`c`",
    "<b>",
    "\\",
]
LINE_STARTS = ["- ", "> ", "# ", "1. ", "2) ", "* ", "+ ", "**b** ", "** ", "=", "-", ":", "|", " ", "    "]
LINE_STARTS += ["---", "***", "[r]: u", "> > ", "Term\n: def", "|-|-|\n"]


def plain_body(rng: random.Random) -> str:
    def line() -> str:
        start = rng.choice(LINE_STARTS) if rng.random() < 0.02 else rng.choice(["", "x "])
        words = [rng.choice(ODD_WORDS if rng.random() < 0.01 else WORDS) for _ in range(rng.randint(1, 8))]
        return start + " ".join(words)

    def block() -> str:
        mark = rng.choice(["", "", "- ", "> "])
        lines = [mark + line() for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.02:
            lines.insert(
                rng.randint(0, len(lines)),
                rng.choice(["", "x", "- y", "> z", "===", "---", ":-", "|-|-|", "-|-", "|"]),
            )
        return "\n".join(lines)

    body = rng.choice(["\n\n", "\n\n\n", "\n"]).join(block() for _ in range(rng.randint(1, 5)))
    edges = ["", "", "", "", "", "", "\n", "\n\n", " ", "  "]
    return rng.choice(edges) + body + rng.choice(edges)


def test_plain_bodies_read_whole_render_as_the_stock_stages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """quickbody reads many such bodies whole; each renders as the stock stages render it, wiki
    links numbered alike."""
    read = answers(monkeypatch, quickbody, "render")
    fast, stock = MarkupRenderer(), stock_renderer()
    rng = random.Random(7)
    for _ in range(2500):
        body = plain_body(rng)
        assert fast.render(body, 3) == stock.render(body, 3), repr(body)
    assert sum(read) > len(read) / 10


def test_a_briefing_of_paragraphs_a_list_and_a_quote_is_read_whole() -> None:
    body = (
        "The **court** ruled, [Reuters](https://e.org/a?b=1&c=2) said. See [[other|earlier]].\n"
        "Mail & Guardian > all.\n\n- **Vote:** passed\n- **Policy:** [[other]]\n\n> “A quote.” — A. Person"
    )
    links: list[str] = []
    html = quickbody.render(body, re.compile(WIKILINK), lambda match: links.append(match.group(1)) or "*")
    assert html is not None and links == ["other", "other"]
    assert MarkupRenderer().render(body, 3) == stock_renderer().render(body, 3)


NOT_PLAIN = [
    *["a | b\n|---|---|\n1 | 2", "[[s|L]] x\n|-|-|", "# Heading", "Title\n=====", "a\n---", "1. one\n2. two"],
    *["- a\n\n- b", "> a\n\n> b", "- a\n  - b", "> > a", "***", "Term\n: def", "x `code`", "a &amp; b"],
    *["a &#1; b", "a  \nb", "    code", "<b>x</b>", "_em_", "*em*", "[x][r]\n\n[r]: http://e.org", "[^1]"],
    "[t](a[[s]])",  # Python-Markdown reads the wiki link first, in the link's address
]


@pytest.mark.parametrize("body", NOT_PLAIN)
def test_what_only_python_markdown_reads_is_never_read_whole(body: str) -> None:
    assert quickbody.render(body, re.compile(WIKILINK), lambda match: "") is None
    assert MarkupRenderer().render(body, 3) == stock_renderer().render(body, 3)


def test_each_slug_keeps_the_line_of_its_first_link() -> None:
    body = "[[a]] and [[b|B]]\n\ntext [[ a ]]\n`[[c]]` [[d\n]] [[c]]"
    assert _link_lines(body, 10) == {"a": 10, "b": 10, "c": 13}
    rng = random.Random(2)
    for _ in range(3000):
        body = "".join(
            rng.choice(["[[", "]]", "[", "|", "\n", "a", " ", "[[a|b]]", "[[ b ]]"]) for _ in range(30)
        )
        expected: dict[str, int] = {}
        for number, line in enumerate(body.split("\n"), start=4):
            for match in re.finditer(WIKILINK, line):
                expected.setdefault(match.group(1).strip(), number)
        assert _link_lines(body, 4) == expected
