"""Reading news pages: headline, publisher, via, authors, date and language as a reader finds them.

Real saved pages (../shared/dev/pages, skipped when absent) are checked field by field where we have
read them ourselves, and against rules that must hold on every page: nothing invented, no
placeholder or site name as an author, no site name left in a headline. Small pages written here
check each rule on its own, in several languages.
"""

# Headlines and names are written as the pages write them, full-width punctuation included.
# ruff: noqa: RUF001

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from briefings.importers.article import Article
from briefings.importers.html import read_page

PAGES = Path(__file__).parents[2] / "shared" / "dev" / "pages"
LEAD = (
    "The council met on Tuesday and agreed a plan that will change how the harbour is run for years. "
    "Opponents said the history of the harbour was ignored and that the cost was wrong for the town."
)
MORE = (
    "The plan goes to the prefecture next month, where officials expect to approve it quickly. "
    "Ferries will run every hour in summer, and fishing boats keep the north quay as they always have."
)


def page(head: str, body: str = "", lang: str = "en", text: tuple[str, ...] = (LEAD, MORE)) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in text)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>'
        f"<article>{body}{paragraphs}</article></body></html>"
    )


def read(html: str, url: str | None = "https://news.example.com/2025/story") -> Article:
    article = read_page(html, url)
    assert article is not None
    return article


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


# Site names around headlines, in several scripts: (address, <title>, og:site_name, headline).
DECORATED = [
    (
        "https://www.reuters.com/world/x",
        "Ukraine talks resume in Geneva | Reuters",
        "U.S.",
        "Ukraine talks resume in Geneva",
    ),
    (
        "http://www.news.cn/world/2025-07/10/c_1.htm",
        "中方就日本核污染水排海表明立场-新华网",
        None,
        "中方就日本核污染水排海表明立场",
    ),
    (
        "https://www3.nhk.or.jp/news/easy/k1/k1.html",
        "NEWS WEB EASY|大雨で川の水が増えています",
        "NHK NEWS WEB EASY",
        "大雨で川の水が増えています",
    ),
    (
        "https://www3.nhk.or.jp/news/easy/k2/k2.html",
        "NEWS WEB EASY|大雨で川の水が増えています",
        None,
        "大雨で川の水が増えています",
    ),
    (
        "https://japan.cnet.com/article/1/",
        "アップル、新型iPadを発表（CNET Japan）",
        "CNET Japan",
        "アップル、新型iPadを発表",
    ),
    (
        "https://www.dw.com/de/a-1",
        "Merkel trifft Putin in Moskau | DW | 19.01.2020",
        None,
        "Merkel trifft Putin in Moskau",
    ),
    (
        "https://www.lemonde.fr/a/1.html",
        "Le gouvernement présente son budget - Le Monde",
        "Le Monde",
        "Le gouvernement présente son budget",
    ),
    (
        "https://www.elmundo.es/espana/1.html",
        "El Gobierno aprueba los presupuestos | Sociedad | EL MUNDO",
        None,
        "El Gobierno aprueba los presupuestos",
    ),
    (
        "https://news.example.com/a",
        "Example News :: Council approves the harbour plan",
        "Example News",
        "Council approves the harbour plan",
    ),
]


@pytest.mark.parametrize(("url", "title", "site_name", "headline"), DECORATED)
def test_the_site_name_is_cut_from_the_headline_wherever_it_stands(
    url: str, title: str, site_name: str | None, headline: str
) -> None:
    head = f"<title>{title}</title>"
    if site_name:
        head += f'<meta property="og:site_name" content="{site_name}">'
    article = read(page(head), url)
    assert article.title == headline
    assert "title shortened" in article.notes


def test_a_section_in_og_site_name_is_not_the_publisher() -> None:
    head = (
        '<title>Ukraine talks resume in Geneva | Reuters</title><meta property="og:site_name" content="U.S.">'
        '<meta property="og:title" content="Ukraine talks resume in Geneva">'
    )
    article = read(page(head), "https://www.reuters.com/world/us/ukraine-talks-2025-07-10/")
    assert article.source.name == "Reuters"
    assert article.title == "Ukraine talks resume in Geneva"
    assert "title shortened" not in article.notes  # og:title gave it whole


