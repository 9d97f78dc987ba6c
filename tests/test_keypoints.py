"""Key points: what a briefing says of an article, chosen from the article's own sentences.

Short articles written here check each rule a reader would notice (datelines trimmed, bylines,
captions and site furniture never chosen, quotes with their speaker, the length caps, no fact
twice); the real articles in ../shared/dev, when present, check the quality against the
newsroom's own highlights and the rules on 51 saved pages in several languages.
"""

# Chinese and Japanese punctuation and dashes are meant wherever they appear here.
# ruff: noqa: RUF001

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path

import pytest

from briefings.importers.keypoints import KeyPoints, Quote, key_points
from briefings.importers.sentences import is_furniture, split_sentences

DEV = Path(__file__).parents[2] / "shared" / "dev"

STORY = """\
China's state security ministry said on Sunday it had cracked three spying plots, one of them a \
honeytrap in which a provincial employee was blackmailed into handing over documents.

The ministry said a foreign agent had befriended the employee online before asking for internal \
files about the province's energy projects.

"Leaks are often hidden in the small details of our work lives," the ministry said.

The second plot involved a researcher who sold survey data to a consulting firm that turned out \
to be a front for a foreign intelligence service.

In the third case, a retired engineer photographed military equipment at a port and sent the \
pictures abroad in exchange for cash.

Beijing has stepped up its espionage warnings in recent years as relations with several Western \
nations have worsened over trade and technology.

The ministry urged officials and ordinary citizens to report suspicious contacts through a \
hotline it set up in 2015, and promised rewards for useful tips.

Analysts said the public campaign is meant to deter foreigners as much as to educate the \
country's own civil servants about the risks they face.

Prime Minister Shigeru Ishiba said: "We are following the reports closely and expect all of our \
citizens abroad to be treated fairly."

The ministry did not say when the three cases had been discovered or whether anyone had been \
tried in court for them so far.
"""
LEAD = "China's state security ministry said on Sunday"
LEAKS = '"Leaks are often hidden in the small details of our work lives," the ministry said.'


def words(briefing: KeyPoints) -> int:
    return sum(len(p.split()) for p in briefing.points) + sum(len(q.text.split()) for q in briefing.quotes)


def test_points_are_sentences_of_the_article_in_its_order() -> None:
    briefing = key_points(STORY, "en")
    assert 3 <= len(briefing.points) <= 5
    flat = " ".join(STORY.split())
    positions = [flat.index(point) for point in briefing.points]
    assert positions == sorted(positions)
    assert briefing.points[0].startswith(LEAD)
    assert briefing.summary.startswith(LEAD)


@pytest.mark.parametrize(
    "dateline",
    [
        "KOBE – ",
        "WASHINGTON (Reuters) - ",
        "(CNN) -- ",
        "LONDON, Jan 5 (Reuters) - ",
        "Canberra, Australia (CNN) -- ",
        "MONTGOMERY, Ala. -- ",
        "PARIS (AFP) — ",
    ],
)
def test_a_dateline_is_trimmed_from_the_sentence_it_opens(dateline: str) -> None:
    briefing = key_points(dateline + STORY, "en")
    assert briefing.points[0].startswith(LEAD)
    assert briefing.summary.startswith(LEAD)


def test_a_dash_inside_a_sentence_is_not_a_dateline() -> None:
    text = "The ministry – which rarely comments on such cases – said three plots had been foiled last week."
    assert split_sentences(text, "en")[0].text == text


@pytest.mark.parametrize(
    "byline",
    [
        "By . Associated Press . PUBLISHED: . 14:11 EST, 25 October 2013 . | . UPDATED: . 15:36 EST, "
        "25 October 2013 . ",
        "By John Smith and Mary Jones, Special Correspondents\n\n",
        "By . Daily Mail Reporter . Last updated at 1:25 AM on 3rd August 2011 . ",
    ],
)
def test_bylines_and_timestamps_are_never_points(byline: str) -> None:
    briefing = key_points(byline + STORY, "en")
    assert briefing.points[0].startswith(LEAD)
    assert briefing.summary.startswith(LEAD)


