#!/usr/bin/env python3
"""How well the page importer reads attribution on real saved news pages.

    python bench/page_fields.py [--pages DIR] [--show NAME]

Runs `read_page` on every saved page in ../shared/dev/pages (goose3's test pages: test_NAME.html
with test_NAME.json) and prints, per field, on how many real pages our reading agrees with the
expected value: the title, the publisher, the author(s), the publication day, whether the
article's text was kept (goose3's cleaned text begins inside ours) and whether it is free of
boilerplate. goose3's expectations are one extractor's output and name no publisher, author or
date; the REVIEWED table below is our own reading of each page (short names and titles only),
with the reason wherever it differs from goose3. Then every disagreement is listed. Figures,
not a test.
"""

from __future__ import annotations

# Titles are kept as the pages write them, typographic dashes and quotes included.
# ruff: noqa: RUF001
import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from briefings.importers.article import Article
from briefings.importers.html import read_page

PAGES = Path(__file__).resolve().parents[2] / "shared" / "dev" / "pages"
# goose3's own fixtures for one extraction feature each, not saved news pages.
SYNTHETIC = {"articlebody_attribute", "articlebody_itemprop", "articlebody_tag", "pattern_config",
             "retry_top_node", "issue24"}  # fmt: skip


@dataclass(frozen=True)
class Review:
    """What a reader of the page finds: each field lists every acceptable answer; None = not stated."""

    title: tuple[str, ...]
    publisher: tuple[str, ...]
    author: tuple[str | None, ...]
    date: tuple[str | None, ...]
    why: str = ""
    text_start: str | None = None  # where the article's text begins, when goose3's start is not it


Many = str | tuple[str, ...]
Maybe = str | tuple[str | None, ...] | None


def r(
    title: Many, publisher: Many, author: Maybe, date: Maybe, why: str = "", text_start: str | None = None
) -> Review:
    def many(value: object) -> tuple[object, ...]:
        return value if isinstance(value, tuple) else (value,)

    return Review(many(title), many(publisher), many(author), many(date), why, text_start)  # type: ignore[arg-type]