def test_the_publisher_named_in_json_ld_wins_over_a_section_and_the_address() -> None:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Markets rally",
        "publisher": {"@type": "Organization", "name": "Thomson Reuters"},
    }
    head = ld(data) + '<meta property="og:site_name" content="Business"><title>Markets rally</title>'
    assert read(page(head), "https://www.reuters.com/markets/x").source.name == "Thomson Reuters"


def test_without_any_name_the_publisher_is_the_address() -> None:
    article = read(page("<title>Council approves the harbour plan</title>"), "https://www.harbour.example/a")
    assert article.source.name == "harbour.example"


def test_an_og_title_that_is_the_site_name_does_not_replace_the_headline() -> None:
    data = {"@type": "NewsArticle", "headline": "배우 김민수, 새 드라마 주연 확정"}
    head = (
        ld(data) + '<meta property="og:title" content="엔터 미디어">'
        '<meta property="og:site_name" content="엔터미디어">'
        "<title>배우 김민수, 새 드라마 주연 확정 - 엔터 미디어</title>"
    )
    article = read(
        page(head, "<h1>배우 김민수, 새 드라마 주연 확정</h1>", lang="ko"), "https://www.entermedia.co.kr/1"
    )
    assert article.title == "배우 김민수, 새 드라마 주연 확정"
    assert article.lang == "ko"


def test_a_cut_off_headline_is_completed_from_the_page() -> None:
    head = (
        '<meta property="og:title" content="Government unveils a plan to rebuild the…">'
        "<title>Government unveils a plan to rebuild the harbour after the storm - Coast News</title>"
    )
    article = read(page(head, "<h1>Government unveils a plan to rebuild the harbour after the storm</h1>"))
    assert article.title == "Government unveils a plan to rebuild the harbour after the storm"


def test_a_very_short_headline_is_still_the_headline() -> None:
    html = page("<title>大雨警報 - 気象ニュース</title>", "<h1>大雨警報</h1>", lang="ja")
    article = read(html, "https://weather.example.jp/a")
    assert (article.title, article.source.name) == ("大雨警報", "気象ニュース")


def test_a_headline_cut_off_everywhere_stays_and_is_noted() -> None:
    head = '<meta property="og:title" content="Government unveils a plan to rebuild the...">'
    article = read(page(head))
    assert article.title == "Government unveils a plan to rebuild the..."
    assert "title cut off on the page" in article.notes


def test_an_aggregator_credits_the_publisher_it_carries() -> None:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "アップル、新型iPadを発表",
        "datePublished": "2025-07-10T08:30:00+09:00",
        "author": [{"@type": "Organization", "name": "CNET Japan"}],
        "publisher": {"@type": "Organization", "name": "Yahoo!ニュース"},
    }
    head = ld(data) + "<title>アップル、新型iPadを発表（CNET Japan） - Yahoo!ニュース</title>"
    article = read(page(head, lang="ja"), "https://news.yahoo.co.jp/articles/abc123")
    assert (article.source.name, article.via) == ("CNET Japan", "Yahoo!ニュース")
    assert article.title == "アップル、新型iPadを発表"
    assert article.source.author is None and "no author" in article.notes
    assert article.source.published is not None
    assert article.source.published.iso == "2025-07-10T08:30:00+09:00"
    assert article.lang == "ja"


def test_an_aggregator_credit_from_the_title_alone() -> None:
    head = "<title>新型iPadを発表（CNET Japan） - Yahoo!ニュース</title>"
    article = read(page(head, lang="ja"), "https://news.yahoo.co.jp/articles/abc123")
    assert (article.source.name, article.via, article.title) == (
        "CNET Japan",
        "Yahoo!ニュース",
        "新型iPadを発表",
    )


def test_an_aggregator_credit_from_a_source_line() -> None:
    head = '<title>Harbour plan approved | MSN</title><meta property="og:site_name" content="MSN">'
    body = '<div class="provider-name">The Coastal Times</div><h1>Harbour plan approved</h1>'
    article = read(page(head, body), "https://www.msn.com/en-us/news/world/harbour-plan/ar-AA1")
    assert (article.source.name, article.via) == ("The Coastal Times", "MSN")


