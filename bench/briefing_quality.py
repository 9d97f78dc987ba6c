#!/usr/bin/env python3
"""Measure the key points `briefings import` chooses, on real articles nobody here wrote.

    python bench/briefing_quality.py [--shared ../shared] [--samples 2]

1. The CNN/Daily Mail stories in ../shared/dev/summaries/cnndm-dev.jsonl: ROUGE-1, ROUGE-2 and
   ROUGE-Lsum F1 (rouge-score, stemmed; Lsum with one sentence a line) of the key points against
   the highlights the newsroom wrote, beside two baselines: raw Lead-3 (the story's first three
   sentences as the splitter finds them, byline residue and all) and clean Lead-3 (the first three
   sentences once bylines, datelines, captions and fragments are dropped, by the same cleaning the
   key points get).
2. The saved pages in ../shared/dev/pages/: key points of goose3's expected text of each page, and
   of the text our own importer reads from the page (`read_page`): how many give 3-5 points, whether
   every summary keeps to its length, words and share of the article, and any point that looks
   like a byline, caption or dateline. Prints a sample in several languages.

Figures, never pass/fail: this is not a test. The articles stay in ../shared; nothing is copied.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import sentencex
from rouge_score import rouge_scorer

from briefings.importers.html import read_page
from briefings.importers.keypoints import (
    MAX_POINTS,
    MAX_SHARE,
    MAX_WORDS,
    SUMMARY_CJK_CHARS,
    SUMMARY_WORDS,
    KeyPoints,
    key_points,
)
from briefings.importers.sentences import CJK_LANGS, is_furniture, language_of, size, split_sentences

REPO = Path(__file__).resolve().parent.parent
SAMPLE_LANGS = ("zh", "ko", "es", "fr", "de", "ar", "en")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared folder")
    parser.add_argument("--samples", type=int, default=1, help="pages to print per language")
    args = parser.parse_args()
    dev = args.shared / "dev"
    if not dev.is_dir():
        print(f"{dev}: not found", file=sys.stderr)
        return 2
    rouge_table(dev / "summaries" / "cnndm-dev.jsonl")
    pages = sorted((dev / "pages").glob("test_*.json"))
    page_table(pages, args.samples)
    return 0


# --- 1. ROUGE on the CNN/Daily Mail stories ----------------------------------------------------


def raw_lead3(article: str) -> tuple[list[str], list[str]]:
    """The first three sentences as the splitter finds them, whatever they are."""
    return [s.strip() for s in sentencex.segment("en", article) if s.strip()][:3], []


def clean_lead3(article: str) -> tuple[list[str], list[str]]:
    """The first three sentences of the story itself, by the cleaning the key points get."""
    return [s.text for s in split_sentences(article, "en") if s.story][:3], []


def ours(article: str) -> tuple[list[str], list[str]]:
    briefing = key_points(article, "en")
    return list(briefing.points), [quote.text for quote in briefing.quotes]


def rouge_table(path: Path) -> None:
    """ROUGE of the points (quotes are not scored), and the words of the whole briefing."""
    stories = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    systems: dict[str, Callable[[str], tuple[list[str], list[str]]]] = {
        "raw Lead-3": raw_lead3,
        "clean Lead-3": clean_lead3,
        "ours": ours,
    }
    print(f"CNN/Daily Mail: {len(stories)} stories, F1 x 100 of the points against the highlights")
    header = ("R-1", "R-2", "R-Lsum", "points", "quotes", "words", "% art")
    print(f"{'':14} " + " ".join(f"{h:>6}" for h in header))
    for name, system in systems.items():
        rows = []
        for story in stories:
            points, quotes = system(story["article"])
            score = scorer.score(story["highlights"].strip(), "\n".join(points))
            words = sum(len(s.split()) for s in points + quotes)
            share = 100 * words / len(story["article"].split())
            rows.append(
                [score[k].fmeasure * 100 for k in ("rouge1", "rouge2", "rougeLsum")]
                + [len(points), len(quotes), words, share]
            )
        means = [statistics.mean(column) for column in zip(*rows, strict=True)]
        print(f"{name:14} " + " ".join(f"{m:6.1f}" for m in means))
    print("(words and % of the article: points and quotes together)\n")


# --- 2. The saved pages ------------------------------------------------------------------------


def check(briefing: KeyPoints, text: str, lang: str) -> dict[str, object]:
    """What a reader would notice about one briefing."""
    cjk = lang in CJK_LANGS
    whole = sum(size(p, cjk) for p in text.split("\n\n"))
    said = sum(size(p, cjk) for p in briefing.points) + sum(size(q.text, cjk) for q in briefing.quotes)
    cap = MAX_WORDS * SUMMARY_CJK_CHARS / SUMMARY_WORDS if cjk else MAX_WORDS
    limit = SUMMARY_CJK_CHARS if cjk else SUMMARY_WORDS
    return {
        "points_ok": 3 <= len(briefing.points) <= MAX_POINTS,
        "summary_ok": size(briefing.summary, cjk) <= limit,
        "within_caps": said <= cap and said <= MAX_SHARE * whole + 1e-9,
        "words": said / (SUMMARY_CJK_CHARS / SUMMARY_WORDS) if cjk else said,
        "share": 100 * said / whole if whole else 0.0,
        "furniture": [p for p in briefing.points if is_furniture(p)],
    }


def page_table(pages: Sequence[Path], samples: int) -> None:
    texts: dict[str, list[tuple[str, str, str]]] = {"goose3's text": [], "read_page text": []}
    for path in pages:
        data = json.loads(path.read_text(encoding="utf-8"))
        expected = data.get("expected", {})
        cleaned = expected.get("cleaned_text") or ""
        lang = language_of(cleaned, expected.get("meta_lang") or None)
        texts["goose3's text"].append((path.stem, cleaned, lang))
        article = read_page(path.with_suffix(".html").read_bytes(), data.get("url"))
        body = article.text if article else ""
        tag = expected.get("meta_lang") or (article.lang if article else None)
        texts["read_page text"].append((path.stem, body, language_of(body, tag)))
    print(f"Saved pages: {len(pages)}")
    header = ("3-5 pts", "<3 pts", "summary", "caps", "words", "% art", "furniture")
    print(f"{'':15} " + " ".join(f"{h:>9}" for h in header))
    shown: list[str] = []
    for name, rows in texts.items():
        checks = []
        for stem, text, lang in rows:
            briefing = key_points(text, lang)
            checks.append(check(briefing, text, lang))
            wanted = lang in SAMPLE_LANGS and sum(f"({lang})" in s for s in shown) < samples
            if name == "read_page text" and wanted:
                shown.append(_sample(stem, lang, briefing))
        full = [c for c in checks if c["points_ok"]] or checks
        row = (
            len(full),
            len(checks) - len(full),
            sum(1 for c in checks if c["summary_ok"]),
            sum(1 for c in checks if c["within_caps"]),
            statistics.mean(float(c["words"]) for c in full),  # type: ignore[arg-type]
            statistics.mean(float(c["share"]) for c in full),  # type: ignore[arg-type]
            sum(len(c["furniture"]) for c in checks),  # type: ignore[arg-type]
        )
        print(f"{name:15} " + " ".join(f"{v:9.1f}" if isinstance(v, float) else f"{v:9d}" for v in row))
    print("(summary: summaries within the length rule; caps: briefings within 200 words and 40%;")
    print(" words and % of the article: over the briefings with 3-5 points)")
    print("\n".join(shown))


def _sample(stem: str, lang: str, briefing: KeyPoints) -> str:
    lines = [f"\n--- {stem} ({lang})", f"summary: {briefing.summary}"]
    lines += [f"  - {p}" for p in briefing.points]
    lines += [f"  > {q.text} — {q.speaker}" for q in briefing.quotes]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
