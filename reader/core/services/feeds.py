"""Following feeds: subscriptions, fetching them all, and OPML in and out.

`FeedService.fetch` downloads and parses every feed in a thread pool (network and parsing
overlap); the articles are written by the calling thread as each feed arrives, so the store
sees one writer and a failure of one feed never holds back the others. Validators (ETag,
Last-Modified) are kept only after a feed was stored, so a feed that failed is fetched whole
next time.

A site's home page that announces no feed is followed through its sitemap (kind "sitemap"):
each round finds the sitemap again (ingest/sitemaps.py), the calling thread picks the pages it
has not stored yet, newest first and at most SITEMAP_PAGES, and a pool thread reads them with
the page rules of `import URL`.
"""

from __future__ import annotations

import logging
import threading
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import quoteattr

from reader.core.errors import FeedError, FetchError, ReaderError, SitemapError
from reader.core.ingest import read_response
from reader.core.ingest.fetch import detect_format
from reader.core.ingest.http import MAX_BYTES, TIMEOUT, Response, TooLarge, check_url, get
from reader.core.ingest.pages import feed_links
from reader.core.ingest.sitemaps import Found, SitemapEntry, find_pages
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
SITEMAP_PAGES = 20  # pages of a sitemap read in one round: the newest not stored yet
# Said after "response larger than 50 MiB": the two ways to raise the limit (the CLI's option,
# and the config key of reader/ui/config.py that `fetch` reads when the option is not given).
RAISE_LIMIT = (
    "raise the limit with 'fetch --max-size MIB' or fetch_max_size (MiB) in the [ui] table "
    "of the config file"
)

AddArticles = Callable[[Iterable[Article | ImportFailure]], ImportResult]
StoredUrls = Callable[[list[str]], set[str]]  # which of these URLs an article is stored under
Progress = Callable[[int, int, FeedResult], None]


class FeedTable(Protocol):
    def add(self, url: str, title: str | None, added_at: str) -> bool: ...
    def remove(self, url: str) -> bool: ...
    def all(self) -> list[Feed]: ...
    def get(self, url: str) -> Feed | None: ...
    def rename(self, url: str, new_url: str) -> None: ...
    def set_kind(self, url: str, kind: str) -> None: ...
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

    def __init__(
        self, table: FeedTable, add_articles: AddArticles, stored_urls: StoredUrls
    ) -> None:
        self.table = table
        self.add_articles = add_articles
        self.stored_urls = stored_urls

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
        # The requests watch `halt`, this call's own: set when the caller's `cancel` is (seen
        # within a tenth of a second) and on any error here, never setting the caller's event.
        halt = threading.Event()
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
            waiting = {pool.submit(_download, feed, timeout, max_bytes, halt) for feed in feeds}
            while waiting:
                finished, waiting = wait(waiting, timeout=0.1, return_when=FIRST_COMPLETED)
                if cancel is not None and cancel.is_set():
                    halt.set()
                    break
                for future in finished:
                    download = future.result()
                    if download.pages is not None:
                        # A sitemap's pages: those not stored yet are read next, in the pool.
                        fresh = self._unstored(download.pages)
                        reading = pool.submit(
                            _read_pages, download, fresh, timeout, max_bytes, halt
                        )
                        waiting.add(reading)
                        continue
                    result = self._store(download)
                    results.append(result)
                    if progress is not None:
                        progress(len(results), len(feeds), result)
        finally:
            # Cancelled, an error, Ctrl+C: the requests under way end now, not at their timeout,
            # and the feeds not started are dropped. What was stored stays stored.
            halt.set()
            pool.shutdown(wait=False, cancel_futures=True)
        order = {feed.url: n for n, feed in enumerate(feeds)}
        results.sort(key=lambda r: order[r.url])
        return results

    def _unstored(self, pages: list[SitemapEntry]) -> list[str]:
        """The newest SITEMAP_PAGES of `pages` (newest first) that no article is stored under."""
        urls = [page.url for page in pages]
        stored = self.stored_urls(urls)
        return [url for url in urls if url not in stored][:SITEMAP_PAGES]

    def _store(self, download: _Download) -> FeedResult:
        feed = download.feed
        result = FeedResult(feed.url, http_status=download.http_status)
        now = _now()
        if download.error is not None:
            result.status, result.error = "failed", download.error
            self.table.record_failure(feed.url, now, download.http_status, download.error)
            return result
        response = download.response
        if response is not None and response.not_modified:
            result.status = "unchanged"
        else:
            imported = self.add_articles(download.items)
            result.added, result.updated = imported.added, imported.updated
            result.unchanged = imported.unchanged
            result.entry_failures = imported.failed
        # A sitemap round has no validators: the sitemap is read again next time.
        etag = response.etag if response is not None else None
        last_modified = response.last_modified if response is not None else None
        if download.sitemap and feed.kind != "sitemap":
            result.sitemap = download.sitemap
            self.table.set_kind(feed.url, "sitemap")
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
            status=response.status if response is not None else 200,
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


