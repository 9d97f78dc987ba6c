"""The live preview without a browser: rebuilds, the reload channel, the overlay, and refusals."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Collection, Iterator
from pathlib import Path

import pytest

from briefings.cli import main
from briefings.preview import LISTED_FILES, LiveState, Rebuild
from briefings.serve import PreviewServer, ServeError
from briefings.watch import Debouncer, is_editor_file, is_source
from tests.conftest import SITE_TOML, MakeSite, briefing
from tests.servekit import Preview, poll, request, running_preview, wait_until

A = "content/briefings/2025-07-10-alpha.md"
B = "content/briefings/2025-07-11-bravo.md"
STYLE = "body { color: black; }\n"
BRAVO = briefing("Bravo title", date="2025-07-11", extra="related: [alpha]\n", body="Bravo body.")


@pytest.fixture
def preview(make_site: MakeSite) -> Iterator[Preview]:
    root = make_site(
        {
            A: briefing("Alpha title", body="Alpha body."),
            B: BRAVO,
            "static/style.css": STYLE,
        }
    )
    with running_preview(root) as running:
        yield running


def test_serves_the_preview_with_the_reload_script_injected_at_serve_time(preview: Preview) -> None:
    status, headers, body = preview.get("/briefings/alpha/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Alpha title" in body
    assert '<script src="/__briefings__/reload.js"' in body
    assert body.index("reload.js") < body.rindex("</body>")
    built = (preview.server.folder / "briefings/alpha/index.html").read_text(encoding="utf-8")
    assert "__briefings__" not in built
    assert f"http://127.0.0.1:{preview.server.port}/briefings/alpha/" in built  # the preview's base URL


def test_the_preview_folder_is_removed_after_the_server_stops(make_site: MakeSite) -> None:
    with running_preview(make_site({A: briefing("Alpha title")})) as preview:
        folder = preview.server.folder.parent
        assert (preview.server.folder / "index.html").is_file()
    wait_until(lambda: not folder.exists())


def test_preview_never_touches_output(preview: Preview) -> None:
    preview.change(lambda: preview.write(A, briefing("Alpha again")))
    assert not (preview.root / "output").exists()
    assert not preview.server.folder.is_relative_to(preview.root)


def test_folder_without_slash_redirects_and_missing_pages_get_the_404_page(preview: Preview) -> None:
    status, headers, _ = preview.get("/briefings/alpha?x=1")
    assert (status, headers["Location"]) == (301, "/briefings/alpha/?x=1")
    status, _, body = preview.get("/briefings/nothing/")
    assert status == 404
    assert "reload.js" in body and 'data-page="404.html briefings/nothing/index.html"' in body


class _HeldRebuilds:
    """Holds the preview's whole rebuilds until released, to see what is served before them."""

    def __init__(self, preview: Preview) -> None:
        self.started, self.release = threading.Event(), threading.Event()
        rebuild = preview.server.builder.rebuild

        def held(changed: Collection[Path]) -> Rebuild:
            self.started.set()
            self.release.wait(10)
            return rebuild(changed)

        preview.server.builder.rebuild = held  # type: ignore[method-assign]
        self.preview = preview

    def answer_after_release(self, path: str) -> tuple[int, dict[str, str], str]:
        """GET `path`, which must wait while the rebuild is held and be answered once it is let go."""
        answers: list[tuple[int, dict[str, str], str]] = []
        waiting = threading.Thread(target=lambda: answers.append(self.preview.get(path)))
        waiting.start()
        waiting.join(0.3)
        assert waiting.is_alive(), f"{path} was answered while its rebuild was pending"
        self.release.set()
        waiting.join(10)
        return answers[0]


def test_an_edited_page_is_served_at_once_and_other_pages_wait_for_the_rebuild(preview: Preview) -> None:
    held = _HeldRebuilds(preview)
    preview.write(A, briefing("Alpha renamed"))
    assert held.started.wait(10)
    status, _, page = preview.get("/briefings/alpha/")  # rendered ahead of the build
    assert status == 200 and "<h1>Alpha renamed</h1>" in page and "reload.js" in page
    assert preview.get("/style.css")[0] == 200  # an edit to content cannot change the stylesheet
    assert "Alpha renamed" in held.answer_after_release("/")[2]
    assert preview.get("/briefings/alpha/")[2] == page.replace(
        f'data-version="{preview.server.state.version - 1}"', f'data-version="{preview.server.state.version}"'
    )


