"""Serve, the HTTP side: the preview's files, the reload channel, and refusals; never a traceback.

Requests that arrive while a rebuild is pending wait for it (or for their page, rendered ahead of
it), so a half-built site is never served. HTML responses get the reload script (and, while the
last rebuild failed, an overlay with its problems) injected at serve time; built files are never
changed. The reload channel is a long-poll at /__briefings__/poll that answers when the build
moves on. Only loopback host names are answered, and the channel only for same-origin pages.
"""

from __future__ import annotations

import contextlib
import errno
import html
import json
import logging
import mimetypes
import socket
import socketserver
import threading
import urllib.parse
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from briefings.preview import LiveState

logger = logging.getLogger(__name__)

LIVE = Path(__file__).parent / "live"
LOOPBACK = ("localhost", "127.0.0.1", "::1")
# Files that content and templates never make: an edit rendered ahead of its build leaves them as they are.
ASSETS = (".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico", ".woff", ".woff2")


class ServeError(Exception):
    """The preview cannot start (port in use, unknown address); the message says why."""


def allowed_hosts(host: str) -> frozenset[str]:
    """Host names answered: loopback, plus the address asked for when it is a specific one."""
    extra = () if host in ("", "0.0.0.0", "::") else (host,)
    return frozenset(name.lower() for name in (*LOOPBACK, *extra))


def is_loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")


@dataclass(frozen=True, slots=True)
class Preview:
    """What the request threads serve: the preview folder, the live state, the host names answered."""

    folder: Path
    state: LiveState
    hosts: frozenset[str]


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins every request thread
    # socketserver listens with a backlog of 5: a page with many assets, or many tabs reloading at
    # once, overflowed it and the dropped connections waited a second or more for the SYN resend.
    request_queue_size = socket.SOMAXCONN
    preview: Preview

    def __init__(self, address: tuple[str, int], family: socket.AddressFamily) -> None:
        self.address_family = family
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the address up in DNS (getfqdn), which can stall for seconds.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Unblock threads still reading from idle connections (browsers open them in advance)."""
        with self._open_lock:
            for connection in self._open:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Reached only for errors outside our handler (a connection reset mid-request).
        logger.debug("request from %s failed", client_address, exc_info=True)


def bind(host: str, port: int) -> _HTTPServer:
    """A server listening on host:port, its `preview` to be set before it serves."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return _HTTPServer((host, port), family)
    except socket.gaierror:
        raise ServeError(f"cannot listen on {host!r}: no such address") from None
    except OverflowError:
        raise ServeError(f"port {port} is out of range (0-65535)") from None
    except OSError as error:
        raise ServeError(_bind_message(error, host, port)) from None


def _bind_message(error: OSError, host: str, port: int) -> str:
    if error.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {host} is already in use (another `briefings serve`?); "
            f"stop it or choose another port with --port"
        )
    if error.errno == errno.EACCES:
        return f"not allowed to listen on port {port}; ports below 1024 need privileges, try --port 8000"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"{host} is not an address of this machine; try --host 127.0.0.1"
    return f"cannot listen on {host}:{port}: {error.strerror or error}"


class _Handler(BaseHTTPRequestHandler):
    """One request: the preview's files, the reload channel, or a refusal; never a traceback."""

    server: _HTTPServer
    server_version = "briefings"
    timeout = 30  # seconds a silent connection may hold a thread

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def _answer(self, *, head: bool) -> None:
        try:
            self._route(head)
        except (ConnectionError, TimeoutError):
            pass  # the browser went away, as browsers do
        except Exception:
            logger.exception("error answering %r", self.path)
            with contextlib.suppress(OSError):
                self._send(500, b"internal error in briefings; see the terminal\n", "text/plain", head)

    def _route(self, head: bool) -> None:
        preview = self.server.preview
        if not _host_allowed(self.headers.get("Host"), preview.hosts):
            self._send(403, b"unknown host; open the preview at 127.0.0.1 or localhost\n", "text/plain", head)
            return
        raw_path, _, query = self.path.partition("?")
        raw_path = raw_path.partition("#")[0]
        if raw_path.startswith("/__briefings__/"):
            self._live(raw_path.removeprefix("/__briefings__/"), query, head)
            return
        wanted = "/".join(request_parts(raw_path) or ())
        ahead = preview.state.wait_built(wanted, page=not raw_path.lower().endswith(ASSETS))
        if ahead is not None:
            snippet = live_snippet(preview.state, sorted({wanted, _page_named(raw_path)}))
            self._send(200, inject(ahead, snippet), "text/html; charset=utf-8", head)
            return
        self._file(raw_path, query, head)

    def _file(self, raw_path: str, query: str, head: bool) -> None:
        folder = self.server.preview.folder
        found = locate(folder, raw_path)
        if found is not None:
            self._send(200, self._body(found, raw_path), _content_type(found), head)
        elif locate(folder, raw_path + "/") is not None:
            self._redirect(raw_path + "/" + (f"?{query}" if query else ""))
        else:
            missing = locate(folder, "/404.html")
            body = self._body(missing, raw_path) if missing else b"not found\n"
            self._send(404, body, _content_type(missing) if missing else "text/plain", head)

    def _body(self, path: Path, raw_path: str) -> bytes:
        if path.suffix not in (".html", ".htm"):
            return path.read_bytes()
        # The build version is read before the page: a build landing in between then makes the
        # page look older than it is (one reload too many), never newer (a stale page kept).
        pages = {path.relative_to(self.server.preview.folder.resolve()).as_posix(), _page_named(raw_path)}
        snippet = live_snippet(self.server.preview.state, sorted(p for p in pages if p))
        return inject(path.read_bytes(), snippet)

    def _live(self, name: str, query: str, head: bool) -> None:
        if name in ("reload.js", "overlay.css"):
            self._send(200, (LIVE / name).read_bytes(), _content_type(LIVE / name), head)
        elif name == "poll" and not _same_origin(self.headers, self.server.preview.hosts):
            self._send(403, b"cross-origin request refused\n", "text/plain", head)
        elif name == "poll":
            self._poll(query, head)
        else:
            self._send(404, b"not found\n", "text/plain", head)

    def _poll(self, query: str, head: bool) -> None:
        fields = urllib.parse.parse_qs(query)
        since = fields.get("since", [""])[0]
        if not since.isdigit() or len(since) > 12:
            self._send(400, b"since: a build version is required\n", "text/plain", head)
            return
        instance = fields.get("instance", [""])[0]
        pages = " ".join(fields.get("page", [])).split()
        answer = self.server.preview.state.wait_newer(int(since), instance, pages)
        self._send(200, json.dumps(answer).encode(), "application/json", head)

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, body: bytes, content_type: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(body)