def test_a_page_that_is_not_an_aggregator_has_no_via() -> None:
    head = '<title>Harbour plan approved | The Coastal Times</title><meta name="author" content="Mika Sato">'
    article = read(page(head))
    assert article.via is None and article.source.author == "Mika Sato"


@pytest.mark.parametrize(
    "placeholder", ["No Author", "Staff", "admin", "Unknown", "Redaktion", "Editorial Board"]
)
def test_a_placeholder_is_no_author(placeholder: str) -> None:
    head = f'<title>Harbour plan approved</title><meta name="author" content="{placeholder}">'
    article = read(page(head))
    assert article.source.author is None
    assert "no author" in article.notes


def test_the_site_itself_is_no_author() -> None:
    data = {
        "@type": "NewsArticle",
        "headline": "Bahn streikt erneut",
        "author": {"@type": "Organization", "name": "tagesschau.de"},
    }
    head = (
        ld(data)
        + '<meta name="author" content="tagesschau.de"><title>Bahn streikt erneut | tagesschau.de</title>'
    )
    article = read(page(head, lang="de"), "https://www.tagesschau.de/inland/bahn-100.html")
    assert article.source.author is None
    assert article.source.name == "tagesschau.de"
    assert article.title == "Bahn streikt erneut"


@pytest.mark.parametrize(
    ("byline", "lang", "authors"),
    [
        ("Aleš Vávra před 3 hodinami", "cs", "Aleš Vávra"),
        ("Aleš Vávra před", "cs", "Aleš Vávra"),
        (
            "By JORDAN ROBERTSON and RACHEL METZ - AP Technology Writers",
            "en",
            "Jordan Robertson, Rachel Metz",
        ),
        ("By Ann Lee, Reuters | 10 July 2025", "en", "Ann Lee, Reuters"),
        (
            "Par Lilian Alemagna, Laure Bretton Envoyés spéciaux à Toulouse",
            "fr",
            "Lilian Alemagna, Laure Bretton",
        ),
        ("Von Anna Schmidt und Jonas Weber, vor 2 Stunden", "de", "Anna Schmidt, Jonas Weber"),
        ("Ed Hornick, Coast News", "en", "Ed Hornick"),
    ],
)
def test_a_byline_names_only_people_and_agencies(byline: str, lang: str, authors: str) -> None:
    head = (
        '<title>Harbour plan approved - Coast News</title><meta property="og:site_name" content="Coast News">'
    )
    body = f'<h1>Harbour plan approved</h1><div class="byline">{byline}</div>'
    assert read(page(head, body, lang=lang)).source.author == authors


def test_authors_of_other_stories_are_not_this_ones() -> None:
    related = (
        '<aside class="related-stories"><h2>More news</h2>'
        '<a href="/b" rel="author">Ken Ito</a><span class="date">July 1, 2024</span></aside>'
    )
    html = page("<title>Harbour plan approved</title>").replace("</article>", "</article>" + related)
    article = read(html)
    assert article.source.author is None and article.source.published is None


def test_a_web_page_described_in_json_ld_stands_in_for_the_article() -> None:
    data = {
        "@type": "WebPage",
        "headline": "Harbour plan approved",
        "datePublished": "2025-07-10",
        "author": {"@type": "Person", "name": "Mika Sato"},
    }
    article = read(page(ld(data) + "<title>Harbour plan approved | Coast News</title>"))
    assert article.source.author == "Mika Sato"
    assert article.source.published is not None and article.source.published.iso == "2025-07-10"


def test_json_ld_authors_are_joined() -> None:
    data = {
        "@type": "NewsArticle",
        "headline": "Harbour plan approved",
        "author": [{"@type": "Person", "name": "Mika Sato"}, {"@type": "Person", "name": "Ken Ito"}],
    }
    assert read(page(ld(data))).source.author == "Mika Sato, Ken Ito"