def test_a_sentence_starting_with_by_is_not_a_byline() -> None:
    assert not is_furniture("By the time the police arrived, the two men had left the building.")
    assert is_furniture("By John Smith")


@pytest.mark.parametrize(
    "furniture",
    [
        "(Photo: Reuters) Officials stand outside the ministry building in Beijing on Sunday morning.",
        "Image copyright Getty Images. The ministry's building in Beijing is seen on Sunday morning.",
        "The ministry's headquarters in Beijing, seen on Sunday morning. Photograph: Getty Images",
        "China's state security ministry building is seen in Beijing on Sunday (AP Photo/Andy Wong).",
        "China's security minister (left) and his deputy (right) at a press conference in Beijing.",
        "Wang Xiaohong, center, China's security minister, greets officers in Beijing on July 11.",
        "Related: China's spy agency opens a hotline for the public to report foreign agents.",
        "Read more: How Beijing's ministry of state security became a social media star.",
        "Advertisement",
        "Sign up for our China newsletter and get the week's most important stories every Friday.",
    ],
)
def test_captions_credits_and_site_furniture_are_never_points(furniture: str) -> None:
    # First in the article, where the lead's weight would favour it most.
    briefing = key_points(furniture + "\n\n" + STORY, "en")
    assert not any(point in furniture for point in briefing.points)
    assert briefing.points[0].startswith(LEAD)


def test_a_photo_credit_before_a_sentence_is_not_part_of_it() -> None:
    caption = "Wang Xiaohong, center, greets officers in Beijing on July 11. (Andy Wong) "
    # As a capture gives it: the caption, its credit and the story on one line.
    briefing = key_points(caption + " ".join(STORY.split("\n\n")), "en")
    assert any(point.startswith(LEAD) for point in briefing.points)
    assert not any("Andy Wong" in point or "greets" in point for point in briefing.points)


@pytest.mark.parametrize(
    "note",
    [
        "(Corrects the second paragraph to show the plot was foiled in March, not May.)",
        "pictures of the ministry's hotline posters, which went up in every city last year.",
        "A poster for the ministry's hotline, pictured in Beijing, urges citizens to report spies.",
        "Will the ministry's new campaign really deter foreign spies from trying again?",
    ],
)
def test_editors_notes_fragments_questions_and_pictures_are_never_points(note: str) -> None:
    briefing = key_points(note + "\n\n" + STORY, "en")
    assert note not in briefing.points
    assert briefing.points[0].startswith(LEAD)


def test_markdown_is_plain_text_in_the_points() -> None:
    text = STORY.replace("three spying plots", "[three spying plots](https://example.com/a) **at once**")
    text = text.replace("honeytrap", "honey\\*trap")
    briefing = key_points(text, "en")
    assert "three spying plots at once, one of them a honey*trap" in briefing.points[0]
    linked = STORY.replace("three spying plots", "**[**three spying plots**](https://example.com/a)**")
    assert "had cracked three spying plots, one of them" in key_points(linked, "en").points[0]


def test_quotes_come_with_their_speaker() -> None:
    briefing = key_points(STORY, "en")
    assert (
        Quote("Leaks are often hidden in the small details of our work lives.", "the ministry")
        in briefing.quotes
    )
    assert len(briefing.quotes) <= 2
    for quote in briefing.quotes:
        assert not any(quote.text.rstrip(".") in point for point in briefing.points)


