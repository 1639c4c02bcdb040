"""Importers: every input format yields the same Article model (or an ImportFailure).

`read_inputs` takes files, directories (walked recursively) and http(s) URLs.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar, overload

from reader.core.errors import FetchError, InputError, PageError
from reader.core.ingest.fetch import FORMATS, detect_format, fetch
from reader.core.ingest.jsonl import parse_json, parse_jsonl
from reader.core.ingest.pages import MAX_PAGES, Page, join_pages, parse_page
from reader.core.ingest.plaintext import parse_plaintext
from reader.core.ingest.urls import MAX_BYTES as MAX_URL_BYTES
from reader.core.ingest.urls import TIMEOUT
from reader.core.models import Article, Entry, ImportFailure, Unbuilt

if TYPE_CHECKING:  # ingest.http is loaded when something is fetched (see ingest.urls)
    from reader.core.ingest.http import Response

log = logging.getLogger(__name__)

SUFFIXES = set(FORMATS)
MAX_FILE_BYTES = 256 * 1024 * 1024

Item = Article | ImportFailure
_T = TypeVar("_T")


def read_inputs(inputs: Iterable[str], lazy: bool = False) -> Iterator[Entry]:
    """Articles from each input in turn; what cannot be read becomes an ImportFailure.

    Saved pages of a multi-page article ("?page=2" files) are joined into one article once
    every input has been read. `lazy`: a feed file's entries may come unbuilt, for an import
    to build where it prepares articles (see reader.core.models.Unbuilt).
    """
    pages: dict[str, list[Page]] = {}
    for item in _read_all(inputs, lazy):
        if isinstance(item, Page):
            pages.setdefault(item.article.url or item.article.origin or "", []).append(item)
        else:
            yield item
    for group in pages.values():
        group.sort(key=lambda page: page.number)
        yield join_pages(group[0], group[1:])


def _read_all(inputs: Iterable[str], lazy: bool = False) -> Iterator[Entry | Page]:
    for name in inputs:
        if name.lower().startswith(("http://", "https://")):
            yield from read_url(name)
            continue
        scheme = name.split("://", 1)[0] if "://" in name else ""
        if scheme.isalpha():
            yield ImportFailure(
                name, None, f"unsupported URL scheme {scheme!r}; only http and https"
            )
            continue
        path = Path(name)
        if path.is_dir():
            for file in _walk(path):
                yield from read_file(file, lazy)
        elif path.exists():
            yield from read_file(path, lazy)
        else:
            yield ImportFailure(name, None, "no such file or directory")


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root, name)
            if path.suffix.lower() in SUFFIXES and not name.startswith("."):
                yield path


def read_file(path: Path, lazy: bool = False) -> Iterator[Item | Page | Unbuilt]:
    origin = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield ImportFailure(
            origin,
            None,
            f"unsupported file type {suffix or '(none)'!r}; expected "
            ".txt, .jsonl, .json, .xml/.rss/.atom (feeds) or .html/.htm (pages)",
        )
        return
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            # Opening a FIFO would wait for a writer forever; a device has no end.
            yield ImportFailure(origin, None, "not a regular file (a pipe, device or socket)")
            return
        if status.st_size > MAX_FILE_BYTES:
            yield ImportFailure(origin, None, "file larger than 256 MiB")
            return
        if suffix == ".jsonl":  # streamed: a large file never sits in memory whole
            with path.open("rb") as handle:
                if handle.read(2) not in _UTF16_BOMS:  # UTF-16 lines are not byte lines
                    handle.seek(0)
                    yield from parse_jsonl(_decoded_lines(handle, origin), origin, lazy)
                    return
        if FORMATS.get(suffix) == "feed":
            feed = path.open("rb")
        else:
            data = path.read_bytes()
    except OSError as error:
        yield ImportFailure(origin, None, f"cannot read ({error.strerror or error})")
        return
    if FORMATS.get(suffix) == "feed":
        # Read from the file as it is parsed (a plain RSS feed item by item, see
        # feeds.parse_feed): what parse_bytes does with a feed's bytes, without holding them.
        from reader.core.ingest.feeds import parse_feed

        with feed:
            yield from _guarded(parse_feed(feed, origin, lazy=lazy), origin)
        return
    yield from parse_bytes(data, origin, suffix, lazy=lazy)


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode_text(data: bytes) -> str:
    """UTF-8 (a BOM allowed), or UTF-16 when the text starts with its byte-order mark (as
    Windows tools write it). Raises UnicodeDecodeError for anything else."""
    if data[:2] in _UTF16_BOMS:
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def _decoded_lines(handle: Iterable[bytes], origin: str) -> Iterator[str | ImportFailure]:
    for number, raw in enumerate(handle, start=1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            yield ImportFailure(origin, number, f"not UTF-8 text (byte {error.start})")
            continue
        yield line


@overload
def parse_bytes(
    data: bytes,
    origin: str,
    suffix: str,
    content_type: str | None = None,
    lazy: Literal[False] = False,
) -> Iterator[Item | Page]: ...
@overload
def parse_bytes(
    data: bytes, origin: str, suffix: str, content_type: str | None = None, lazy: bool = False
) -> Iterator[Item | Page | Unbuilt]: ...
def parse_bytes(
    data: bytes, origin: str, suffix: str, content_type: str | None = None, lazy: bool = False
) -> Iterator[Item | Page | Unbuilt]:
    """Parse the contents of one input whose format is told by `suffix` (or the content type).
    `lazy`: a feed's streamed entries may come unbuilt (see reader.core.models.Unbuilt)."""
    yield from _guarded(_parse_bytes(data, origin, suffix, content_type, lazy), origin)