REVIEWED = {
    "allnewlyrics1": r(
        "“Only One” Lyrics : PJ Morton (Ft. Stevie Wonder)",
        ("All New Lyrics", "allnewlyrics.com"),
        None,
        "2013-01-29",
        "a lyrics page; the date is printed under the headline",
    ),
    "aolNews": r(
        ("The Few. The Proud. The Marines ... Getting a Makeover?", "The Few. The Proud. The New Marines?"),
        "AOL News",
        "Andrea Stone",
        "2010-08-13",
        "<title>/og:title and <h1> differ; the ' ... ' is not a cut",
    ),
    "bbc_chinese": r("港特首梁振英就住宅违建事件道歉", ("BBC中文网", "BBC"), None, "2012-12-10"),
    "businessWeek1": r("Olivia Munn: Queen of the Uncool", "BusinessWeek", "Felix Gillette", "2010-08-12"),
    "businessWeek2": r(
        "Five Social Media Lessons for Business",
        "BusinessWeek",
        "Brad Shaw",
        "2011-09-20",
        "goose3's text starts with the meta description, which the page does not print",
        "At Home Depot, we first realized we needed to have a real conversation",
    ),
    "businessWeek3": r(
        "Here Comes Apple's Real TV",
        "BusinessWeek",
        "Ben Kunz",
        "2011-09-13",
        "goose3's text starts with the meta description, which the page does not print",
        "(Corrects 10th paragraph to show the Wii is from Nintendo, not Sony.)",
    ),
    "businessWeek4": r("Olivia Munn: Queen of the Uncool", "BusinessWeek", "Felix Gillette", "2010-08-12"),
    "businessinsider3": r(
        ("The Untold Story Of Larry Page's Incredible Comeback", "Larry Page: The Untold Story"),
        "Business Insider",
        "Nicholas Carlson",
        "2014-04-24",
    ),
    "cbslocal": r("B&C Morning Show: American Hero Kelly Malloy", "CBS New York", None, "2012-06-08"),
    "cnbc1": r(
        "Fed's Statement on Operation Twist with a Twist", ("CNBC", "CNBC.com"), "Patti Domm", "2011-09-21"
    ),
    "cnet": r(
        "Verizon shows off iPad TV app and more", ("CNET", "CNET News"), "Marguerite Reardon", "2010-08-18"
    ),
    "cnn1": r(
        "Democrats to use Social Security against GOP this fall",
        ("CNN", "CNN.com"),
        "Ed Hornick",
        (None, "2010-08-13"),
        "goose3 keeps the site suffix '- CNN.com'; the page prints no date",
    ),
    "cnn_arabic": r(
        "معارضون يسيطرون على مخازن للصواريخ بريف دمشق",
        ("CNNArabic", "CNNArabic.com", "CNN Arabic"),
        None,
        ("2013-08-04", "2013-08-03"),
        "date printed in Arabic, 4 Aug at 02:21 GMT+4",
    ),
    "donga_korean": r(
        "[CEO&]창의적 열정과 소통, 초일류 시험인증 기업이 간다",
        "동아닷컴",
        "최윤호",
        "2013-10-24",
        "the reporter signs at the end: '최윤호 기자'",
    ),
    "elmondo1": r(
        "Cae en Francia Izaskun Lesaka, la jefa del aparato militar de ETA y otro miembro de la banda",
        ("elmundo.es", "El Mundo"),
        "Ángeles Escrivá",
        "2012-10-28",
        "meta author is the site",
    ),
    "elpais": r(
        "Las listas de espera se agravan",
        "EL PAÍS",
        "María R. Sahuquillo, Emilio de Benito",
        "2012-10-27",
        "meta author 'Ediciones El País' is the publisher; the byline names two reporters",
    ),
    "engadget": r(
        "Verizon FiOS set-top boxes getting a new HD guide, external storage and more in Q4",
        "Engadget",
        "Richard Lawler",
        "2010-08-18",
    ),
    "espn": r(
        (
            "Hill: Meyer, Saban grandstanding about agents",
            "Florida, Alabama grandstanding? Urban Meyer, Nick Saban take stands on agents",
        ),
        ("ESPN", "ESPN.com"),
        "Jemele Hill",
        "2010-08-13",
    ),
    "foxNews": r(
        "Russia's Nuclear Help to Iran Stirs Questions About Its 'Improved' Relations With U.S.",
        ("Fox News", "FoxNews.com"),
        None,
        "2010-08-14",
        "no byline; AP only 'contributed to this report'",
    ),
    "get_canonical_url": r(
        "Marketplace Tech for Friday, April 19, 2013",
        ("Marketplace.org", "Marketplace"),
        "David Gura",
        "2013-04-19",
    ),
    "gizmodo1": r(
        "The Gear and Apps You Need to Survive the Next Semester",
        "Gizmodo",
        "Andrew Tarantola",
        "2013-08-17",
        "author only in twitter:creator (a name, not a handle)",
    ),
    "gizmodo2": r(
        "The Gear and Apps You Need to Survive the Next Semester", "Gizmodo", "Andrew Tarantola", "2013-08-17"
    ),
    "gizmodo3": r(
        "The Gear and Apps You Need to Survive the Next Semester", "Gizmodo", "Andrew Tarantola", "2013-08-17"
    ),
    "guardian1": r(
        "Kristen Wiig: 'My next movie – it's going to be a Porky's prequel'",
        ("The Guardian", "the Guardian"),
        "Emma Brockes",
        "2011-11-18",
    ),
    "huffingtonPost2": r(
        "Alabama Workers Leave State As Immigration Law Takes Effect",
        "The Huffington Post",
        ("Phillip Rawls", "AP"),
        ("2011-10-06", "2011-10-05"),
        "an AP story by Phillip Rawls",
    ),
    "issue115": r(
        "Jessica Livingston: Why Startups Need to Focus on Sales, Not Marketing",
        ("WSJ", "The Wall Street Journal"),
        None,
        "2014-06-03",
    ),
    "issue129": r(
        "PyPy and the road towards SciPy",
        "Lost in JIT",
        "Maciej Fijalkowski",
        "2011-10-27",
        "a blog: 'Lost in JIT' is the blog's name, in front of the post's title",
    ),
    "issue25": r("Institutes get behind IFRS big bang", "Accountancy Age", "Rose Orlik", "2011-09-26"),
    "issue28": r(
        "World's hottest chilli contest leaves two in hospital",
        ("Telegraph", "Telegraph.co.uk"),
        None,
        "2011-10-05",
    ),
    "issue32": r(
        "Plan to restrict public-records data draws mounting opposition",
        "Tulsa World",
        None,
        "2011-11-18",
        "the byline is the paper's editorial writers: no person",
    ),
    "issue4": r(
        "Tapie, Mougeotte et La Provence, un concentré d'histoire de France",
        ("Slate", "Slate.fr"),
        "Titiou Lecoq",
        None,
        "the page prints no date (only its comments are dated)",
    ),
    "lefigaro": r(
        "Montebourg envisage des privatisations partielles",
        "Le Figaro",
        "Bertille Bayart, Marie Visot",
        "2013-04-05",
        "meta author is the site",
    ),
    "liberation": r(
        "Ayrault «assume» et «revendique» sa méthode",
        "Libération",
        "Lilian Alemagna, Laure Bretton",
        "2012-10-27",
        "og:site_name is the address; the title names 'Libération'",
    ),
    "marketplace": r(
        "Marketplace Tech for Friday, April 19, 2013",
        ("Marketplace.org", "Marketplace"),
        "David Gura",
        "2013-04-19",
    ),
    "mashable_issue_74": r(
        "Square Cofounder: Jack Dorsey Is Like Hello Kitty", "Mashable", "Seth Fiegerman", "2014-01-26"
    ),
    "msn1": r(
        "How to Save Money on Groceries",
        "Real Simple",
        None,
        None,
        "MSN carries a Real Simple story (its logo heads the article); no date on the page",
    ),
    "okaymarketing": r(
        "How to Add Schema Markup to a Page in WordPress", "OKay Marketing", "Brian Jackson", "2014-06-30"
    ),
    "politico": r(
        "2012 map takes unfamiliar shape",
        "POLITICO",
        "Maggie Haberman, Shira Toeplitz",
        "2010-10-09",
        "og:title has the authors glued on",
    ),
    "techcrunch1": r(
        "2005 Zuckerberg Didn’t Want To Take Over The World", "TechCrunch", "Alexia Tsotsis", "2011-08-13"
    ),
    "testHuffingtonPost": r(
        "Federal Reserve's Low Rate Policy Is A 'Dangerous Gamble,' Says Top Central Bank Official",
        "The Huffington Post",
        "Shahien Nasiripour",
        "2010-08-13",
    ),
    "time": r(
        "Oil from Spill Could Still Pose Major Threat", ("TIME", "TIME.com"), "Bryan Walsh", "2010-08-17"
    ),
    "time2": r(
        "Washington Monument Closes to Repair Earthquake-Induced Crack",
        ("TIME", "TIME.com", "TIME NewsFeed"),
        "Jared T. Miller",
        "2011-08-24",
    ),
    "usatoday_issue_74": r(
        "NAMM 2014: Use IK Multimedia's rings to make music",
        ("USA TODAY", "usatoday.com"),
        "Jefferson Graham",
        "2014-01-25",
    ),
    "wiwo": r(
        "Linde: Gasekonzern muss Teile des US-Geschäfts verkaufen",
        ("Wirtschaftswoche", "WiWo"),
        None,
        "2017-03-23",
        "JSON-LD author is the magazine itself",
    ),
    "yahoo": r(
        "Apple says Steve Jobs resigning as CEO",
        ("AP", "Associated Press"),
        "Jordan Robertson, Rachel Metz",
        "2011-08-25",
        "Yahoo News carries an AP story: AP is the publisher, Yahoo the via",
    ),
}
VIA = {"yahoo": "Yahoo News", "msn1": "MSN"}
# Lines no article text should keep, in any of the pages' languages.
TELLTALES = re.compile(
    r"^(?:our standards|share (?:this|on)|subscribe|sign up|follow us|advertisement|anzeige|photo:|"
    r"photograph:|image:|credit:|copyright|©|all rights reserved|read more|click here|comments?\b|"
    r"print\b|email\b|tweet\b|related (?:articles|stories)|more from|follow .{0,40} on (?:twitter|facebook)|"
    r"sponsored|loading|.{0,40}newsletter|get .{0,20}alerts|\[[^\]]+\]\([^)]*\)$)",
    re.IGNORECASE,
)
FIELDS = ("title", "publisher", "author", "date", "text kept", "no boilerplate", "via")