@pytest.mark.parametrize(
    ("sentence", "quote"),
    [
        (
            '"We will not stop until every plot is found and punished," said Prime Minister Shigeru Ishiba.',
            Quote(
                "We will not stop until every plot is found and punished.", "Prime Minister Shigeru Ishiba"
            ),
        ),
        (
            "The minister told reporters: “Every citizen has a part to play in keeping secrets safe.”",
            Quote("Every citizen has a part to play in keeping secrets safe.", "The minister"),
        ),
        (
            "“The threat is real and growing every year,” according to Professor Li Wei of Fudan University.",
            Quote("The threat is real and growing every year.", "Professor Li Wei of Fudan University"),
        ),
        (
            "« Nous ne céderons à aucune pression étrangère », a déclaré le ministre de l'Intérieur.",
            Quote("Nous ne céderons à aucune pression étrangère.", "le ministre de l'Intérieur"),
        ),
    ],
)
def test_each_way_of_attributing_a_quote(sentence: str, quote: Quote) -> None:
    assert quote in key_points(STORY.replace(LEAKS, sentence), "en").quotes


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ('"We expect every case to be tried in open court," Rosenberg later recalled.', "Rosenberg"),
        (
            '"We expect every case to be tried in open court," said Jane Lubchenco at a briefing.',
            "Jane Lubchenco",
        ),
        (
            '"We expect every case to be tried in open court," former minister Li Wei said.',
            "former minister Li Wei",
        ),
    ],
)
def test_a_speaker_is_named_without_what_follows_the_name(sentence: str, speaker: str) -> None:
    quotes = key_points(STORY.replace(LEAKS, sentence), "en").quotes
    assert Quote("We expect every case to be tried in open court.", speaker) in quotes


def test_a_quote_without_a_clear_speaker_is_left_out() -> None:
    text = STORY.replace("the ministry said.", "he said.").replace(
        "Prime Minister Shigeru Ishiba said", "She said"
    )
    assert key_points(text, "en").quotes == ()


def test_quotes_in_chinese_and_japanese() -> None:
    zh = (
        "中国国家安全部周日表示，破获了三起境外间谍窃密案件，其中一起涉及美人计。\n\n"
        "国家安全部表示：“泄密往往隐藏在我们工作生活的细节之中。”\n\n"
        "该部门呼吁公职人员时刻保持警惕，发现可疑情况及时向有关部门举报。\n\n"
        "近年来，随着与西方国家关系恶化，北京多次发出防范间谍活动的警告。\n\n"
        "国家安全部没有说明这三起案件是何时发现的，也没有说明是否已有人受审。\n\n"
        "分析人士认为，这一宣传活动既是为了威慑外国人，也是为了教育公职人员。\n\n"
        "第二起案件涉及一名研究人员，他把调查数据卖给了一家咨询公司，而该公司实为境外情报机构的幌子。\n\n"
        "在第三起案件中，一名退休工程师在港口拍摄军事装备，并把照片发往境外换取现金。\n\n"
        "国家安全部还在二〇一五年开通了举报热线，并承诺对有价值的线索给予奖励。"
    )
    assert Quote("泄密往往隐藏在我们工作生活的细节之中。", "国家安全部") in key_points(zh).quotes
    ja = (
        "中国の国家安全省は日曜日、外国のスパイによる三つの事件を摘発したと発表した。\n\n"
        "石破茂首相は「事態を注視しており、邦人の安全確保に万全を期す」と述べた。\n\n"
        "同省は公務員に対し、不審な接触があれば直ちに通報するよう呼びかけている。\n\n"
        "北京は近年、西側諸国との関係悪化を背景にスパイへの警戒を強めている。\n\n"
        "同省は、三つの事件がいつ発覚したのか、誰かが裁判にかけられたのかを明らかにしていない。\n\n"
        "専門家は、この広報活動は外国人への抑止と公務員への教育の両方を狙ったものだとみている。\n\n"
        "二つ目の事件では、研究者が調査データを外国の情報機関の隠れみのだったコンサルティング会社に売っていた。\n\n"
        "三つ目の事件では、退職した技術者が港で軍の装備を撮影し、現金と引き換えに写真を国外に送っていた。\n\n"
        "同省は二〇一五年に通報用のホットラインを設け、有益な情報には報奨金を出すとしている。"
    )
    assert Quote("事態を注視しており、邦人の安全確保に万全を期す", "石破茂首相") in key_points(ja).quotes