def test_a_stylesheet_changed_with_a_briefing_waits_for_the_rebuild(preview: Preview) -> None:
    held = _HeldRebuilds(preview)
    preview.write("static/style.css", "body { color: navy; }\n")
    assert held.started.wait(10)
    preview.write(A, briefing("Alpha renamed"))  # shown ahead of the build, but the stylesheet is not
    wait_until(lambda: "Alpha renamed" in preview.get("/briefings/alpha/")[2])
    assert held.answer_after_release("/style.css")[2] == "body { color: navy; }\n"


def test_a_template_edit_shows_on_the_open_pages_before_the_rebuild(preview: Preview) -> None:
    held = _HeldRebuilds(preview)
    state = preview.server.state
    answers: list[dict[str, object]] = []
    browser = threading.Thread(target=lambda: answers.append(poll(preview, state.version, "index.html")))
    browser.start()
    wait_until(lambda: "index.html" in state.open_pages())
    (preview.root / "templates").mkdir()
    preview.write(
        "templates/index.html", '{% extends "base.html" %}{% block main %}<p>Custom home</p>{% endblock %}'
    )
    browser.join(10)
    assert answers and answers[0]["reload"] is True
    assert held.started.wait(10) and not held.release.is_set()  # the whole rebuild is held
    assert "<p>Custom home</p>" in preview.get("/")[2]
    held.release.set()
    wait_until(lambda: "Custom home" in (preview.server.folder / "index.html").read_text("utf-8"))


def test_an_edit_only_a_whole_build_can_show_waits_for_it(preview: Preview) -> None:
    held = _HeldRebuilds(preview)
    moved = briefing("Bravo moved", date="2025-07-11", extra="related: [alpha]\nslug: bravo-moved\n")
    preview.write(B, moved)  # a new slug: new pages, links and lists
    assert held.started.wait(10)
    status, _, page = held.answer_after_release("/briefings/bravo-moved/")
    assert status == 200 and "Bravo moved" in page


def test_the_reload_channel_answers_after_a_rebuild_for_the_pages_it_changed(preview: Preview) -> None:
    version = preview.server.state.version
    answers: dict[str, dict[str, object]] = {}
    pages = ("briefings/alpha/index.html", "briefings/bravo/index.html")
    waiting = [
        threading.Thread(target=lambda p=p: answers.update({p: poll(preview, version, p)})) for p in pages
    ]
    for thread in waiting:
        thread.start()
    preview.write(A, briefing("Alpha title", body="A new body."))
    for thread in waiting:
        thread.join(15)
    alpha, bravo = answers[pages[0]], answers[pages[1]]
    assert alpha["version"] == version + 1 and alpha["reload"] is True
    assert bravo["reload"] is False  # Bravo shows Alpha's title, not its body: no reload loop
    assert alpha["problems"] == [] and alpha["styles"] == []


def test_a_save_reloads_each_open_page_once_though_its_whole_build_follows(make_site: MakeSite) -> None:
    site = {"site.toml": SITE_TOML + "[search]\nenabled = true\n", A: briefing("Alpha title"), B: BRAVO}
    with running_preview(make_site(site)) as preview:
        held = _HeldRebuilds(preview)
        state = preview.server.state
        pages = ("briefings/alpha/index.html", "briefings/bravo/index.html", "search/index.html")
        ahead = _Polls(preview, {page: state.version for page in pages})
        preview.write(A, briefing("Alpha renamed"))
        first = ahead.answers()  # the pages rendered ahead of the whole build
        assert held.started.wait(10) and not held.release.is_set()
        bravo = preview.get("/briefings/bravo/")[2]  # links to Alpha (related, previous) as the build will
        assert "Alpha renamed" in bravo and "Alpha title" not in bravo
        built = _Polls(preview, {page: int(str(first[page]["version"])) for page in pages})
        held.release.set()
        second = built.answers()  # the whole build: its search index, feeds and lists
    assert [first[page]["reload"] for page in pages] == [True, True, False]
    assert [second[page]["reload"] for page in pages] == [False, False, False]
    files = second["search/index.html"]["files"]
    assert isinstance(files, list) and "pagefind/pagefind-entry.json" in files and "rss.xml" in files
    assert not [path for path in files if path.endswith(".html")]  # pages are the server's to judge


