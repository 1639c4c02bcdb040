"""One careful HTTP GET: http(s) only, a timeout, a size limit, bounded redirects, and
conditional requests (ETag / Last-Modified) so an unchanged feed costs a 304 and no body.

The body is written, as it arrives (and unpacked as it arrives when it is gzipped), into a
spooled temporary file: in memory up to SPOOL_BYTES, in an already-unlinked file on disk beyond
that. So the transfer itself never holds a large response in memory, nor twice (the chunks and
their join, the packed and the unpacked body, as a bytes body did). What a parser then does with
it is the parser's: see `Response.stream` and `Response.body`.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import re
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from http.client import HTTPMessage, HTTPResponse
from typing import IO, BinaryIO
from urllib.parse import urljoin, urlparse

from reader.core.clean import clean_line
from reader.core.errors import FetchError

# Re-exported (services.feeds reads the limits here, beside get); defined in ingest.urls.
from reader.core.ingest.urls import MAX_BYTES as MAX_BYTES
from reader.core.ingest.urls import TIMEOUT as TIMEOUT

MAX_REDIRECTS = 5
USER_AGENT = "kemnaker-reader/0.1 (+offline news reader)"
_READ_CHUNK = 64 * 1024
SPOOL_BYTES = 1024 * 1024  # a body larger than this waits in a temporary file, not in memory
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)


class TooLarge(FetchError):
    """The response is larger than the size limit (`limit`, in bytes)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"response larger than {_size(limit)}")
        self.limit = limit


@dataclass
class Response:
    """What a GET brought back. `not_modified` is a 304: the body is empty then.

    The body waits in `content`, a spooled temporary file (see the module's doc): read its
    first bytes with `head`, stream it with `stream`, or take it whole with `body`.
    """

    url: str  # the final URL, after redirects
    status: int
    content: BinaryIO
    content_type: str
    etag: str | None = None
    last_modified: str | None = None
    charset: str | None = None  # from the Content-Type header

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def body(self) -> bytes:
        """The whole body, read again at each call: for what must hold a document whole (an
        HTML page, a sitemap, JSON), which the size limit bounds."""
        return self.stream().read()

    def head(self, size: int = 4096) -> bytes:
        """The body's first `size` bytes (enough to tell its format)."""
        return self.stream().read(size)

    def stream(self) -> BinaryIO:
        """The body as a binary file, rewound to its start (the same file at each call)."""
        self.content.seek(0)
        return self.content

    def close(self) -> None:
        """Let go of the body now (its temporary file, if it went to disk)."""
        self.content.close()


def _empty() -> BinaryIO:
    return io.BytesIO(b"")


def _spool() -> BinaryIO:
    # SpooledTemporaryFile is typed generic over its mode; "w+b" makes it a binary file.
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+b")  # type: ignore[return-value]


_NOT_IN_URLS = re.compile("[\x00-\x20\x7f-\x9f]")