def test_the_publication_time_keeps_its_offset() -> None:
    head = (
        "<title>Merkel trifft Putin</title>"
        '<meta property="article:published_time" content="2020-01-19T10:00:00+01:00">'
    )
    article = read(page(head, lang="de"))
    assert article.source.published is not None
    assert article.source.published.iso == "2020-01-19T10:00:00+01:00"
    assert not any(note.startswith("no date") for note in article.notes)


@pytest.mark.parametrize(
    ("printed", "lang", "day"),
    [
        ("Published August 14, 2010", "en", "2010-08-14"),
        ("27 octobre 2012 à 18:27", "fr", "2012-10-27"),
        ("23. März 2017, 15:43 Uhr", "de", "2017-03-23"),
        ("2013年10月24日 03:00", "zh", "2013-10-24"),
        ("2013.10.24 03:00", "ko", "2013-10-24"),
        ("Le 05/04/2013 à 17:08", "fr", "2013-04-05"),
        ("الأحد، 04 آب/اغسطس 2013", "ar", "2013-08-04"),
    ],
)
def test_a_printed_date_gives_the_day(printed: str, lang: str, day: str) -> None:
    body = f'<h1>Harbour plan approved</h1><span class="date">{printed}</span>'
    article = read(page("<title>Harbour plan approved</title>", body, lang=lang), "https://news.example.fr/a")
    assert article.source.published is not None and article.source.published.iso == day


@pytest.mark.parametrize("printed", ["7月10日 08:30", "July 10", "3 hours ago", "vor 2 Stunden"])
def test_a_date_without_a_year_is_no_date(printed: str) -> None:
    body = f'<h1>Harbour plan approved</h1><span class="date">{printed}</span>'
    article = read(page("<title>Harbour plan approved</title>", body), "https://news.example.com/a")
    assert article.source.published is None
    assert "no date: add `published:`" in article.notes


@pytest.mark.parametrize(
    ("head", "lang", "expected"),
    [
        ("", "zh-Hans", "zh"),
        ("", "en-US", "en"),
        ('<meta property="og:locale" content="ja_JP">', "", "ja"),
        ('<meta http-equiv="content-language" content="ko-KR">', "", "ko"),
        ("", "", None),
    ],
)
def test_the_language_is_a_bcp47_primary_tag(head: str, lang: str, expected: str | None) -> None:
    html = page("<title>Harbour plan approved</title>" + head, lang=lang)
    if not lang:
        html = html.replace(' lang=""', "")
    assert read(html).lang == expected


def test_trust_statements_share_prompts_and_photo_credits_are_left_out() -> None:
    text = (
        LEAD,
        "Photo: Mika Sato/Coast News",
        MORE,
        "Share this article",
        "Subscribe to our newsletter today",
        "Our Standards: The Thomson Reuters Trust Principles.",
    )
    article = read(page("<title>Harbour plan approved</title>", text=text))
    assert LEAD in article.text and MORE in article.text
    for left_out in ("Photo:", "Share this", "Subscribe", "Trust Principles"):
        assert left_out not in article.text