class _Polls:
    """Reload polls, one thread per page, each since its own version; `answers()` waits for all."""

    def __init__(self, preview: Preview, since: dict[str, int]) -> None:
        self.got: dict[str, dict[str, object]] = {}
        self.threads = [
            threading.Thread(target=lambda p=p, v=v: self.got.update({p: poll(preview, v, p)}))
            for p, v in since.items()
        ]
        for thread in self.threads:
            thread.start()
        wait_until(lambda: set(since) <= preview.server.state.open_pages())

    def answers(self) -> dict[str, dict[str, object]]:
        for thread in self.threads:
            thread.join(15)
        return self.got


def test_many_changed_files_are_listed_by_their_folders(tmp_path: Path) -> None:
    state = LiveState(tmp_path)
    state.publish(Rebuild("start", 0.0, frozenset({"index.html"})), 0)
    index = {f"pagefind/index/en_{n}.pf_index" for n in range(LISTED_FILES)}
    state.publish(Rebuild("content/briefings/a.md", 0.0, frozenset(index | {"rss.xml"})), 0)
    listed = state.wait_newer(1, state.instance, ["index.html"])
    assert listed["reload"] is False and listed["files"] == ["pagefind/", "rss.xml"]
    state.publish(Rebuild("content/briefings/a.md", 0.0, frozenset(index)), 0)
    assert state.wait_newer(2, state.instance, ["index.html"])["files"] == sorted(index)
    state.publish(Rebuild("static", 0.0, frozenset(f"{n}.png" for n in range(LISTED_FILES + 1))), 0)
    assert state.wait_newer(3, state.instance, ["index.html"])["reload"] is True  # too many to list


def test_a_css_change_swaps_the_stylesheet_without_a_reload(preview: Preview) -> None:
    version = preview.server.state.version
    rebuild = preview.change(lambda: preview.write("static/style.css", "body { color: navy; }\n"))
    assert rebuild.changed == {"style.css"}
    answer = poll(preview, version, "index.html")
    assert answer["reload"] is False and answer["styles"] == ["style.css"]
    assert "navy" in preview.get("/style.css")[2]


def test_a_new_server_instance_makes_pages_reload(preview: Preview) -> None:
    status, _, body = preview.get("/__briefings__/poll?since=0&page=index.html&instance=old")
    assert status == 200 and json.loads(body)["reload"] is True


BROKEN = (
    "---\ntitle: 'Alpha'\ndate: 2025-07-10\n'<script>x</script>': 1\nsources:\n  - name: X\n---\n\nBody.\n"
)


def test_a_broken_build_shows_the_overlay_over_the_last_good_build_until_fixed(preview: Preview) -> None:
    failed = preview.change(lambda: preview.write(A, BROKEN))
    assert not failed.ok and failed.problems[0].line == 4
    status, _, body = preview.get("/briefings/bravo/")
    assert status == 200 and "Bravo title" in body  # the last good build, still served
    assert 'id="briefings-overlay"' in body
    assert "content/briefings/2025-07-10-alpha.md:4:" in body
    assert "&lt;script&gt;x&lt;/script&gt;" in body and "<script>x</script>" not in body
    answer = poll(preview, preview.server.state.version - 1, "index.html")
    assert answer["problems"] and answer["reload"] is False
    fixed = preview.change(lambda: preview.write(A, briefing("Alpha fixed")))
    assert fixed.ok
    assert 'briefings-overlay"' not in preview.get("/briefings/bravo/")[2]
    assert "Alpha fixed" in preview.get("/briefings/alpha/")[2]


