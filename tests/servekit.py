"""Helpers shared by the preview-server tests: a running preview, raw HTTP requests, the reload poll."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from briefings.preview import Rebuild
from briefings.serve import PreviewServer


def wait_until(condition: Callable[[], object], timeout: float = 10.0) -> None:
    """Poll `condition` until it holds; fail the test at the deadline."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


class Preview:
    """A running preview server with the rebuilds it reported."""

    def __init__(self, server: PreviewServer, rebuilds: list[Rebuild]) -> None:
        self.server = server
        self.rebuilds = rebuilds
        self.root = server.root

    def write(self, name: str, text: str) -> None:
        (self.root / name).write_text(text, encoding="utf-8")

    def change(self, action: Callable[[], object]) -> Rebuild:
        """Do `action` and return the rebuild it set off."""
        before = len(self.rebuilds)
        action()
        wait_until(lambda: len(self.rebuilds) > before)
        return self.rebuilds[-1]

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], str]:
        headers.setdefault("Host", f"127.0.0.1:{self.server.port}")
        return request(self.server.port, path, headers)


@contextlib.contextmanager
def running_preview(root: Path) -> Iterator[Preview]:
    """A preview of `root` on 127.0.0.1 at a free port, built once, stopped on exit."""
    rebuilds: list[Rebuild] = []
    server = PreviewServer(root, port=0, report=rebuilds.append)
    server.start()
    try:
        yield Preview(server, rebuilds)
    finally:
        server.stop()


def request(
    port: int, path: str, headers: dict[str, str], method: str = "GET", timeout: float = 30.0
) -> tuple[int, dict[str, str], str]:
    """A raw HTTP/1.0 request, so probes reach the server byte for byte as written."""
    lines = [f"{method} {path} HTTP/1.0", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall("\r\n".join(lines).encode("utf-8", "surrogateescape"))
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    fields = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), fields, body.decode("utf-8", "replace")


def poll(preview: Preview, since: int, page: str) -> dict[str, object]:
    """Ask the reload channel what `page` must do once the build passes version `since`."""
    query = f"since={since}&page={page}&instance={preview.server.state.instance}"
    status, _, body = preview.get(f"/__briefings__/poll?{query}")
    assert status == 200
    answer: dict[str, object] = json.loads(body)
    return answer