# Modern page layouts, written here after the patterns of real news sites.
WIRE_1 = (
    "The council met on Tuesday and agreed a plan that will change how the harbour is run for years "
    "to come, officials said."
)
WIRE_2 = (
    "Opponents said the history of the harbour was ignored, and that the cost and the timing were "
    "wrong for a town of this size."
)
WIRE_LD = {
    "@context": "http://schema.org",
    "@type": "NewsArticle",
    "headline": "Ukraine and Russia resume talks in Geneva",
    "datePublished": "2025-07-10T08:30:00.000Z",
    "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "John Roe"}],
    "publisher": {"@type": "Organization", "name": "Reuters"},
}
REUTERS = f"""<html lang="en"><head>
<title>Ukraine and Russia resume talks in Geneva | Reuters</title>
<meta property="og:site_name" content="U.S.">
<meta property="og:title" content="Ukraine and Russia resume talks in Geneva">
<meta property="article:section" content="World">{ld(WIRE_LD)}
</head><body><nav><a href="/">World</a></nav><main><article>
<h1>Ukraine and Russia resume talks in Geneva</h1>
<div class="article-header__info">
<span>By <a href="/authors/jane-doe">Jane Doe</a> and <a href="/authors/john-roe">John Roe</a></span>
<time datetime="2025-07-10T08:30:00Z">July 10, 2025 8:30 AM UTC</time><span>Updated 2 hours ago</span>
</div>
<figure><img src="x.jpg">
<figcaption>Delegates arrive in Geneva. REUTERS/Denis Balibouse/File Photo</figcaption></figure>
<p>GENEVA, July 10 (Reuters) - {WIRE_1}</p><p>{WIRE_2}</p>
<p>The Reuters Daily Briefing newsletter provides all the news you need to start your day.
Sign up here.</p>
<p>Reporting by Jane Doe and John Roe; Editing by Alex Richardson</p>
<p>Our Standards: The Thomson Reuters Trust Principles.</p></article></main></body></html>"""
XINHUA = """<html><head><meta charset="utf-8">
<title>中方就日本核污染水排海问题表明严正立场-新华网</title>
<meta name="keywords" content="核污染水"></head><body>
<div class="header"><a href="/">新华网</a></div>
<div class="head-line"><h1><span class="title">中方就日本核污染水排海问题表明严正立场</span></h1>
<div class="header-time left"><span class="year"><em> 2025</em></span>
<span class="day"><em> 07</em>/<em>10</em></span><span class="time"> 08:30:00</span></div>
<div class="source">来源：新华网</div></div>
<div id="detail"><p>新华社北京7月10日电（记者张三、李四）外交部发言人10日在例行记者会上就日本核污染水排海问题
回答了记者提问，表明了中方的严正立场和关切。</p>
<p>发言人表示，日方应当以负责任的态度处理核污染水问题，接受严格的国际监督，切实回应国际社会和周边国家的关切。</p>
<p>【纠错】 【责任编辑:王琦】</p></div></body></html>"""
KOREAN = """<html lang="ko"><head><title>배우 김민수, 새 드라마 주연 확정 - 엔터 미디어</title>
<meta property="og:title" content="엔터 미디어"><meta property="og:site_name" content="엔터미디어">
</head><body><div class="article-head"><h1 class="headline">배우 김민수, 새 드라마 주연 확정</h1>
<div class="info"><span class="writer">박지영 기자</span><span class="date">입력 2025.07.10 08:30</span></div>
</div><div class="article-body">
<p>배우 김민수가 새 드라마의 주연을 맡는다. 10일 소속사에 따르면 김민수는 내년 상반기 방송 예정인 새 드라마에
출연을 확정했다고 밝혔다.</p>
<p>이번 작품은 서울을 배경으로 한 로맨틱 코미디로, 김민수는 평범한 회사원 역할을 맡아 새로운 모습을 보여줄
예정이라고 전했다.</p>
<p>박지영 기자 park@entermedia.co.kr</p>
<p>저작권자 © 엔터미디어 무단전재 및 재배포 금지</p></div></body></html>"""
CZECH = """<html lang="cs"><head><title>Vláda schválila rozpočet na příští rok | Zprávy</title>
<meta property="og:site_name" content="Seznam Zprávy"></head><body><article>
<h1>Vláda schválila rozpočet na příští rok</h1>
<div class="author-info"><span class="author">Aleš Vávra před</span><span> 3 hodinami</span></div>
<p>Vláda ve středu schválila návrh státního rozpočtu na příští rok, který počítá se schodkem nižším než
letos, uvedl ministr financí.</p>
<p>Opozice návrh kritizovala a tvrdí, že vláda podceňuje výdaje na zdravotnictví a školství, které v
příštích letech porostou.</p></article></body></html>"""


def test_a_wire_story_page_reads_whole() -> None:
    article = read(REUTERS, "https://www.reuters.com/world/europe/ukraine-russia-talks-2025-07-10/")
    source = article.source
    assert (article.title, source.name, source.author) == (
        "Ukraine and Russia resume talks in Geneva",
        "Reuters",
        "Jane Doe, John Roe",
    )
    assert source.published is not None and source.published.iso == "2025-07-10T08:30:00+00:00"
    assert (article.lang, article.notes) == ("en", ())
    assert article.text.startswith("GENEVA, July 10 (Reuters) - The council met")
    for left_out in ("Trust Principles", "Sign up here", "Balibouse", "Updated 2 hours ago"):
        assert left_out not in article.text


