"""Following feeds: subscriptions, fetching them all, and OPML in and out.

`FeedService.fetch` downloads and parses every feed in a thread pool (network and parsing
overlap); the articles are written by the calling thread as each feed arrives, so the store
sees one writer and a failure of one feed never holds back the others. Validators (ETag,
Last-Modified) are kept only after a feed was stored, so a feed that failed is fetched whole
next time.
"""

from __future__ import annotations

import logging
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import quoteattr

from reader.core.errors import FeedError, FetchError
from reader.core.ingest import read_response
from reader.core.ingest.fetch import detect_format
from reader.core.ingest.http import MAX_BYTES, TIMEOUT, Response, check_url, get
from reader.core.ingest.pages import feed_links
from reader.core.models import (
    Article,
    Feed,
    FeedResult,
    ImportFailure,
    ImportResult,
    OpmlResult,
    SuggestedFeed,
)

log = logging.getLogger(__name__)

WORKERS = 8

AddArticles = Callable[[Iterable[Article | ImportFailure]], ImportResult]
Progress = Callable[[int, int, FeedResult], None]


class FeedTable(Protocol):
    def add(self, url: str, title: str | None, added_at: str) -> bool: ...
    def remove(self, url: str) -> bool: ...
    def all(self) -> list[Feed]: ...
    def get(self, url: str) -> Feed | None: ...
    def rename(self, url: str, new_url: str) -> None: ...
    def record_failure(self, url: str, fetched_at: str, status: int | None, error: str) -> None: ...
    def record_fetch(
        self,
        url: str,
        *,
        fetched_at: str,
        status: int,
        etag: str | None,
        last_modified: str | None,
        error: str | None,
        added: int,
        title: str | None,
    ) -> None: ...


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def normal_url(url: str) -> str:
    """HTTP://Example.COM/feed and http://example.com/feed are one feed (scheme and host
    are case-insensitive; the path is not)."""
    url = url.strip()
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return url
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, parts.fragment)
    )


class FeedService:
    """Subscriptions in the feed table; fetched articles go through `add_articles`."""

    def __init__(self, table: FeedTable, add_articles: AddArticles) -> None:
        self.table = table
        self.add_articles = add_articles

    def add(self, url: str, title: str | None = None) -> bool:
        """Follow `url`; False when it was followed already. Raises FeedError for a bad URL."""
        url = normal_url(url)
        try:
            check_url(url)
        except FetchError as error:
            raise FeedError(str(error)) from None
        return self.table.add(url, title, _now())

    def remove(self, url: str) -> bool:
        """Stop following; the articles already fetched stay. False when not followed."""
        return self.table.remove(normal_url(url))

    def all(self) -> list[Feed]:
        """Every followed feed, in the order they were added."""
        return self.table.all()

    def get(self, url: str) -> Feed | None:
        return self.table.get(normal_url(url))

    def fetch(
        self,
        urls: Iterable[str] | None = None,
        *,
        workers: int = WORKERS,
        timeout: float = TIMEOUT,
        max_bytes: int = MAX_BYTES,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> list[FeedResult]:
        """Fetch the followed feeds (or those of `urls`) concurrently and store what arrives.

        Conditional GET: a feed's ETag and Last-Modified from its last good fetch are sent
        back, so an unchanged feed answers 304 and costs nothing. `progress(done, total,
        result)` is called in this thread after each feed. Setting `cancel` (the reader
        quitting) ends the requests under way at once; what was stored stays stored, and the
        feeds not fetched are left as they were.
        """
        cancel = cancel if cancel is not None else threading.Event()
        feeds = self.table.all()
        if urls is not None:
            wanted = {normal_url(url) for url in urls}
            feeds = [feed for feed in feeds if feed.url in wanted]
        results: list[FeedResult] = []
        if not feeds:
            return results
        pool = ThreadPoolExecutor(
            max_workers=max(1, min(workers, len(feeds))), thread_name_prefix="feed"
        )
        try:
            futures = [pool.submit(_download, feed, timeout, max_bytes, cancel) for feed in feeds]
            for done, future in enumerate(as_completed(futures), start=1):
                if cancel.is_set():
                    break
                result = self._store(future.result())
                results.append(result)
                if progress is not None:
                    progress(done, len(feeds), result)
        except BaseException:
            cancel.set()  # Ctrl+C: the requests under way end now, not at their timeout
            raise
        finally:
            # Feeds not started are dropped; what was stored stays stored.
            pool.shutdown(wait=False, cancel_futures=True)
        order = {feed.url: n for n, feed in enumerate(feeds)}
        results.sort(key=lambda r: order[r.url])
        return results

    def _store(self, download: _Download) -> FeedResult:
        feed = download.feed
        result = FeedResult(feed.url, http_status=download.http_status)
        now = _now()
        if download.error is not None:
            result.status, result.error = "failed", download.error
            self.table.record_failure(feed.url, now, download.http_status, download.error)
            return result
        response = download.response
        assert response is not None
        if response.not_modified:
            result.status = "unchanged"
        else:
            imported = self.add_articles(download.items)
            result.added, result.updated = imported.added, imported.updated
            result.unchanged = imported.unchanged
            result.entry_failures = imported.failed
        etag, last_modified = response.etag, response.last_modified
        if download.partial_error:
            result.status, result.error = "failed", download.partial_error
            etag = last_modified = None  # fetched whole next time, in case it is mended
        url = feed.url
        if download.discovered:
            url = result.moved_to = download.discovered
            if self.table.get(url) is None:
                self.table.rename(feed.url, url)
            else:  # already followed under its own URL: the page's entry is dropped
                self.table.remove(feed.url)
        self.table.record_fetch(
            url,
            fetched_at=now,
            status=response.status,
            etag=etag,
            last_modified=last_modified,
            error=result.error,
            added=result.added,
            title=download.title,
        )
        return result

    # -- OPML ----------------------------------------------------------------------------

    def import_opml(self, data: bytes | str) -> OpmlResult:
        """Follow every feed of an OPML document."""
        result = OpmlResult()
        for url, title in read_opml(data):
            try:
                if self.add(url, title):
                    result.added += 1
                else:
                    result.known += 1
            except FeedError as error:
                result.problems.append(str(error))
        return result

    def suggested(self, data: bytes | str) -> list[SuggestedFeed]:
        """The feeds of a suggestions OPML document, each saying whether it is followed."""
        followed = {feed.url for feed in self.table.all()}
        found = [(normal_url(url), title) for url, title in read_opml(data)]
        return [SuggestedFeed(url, title, url in followed) for url, title in found]

    def export_opml(self) -> str:
        """The followed feeds as an OPML 2.0 document."""
        created = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<opml version="2.0">',
            "  <head>",
            "    <title>kemnaker-reader feeds</title>",
            f"    <dateCreated>{created}</dateCreated>",
            "  </head>",
            "  <body>",
        ]
        for feed in self.table.all():
            text = quoteattr(feed.title or feed.url)
            url = quoteattr(feed.url)
            lines.append(f'    <outline type="rss" text={text} title={text} xmlUrl={url}/>')
        lines += ["  </body>", "</opml>", ""]
        return "\n".join(lines)