def test_quotes_in_korean() -> None:
    ko = "\n\n".join(
        [
            "중국 국가안전부는 일요일 외국 간첩이 관련된 사건 세 건을 적발했다고 밝혔다.",
            '국가안전부는 "기밀 유출은 종종 우리 업무와 생활의 작은 부분에 숨어 있다"고 말했다.',
            "국가안전부는 공무원들에게 의심스러운 접촉이 있으면 즉시 신고하라고 촉구했다.",
            "베이징은 최근 서방 국가들과의 관계가 악화되면서 간첩 경계를 강화해 왔다.",
            "두 번째 사건에서는 한 연구원이 조사 자료를 외국 정보기관의 위장 회사에 팔았다.",
            "세 번째 사건에서는 퇴직한 기술자가 항구에서 군사 장비를 촬영해 해외로 보냈다.",
            "국가안전부는 세 사건이 언제 발견됐는지, 재판을 받은 사람이 있는지는 밝히지 않았다.",
            "전문가들은 이번 홍보 활동이 외국인에 대한 경고이자 공무원 교육을 위한 것이라고 분석했다.",
            "국가안전부는 2015년 신고 전화를 개설했으며 유용한 제보에는 포상금을 지급하겠다고 밝혔다.",
            "중국은 지난해에도 외국 정보기관과 연계된 것으로 의심되는 사건 여러 건을 공개한 바 있다.",
            "일부 서방 국가들은 중국의 이러한 발표가 외국 기업에 대한 압박으로 이어질 수 있다고 우려했다.",
        ]
    )
    briefing = key_points(ko)
    assert Quote("기밀 유출은 종종 우리 업무와 생활의 작은 부분에 숨어 있다", "국가안전부") in briefing.quotes
    assert briefing.points[0].startswith("중국 국가안전부는")


def test_a_cjk_summary_keeps_to_120_characters() -> None:
    long_lead = (
        "香港行政长官" + "在各方压力下就其大宅的违章建筑问题到立法会接受质询并向香港民众道歉" * 4 + "。"
    )
    text = "\n\n".join(
        [
            long_lead,
            "梁振英在星期二的答问大会开始之际在其演说中道歉，但强调他没有隐瞒的意图。",
            "一些亲北京阵营议员欢迎梁振英道歉，认为应能获得香港民众接受。",
            "反对派议员则认为道歉来得太迟，要求他交代更多细节。",
        ]
    )
    briefing = key_points(text, "zh-Hans")
    assert len(long_lead) > 120
    assert 0 < len(briefing.summary) <= 120
    assert briefing.summary in text


def test_a_long_english_lead_is_not_the_summary() -> None:
    lead = (
        "The ministry said "
        + "that the plot, which involved many people in many places, " * 6
        + "was foiled."
    )
    briefing = key_points(lead + "\n\n" + STORY, "en")
    assert len(lead.split()) > 50
    assert 0 < len(briefing.summary.split()) <= 50
    assert briefing.summary in " ".join(STORY.split())


def test_a_summary_is_cut_at_a_clause_when_no_sentence_is_short_enough() -> None:
    long = " ".join(["The ministry said that the plot, which involved many people in many places,"] * 6)
    text = "\n\n".join(f"{long} was the {n}th foiled." for n in ("first", "second", "third"))
    summary = key_points(text, "en").summary
    assert summary.endswith("…")
    assert len(summary.split()) <= 50
    assert summary[:-1] in " ".join(text.split())