def test_a_chinese_page_with_its_site_glued_to_the_headline() -> None:
    article = read(XINHUA, "http://www.news.cn/world/2025-07/10/c_1130.htm")
    source = article.source
    assert (article.title, source.name, source.author) == (
        "中方就日本核污染水排海问题表明严正立场",
        "新华网",
        "张三, 李四",
    )
    assert source.published is not None and source.published.iso == "2025-07-10"
    assert "纠错" not in article.text and "责任编辑" not in article.text


def test_a_korean_page_whose_og_title_is_the_site() -> None:
    article = read(KOREAN, "https://www.entermedia.co.kr/news/articleView.html?idxno=1")
    source = article.source
    assert (article.title, source.name, source.author) == (
        "배우 김민수, 새 드라마 주연 확정",
        "엔터미디어",
        "박지영",
    )
    assert source.published is not None and source.published.iso == "2025-07-10"
    assert article.lang == "ko"
    assert "무단전재" not in article.text and "park@" not in article.text


def test_a_czech_byline_loses_its_relative_time() -> None:
    article = read(CZECH, "https://www.seznamzpravy.cz/clanek/domaci-politika-vlada-1")
    assert (article.source.name, article.source.author) == ("Seznam Zprávy", "Aleš Vávra")
    assert article.source.published is None  # "před 3 hodinami" is no date
    assert article.text.startswith("Vláda ve středu schválila")


# Real pages, read by us: (page, headline, publisher, authors, day published).
VERIFIED = [
    (
        "aolNews",
        "The Few. The Proud. The Marines ... Getting a Makeover?",
        "AOL News",
        "Andrea Stone",
        "2010-08-13",
    ),
    ("bbc_chinese", "港特首梁振英就住宅违建事件道歉", "BBC中文网", None, "2012-12-10"),
    ("businessWeek2", "Five Social Media Lessons for Business", "BusinessWeek", "Brad Shaw", "2011-09-20"),
    ("cnn1", "Democrats to use Social Security against GOP this fall", "CNN.com", "Ed Hornick", None),
    (
        "donga_korean",
        "[CEO&]창의적 열정과 소통, 초일류 시험인증 기업이 간다",
        "동아닷컴",
        "최윤호",
        "2013-10-24",
    ),
    (
        "elpais",
        "Las listas de espera se agravan",
        "EL PAÍS",
        "María R. Sahuquillo, Emilio de Benito",
        "2012-10-27",
    ),
    ("espn", "Hill: Meyer, Saban grandstanding about agents", "ESPN", "Jemele Hill", "2010-08-13"),
    (
        "foxNews",
        "Russia's Nuclear Help to Iran Stirs Questions About Its 'Improved' Relations With U.S.",
        "Fox News",
        None,
        "2010-08-14",
    ),
    ("issue129", "PyPy and the road towards SciPy", "Lost in JIT", "Maciej Fijalkowski", "2011-10-27"),
    (
        "issue32",
        "Plan to restrict public-records data draws mounting opposition",
        "Tulsa World",
        None,
        "2011-11-18",
    ),
    (
        "issue4",
        "Tapie, Mougeotte et La Provence, un concentré d'histoire de France",
        "Slate",
        "Titiou Lecoq",
        None,
    ),
    (
        "lefigaro",
        "Montebourg envisage des privatisations partielles",
        "Le Figaro",
        "Bertille Bayart, Marie Visot",
        "2013-04-05",
    ),
    (
        "liberation",
        "Ayrault «assume» et «revendique» sa méthode",
        "Libération",
        "Lilian Alemagna, Laure Bretton",
        "2012-10-27",
    ),
    (
        "politico",
        "2012 map takes unfamiliar shape",
        "POLITICO",
        "Maggie Haberman, Shira Toeplitz",
        "2010-10-09",
    ),
    (
        "techcrunch1",
        "2005 Zuckerberg Didn’t Want To Take Over The World",
        "TechCrunch",
        "Alexia Tsotsis",
        "2011-08-13",
    ),
    (
        "wiwo",
        "Linde: Gasekonzern muss Teile des US-Geschäfts verkaufen",
        "Wirtschaftswoche",
        None,
        "2017-03-23",
    ),
]
needs_pages = pytest.mark.skipif(not PAGES.is_dir(), reason="the development pages are not here")