def check_url(url: str) -> None:
    """Raise FetchError unless `url` is an http(s) URL with a host, and nothing in it that a
    URL cannot hold: spaces and control characters (an escape sequence in a link)."""
    parts = urlparse(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise FetchError(f"not an http(s) URL: {url[:80]!r}")
    if _NOT_IN_URLS.search(url):
        raise FetchError(f"not a URL (it holds spaces or control characters): {url[:80]!r}")


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def __init__(self, limit: int) -> None:
        super().__init__()
        # typeshed declares max_redirections a ClassVar, but urllib reads it through `self`:
        # a per-opener limit set on the instance is what urllib supports.
        self.max_redirections = limit  # type: ignore[misc]

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urlparse(newurl).scheme.lower() not in ("http", "https"):
            raise FetchError(f"redirect to a non-http(s) URL refused: {newurl[:80]!r}", code)
        return super().redirect_request(req, fp, code, msg, headers, newurl)

    def http_error_302(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: HTTPMessage
    ) -> HTTPResponse | None:
        target = headers.get("location") or headers.get("uri")
        if target:
            # urllib refuses file:, data: and javascript: itself, with a message that reads
            # like a redirect loop: say what happened.
            newurl = urljoin(req.full_url, target)
            if urlparse(newurl).scheme.lower() not in ("http", "https"):
                raise FetchError(f"redirect to a non-http(s) URL refused: {newurl[:80]!r}", code)
        try:
            return super().http_error_302(req, fp, code, msg, headers)
        except urllib.error.HTTPError as error:
            if "redirect" in str(error.msg).lower():
                raise FetchError(
                    f"too many redirects (more than {self.max_redirections})", code
                ) from None
            raise

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


class _Deadline:
    """Shuts the request's sockets when its time is up.

    Socket timeouts bound each wait, not the request: a server that sends a header line or a
    body byte just inside every timeout could hold a fetch for ever. A timer closes every socket
    the request opened (redirects included) at the deadline, which ends any read blocked on it.
    """

    def __init__(self, seconds: float, cancel: threading.Event | None = None) -> None:
        self.seconds = seconds
        self.expired = False
        self.cancelled = False
        self._cancel = cancel
        self._done = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Thread(target=self._run, daemon=True, name="http-deadline")

    def _run(self) -> None:
        end = time.monotonic() + self.seconds
        while not self._done.is_set():
            left = end - time.monotonic()
            if self._cancel is not None and self._cancel.is_set():
                self.cancelled = True
                self._expire()
                return
            if left <= 0:
                self._expire()
                return
            # With a cancel event to watch, look at it a few times a second.
            self._done.wait(min(left, 0.1) if self._cancel is not None else left)

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if self.expired:
                _shut(sock)
            self._sockets.append(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()

    def reason(self) -> str:
        return "cancelled" if self.cancelled else f"timed out after {self.seconds:g} s"


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _handlers(deadline: _Deadline) -> list[urllib.request.BaseHandler]:
    """http and https handlers whose connections report their sockets to `deadline`."""

    class Watched(http.client.HTTPConnection):
        def connect(self) -> None:
            super().connect()
            deadline.watch(self.sock)

    class WatchedTLS(http.client.HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            deadline.watch(self.sock)

    class Plain(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> HTTPResponse:
            return self.do_open(Watched, req)

    class TLS(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> HTTPResponse:
            return self.do_open(WatchedTLS, req)

    return [Plain(), TLS()]


def get(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    cancel: threading.Event | None = None,
) -> Response:
    """GET `url`; raise FetchError with a one-line reason on any failure (TooLarge when the
    body, packed or unpacked, passes `max_bytes`).

    `timeout` bounds each network wait and also the whole transfer, so a server that trickles
    bytes cannot hold a fetch forever. Setting `cancel` (from another thread) ends the request
    at once: FetchError("cancelled").
    """
    check_url(url)
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = _Deadline(timeout, cancel)
    opener = urllib.request.build_opener(_Redirects(max_redirects), *_handlers(deadline))
    request = urllib.request.Request(url, headers=headers)
    started = time.monotonic()
    content = _spool()
    try:
        try:
            with deadline, opener.open(request, timeout=timeout) as response:
                length = response.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > max_bytes:
                    raise TooLarge(max_bytes)
                encoding = (response.headers.get("Content-Encoding") or "").strip().lower()
                gzipped = encoding in ("gzip", "x-gzip")
                _read(response, content, max_bytes, started, timeout, gzipped)
                if deadline.expired:  # the sockets were shut: what arrived is cut short
                    raise FetchError(deadline.reason())
                return Response(
                    url=response.geturl(),
                    status=response.status,
                    content=content,
                    content_type=response.headers.get_content_type(),
                    etag=response.headers.get("ETag"),
                    last_modified=response.headers.get("Last-Modified"),
                    charset=response.headers.get_content_charset(),
                )
        except urllib.error.HTTPError as error:
            if error.code == 304:
                content.close()
                return Response(
                    url=error.geturl() or url,
                    status=304,
                    content=_empty(),
                    content_type="",
                    etag=error.headers.get("ETag") or etag,
                    last_modified=error.headers.get("Last-Modified") or last_modified,
                )
            # The reason phrase is the server's text: one clean line, never an escape sequence.
            phrase = clean_line(str(error.reason))[:200]
            raise FetchError(f"HTTP {error.code} {phrase}".rstrip(), error.code) from None
        except urllib.error.URLError as error:
            reason = error.reason
            if deadline.expired:
                raise FetchError(deadline.reason()) from None
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                raise FetchError(f"timed out after {timeout:g} s") from None
            raise FetchError(f"cannot fetch ({clean_line(str(reason))[:200]})") from None
        except TimeoutError:
            raise FetchError(f"timed out after {timeout:g} s") from None
        except (OSError, ValueError, http.client.HTTPException) as error:
            # A connection reset, a bad status line or chunk, too many headers, a bad URL...
            if deadline.expired:
                raise FetchError(deadline.reason()) from None
            said = clean_line(str(error))[:200]  # may quote the server's own bytes
            raise FetchError(f"cannot fetch ({said or type(error).__name__})") from None
    except BaseException:
        content.close()  # a body that went to disk goes at once, not when collected
        raise


def _read(
    response: HTTPResponse,
    out: BinaryIO,
    max_bytes: int,
    started: float,
    timeout: float,
    gzipped: bool,
) -> None:
    """Copy the body into `out` as it arrives, unpacked when `gzipped`; raise TooLarge as soon
    as either the bytes received or the bytes unpacked pass `max_bytes` (a zip bomb)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
    received = written = 0
    while True:
        # read1: what one receive brings, so a trickle is noticed (read waits for it all).
        chunk = response.read1(_READ_CHUNK)
        if not chunk:
            break
        received += len(chunk)
        if received > max_bytes:
            raise TooLarge(max_bytes)
        if time.monotonic() - started > timeout:
            raise FetchError(f"timed out after {timeout:g} s")
        if inflater is not None:
            chunk = _inflate(inflater, chunk, max_bytes - written, max_bytes)
        written += len(chunk)
        out.write(chunk)
    if inflater is not None:
        try:
            rest = inflater.flush()
        except zlib.error as error:
            raise FetchError(f"cannot fetch (bad gzip body: {error})") from None
        if written + len(rest) > max_bytes:
            raise TooLarge(max_bytes)
        out.write(rest)


def _inflate(inflater: zlib._Decompress, data: bytes, room: int, max_bytes: int) -> bytes:
    """Unpack `data`, refusing more than `room` bytes out of it (TooLarge names `max_bytes`)."""
    try:
        unpacked = inflater.decompress(data, room + 1)
    except zlib.error as error:
        raise FetchError(f"cannot fetch (bad gzip body: {error})") from None
    if len(unpacked) > room or inflater.unconsumed_tail:
        raise TooLarge(max_bytes)
    return unpacked


def gunzip(data: bytes, max_bytes: int) -> bytes:
    """Decompress a gzip body, refusing one that grows past the size limit (a zip bomb)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        body = inflater.decompress(data, max_bytes + 1)
    except zlib.error as error:
        raise FetchError(f"cannot fetch (bad gzip body: {error})") from None
    if len(body) > max_bytes or inflater.unconsumed_tail:
        raise TooLarge(max_bytes)
    return body


def _size(count: int) -> str:
    if count >= 1024 * 1024 and count % (1024 * 1024) == 0:
        return f"{count // (1024 * 1024)} MiB"
    if count >= 1024 and count % 1024 == 0:
        return f"{count // 1024} KiB"
    return f"{count} bytes"