def folded(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a Markdown link's label only
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def authors_of(value: str | None) -> frozenset[str] | None:
    return frozenset(a.strip().casefold() for a in value.split(",")) if value else None


def judge(
    name: str, article: Article | None, expected: dict[str, object], review: Review
) -> dict[str, str | None]:
    """Per field: None when right, else what we read."""
    if article is None:
        return dict.fromkeys(FIELDS, "no article")
    got: dict[str, str | None] = {}
    source = article.source
    got["title"] = None if article.title in review.title else article.title
    publishers = {p.casefold() for p in review.publisher}
    got["publisher"] = None if source.name.casefold() in publishers else source.name
    wanted_authors = {authors_of(a) for a in review.author}
    got["author"] = None if authors_of(source.author) in wanted_authors else str(source.author)
    day = source.published.moment.date().isoformat() if source.published else None
    got["date"] = None if day in review.date else str(day)
    text = folded(article.text)
    first = (review.text_start or str(expected.get("cleaned_text", ""))).strip().split("\n\n")[0]
    start = folded(first)[:60]
    got["text kept"] = None if start in text else f"missing: {start[:60]}…"
    bad = [line for line in article.text.splitlines() if TELLTALES.match(line.strip("*_#>- ").strip())]
    got["no boilerplate"] = None if not bad else f"kept: {bad[0][:60]}"
    got["via"] = None if article.via == VIA.get(name) else str(article.via)
    return got


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, default=PAGES, help="folder of test_NAME.html/json pairs")
    parser.add_argument("--show", help="print everything read from one page (NAME without test_)")
    args = parser.parse_args()
    if not args.pages.is_dir():
        print(f"{args.pages}: no such folder (the development pages are not here)", file=sys.stderr)
        return 2
    results: dict[str, dict[str, str | None]] = {}
    for case in sorted(args.pages.glob("test_*.json")):
        name = case.stem.removeprefix("test_")
        data = json.loads(case.read_text("utf-8"))
        article = read_page(case.with_suffix(".html").read_bytes(), data["url"])
        if args.show == name:
            print(article)
        if name in SYNTHETIC:
            continue
        if name not in REVIEWED:
            print(f"{name}: not reviewed yet", file=sys.stderr)
            continue
        results[name] = judge(name, article, data["expected"], REVIEWED[name])
    total = len(results)
    print(f"{'field':<16}{'right':>7}{'of':>5}")
    for field in FIELDS:
        right = sum(1 for r in results.values() if r[field] is None)
        print(f"{field:<16}{right:>7}{total:>5}")
    whole = sum(1 for r in results.values() if all(v is None for v in r.values()))
    print(f"{'all fields':<16}{whole:>7}{total:>5}")
    print("\nDisagreements (page, field, what we read → what the page says):")
    for name, fields in results.items():
        for field, wrong in fields.items():
            if wrong is not None:
                review = REVIEWED[name]
                wanted = {"title": review.title, "publisher": review.publisher, "author": review.author,
                          "date": review.date, "via": VIA.get(name)}.get(field, "")  # fmt: skip
                print(f"  {name:<20} {field:<15} {wrong!s:.70} → {wanted}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