def real(name: str) -> tuple[str, Article | None]:
    data = json.loads((PAGES / f"test_{name}.json").read_text("utf-8"))
    raw = (PAGES / f"test_{name}.html").read_bytes()
    return raw.decode("utf-8", "replace"), read_page(raw, data["url"])


@needs_pages
@pytest.mark.parametrize(("name", "title", "publisher", "authors", "day"), VERIFIED)
def test_real_pages_read_as_we_read_them(
    name: str, title: str, publisher: str, authors: str | None, day: str | None
) -> None:
    _, article = real(name)
    assert article is not None
    published = article.source.published.moment.date().isoformat() if article.source.published else None
    assert (article.title, article.source.name, article.source.author, published) == (
        title,
        publisher,
        authors,
        day,
    )


def test_an_aggregated_real_page_credits_the_agency() -> None:
    if not PAGES.is_dir():
        pytest.skip("the development pages are not here")
    _, article = real("yahoo")
    assert article is not None
    assert (article.source.name, article.via, article.source.author) == (
        "AP",
        "Yahoo News",
        "Jordan Robertson, Rachel Metz",
    )


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if c.isalnum())


def stated(html: str, day: str) -> bool:
    """Whether the page states this day somewhere, as machines or readers write it."""
    year, month, date = day.split("-")
    m, d = str(int(month)), str(int(date))
    months = [
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "oct",
        "nov",
        "dec",
        "janv",
        "févr",
        "mars",
        "avr",
        "mai",
        "juin",
        "juil",
        "août",
        "sept",
        "oct",
        "nov",
        "déc",
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
        "märz",
    ]
    forms = [
        day,
        f"{year}{month}{date}",
        f"{year}/{month}/{date}",
        f"{year}/{m}/{d}",
        f"{year}年{m}月{d}日",
        f"{year}年{month}月{date}日",
        f"{month}/{date}/{year[2:]}",
        f"{m}/{d}/{year[2:]}",
        f"{date}/{month}/{year}",
        f"{date}.{month}.{year}",
        f"{year}.{month}.{date}",
    ]
    text = html.casefold()
    if any(form in text for form in forms):
        return True
    month_name = months[int(month) - 1]
    near = rf"{month_name}\w*\.?\s+{d}(?:st|nd|rd|th)?,?\s+{year}"
    near += rf"|\b0?{d}\.?\s+(?:de\s+)?\S+\.?\s+(?:de\s+)?{year}"
    return bool(re.search(near, text))


@needs_pages
def test_nothing_is_invented_on_any_real_page() -> None:
    """On all pages: dates the page states, authors that are people, headlines without the site."""
    placeholders = {"no author", "staff", "admin", "unknown", "editor", "anonymous"}
    for json_path in sorted(PAGES.glob("test_*.json")):
        name = json_path.stem.removeprefix("test_")
        html, article = real(name)
        if article is None:
            continue
        source = article.source
        assert (source.published is None) == ("no date: add `published:`" in article.notes), name
        assert (source.author is None) == ("no author" in article.notes), name
        if source.published is not None:
            assert stated(html, source.published.moment.date().isoformat()), name
        site_names = {fold(n) for n in (source.name, article.via) if n}
        host = re.search(r"//(?:www\.)?([^/]+)", source.url or "")
        site_names.add(fold(host.group(1) if host else ""))
        for author in (source.author or "").split(", ") if source.author else ():
            assert author.casefold() not in placeholders, name
            assert fold(author) not in site_names, name
            assert not re.search(r"\d|@|://|\b(?:ago|před|vor)\b", author), name
        for part in (
            re.split(r"\s[|\-–—:]\s|[|｜]", article.title)[1:] + re.split(r"\s[|\-–—]\s", article.title)[:-1]
        ):
            assert fold(part) not in site_names, (name, article.title)