def test_a_briefing_is_at_most_200_words() -> None:
    cases = [
        f"In case {n}, the ministry said, a {kind} official passed {thing} to agents who paid him in "
        f"cash and gifts, and sometimes in {gift}, for {n} years before he was caught in {n + 2000}."
        for n, (kind, thing, gift) in enumerate(
            [
                (kind, thing, gift)
                for kind in ("provincial", "city", "county", "army")
                for thing in ("maps", "files", "plans")
                for gift in ("watches", "travel", "housing")
            ],
            4,
        )
    ]
    article = STORY + "\n\n" + "\n\n".join(cases)
    assert len(article.split()) > 1000
    briefing = key_points(article, "en")
    assert len(briefing.points) >= 3
    assert words(briefing) <= 200


def test_a_short_article_gets_at_most_40_percent_of_its_words() -> None:
    short = "\n\n".join(STORY.split("\n\n")[:5])
    briefing = key_points(short, "en")
    assert 1 <= len(briefing.points) < 5
    assert words(briefing) <= 0.4 * len(short.split())


def test_one_fact_is_not_told_twice() -> None:
    again = (
        "China's state security ministry said on Sunday it had cracked three spying plots, including "
        "a honeytrap in which a provincial employee was blackmailed into handing over documents."
    )
    text = STORY.replace(
        "\n\nThe ministry said a foreign agent", f"\n\n{again}\n\nThe ministry said a foreign agent"
    )
    points = key_points(text, "en").points
    assert sum("three spying plots" in point for point in points) == 1


def test_an_article_without_sentences_gives_an_empty_briefing() -> None:
    assert key_points("", "en") == KeyPoints("", (), ())
    assert key_points("Search-and-rescue teams were mobilized", None).points == ()


# --- Real articles ------------------------------------------------------------------------------


def _stories() -> list[dict[str, str]]:
    path = DEV / "summaries" / "cnndm-dev.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} is not here")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_key_points_score_at_least_clean_lead_3_against_the_newsroom_highlights() -> None:
    rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    metrics = ("rouge1", "rouge2", "rougeLsum")
    ours: dict[str, list[float]] = {m: [] for m in metrics}
    lead: dict[str, list[float]] = {m: [] for m in metrics}
    for story in _stories():
        lead3 = [s.text for s in split_sentences(story["article"], "en") if s.story][:3]
        points = key_points(story["article"], "en").points
        for scores, chosen in ((ours, points), (lead, lead3)):
            result = scorer.score(story["highlights"].strip(), "\n".join(chosen))
            for metric in metrics:
                scores[metric].append(result[metric].fmeasure)
    for metric in metrics:
        assert statistics.mean(ours[metric]) >= statistics.mean(lead[metric]), metric


def _pages() -> list[tuple[str, str, str | None]]:
    folder = DEV / "pages"
    if not folder.is_dir():
        pytest.skip(f"{folder} is not here")
    out = []
    for path in sorted(folder.glob("test_*.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))["expected"]
        out.append((path.stem, expected.get("cleaned_text") or "", expected.get("meta_lang") or None))
    return out


# What no point may look like, written out apart from the module's own rules.
NOT_A_POINT = re.compile(
    r"^By [A-Z]|^\(CNN\)|^[A-Z]{3,}[ ,].{0,30} [-–—] |Photo:|\(Photo|Getty Images|^Advertisement"
)
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]")


def test_every_saved_page_gets_a_briefing_within_the_rules() -> None:
    full = 0
    for name, text, lang in _pages():
        briefing = key_points(text, lang)
        if len(CJK.findall(text)) > len(text) / 4:
            assert len("".join(briefing.summary.split())) <= 120, name
        else:
            assert len(briefing.summary.split()) <= 50, name
        assert len(briefing.points) <= 5 and len(briefing.quotes) <= 2, name
        assert not [p for p in briefing.points if NOT_A_POINT.search(p)], name
        assert all(p in " ".join(text.split()) for p in briefing.points), name
        full += len(briefing.points) >= 3
    # goose3 expects the whole text of only some pages (of the rest, the first words): those give 3-5.
    assert full >= 8
