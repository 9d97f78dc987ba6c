"""Finding one's way: scored related briefings, topic rules and sentences, daily editions."""

from __future__ import annotations

import datetime as dt
import os
import random
from dataclasses import replace
from pathlib import Path

import feedparser
import pytest
from conftest import MakeSite, briefing, run_cli, snapshot
from sitecheck import broken_links, parse

from briefings import related
from briefings.model import RelatedConfig
from briefings.related import Reach, Subject, keywords, pack_keywords, score_related

STORIES = {
    "ceasefire": ("Gaza", ["ceasefire", "hostages", "mediators", "truce", "negotiators"]),
    "chips": ("Semiconductors", ["chipmakers", "lithography", "fabs", "wafers", "foundry"]),
    "drought": ("Drought", ["reservoirs", "rainfall", "irrigation", "harvests", "aquifers"]),
    "election": ("Elections", ["ballots", "turnout", "candidates", "polling", "runoff"]),
}
FILLER = [
    "officials",
    "said",
    "the",
    "government",
    "would",
    "respond",
    "later",
    "this",
    "week",
    "after",
    "talks",
]


def corpus(count: int, seed: int = 7) -> dict[str, str]:
    """`count` briefings in four stories; each story shares a topic and its own vocabulary."""
    rng = random.Random(seed)
    files = {}
    start = dt.date(2025, 1, 1)
    for n in range(count):
        story = sorted(STORIES)[n % len(STORIES)]
        topic, words = STORIES[story]
        body = " ".join(rng.choice(words + FILLER) for _ in range(60)) + "."
        day = (start + dt.timedelta(days=n // 3)).isoformat()
        extra = f"topics: [{topic}]\n"
        files[f"content/briefings/{story}-{n:03d}.md"] = briefing(
            f"{story} update {n}", date=day, extra=extra, body=body
        )
    return files


def related_links(page: Path) -> list[str]:
    section = next(s for s in parse(page).iter("section") if s.get("class") == "related")
    return [
        a.get("href").split("/")[-2] for a in section.iter("a") if a.get("href", "").startswith("/briefings/")
    ]


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("discovery")
    (root / "site.toml").write_text('title = "T"\nbase_url = "https://e.org/"\n', encoding="utf-8")
    for name, text in corpus(240).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    assert run_cli("build", str(root))[0] == 0
    return root


def test_scored_related_share_the_story_and_are_never_newer(big_site: Path) -> None:
    output = big_site / "output"
    checked = 0
    for page in sorted((output / "briefings").glob("*/index.html"))[::7]:
        story, number = page.parent.name.rsplit("-", 1)
        related = related_links(page) if int(number) >= 12 else []
        for slug in related:
            assert slug.startswith(story + "-"), (page.parent.name, slug)
            assert int(slug.rsplit("-", 1)[1]) // 3 <= int(number) // 3  # published the same day or before
        checked += len(related)
    assert checked > 50
    assert broken_links(output, "https://e.org/") == []


def test_related_lists_stay_the_same_when_newer_briefings_arrive(big_site: Path, tmp_path: Path) -> None:
    grown = tmp_path / "grown"
    (grown / "content").mkdir(parents=True)
    (grown / "site.toml").write_bytes((big_site / "site.toml").read_bytes())
    files = corpus(300)
    for name, text in files.items():
        (grown / name).parent.mkdir(parents=True, exist_ok=True)
        (grown / name).write_text(text, encoding="utf-8")
    assert run_cli("build", str(grown))[0] == 0
    for slug in ("ceasefire-100", "chips-161", "drought-050"):
        before = related_links(big_site / "output" / "briefings" / slug / "index.html")
        after = related_links(grown / "output" / "briefings" / slug / "index.html")
        assert before == after and before, slug


def test_curated_related_come_first_then_scored_ones(make_site: MakeSite) -> None:
    files = corpus(40)
    files["content/briefings/chips-037.md"] = files["content/briefings/chips-037.md"].replace(
        "topics:", "related: [drought-002]\ntopics:"
    )
    site = make_site(files)
    assert run_cli("build", str(site))[0] == 0
    links = related_links(site / "output" / "briefings" / "chips-037" / "index.html")
    assert links[0] == "drought-002"
    assert len(links) == 6 and all(link.startswith("chips-") for link in links[1:])


def test_scores_are_ordered_best_first_with_newer_winning_ties() -> None:
    def subject(slug: str, day: int, topics: tuple[str, ...], text: str = "") -> Subject:
        return Subject(slug, (day, slug), topics, ("wire",), pack_keywords(keywords(text)))

    subjects = [
        subject("a", 1, ("x", "y")),
        subject("b", 2, ("x",)),
        subject("c", 3, ("x",)),
        subject("d", 4, ("z",)),
        subject("e", 5, ("x", "y")),
    ]
    related = score_related(subjects, RelatedConfig(count=5, threshold=0.1, sources=0.0)).related
    assert related["e"] == ("a", "c", "b")  # shares both topics, then one topic, newer first
    assert related["a"] == ()  # nothing older
    assert (
        related
        == score_related(list(reversed(subjects)), RelatedConfig(count=5, threshold=0.1, sources=0.0)).related
    )


def test_scoring_shared_with_a_forked_process_gives_the_same_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    words = ["harbour", "drought", "tariff", "election", "pipeline", "satellite", "vaccine", "border"]
    subjects = [
        Subject(
            f"s{n}",
            (n, f"s{n}"),
            (f"t{n % 7}", f"t{n % 3}"),
            (f"w{n % 4}",),
            pack_keywords(keywords(" ".join(words[(n * k) % len(words)] for k in range(1, 6)))),
        )
        for n in range(60)
    ]
    config = RelatedConfig(count=4, threshold=0.1)
    alone = score_related(subjects, config, parallel_from=len(subjects) + 1).related
    forks: list[int] = []
    fork = os.fork

    def counted_fork() -> int:
        forks.append(1)
        return fork()

    monkeypatch.setattr(os, "fork", counted_fork)
    shared = score_related(subjects, config, parallel_from=2).related
    assert forks == [1]
    assert list(shared.items()) == list(alone.items())
    assert any(alone.values())


VOCABULARY = [
    f"{a}{b}{c}" for a in "bcdfg" for b in "aeiou" for c in "mnrst"
]  # 125 made-up words of three letters


def lists_scored(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many related lists each scoring from now on scores (rescores, after a first one)."""
    scored: list[int] = []
    score = related._score
    monkeypatch.setattr(related, "_score", lambda *args: scored.append(len(args[3])) or score(*args))
    return scored


def _random_subjects(rng: random.Random, count: int, vocabulary: list[str]) -> list[Subject]:
    def text() -> str:
        return " ".join(rng.choices(vocabulary, k=rng.randint(0, 40)))

    return [
        Subject(
            f"s{n:03}",
            (rng.randint(1, 60), f"s{n:03}"),
            tuple(rng.sample(["t1", "t2", "t3", "t4", "t5", "t6"], rng.randint(0, 2))),
            (f"w{rng.randint(1, 4)}",),
            pack_keywords(keywords(text())),
        )
        for n in range(count)
    ]


def _edited(rng: random.Random, subjects: list[Subject], vocabulary: list[str]) -> list[Subject]:
    """Some briefings edited: new keywords or some dropped, other topics or sources, another date,
    or one gone and another in its place; and at times one briefing more or fewer."""
    edited = list(subjects)
    if rng.random() < 0.3:
        edited.pop(rng.randrange(len(edited)))
    elif rng.random() < 0.5:
        text = " ".join(rng.choices(vocabulary, k=rng.randint(0, 40)))
        edited.append(
            Subject("added", (rng.randint(0, 61), "added"), ("t1",), ("w1",), pack_keywords(keywords(text)))
        )
    for n in rng.sample(range(len(edited)), rng.randint(1, 4)):
        subject = edited[n]
        kind = rng.choice(["keywords", "keywords", "topics", "sources", "date", "replaced"])
        if kind == "keywords":
            words = subject.keywords.split()[::2]
            kept = " ".join(rng.sample(words, len(words) // 2))
            added = " ".join(rng.choices([*vocabulary, "brandnew"], k=rng.randint(0, 12)))
            edited[n] = replace(subject, keywords=pack_keywords(keywords(f"{kept} {added}")))
        elif kind == "topics":  # one more, one fewer, or the same in another order
            topics = list(subject.topics) + rng.sample(["t1", "t7"], rng.randint(0, 1))
            rng.shuffle(topics)
            edited[n] = replace(subject, topics=tuple(dict.fromkeys(topics[: rng.randint(0, len(topics))])))
        elif kind == "sources":
            edited[n] = replace(subject, sources=(f"w{rng.randint(1, 5)}",))
        elif kind == "date":  # and a topic fewer, at times
            topics = subject.topics[: rng.choice([len(subject.topics), len(subject.topics) - 1])]
            edited[n] = replace(subject, order=(rng.randint(0, 61), subject.slug), topics=topics)
        else:
            text = " ".join(rng.choices(vocabulary, k=rng.randint(0, 40)))
            slug = f"new{n}"
            edited[n] = replace(
                subject, slug=slug, order=(subject.order[0], slug), keywords=pack_keywords(keywords(text))
            )
    return edited


@pytest.mark.parametrize("seed", range(60))
def test_rescoring_after_edits_gives_the_lists_of_a_scoring_from_nothing(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    vocabulary = VOCABULARY[: rng.randint(20, 120)]
    subjects = _random_subjects(rng, rng.randint(20, 90), vocabulary)
    config = RelatedConfig(
        count=rng.randint(1, 6), threshold=rng.choice([0.05, 0.2, 0.4]), include_newer=rng.random() < 0.3
    )
    last = score_related(subjects, config)
    edited = _edited(rng, subjects, vocabulary)
    scored = lists_scored(monkeypatch)
    again = score_related(edited, config, last)
    monkeypatch.undo()
    anew = score_related(edited, config)
    assert again.related == anew.related
    assert (again.chosen, again.frequency) == (anew.chosen, anew.frequency)
    assert sum(scored) <= len(edited)
    assert score_related(edited[::-1], config, again) is again  # nothing changed since: nothing scored
    assert score_related(edited, config, anew) is anew  # nor since a scoring from nothing
    changed = sorted(edited, key=lambda s: s.slug) != sorted(subjects, key=lambda s: s.slug)
    assert (again.key != last.key) == changed  # the key tells the subjects scored


# Made-up words of three letters and the longer words that hold them ("bam", "bams", "bamsa"...).
NESTED_VOCABULARY = [word + end for word in VOCABULARY for end in ("", "s", "sa")]


@pytest.mark.parametrize("seed", range(40))
def test_rescoring_tells_a_keyword_from_the_longer_words_that_hold_it(seed: int) -> None:
    """A rescoring looks for a few keywords in each briefing's chosen words before splitting
    them (see related._word_holders): a word held inside a longer one is not that word."""
    rng = random.Random(seed)
    subjects = _random_subjects(rng, 200, NESTED_VOCABULARY)
    config = RelatedConfig(count=rng.randint(1, 6), threshold=rng.choice([0.05, 0.2]))
    last = score_related(subjects, config)
    edited = list(subjects)  # one briefing given two words more, each held by longer ones too
    at = rng.randrange(len(edited))
    words = edited[at].keywords.split()
    text = " ".join(w for w, n in zip(words[::2], words[1::2], strict=True) for _ in range(int(n)))
    text += " " + " ".join(rng.sample(NESTED_VOCABULARY[::3], 2) * 3)
    edited[at] = replace(edited[at], keywords=pack_keywords(keywords(text)))
    assert score_related(edited, config, last).related == score_related(edited, config).related


@pytest.mark.parametrize("seed", range(40))
def test_rescoring_near_the_changes_gives_the_lists_of_a_scoring_from_nothing(seed: int) -> None:
    """With few nearest briefings taken from each key's postings, most lists read none of the
    briefings that changed: those are kept, and the others must still be what scoring gives."""
    rng = random.Random(seed)
    reach = Reach(keys=rng.randint(1, 4), words=rng.randint(1, 3))
    vocabulary = VOCABULARY[: rng.randint(40, 120)]
    subjects = _random_subjects(rng, rng.randint(100, 250), vocabulary)
    config = RelatedConfig(  # a threshold of 100: every list is the newest sharing a topic
        count=rng.randint(1, 6), threshold=rng.choice([0.05, 0.2, 100]), include_newer=rng.random() < 0.3
    )
    edited = _edited(rng, subjects, vocabulary)
    again = score_related(edited, config, score_related(subjects, config, reach=reach), reach=reach)
    anew = score_related(edited, config, reach=reach)
    assert again.related == anew.related and again.chosen == anew.chosen


def test_a_scoring_of_another_reach_is_not_brought_up_to_date() -> None:
    """Its lists read other candidates: a scoring of the same briefings to another reach starts
    from nothing, and gives the lists it gives from nothing."""
    rng = random.Random(5)
    subjects = _random_subjects(rng, 200, VOCABULARY)
    config = RelatedConfig(count=4, threshold=0.05)
    short, long = Reach(keys=1, words=1), Reach()
    last = score_related(subjects, config, reach=short)
    anew = score_related(subjects, config, last, reach=long)
    assert anew.reach == long and anew.related == score_related(subjects, config).related
    assert anew.related != last.related


def test_a_briefing_added_rescores_only_the_lists_near_it(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(11)
    vocabulary = VOCABULARY
    subjects = _random_subjects(rng, 1500, vocabulary)
    config = RelatedConfig()
    last = score_related(subjects, config)
    scored = lists_scored(monkeypatch)
    added = [*subjects, replace(subjects[700], slug="one-more", order=(30, "one-more"))]
    assert score_related(added, config, last).related == score_related(added, config).related
    sharing = sum(
        1 for s in subjects if set(s.topics) & set(added[-1].topics) or s.sources == added[-1].sources
    )
    assert 0 < scored[0] < sharing / 2, (scored[0], sharing)


@pytest.mark.parametrize("seed", range(20))
def test_rescoring_after_a_briefing_added_or_removed_follows_how_many_are_too_many(seed: int) -> None:
    """A keyword that more than a tenth of the briefings have says nothing: one briefing more or
    fewer at a multiple of ten moves that line, for words as for chosen keywords."""
    rng = random.Random(seed)
    vocabulary = VOCABULARY[: rng.randint(20, 60)]
    subjects = _random_subjects(rng, rng.randint(3, 9) * 10 - 1, vocabulary)
    config = RelatedConfig(count=rng.randint(1, 6), threshold=rng.choice([0.05, 0.2]))
    text = " ".join(rng.choices(vocabulary, k=rng.randint(0, 40)))
    added = [*subjects, Subject("added", (30, "added"), ("t1",), ("w1",), pack_keywords(keywords(text)))]
    for before, after in [(subjects, added), (added, subjects)]:
        again = score_related(after, config, score_related(before, config))
        assert again.related == score_related(after, config).related
        assert again.chosen == score_related(after, config).chosen


def test_rescoring_scores_only_the_lists_changes_reach(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    vocabulary = VOCABULARY
    subjects = _random_subjects(rng, 400, vocabulary)
    config = RelatedConfig()
    last = score_related(subjects, config)
    edited = list(subjects)
    edited[5] = replace(edited[5], keywords=pack_keywords(keywords(edited[5].keywords + " zzzonly")))
    scored = lists_scored(monkeypatch)
    assert score_related(edited, config, last).related == last.related
    assert scored == []  # a word no other briefing has changes no choice of keywords
    moved = [replace(subjects[0], order=(0, "s000")), *subjects[1:]]  # a date moved
    assert score_related(moved, config, last).related == score_related(moved, config).related
    assert 0 < scored[0] < 400  # those that share a topic, a source or a keyword with it
    scored.clear()
    added = [*subjects, replace(subjects[0], slug="one-more", order=(30, "one-more"))]
    assert score_related(added, config, last).related == score_related(added, config).related
    assert 0 < scored[0] < 401
    scored.clear()
    many = _random_subjects(rng, 512, vocabulary)
    score_related([*many, added[-1]], config, score_related(many, config))
    assert scored[-1] == 513  # past a power of two: every rarity changed


def test_when_nothing_passes_the_threshold_the_newest_sharing_a_topic_are_shown(make_site: MakeSite) -> None:
    toml = 'title = "T"\nbase_url = "https://e.org/"\n[related]\nthreshold = 100\ncount = 2\n'
    site = make_site({"site.toml": toml, **corpus(24)})
    assert run_cli("build", str(site))[0] == 0
    assert related_links(site / "output" / "briefings" / "election-023" / "index.html") == [
        "election-019",
        "election-015",
    ]


def test_builds_are_identical(big_site: Path, tmp_path: Path) -> None:
    assert run_cli("build", str(big_site), "--output", str(tmp_path / "again"))[0] == 0
    assert snapshot(tmp_path / "again") == snapshot(big_site / "output")


def test_topic_rules_match_english_words_and_cjk_substrings(make_site: MakeSite) -> None:
    toml = 'title = "T"\nbase_url = "https://e.org/"\n[topics]\n"日本" = ["東京", "Japan"]\n'
    site = make_site(
        {
            "site.toml": toml,
            "content/briefings/a.md": briefing(
                "会談", body="会談が開かれた。\n\n外相が東京で会談した。その後、声明を出した。"
            ),
            "content/briefings/b.md": briefing(
                "Trade", body="Exports fell.\n\nJapan's exports to China rose."
            ),
            "content/briefings/c.md": briefing("Other", body="Japanese and Japanology are not the word."),
        }
    )
    assert run_cli("build", str(site))[0] == 0
    topic = next(parse(site / "output" / "topics" / "日本" / "index.html").iter("main"))
    titles = ["".join(h.itertext()) for h in topic.iter("h2")]
    assert sorted(titles) == ["Trade", "会談"]
    quotes = sorted("".join(q.itertext()).strip() for q in topic.iter("blockquote"))
    assert quotes == ["Japan's exports to China rose.", "外相が東京で会談した。"]


def test_editions_follow_the_site_timezone_and_have_a_daily_feed(make_site: MakeSite) -> None:
    toml = 'title = "T"\nbase_url = "https://e.org/"\ntimezone = "Asia/Tokyo"\n'
    site = make_site(
        {
            "site.toml": toml,
            "content/briefings/late.md": briefing(
                "Late UTC", date="2025-07-12T23:30:00+00:00", extra="topics: [B]\n"
            ),
            "content/briefings/early.md": briefing("Tokyo morning", date="2025-07-13", extra="topics: [A]\n"),
            "content/briefings/none.md": briefing("No topic", date="2025-07-13T08:00:00+09:00"),
            "content/briefings/old.md": briefing("Before", date="2025-07-11"),
        }
    )
    assert run_cli("build", str(site))[0] == 0
    output = site / "output"
    edition = next(parse(output / "editions" / "2025-07-13" / "index.html").iter("main"))
    groups = ["".join(h.itertext()) for h in edition.iter("h2")]
    assert groups == ["A", "B", "Other news"]
    assert "Late UTC" in "".join(edition.itertext())
    index = [
        a.get("href")
        for a in parse(output / "editions" / "index.html").iter("a")
        if "/editions/20" in a.get("href", "")
    ]
    assert index == ["/editions/2025-07-13/", "/editions/2025-07-11/"]
    for name in ("rss.xml", "atom.xml"):
        feed = feedparser.parse((output / "editions" / name).read_bytes())
        assert not feed.bozo
        assert [e.link for e in feed.entries] == [
            "https://e.org/editions/2025-07-13/",
            "https://e.org/editions/2025-07-11/",
        ]
        assert "Tokyo morning" in feed.entries[0].content[0].value
    assert broken_links(output, "https://e.org/") == []