def test_an_atomic_save_is_one_rebuild_of_the_saved_file(preview: Preview) -> None:
    def save() -> None:
        temporary = preview.root / "content/briefings/.2025-07-10-alpha.md.tmp"
        temporary.write_text(briefing("Alpha saved atomically"), encoding="utf-8")
        os.replace(temporary, preview.root / A)

    rebuild = preview.change(save)
    assert rebuild.ok and rebuild.trigger == A
    assert "Alpha saved atomically" in preview.get("/briefings/alpha/")[2]


def test_editor_swap_and_backup_files_never_trigger_a_rebuild(preview: Preview) -> None:
    folder = preview.root / "content/briefings"
    count = len(preview.rebuilds)
    for name in (
        ".2025-07-10-alpha.md.swp",
        "2025-07-10-alpha.md~",
        "#2025-07-10-alpha.md#",
        "4913",
        "x___jb_tmp___",
    ):
        (folder / name).write_text("scratch", encoding="utf-8")
    rebuild = preview.change(lambda: preview.write(B, briefing("Bravo edited", date="2025-07-11")))
    assert rebuild.trigger == B  # the only path noted, so the swap files were never seen
    assert len(preview.rebuilds) == count + 1


def test_a_deleted_briefing_disappears_from_every_page(preview: Preview) -> None:
    preview.change(lambda: preview.write(B, briefing("Bravo title", date="2025-07-11")))  # unrelated
    preview.change(lambda: (preview.root / A).unlink())
    assert preview.get("/briefings/alpha/")[0] == 404
    assert "Alpha title" not in preview.get("/")[2]


def test_a_source_folder_created_later_is_watched(make_site: MakeSite) -> None:
    root = make_site({A: briefing("Alpha title")})
    rebuilds: list[Rebuild] = []
    with PreviewServer(root, port=0, report=rebuilds.append) as server:
        (root / "static").mkdir()
        wait_until(lambda: len(rebuilds) > 1)
        count = len(rebuilds)
        (root / "static/extra.txt").write_text("hello", encoding="utf-8")
        wait_until(lambda: len(rebuilds) > count and "extra.txt" in rebuilds[-1].changed)
        assert server.folder.joinpath("extra.txt").read_text(encoding="utf-8") == "hello"


SECRET = "top secret, outside the preview"
PROBES = [
    "/../secret.txt",
    "/briefings/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E%2Fsecret.txt",
    "/..%2fsecret.txt",
    "/%252e%252e/secret.txt",
    "/%252e%252e%252fsecret.txt",
    "/..\\secret.txt",
    "/%5c..%5csecret.txt",
    "//secret.txt",
    "//etc/passwd",
    "/briefings//alpha/",
    "/index.html%00",
    "/index.html\x00.css",
    "/%ff%fe",
    "/.hidden",
    "/link-out.txt",
    "/link-out-dir/secret.txt",
    "/../../../../../../etc/passwd",
    "http://evil.example/secret.txt",
]


@pytest.mark.parametrize("path", PROBES)
def test_path_traversal_probes_get_404(preview: Preview, path: str, caplog: pytest.LogCaptureFixture) -> None:
    outside = preview.server.folder.parent
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (preview.server.folder / "link-out.txt").symlink_to(outside / "secret.txt")
    (preview.server.folder / "link-out-dir").symlink_to(outside, target_is_directory=True)
    with caplog.at_level(logging.DEBUG, logger="briefings"):
        status, _, body = preview.get(path)
    assert status == 404
    assert SECRET not in body and "root:" not in body
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:{port}", "127.0.0.1:{port}", "[::1]:{port}", "LOCALHOST"]
)
def test_loopback_host_names_are_answered(preview: Preview, host: str) -> None:
    assert preview.get("/", Host=host.format(port=preview.server.port))[0] == 200


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example", "localhost.evil", "[::2]:{port}", ""],
)
def test_foreign_host_names_are_refused(preview: Preview, host: str) -> None:
    status, _, body = preview.get("/", Host=host.format(port=preview.server.port))
    assert status == 403 and "Alpha" not in body