# -- fetching again and again (`fetch --every`) ------------------------------------------


@dataclass
class FetchRound:
    """One round of a fetcher that runs until stopped: what it fetched, or why it failed."""

    number: int  # 1, 2, ...
    started: datetime  # local time, with its offset
    results: list[FeedResult] = field(default_factory=list)
    error: str | None = None  # the round itself failed (a ReaderError: the store locked, ...)

    @property
    def feeds(self) -> int:
        return len(self.results)

    @property
    def added(self) -> int:
        return sum(result.added for result in self.results)

    @property
    def failures(self) -> list[FeedResult]:
        return [result for result in self.results if result.failed]


def fetch_rounds(
    fetch_round: Callable[[], list[FeedResult]],
    minutes: float,
    report: Callable[[FetchRound], None],
    *,
    stop: threading.Event | None = None,
    sleep: Callable[[float], object] | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now().astimezone(),
    monotonic: Callable[[], float] = time.monotonic,
) -> int:
    """Run `fetch_round` every `minutes` (from the start of one round to the start of the
    next; at once when a round took longer) until `stop` is set or an exception that is not a
    ReaderError ends it (Ctrl+C); `report(round)` after each round. Returns the rounds run.
    `sleep` (default: `rest`, a wait that `stop` ends), `clock` and `monotonic` can be
    replaced (tests). A round during which `stop` was set is not reported: it was cut short
    (the caller's `fetch_round` is expected to cancel its requests on `stop`).

    Each round is a whole `fetch`: the feeds are read again (one added meanwhile is fetched),
    and each feed's articles are stored in their own transactions, so readers of the store
    see each feed arrive and never wait for a round. A round that raises a ReaderError (the
    store busy beyond its timeout, a read-only store) is reported with its reason, and the
    next one runs at its time.
    """
    stop = stop if stop is not None else threading.Event()
    number = 0
    while not stop.is_set():
        number += 1
        began = monotonic()
        current = FetchRound(number, clock())
        try:
            current.results = fetch_round()
        except ReaderError as error:
            current.error = str(error)
        if stop.is_set():
            return number - 1
        report(current)
        left = minutes * 60 - (monotonic() - began)
        if left > 0:
            if sleep is not None:
                sleep(left)
            else:
                rest(stop, left)
    return number


def rest(stop: threading.Event, seconds: float) -> None:
    """The wait between two rounds of `fetch_rounds`: `seconds`, or until `stop` is set."""
    stop.wait(seconds)


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
    sitemap: str | None = None  # the site is read through its sitemaps (the first one named)
    pages: list[SitemapEntry] | None = None  # a sitemap's pages, newest first, not read yet


def _fetch_error(error: FetchError) -> str:
    """A failed request in one line; a body over the size limit says how to raise it."""
    return f"{error}; {RAISE_LIMIT}" if isinstance(error, TooLarge) else str(error)


def _download(
    feed: Feed, timeout: float, max_bytes: int, cancel: threading.Event | None = None
) -> _Download:
    """Runs in a pool thread: network and parsing only, no database."""
    result = _Download(feed)
    try:
        return _fetch_and_parse(result, timeout, max_bytes, cancel)
    finally:
        if result.response is not None:
            result.response.close()  # parsed: a body that went to disk goes now


