"""Feed subscriptions, their fetch state, fetching them all, and OPML in and out.

Subscriptions live in the article database (table `feeds`). `fetch_feeds` downloads and parses
every feed in a thread pool (network and parsing overlap); the articles are written by the
calling thread as each feed arrives, so SQLite sees one writer and a failure of one feed never
holds back the others. Validators (ETag, Last-Modified) are kept only after a feed was stored,
so a feed that failed is fetched whole next time.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import quoteattr

from reader.core.ingest import read_response
from reader.core.ingest.fetch import detect_format
from reader.core.ingest.http import MAX_BYTES, TIMEOUT, FetchError, Response, check_url, get
from reader.core.ingest.pages import feed_links
from reader.core.models import Article, ImportFailure
from reader.core.store import Store

log = logging.getLogger(__name__)

WORKERS = 8


class FeedError(ValueError):
    """A subscription request that cannot be carried out (bad URL, bad OPML file...)."""


@dataclass
class Feed:
    url: str
    title: str | None = None
    added_at: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_fetched_at: str | None = None
    last_status: int | None = None
    last_error: str | None = None
    last_added: int = 0
    failures: int = 0


@dataclass
class FeedResult:
    """What fetching one feed did."""

    url: str
    status: str = "fetched"  # "fetched", "unchanged" (a 304) or "failed"
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    http_status: int | None = None
    error: str | None = None  # why the feed failed as a whole
    moved_to: str | None = None  # a page was subscribed: now its announced feed is
    entry_failures: list[ImportFailure] = field(default_factory=list)  # bad entries, feed kept

    @property
    def failed(self) -> bool:
        return self.status == "failed"


_COLUMNS = (
    "url, title, added_at, etag, last_modified, last_fetched_at, last_status, last_error, "
    "last_added, failures"
)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


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


def add_feed(store: Store, url: str, title: str | None = None) -> bool:
    """Subscribe to `url`; False when it was already subscribed. Raises FeedError for a bad URL."""
    url = normal_url(url)
    try:
        check_url(url)
    except FetchError as error:
        raise FeedError(str(error)) from None
    cursor = store.conn.execute(
        "INSERT OR IGNORE INTO feeds (url, title, added_at) VALUES (?, ?, ?)", (url, title, _now())
    )
    return cursor.rowcount > 0


def remove_feed(store: Store, url: str) -> bool:
    """Unsubscribe; the articles already fetched stay. False when `url` was not subscribed."""
    return store.conn.execute("DELETE FROM feeds WHERE url = ?", (normal_url(url),)).rowcount > 0


def list_feeds(store: Store) -> list[Feed]:
    """Every subscription, in the order they were added."""
    rows = store.conn.execute(f"SELECT {_COLUMNS} FROM feeds ORDER BY id")
    return [Feed(*row) for row in rows]


def get_feed(store: Store, url: str) -> Feed | None:
    row = store.conn.execute(f"SELECT {_COLUMNS} FROM feeds WHERE url = ?", (url,)).fetchone()
    return Feed(*row) if row else None


# -- fetching ----------------------------------------------------------------------------------


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


def _download(feed: Feed, timeout: float, max_bytes: int) -> _Download:
    """Runs in a pool thread: network and parsing only, no database."""
    result = _Download(feed)
    try:
        response = get(
            feed.url,
            etag=feed.etag,
            last_modified=feed.last_modified,
            timeout=timeout,
            max_bytes=max_bytes,
        )
    except FetchError as error:
        result.error, result.http_status = str(error), error.status
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
                response = get(links[0], timeout=timeout, max_bytes=max_bytes)
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
    info: dict = {}
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


def fetch_feeds(
    store: Store,
    urls: Iterable[str] | None = None,
    *,
    workers: int = WORKERS,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    progress: Callable[[int, int, FeedResult], None] | None = None,
) -> list[FeedResult]:
    """Fetch the subscribed feeds (or those of `urls`) concurrently and store what arrives.

    Conditional GET: a feed's ETag and Last-Modified from its last good fetch are sent back, so
    an unchanged feed answers 304 and costs nothing. `progress(done, total, result)` is called
    in this thread after each feed.
    """
    feeds = list_feeds(store)
    if urls is not None:
        wanted = set(urls)
        feeds = [feed for feed in feeds if feed.url in wanted]
    results: list[FeedResult] = []
    if not feeds:
        return results
    pool = ThreadPoolExecutor(
        max_workers=max(1, min(workers, len(feeds))), thread_name_prefix="feed"
    )
    try:
        futures = [pool.submit(_download, feed, timeout, max_bytes) for feed in feeds]
        for done, future in enumerate(as_completed(futures), start=1):
            result = _store_download(store, future.result())
            results.append(result)
            if progress is not None:
                progress(done, len(feeds), result)
    finally:
        # On Ctrl+C, feeds not started are dropped; what was stored stays stored.
        pool.shutdown(wait=False, cancel_futures=True)
    order = {feed.url: n for n, feed in enumerate(feeds)}
    results.sort(key=lambda r: order[r.url])
    return results


def _store_download(store: Store, download: _Download) -> FeedResult:
    feed = download.feed
    result = FeedResult(feed.url, http_status=download.http_status)
    now = _now()
    if download.error is not None:
        result.status, result.error = "failed", download.error
        store.conn.execute(
            "UPDATE feeds SET last_fetched_at = ?, last_status = ?, last_error = ?, "
            "last_added = 0, failures = failures + 1 WHERE url = ?",
            (now, download.http_status, download.error, feed.url),
        )
        return result
    response = download.response
    assert response is not None
    if response.not_modified:
        result.status = "unchanged"
    else:
        imported = store.add_articles(download.items)
        result.added, result.updated, result.unchanged = (
            imported.added,
            imported.updated,
            imported.unchanged,
        )
        result.entry_failures = imported.failed
    etag, last_modified = response.etag, response.last_modified
    if download.partial_error:
        result.status, result.error = "failed", download.partial_error
        etag = last_modified = None  # fetched whole next time, in case it is mended
    url = feed.url
    if download.discovered:
        url = result.moved_to = download.discovered
        if get_feed(store, url) is None:
            store.conn.execute("UPDATE feeds SET url = ? WHERE url = ?", (url, feed.url))
        else:  # already followed under its own URL: the page's entry is dropped
            remove_feed(store, feed.url)
    store.conn.execute(
        "UPDATE feeds SET etag = ?, last_modified = ?, last_fetched_at = ?, last_status = ?, "
        "last_error = ?, last_added = ?, failures = CASE WHEN ? IS NULL THEN 0 ELSE failures + 1 END, "
        "title = coalesce(?, title) WHERE url = ?",
        (
            etag,
            last_modified,
            now,
            response.status,
            result.error,
            result.added,
            result.error,
            download.title,
            url,
        ),
    )
    return result


# -- OPML --------------------------------------------------------------------------------------


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


def import_opml(store: Store, data: bytes | str) -> tuple[int, int, list[str]]:
    """Subscribe to every feed of an OPML document: (added, already subscribed, problems)."""
    added = known = 0
    problems: list[str] = []
    for url, title in read_opml(data):
        try:
            if add_feed(store, url, title):
                added += 1
            else:
                known += 1
        except FeedError as error:
            problems.append(str(error))
    return added, known, problems


def export_opml(store: Store) -> str:
    """The subscriptions as an OPML 2.0 document."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        "    <title>kemnaker-reader feeds</title>",
        f"    <dateCreated>{datetime.now(timezone.utc).strftime('%a, %d %b %Y %H:%M:%S GMT')}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    for feed in list_feeds(store):
        text = quoteattr(feed.title or feed.url)
        lines.append(
            f'    <outline type="rss" text={text} title={text} xmlUrl={quoteattr(feed.url)}/>'
        )
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