def read_opml(data: bytes | str) -> list[tuple[str, str | None]]:
    """(url, title) of every feed outline in an OPML document, nested folders included."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise FeedError(f"not a valid OPML file ({error})") from None
    if root.tag.lower() != "opml":
        raise FeedError(f"not an OPML file (the root element is <{root.tag}>)")
    found: list[tuple[str, str | None]] = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url:
            title = outline.get("title") or outline.get("text")
            found.append((url, " ".join(title.split()) if title else None))
    return found


# -- downloading (pool threads: network and parsing only, no store) ------------------------


@dataclass
class _Download:
    feed: Feed
    response: Response | None = None
    items: list[Article | ImportFailure] = field(default_factory=list)
    title: str | None = None
    error: str | None = None
    partial_error: str | None = None  # the feed is broken, but some entries were recovered
    http_status: int | None = None
    discovered: str | None = None  # the feed a subscribed page announced, followed instead


def _download(
    feed: Feed, timeout: float, max_bytes: int, cancel: threading.Event | None = None
) -> _Download:
    """Runs in a pool thread: network and parsing only, no database."""
    result = _Download(feed)
    try:
        response = get(
            feed.url,
            etag=feed.etag,
            last_modified=feed.last_modified,
            timeout=timeout,
            max_bytes=max_bytes,
            cancel=cancel,
        )
    except FetchError as error:
        result.error, result.http_status = str(error), error.status
        return result
    except Exception as error:  # a bug below must cost this feed, not the whole fetch
        log.exception("fetching %s", feed.url)
        result.error = f"cannot fetch ({type(error).__name__}: {error})"
        return result
    result.response, result.http_status = response, response.status
    if response.not_modified:
        return result
    kind = detect_format(response.body, response.url, response.content_type)
    if kind == "page" and not feed.last_fetched_at:
        # A site's home page rather than its feed: follow the feed the page announces.
        links = feed_links(response.body, response.url)
        if links:
            try:
                response = get(links[0], timeout=timeout, max_bytes=max_bytes, cancel=cancel)
            except FetchError as error:
                result.error = f"its feed {links[0]}: {error}"
                result.http_status = error.status
                return result
            result.response, result.http_status = response, response.status
            result.discovered = links[0]
            kind = detect_format(response.body, response.url, response.content_type)
    if kind is None:
        result.error = f"not a feed (content type {response.content_type!r})"
        return result
    info: dict[str, Any] = {}
    try:
        result.items = list(
            read_response(response, kind, feed.url, timeout=timeout, max_bytes=max_bytes, info=info)
        )
    except Exception as error:  # a parser bug must cost one feed, not the run
        log.exception("parsing %s", feed.url)
        result.error = f"cannot parse ({type(error).__name__}: {error})"
        return result
    result.title = info.get("title")
    articles = [item for item in result.items if isinstance(item, Article)]
    failures = [item for item in result.items if isinstance(item, ImportFailure)]
    whole = [f for f in failures if f.error.startswith("malformed")]
    if whole and articles:
        # A broken feed whose entries were partly recovered: keep them, report the feed.
        result.partial_error = whole[0].error
        result.items = [item for item in result.items if item is not whole[0]]
    elif failures and not articles:
        # The whole feed failed: say why once, without repeating the URL.
        reason = failures[0].error
        result.error = reason + (f" (and {len(failures) - 1} more)" if len(failures) > 1 else "")
        result.items = []
    return result