def test_a_request_without_a_host_header_is_refused(preview: Preview) -> None:
    assert request(preview.server.port, "/", {})[0] == 403


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Origin": "http://evil.example"}, 403),
        ({"Origin": "https://localhost"}, 403),
        ({"Origin": "null"}, 403),
        ({"Sec-Fetch-Site": "cross-site"}, 403),
        ({"Origin": "http://localhost:{port}", "Sec-Fetch-Site": "same-origin"}, 200),
        ({}, 200),
    ],
)
def test_the_reload_channel_checks_origin(preview: Preview, headers: dict[str, str], status: int) -> None:
    port = preview.server.port
    # A version from the future answers at once: the page is told to reload.
    path = f"/__briefings__/poll?since=0&page=index.html&instance={preview.server.state.instance}"
    sent = {key: value.format(port=port) for key, value in headers.items()}
    assert preview.get(path, **sent)[0] == status


def test_head_and_unknown_methods(preview: Preview) -> None:
    port = preview.server.port
    status, headers, body = request(port, "/", {"Host": "localhost"}, method="HEAD")
    assert status == 200 and int(headers["Content-Length"]) > 0 and body == ""
    assert request(port, "/", {"Host": "localhost"}, method="DELETE")[0] == 501


def test_a_port_in_use_gets_a_clear_message(preview: Preview, capsys: pytest.CaptureFixture[str]) -> None:
    port = str(preview.server.port)
    with pytest.raises(ServeError, match=f"port {port} on 127.0.0.1 is already in use"):
        PreviewServer(preview.root, port=int(port))
    assert main(["serve", str(preview.root), "--port", port]) == 2
    assert "already in use" in capsys.readouterr().err


def test_the_command_serves_until_ctrl_c_then_stops_cleanly(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_site({A: briefing("Alpha title")})
    threads = set(threading.enumerate())

    def interrupted(server: PreviewServer) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(PreviewServer, "wait", interrupted)
    assert main(["serve", str(root), "--port", "0", "--host", "0.0.0.0"]) == 0
    out, err = capsys.readouterr()
    assert "serving http://127.0.0.1:" in out and "built in" in out and out.endswith("stopped\n")
    assert "warning: listening on 0.0.0.0" in err
    wait_until(lambda: set(threading.enumerate()) <= threads, timeout=5)
    assert not (root / "output").exists()


def test_a_missing_site_folder_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", str(tmp_path / "nowhere"), "--port", "0"]) == 2
    assert "no such folder" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "ignored"),
    [
        (".alpha.md.swp", True),
        (".alpha.md.swx", True),
        ("alpha.md~", True),
        ("4913", True),
        ("5036", True),
        ("#alpha.md#", True),
        (".#alpha.md", True),
        ("alpha.md___jb_tmp___", True),
        ("alpha.md___jb_old___", True),
        (".goutputstream-ABC123", True),
        ("alpha.md", False),
        ("2025", False),
        ("style.css", False),
    ],
)
def test_editor_files_are_recognised(name: str, ignored: bool) -> None:
    assert is_editor_file(name) is ignored


def test_only_site_sources_count_as_changes(tmp_path: Path) -> None:
    root = tmp_path
    assert is_source(root / "site.toml", root)
    assert is_source(root / "content/briefings/a.md", root)
    assert is_source(root / "templates/base.html", root)
    assert not is_source(root / "output/index.html", root)
    assert not is_source(root / "README.md", root)
    assert not is_source(root / "content/.git/HEAD", root)
    assert not is_source(root / "static/gen/x.css", root, ignored=[root / "static/gen"])


def test_a_burst_of_changes_is_coalesced_into_one_batch() -> None:
    batches: list[frozenset[Path]] = []
    debouncer = Debouncer(batches.append, quiet=0.3)
    debouncer.start()
    try:
        for number in range(20):
            debouncer.note([Path(f"content/briefings/{number}.md")])
        wait_until(lambda: batches)
        debouncer.note([Path("later.md")])
        wait_until(lambda: len(batches) == 2)
    finally:
        debouncer.stop()
    assert len(batches[0]) == 20 and batches[1] == {Path("later.md")}