def _fetch_and_parse(
    result: _Download, timeout: float, max_bytes: int, cancel: threading.Event | None
) -> _Download:
    feed = result.feed
    if feed.kind == "sitemap":
        try:
            found = find_pages(feed.url, timeout=timeout, max_bytes=max_bytes, cancel=cancel)
        except (SitemapError, FetchError) as error:
            result.error = str(error)
            return result
        except Exception as error:  # a bug below must cost this site, not the whole fetch
            log.exception("reading the sitemap of %s", feed.url)
            result.error = f"cannot read its sitemap ({type(error).__name__}: {error})"
            return result
        return _with_pages(result, found)
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
        result.error, result.http_status = _fetch_error(error), error.status
        return result
    except Exception as error:  # a bug below must cost this feed, not the whole fetch
        log.exception("fetching %s", feed.url)
        result.error = f"cannot fetch ({type(error).__name__}: {error})"
        return result
    result.response, result.http_status = response, response.status
    if response.not_modified:
        return result
    kind = detect_format(response.head(), response.url, response.content_type)
    no_sitemap: str | None = None
    if kind == "page" and (not feed.last_fetched_at or feed.failures):
        # A site's home page rather than its feed: follow the feed the page announces (looked
        # for on the first fetch, and again while the page keeps failing).
        page = response
        links = feed_links(response.body, response.url)
        if not links and (_home_page(feed.url) or _home_page(response.url)):
            # No feed: the site's sitemap, when it has one, lists its newest pages.
            try:
                found = find_pages(
                    response.url, timeout=timeout, max_bytes=max_bytes, cancel=cancel
                )
            except SitemapError as error:
                no_sitemap = str(error)
            except FetchError as error:  # cancelled
                result.error = str(error)
                return result
            else:
                return _with_pages(result, found)
        if links:
            try:
                response = get(links[0], timeout=timeout, max_bytes=max_bytes, cancel=cancel)
            except FetchError as error:
                result.error = f"its feed {links[0]}: {_fetch_error(error)}"
                result.http_status = error.status
                return result
            page.close()
            result.response, result.http_status = response, response.status
            result.discovered = links[0]
            kind = detect_format(response.head(), response.url, response.content_type)
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
    if result.error and no_sitemap:
        result.error += f"; it announces no feed, and {no_sitemap}"
    return result


def _home_page(url: str) -> bool:
    """Whether `url` looks like a site's home page ("/", "/index.html", "/id/")."""
    path = urlsplit(url).path.strip("/").lower()
    return path in ("", "index.html", "index.htm", "index.php") or (
        len(path) == 2 and path.isalpha()
    )


def _with_pages(result: _Download, found: Found) -> _Download:
    """A sitemap read: its pages wait to be picked (`FeedService._unstored`) and read."""
    if result.response is not None:
        result.response.close()  # the home page that led to the sitemap
    result.sitemap = found.sitemaps[0]
    result.pages = found.pages
    result.response, result.http_status = None, 200
    if found.problems:  # one of the sitemaps could not be read: the others still count
        more = len(found.problems) - 1
        result.partial_error = found.problems[0] + (f" (and {more} more)" if more else "")
    return result


def _read_pages(
    download: _Download,
    urls: list[str],
    timeout: float,
    max_bytes: int,
    cancel: threading.Event | None,
) -> _Download:
    """Runs in a pool thread: each page of a sitemap, in turn, with the page rules of
    `import URL` (its ?page=2 continuations joined); a page that fails is one failure."""
    download.pages = None
    items: list[Article | ImportFailure] = []
    for url in urls:
        if cancel is not None and cancel.is_set():
            break
        try:
            response = get(url, timeout=timeout, max_bytes=max_bytes, cancel=cancel)
        except FetchError as error:
            items.append(ImportFailure(url, None, _fetch_error(error)))
            continue
        except Exception as error:  # a bug below must cost this page, not the whole fetch
            log.exception("fetching %s", url)
            items.append(ImportFailure(url, None, f"cannot fetch ({type(error).__name__})"))
            continue
        with closing(response):
            if detect_format(response.head(), response.url, response.content_type) != "page":
                kind = response.content_type or "none"
                items.append(ImportFailure(url, None, f"not an HTML page (content type {kind!r})"))
                continue
            items += read_response(response, "page", url, timeout=timeout, max_bytes=max_bytes)
    download.items = items
    if download.feed.title is None:  # the site's name, as its pages give it
        download.title = next(
            (item.source for item in items if isinstance(item, Article) and item.source), None
        )
    return download