def locate(folder: Path, raw_path: str) -> Path | None:
    """The file inside `folder` that a request path names, or None; never anything outside it.

    The file must still lie inside the folder once symlinks are resolved.
    """
    parts = request_parts(raw_path)
    if parts is None:
        return None
    try:
        base = folder.resolve(strict=True)
        target = base.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    return target if target.is_relative_to(base) and target.is_file() else None


def request_parts(raw_path: str) -> list[str] | None:
    """The segments of a request path, percent-decoded exactly once; None if it is not a safe one.

    Refused: anything but `/…`, bad UTF-8, backslashes, control characters (NUL), empty segments
    (`//`) and segments starting with a dot (`..`, hidden files). A trailing `/` means index.html.
    """
    if not raw_path.startswith("/"):
        return None
    try:
        decoded = urllib.parse.unquote(raw_path, errors="strict")
    except UnicodeDecodeError:
        return None
    parts = decoded[1:].split("/")
    if parts[-1] == "":
        parts[-1] = "index.html"
    if any(not p or p.startswith(".") or "\\" in p or not p.isprintable() for p in parts):
        return None
    return parts


def _page_named(raw_path: str) -> str:
    """The output file a request path means, so a 404 page reloads once that page appears."""
    parts = request_parts(raw_path if raw_path.endswith("/") else raw_path + "/")
    return "/".join(parts) if parts else ""


def live_snippet(state: LiveState, pages: Iterable[str]) -> bytes:
    """The overlay (while the build is broken) and the reload script, for the end of <body>."""
    version, problems = state.snapshot()
    attributes = (
        f'data-version="{version}" data-instance="{state.instance}" '
        f'data-page="{html.escape(" ".join(pages))}"'
    )
    parts = ['<link rel="stylesheet" href="/__briefings__/overlay.css">']
    if problems:
        parts.append(overlay_html(problems))
    parts.append(f'<script src="/__briefings__/reload.js" {attributes}></script>')
    return ("\n".join(parts) + "\n").encode()


def overlay_html(problems: Collection[str]) -> str:
    noun = "problem" if len(problems) == 1 else "problems"
    lines = html.escape("\n".join(problems))
    return (
        '<div id="briefings-overlay" role="alert"><p class="briefings-overlay-title">'
        f"The site does not build ({len(problems)} {noun}); showing the last good build.</p>"
        f"<pre>{lines}</pre></div>"
    )


def inject(page: bytes, snippet: bytes) -> bytes:
    """`snippet` just before the page's last </body>, or at its end when it has none."""
    at = page.lower().rfind(b"</body>")
    return page[:at] + snippet + page[at:] if at >= 0 else page + snippet


def _content_type(path: Path) -> str:
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    textual = guessed.startswith("text/") or guessed in (
        "application/json",
        "application/xml",
        "image/svg+xml",
    )
    return f"{guessed}; charset=utf-8" if textual else guessed


def _host_allowed(header: str | None, hosts: frozenset[str]) -> bool:
    """Only loopback names are answered, so a page on another site cannot rebind a name to us."""
    if not header:
        return False
    host = header.strip().lower()
    if host.startswith("["):
        name, bracket, rest = host[1:].partition("]")
        return bool(bracket) and (not rest or _is_port(rest)) and name in hosts
    name, colon, port = host.partition(":")
    return name in hosts and (not colon or port.isdigit())


def _is_port(rest: str) -> bool:
    return rest.startswith(":") and rest[1:].isdigit()


def _same_origin(headers: Message, hosts: frozenset[str]) -> bool:
    """The reload channel answers pages of the preview only, never a script from another site."""
    if headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = headers.get("Origin")
    if origin is None:
        return True
    scheme, _, host = origin.partition("://")
    return scheme == "http" and _host_allowed(host, hosts)
