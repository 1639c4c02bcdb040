"""A small HTTP server on 127.0.0.1 for the feed and page tests: routes set per test, and a
record of every request with its headers (to check conditional GET)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "application/rss+xml"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None  # for redirects
    delay: float = 0.0  # seconds before answering (a slow server)
    declare_length: bool = True  # False: no Content-Length, the body streamed until close
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class LocalServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self.in_flight = 0
        self.peak = 0  # the most requests answered at once (concurrency, without a clock)
        self._count = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                with server._count:
                    server.in_flight += 1
                    server.peak = max(server.peak, server.in_flight)
                try:
                    self._get()
                finally:
                    with server._count:
                        server.in_flight -= 1

            def _get(self) -> None:
                server.requests.append(Seen(self.path, dict(self.headers.items())))
                route = server.routes.get(self.path)
                if route is None:
                    self._answer(Route(b"not here", "text/plain", 404))
                    return
                if route.delay:
                    time.sleep(route.delay)
                fresh = (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                    route.last_modified
                    and not route.etag
                    and self.headers.get("If-Modified-Since") == route.last_modified
                )
                if fresh:
                    self._answer(
                        Route(b"", route.content_type, 304, route.etag, route.last_modified)
                    )
                    return
                self._answer(route)

            def _answer(self, route: Route) -> None:
                try:
                    self.send_response(route.status)
                    self.send_header("Content-Type", route.content_type)
                    if route.declare_length:
                        self.send_header("Content-Length", str(len(route.body)))
                    if route.etag:
                        self.send_header("ETag", route.etag)
                    if route.last_modified:
                        self.send_header("Last-Modified", route.last_modified)
                    if route.location:
                        self.send_header("Location", route.location)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if route.status != 304:
                        self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout or a size limit): that is the test

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    def serve_fixture(self, path: str, fixture: str, content_type: str, **options) -> str:
        return self.serve(path, Route((FIXTURES / fixture).read_bytes(), content_type, **options))

    def requests_to(self, path: str) -> list[Seen]:
        return [seen for seen in self.requests if seen.path == path]


def http_date(seconds: float) -> str:
    return formatdate(seconds, usegmt=True)


def serve_standard_feeds(server: LocalServer) -> dict[str, str]:
    """RSS, Atom, JSON Feed and a jpnn page, with validators: the URLs by name."""
    return {
        "rss": server.serve_fixture(
            "/rss.xml", "feeds/rss2.xml", "application/rss+xml", etag='"rss-v1"'
        ),
        "atom": server.serve_fixture(
            "/atom.xml",
            "feeds/atom.xml",
            "application/atom+xml",
            last_modified=http_date(1528000000),
        ),
        "json": server.serve_fixture(
            "/feed.json",
            "feeds/jsonfeed.json",
            "application/feed+json",
            etag='W/"json-1"',
            last_modified=http_date(1530000000),
        ),
    }