def _guarded(items: Iterator[_T], origin: str) -> Iterator[_T | ImportFailure]:
    """A parser's items; should a parser still raise on some input, one failure, no traceback."""
    try:
        yield from items
    except Exception as error:  # the libraries' edge cases (feedparser, lxml, trafilatura)
        log.warning("parsing %s failed", origin, exc_info=True)
        yield ImportFailure(origin, None, f"cannot parse ({type(error).__name__}: {error})"[:200])


def _parse_bytes(
    data: bytes, origin: str, suffix: str, content_type: str | None = None, lazy: bool = False
) -> Iterator[Item | Page | Unbuilt]:
    kind = detect_format(data, "x" + suffix if suffix else origin, content_type)
    if kind == "feed":
        from reader.core.ingest.feeds import parse_feed

        yield from parse_feed(data, origin, origin if _is_url(origin) else None, lazy=lazy)
        return
    if kind == "page":
        if _is_url(origin):
            yield from _page_items(data, origin, origin)
            return
        try:
            page = parse_page(data, origin)
        except PageError as error:
            yield ImportFailure(origin, None, str(error))
            return
        # A saved page does not reach out for its other pages: read_inputs joins the ones given.
        yield page if page.next_pages or page.number > 1 or _links_pages(data) else page.article
        return
    try:
        text = decode_text(data)
    except UnicodeDecodeError as error:
        yield ImportFailure(origin, None, f"not UTF-8 text (byte {error.start})")
        return
    if kind == "jsonfeed":
        from reader.core.ingest.feeds import parse_json_feed

        yield from parse_json_feed(text, origin, origin if _is_url(origin) else None)
    elif kind == "jsonl":
        yield from parse_jsonl(text.splitlines(), origin)
    elif kind == "json":
        yield from parse_json(text, origin)
    else:
        try:
            yield parse_plaintext(text, origin)
        except InputError as error:
            yield ImportFailure(origin, None, str(error))


def _links_pages(data: bytes) -> bool:
    return b"?page=" in data or b"&amp;page=" in data


def _is_url(name: str) -> bool:
    return name.lower().startswith(("http://", "https://"))


def _page_items(
    data: bytes,
    origin: str,
    url: str | None,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_URL_BYTES,
    charset: str | None = None,
) -> Iterator[Item]:
    try:
        first = parse_page(data, origin, url, charset)
    except PageError as error:
        yield ImportFailure(origin, None, str(error))
        return
    # "?page=2"...: fetched and joined into one article. Pages found on later pages are
    # followed too (a pager may show only the next few), up to MAX_PAGES in all.
    later: list[Page] = []
    queue = list(first.next_pages)
    seen = set(queue)
    while queue and len(later) < MAX_PAGES - 1:
        page_url = queue.pop(0)
        try:
            response, _ = fetch(page_url, timeout=timeout, max_bytes=max_bytes)
            page = parse_page(response.body, page_url, response.url, response.charset)
        except (FetchError, PageError) as error:
            yield ImportFailure(page_url, None, f"page of {origin} skipped: {error}")
            continue
        later.append(page)
        for found in page.next_pages:
            if found not in seen:
                seen.add(found)
                queue.append(found)
    later.sort(key=lambda page: page.number)
    yield join_pages(first, [page for page in later if page.number != first.number])


def read_url(
    url: str, *, timeout: float = TIMEOUT, max_bytes: int = MAX_URL_BYTES
) -> Iterator[Item]:
    """Articles from a URL: a feed, a page (with its continuation pages), JSON, JSONL or text."""
    try:
        response, kind = fetch(url, timeout=timeout, max_bytes=max_bytes)
    except FetchError as error:
        yield ImportFailure(url, None, str(error))
        return
    yield from read_response(response, kind, url, timeout=timeout, max_bytes=max_bytes)


def read_response(
    response: Response,
    kind: str,
    origin: str,
    *,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_URL_BYTES,
    info: dict[str, str | None] | None = None,
) -> Iterator[Item]:
    """Articles from a fetched response whose format is `kind` (see `detect_format`)."""
    yield from _guarded(_read_response(response, kind, origin, timeout, max_bytes, info), origin)


def _read_response(
    response: Response,
    kind: str,
    origin: str,
    timeout: float,
    max_bytes: int,
    info: dict[str, str | None] | None,
) -> Iterator[Item]:
    if kind == "page":
        yield from _page_items(
            response.body, origin, response.url, timeout, max_bytes, response.charset
        )
        return
    if kind == "feed":
        from reader.core.ingest.feeds import parse_feed

        content_type = response.content_type + (
            f"; charset={response.charset}" if response.charset else ""
        )
        # The spooled body as a file: see parse_feed for what feedparser does with it.
        yield from parse_feed(response.stream(), origin, response.url, info, content_type)
        return
    if kind == "jsonfeed":
        from reader.core.ingest.feeds import parse_json_feed

        try:
            text = decode_text(response.body)
        except UnicodeDecodeError as error:
            yield ImportFailure(origin, None, f"not UTF-8 text (byte {error.start})")
            return
        yield from parse_json_feed(text, origin, response.url, info)
        return
    if kind == "jsonl":
        lines = response.stream()
        if lines.read(2) not in _UTF16_BOMS:  # streamed line by line, as a .jsonl file is
            lines.seek(0)
            yield from parse_jsonl(_decoded_lines(lines, origin), origin)
            return
    suffix = next((s for s, k in FORMATS.items() if k == kind), "")
    for item in parse_bytes(response.body, origin, suffix):
        # A page is read above, with its continuations; should one still come (a page-like
        # body at a non-URL origin), it stands alone, as a single saved page does.
        yield join_pages(item, []) if isinstance(item, Page) else item
