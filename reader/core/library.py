"""The one door into the core: `open_library()` gives a `Library`, which the command line and
the reader call for everything (import, reading, flags, search, related news, feeds, changes).

It holds no SQL: it builds the storage and hands each service the parts of it that service
needs, the way lemon24/reader's `make_reader()` does.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeAlias, TypeVar

from reader.core.db import SqliteStorage
from reader.core.errors import FeedError, QueryError, StorageError, StoreMissing
from reader.core.models import (
    Entry,
    Feed,
    FeedResult,
    Headline,
    HeadlineFilter,
    ImportResult,
    OpmlResult,
    PeriodCount,
    PurgeResult,
    RelatedItem,
    Removal,
    SearchResult,
    SourceCount,
    StoredArticle,
    SuggestedFeed,
    Topic,
)
from reader.core.paths import bundled_data_dir, default_person, default_store, is_store_url
from reader.core.services.changes import ChangeWatch

if TYPE_CHECKING:
    from reader.core.db.postgres.storage import PostgresStorage
    from reader.core.services.feeds import FeedService, Progress
    from reader.core.services.feeds import FetchRound as FetchRound
    from reader.core.services.indexing import Indexer
    from reader.core.services.links import LinkResolver
    from reader.core.services.prepare import Beside
    from reader.core.services.related import RelatedFinder
    from reader.core.services.removal import Remover
    from reader.core.services.search import Searcher, Strict
    from reader.core.services.topics import TopicService
from reader.core.text import surface_words

log = logging.getLogger(__name__)
if TYPE_CHECKING:
    Storage: TypeAlias = SqliteStorage | PostgresStorage

ImportProgress = Callable[[ImportResult], None]

_P = ParamSpec("_P")
_S = TypeVar("_S")
_R = TypeVar("_R")


def _writes(
    method: Callable[Concatenate[Library, _P], _R],
) -> Callable[Concatenate[Library, _P], _R]:
    """A method that changes the store: on a read-only store it is refused before any work
    (nothing fetched, nothing read from the inputs) with one StorageError saying why."""

    @functools.wraps(method)
    def checked(self: Library, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        reason = self._storage.read_only
        if reason is not None:
            raise StorageError(f"{self.path} is read-only ({reason}); nothing was changed")
        return method(self, *args, **kwargs)

    return checked


SUGGESTIONS = Path("feeds") / "indonesia.opml"


def _suggestions_file() -> Path | None:
    folder = bundled_data_dir()
    path = folder / SUGGESTIONS if folder is not None else None
    return path if path is not None and path.is_file() else None


def _read_suggestions(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise FeedError(f"{path}: cannot read ({error.strerror or error})") from None


def open_library(
    path: str | Path | None = None,
    *,
    create: bool = True,
    person: str | None = None,
    notice: Callable[[str], None] | None = None,
) -> Library:
    """Open the store at `path` (default: $KEMNAKER_READER_DB, else the user data dir): a file,
    or a PostgreSQL database named by a postgresql:// URL.

    `person` is whose read and starred marks the library reads and sets (default:
    $KEMNAKER_READER_PERSON, else the login name). With `create=False` a missing store raises
    StoreMissing instead of being created. Raises StorageError when the store is not usable.
    `notice` is told, in a line, before a one-time step that takes a while on a large store
    (the search index rebuilt for a new version).
    """
    chosen = path if path is not None else default_store()
    who = person if person else default_person()
    if isinstance(chosen, str) and is_store_url(chosen):
        from reader.core.db.postgres.storage import PostgresStorage

        return Library(PostgresStorage(chosen, who, notice))
    target = Path(chosen)
    if not create and not target.exists():
        raise StoreMissing(f"no database at {target}")
    return Library(SqliteStorage(target, who, notice))


def _read_inputs(inputs: Iterable[str]) -> Iterator[Entry]:
    """The articles of files, folders and URLs (the readers are loaded on the first import);
    a feed file's entries unbuilt, built where the import prepares articles."""
    from reader.core.ingest import read_inputs

    return read_inputs(inputs, lazy=True)


def _catch_up_beside(
    path: str,
    sizes: tuple[int, int],
    receive: Callable[[bool], list[object]],
    stopped: Callable[[], bool],
) -> None:
    """The process an import starts to catch up beside it (prepare.Beside)."""
    with open_library(path, create=False) as library:
        library._indexer.catch_up_beside(sizes, receive, stopped)


class _SearchWhenAsked:
    """The topics' strict matching, the searcher built when a topic first asks: listing or
    counting a topic's articles (the reader's first screen) loads no search."""

    def __init__(self, library: Library) -> None:
        self._library = library

    def matching_ids(self, query: str, among: list[int] | None = None) -> list[int]:
        return self._library._searcher.matching_ids(query, among)

    def strict(self, query: str) -> Strict | None:
        return self._library._searcher.strict(query)

    def matching_strict(self, strict: Strict | None, among: list[int] | None = None) -> list[int]:
        return self._library._searcher.matching_strict(strict, among)


class Library:
    """Articles, their index and the feeds they come from, in one store."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self.path = storage.path
        # Every service is built on first use: their modules (search with its stemmer, related
        # news, the readers of feeds and pages, near-duplicate hashing) are not loaded to open
        # a store, nor to show the reader's first screen. (A build may use another service.)
        self._built: dict[str, Any] = {}
        self._building = threading.RLock()
        self.person = storage.articles.person
        if storage.read_only is not None:
            return  # read as it is: the one-time upgrades below wait for a writable open
        if storage.get_meta("marks_claimed") != "1":
            # The marks of a store from before marks had a person are its one reader's.
            storage.claim_marks(self.person)
            storage.set_meta("marks_claimed", "1")
        if storage.get_meta("links_resolved") == "0":
            # A store from before links were resolved on arrival: resolve its headlines once.
            with storage.transaction():
                self._resolver.resolve_own(storage.links.all_pending_articles())
                storage.set_meta("links_resolved", "1")
        if storage.get_meta("topics_seeded") == "0":
            # A new store, or one from before topics: offer the built-in topics once.
            with storage.transaction():
                self._topics.seed()
                storage.set_meta("topics_seeded", "1")

    # -- lifetime ----------------------------------------------------------------------------

    def close(self) -> None:
        """Close every connection the library opened, in any thread."""
        self._storage.close()

    @property
    def read_only(self) -> bool:
        """Whether the store can only be read (a 0444 file, a read-only folder or mount):
        reading works, and every method that would change it raises StorageError."""
        return self._storage.read_only is not None

    def _service(self, name: str, build: Callable[[], _S]) -> _S:
        with self._building:
            if name not in self._built:
                self._built[name] = build()
            service: _S = self._built[name]
            return service

    @property
    def _searcher(self) -> Searcher:
        from reader.core.services.search import Searcher

        storage = self._storage
        return self._service("searcher", lambda: Searcher(storage.index, storage.articles))

    @property
    def _topics(self) -> TopicService:
        from reader.core.services.topics import TopicService

        return self._service(
            "topics", lambda: TopicService(self._storage.topics, _SearchWhenAsked(self))
        )

    @property
    def _resolver(self) -> LinkResolver:
        from reader.core.services.links import LinkResolver

        storage = self._storage
        return self._service("resolver", lambda: LinkResolver(storage.articles, storage.links))

    @property
    def _related(self) -> RelatedFinder:
        from reader.core.services.related import RelatedFinder

        storage = self._storage
        return self._service(
            "related",
            lambda: RelatedFinder(storage.articles, storage.index, storage.stories, storage.links),
        )

    @property
    def _indexer(self) -> Indexer:
        from reader.core.services.indexing import Indexer

        storage = self._storage
        return self._service(
            "indexer",
            lambda: Indexer(
                storage.articles,
                storage.index,
                storage.stories,
                self._resolver,
                storage,
                topics=self._topics,
            ),
        )

    @property
    def _feeds(self) -> FeedService:
        from reader.core.services.feeds import FeedService

        storage = self._storage
        return self._service(
            "feeds",
            lambda: FeedService(storage.feeds, self.import_articles, storage.articles.stored_urls),
        )

    @property
    def _remover(self) -> Remover:
        from reader.core.services.removal import Remover

        storage = self._storage
        return self._service(
            "remover",
            lambda: Remover(
                storage.articles,
                storage.index,
                storage.stories,
                storage.links,
                self._resolver,
                storage,
            ),
        )

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- importing ---------------------------------------------------------------------------

    @_writes
    def import_articles(
        self,
        items: Iterable[Entry],
        progress: ImportProgress | None = None,
        *,
        defer: bool = False,
        beside: bool = False,
    ) -> ImportResult:
        """Store articles (failures passed in are collected into the result).

        Each chunk is written in one transaction (row, full-text index, links): stored and
        searchable. Then the stories, word counts and topics of every pending article are
        caught up, a chunk per transaction, unless `defer` leaves them pending for the next
        import or `catch_up` (`stats()["pending"]` says how many). An article already stored
        is updated when its content changed and left alone otherwise. `beside`: they are
        caught up in another process while the chunks are written, and this call returns
        once that is done (a store file on a machine with two cores or more; the same work).
        """
        return self._indexer.add_articles(
            items, progress, defer=defer, beside=self._beside() if beside else None
        )

    def import_inputs(
        self,
        inputs: Iterable[str],
        progress: ImportProgress | None = None,
        *,
        defer: bool = False,
        beside: bool = False,
    ) -> ImportResult:
        """Import files, folders (walked recursively) and http(s) URLs."""
        return self.import_articles(_read_inputs(inputs), progress, defer=defer, beside=beside)

    def _beside(self) -> Callable[[int, int], Beside] | None:
        """How to start an import's second step in a process of its own, beside the first."""
        from reader.core.services.prepare import PARALLEL_PREPARE, Beside

        storage = self._storage
        if not isinstance(storage, SqliteStorage) or not PARALLEL_PREPARE:
            return None
        path = str(storage.path)
        return lambda chunk, per: Beside(_catch_up_beside, path, (chunk, per))

    @_writes
    def catch_up(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Do the work an import left pending (an import stopped half-way, or `defer`): the
        stories, word counts and topics of its articles, a chunk per transaction (stopping
        loses at most the chunk being written); how many articles were done.
        `progress(done, left)` after each chunk."""
        return self._indexer.catch_up(progress)

    def import_bundled(self) -> ImportResult | None:
        """First launch: an empty store that follows no feeds gets the bundled articles, so the
        reader is not empty; a store that follows feeds never gets the demo articles.

        Only the first call decides: a store that was offered them once (it had articles or
        feeds then, or it took them and `purge --demo` removed them since) never gets them
        again. The articles are marked as bundled, which `purge(Removal(bundled=True))` uses.
        """
        folder = bundled_data_dir()
        if self.read_only or folder is None or self._storage.get_meta("bundled_offered"):
            return None
        with self._storage.transaction():
            self._storage.set_meta("bundled_offered", "1")
        if self.count() > 0 or self.feeds():
            return None
        seed = folder / "seed"
        inputs = [str(seed), str(folder)] if seed.is_dir() else [str(folder)]
        return self._indexer.add_articles(_read_inputs(inputs), bundled=True)

    # -- removing ----------------------------------------------------------------------------

    @_writes
    def purge(
        self,
        *,
        demo: bool = False,
        sources: Iterable[str] = (),
        older_than: timedelta | None = None,
        ids: Iterable[int] = (),
        include_starred: bool = False,
        now: datetime | None = None,
    ) -> PurgeResult:
        """Remove articles, keeping the index, the stories, the links, the topics and the
        counts right, in one transaction. Every selector given narrows the choice: the bundled
        (demo) articles, any of `sources` (case ignored), those published more than
        `older_than` before `now` (undated ones: stored before then), any of `ids`. Starred
        articles stay unless `include_starred`. Raises ValueError when no selector is given.

        `result.removed` is how many went; `kept_starred` how many matched but were starred;
        `unknown_ids` the ids asked for that are not stored.
        """
        before = None
        if older_than is not None:
            moment = (now or datetime.now(UTC)) - older_than
            before = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        removal = Removal(
            bundled=demo,
            sources=tuple(sources),
            before=before,
            ids=tuple(ids),
            include_starred=include_starred,
        )
        self._indexer.catch_up()  # a removed article's word counts and bands must be stored
        return self._remover.purge(removal)

    # -- reading -----------------------------------------------------------------------------

    def get(self, article_id: int) -> StoredArticle | None:
        """One article with its own related headlines, or None. Never writes."""
        article = self._storage.articles.get(article_id)
        if article is not None:
            article.related = self._storage.links.of(article.id)
        return article

    def headline(self, article_id: int) -> Headline | None:
        return self._storage.articles.headline(article_id)

    def headlines(
        self, offset: int = 0, limit: int = 50, view: HeadlineFilter | None = None
    ) -> list[Headline]:
        """A window of the headline list, newest first (undated last)."""
        return self._storage.articles.window(offset, limit, view)

    def headlines_after(
        self, article_id: int | None, limit: int = 50, view: HeadlineFilter | None = None
    ) -> list[Headline]:
        """The window of the headline list that follows `article_id` (from the top when
        None): the next page by key, as cheap deep in the list as at its top."""
        return self._storage.articles.window_after(article_id, limit, view)

    def headlines_by_id(self, ids: list[int]) -> list[Headline]:
        """The headlines of `ids` in that order (unknown ids left out)."""
        return self._storage.articles.headlines_by_id(ids)

    def count(self, view: HeadlineFilter | None = None) -> int:
        return self._storage.articles.count(view)

    def position(self, article_id: int, view: HeadlineFilter | None = None) -> int | None:
        """Where an article stands in `headlines()` order, or None when it is not there."""
        return self._storage.articles.position(article_id, view)

    # -- flags -------------------------------------------------------------------------------

    @_writes
    def set_read(self, article_id: int, read: bool = True) -> bool:
        """Mark read or unread; False when there is no such article."""
        return self._storage.articles.set_flag(article_id, "read", read)

    @_writes
    def set_starred(self, article_id: int, starred: bool = True) -> bool:
        """Star or unstar; False when there is no such article."""
        return self._storage.articles.set_flag(article_id, "starred", starred)

    @_writes
    def mark_story_read(self, article_id: int) -> list[int]:
        """Mark the article and every other version of its story read (reading one version is
        reading the story); the ids that were unread, in order."""
        return self._storage.articles.mark_story_read(article_id)

    @_writes
    def mark_all_read(self, view: HeadlineFilter | None = None) -> int:
        """Mark every unread article of a view (default: all) read; how many were."""
        return self._storage.articles.mark_all_read(view)

    def next_unread(
        self, article_id: int | None, view: HeadlineFilter | None = None, step: int = 1
    ) -> Headline | None:
        """The next (step 1) or previous (step -1) unread headline after `article_id` in
        `headlines()` order of the view; None when there is none."""
        return self._storage.articles.next_unread(article_id, view, step)

    @_writes
    def toggle_read(self, article_id: int) -> Headline | None:
        """Flip read / unread at once; the headline as it is now, or None when unknown."""
        return self._storage.articles.toggle_flag(article_id, "read")

    @_writes
    def toggle_starred(self, article_id: int) -> Headline | None:
        """Flip the star at once; the headline as it is now, or None when unknown."""
        return self._storage.articles.toggle_flag(article_id, "starred")

    # -- search and related news -------------------------------------------------------------

    def search(
        self,
        query: str,
        limit: int = 20,
        topic: str | None = None,
        sort: str = "relevance",
        snippets: int | None = None,
    ) -> SearchResult:
        """Keyword search; any string is a valid query (see reader.core.query).

        With `topic` (a name), only that topic's articles are searched, and an empty query
        lists them newest first. `sort`: "relevance" (BM25) or "newest" (the matches newest
        first). `snippets`: how many of the first hits get their snippet (the others get ""
        until `snippets()` is asked for them); None: all. Raises TopicError for an unknown
        topic.
        """
        topic_id = self._topics.get(topic).id if topic is not None else None
        return self._searcher.search(query, limit, topic=topic_id, sort=sort, snippets=snippets)

    def warm_search(self) -> None:
        """Do now what the first search of a process would otherwise pay for (the alias and
        stemmer tables, this thread's statements); searches are the same with it or without.
        Reads only."""
        self._searcher.warm()

    def snippets(self, result: SearchResult, ids: list[int]) -> dict[int, str]:
        """The snippets of the hits `ids` of `result` that `search(snippets=N)` left out."""
        return self._searcher.snippets(result.matcher, ids)

    def related(self, article_id: int, limit: int = 10) -> list[RelatedItem] | None:
        """Related news for an article, or None when the id is unknown."""
        return self._related.related_to(article_id, limit)

    def sources(self) -> list[SourceCount]:
        """Every source with its unread and total counts, most articles first."""
        return [
            SourceCount(name, unread, total)
            for name, unread, total in self._storage.articles.sources()
        ]

    # -- copying to another store ------------------------------------------------------------

    def copy_to(
        self, target: Library, progress: Callable[[str, int], None] | None = None
    ) -> dict[str, int]:
        """Copy this archive into the empty store `target` (SQLite or PostgreSQL): articles,
        stories, links, feeds, topics and every person's marks, then its full-text index; all
        or nothing. {table: rows copied}."""
        from reader.core.services.copying import copy_store

        if target._storage.read_only is not None:
            raise StorageError(f"{target.path} is read-only ({target._storage.read_only})")
        return copy_store(self._storage, target._storage, str(target.path), progress)

    # -- export ------------------------------------------------------------------------------

    def export(
        self,
        out: IO[str],
        fmt: str,
        *,
        query: str | None = None,
        view: HeadlineFilter | None = None,
        limit: int | None = None,
        title: str | None = None,
    ) -> int:
        """Write the articles of a view (default: all), newest first, to `out` as "md", "csv"
        or "jsonl" (see reader.core.services.export); how many were written. With `query`,
        only those that match it strictly (every word, as a topic holds them). Never writes.
        """
        ids = self._storage.articles.ids(view)
        if query is not None and query.strip():
            matched = set(self._matching(query))
            ids = [i for i in ids if i in matched]
        if limit is not None:
            ids = ids[:limit]

        def articles() -> Iterable[StoredArticle]:
            for start in range(0, len(ids), 200):
                yield from self._storage.articles.get_many(ids[start : start + 200])

        from reader.core.services.export import write_articles

        return write_articles(articles(), fmt, out, title)

    def _matching(self, query: str) -> list[int]:
        """The articles that have every word of `query` (as a topic holds them)."""
        try:
            return self._searcher.matching_ids(query)
        except QueryError:  # as search does: the query's plain words instead
            return self._searcher.matching_ids(" ".join(surface_words(query)))

    # -- timeline ----------------------------------------------------------------------------

    def per_period(
        self,
        view: HeadlineFilter | None = None,
        query: str | None = None,
        period: str = "month",
    ) -> list[PeriodCount]:
        """How many articles of a view (default: all) each month ("2018-02") or ISO week
        ("2018-W07") holds, by WIB publication date, oldest first, with every period between
        the first and the last (0 for an empty one); the undated articles last, as a period of
        None, when there are any. With `query`, only the articles that have all its words.
        Never writes. Raises ValueError for a period other than "month" or "week".
        """
        ids = self._matching(query) if query is not None and query.strip() else None
        days, undated = self._storage.articles.per_day(view, ids)
        from reader.core.services.timeline import timeline

        return timeline(days, undated, period)

    # -- topics ------------------------------------------------------------------------------

    def topics(self, fold: bool = False) -> list[Topic]:
        """Every topic (saved search) in order, with its unread and total counts (`fold`: a
        story once)."""
        return self._topics.all(fold)

    def topic(self, name: str) -> Topic:
        """The topic called `name` (case ignored). Raises TopicError when there is none."""
        return self._topics.get(name)

    @_writes
    def add_topic(self, name: str, query: str) -> Topic:
        """Save a search as a topic. Raises TopicError for a taken name or an empty query."""
        with self._storage.transaction():
            return self._topics.add(name, query)

    @_writes
    def rename_topic(self, name: str, new_name: str) -> Topic:
        with self._storage.transaction():
            return self._topics.rename(name, new_name)

    @_writes
    def remove_topic(self, name: str) -> None:
        """Delete a topic (its articles stay). Raises TopicError when there is none."""
        with self._storage.transaction():
            self._topics.remove(name)

    # -- feeds -------------------------------------------------------------------------------

    @_writes
    def add_feed(self, url: str, title: str | None = None) -> bool:
        """Follow a feed; False when it was followed already. Raises FeedError for a bad URL."""
        return self._feeds.add(url, title)

    @_writes
    def remove_feed(self, url: str) -> bool:
        """Stop following a feed (its articles stay); False when it was not followed."""
        return self._feeds.remove(url)

    def feeds(self) -> list[Feed]:
        """Every followed feed, in the order they were added."""
        return self._feeds.all()

    def feed(self, url: str) -> Feed | None:
        return self._feeds.get(url)

    @_writes
    def fetch(
        self,
        urls: Iterable[str] | None = None,
        *,
        workers: int | None = None,
        timeout: float | None = None,
        max_bytes: int | None = None,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> list[FeedResult]:
        """Fetch the followed feeds (or those of `urls`) and store their new articles.

        Defaults: 8 feeds at once, 20 s and 50 MiB per request. Setting `cancel` from another
        thread ends the fetch at once (what was stored stays).
        """
        options: dict[str, Any] = {}
        if workers is not None:
            options["workers"] = workers
        if timeout is not None:
            options["timeout"] = timeout
        if max_bytes is not None:
            options["max_bytes"] = max_bytes
        return self._feeds.fetch(urls, progress=progress, cancel=cancel, **options)

    def fetch_every(
        self,
        minutes: float,
        report: Callable[[FetchRound], None],
        urls: Iterable[str] | None = None,
        *,
        workers: int | None = None,
        timeout: float | None = None,
        max_bytes: int | None = None,
        stop: threading.Event | None = None,
        sleep: Callable[[float], object] | None = None,
    ) -> int:
        """`fetch` every `minutes` until `stop` is set or Ctrl+C, `report(round)` after each
        round; a round that fails (a ReaderError) is reported and the next one still runs.
        Setting `stop` also cancels the round under way (that round is not reported) and ends
        the wait for the next. Returns the rounds reported. `sleep` replaces the wait (tests)."""
        from reader.core.services.feeds import fetch_rounds

        wanted = list(urls) if urls is not None else None
        stop = stop if stop is not None else threading.Event()

        def one_round() -> list[FeedResult]:
            return self.fetch(
                wanted, workers=workers, timeout=timeout, max_bytes=max_bytes, cancel=stop
            )

        return fetch_rounds(one_round, minutes, report, stop=stop, sleep=sleep)

    @_writes
    def import_opml(self, data: bytes | str) -> OpmlResult:
        """Follow every feed of an OPML document. Raises FeedError when it is not OPML."""
        return self._feeds.import_opml(data)

    def export_opml(self) -> str:
        return self._feeds.export_opml()

    def suggested_feeds(self) -> list[SuggestedFeed]:
        """The bundled suggestions (public feeds of Indonesian news sites, in
        data/feeds/indonesia.opml), each saying whether it is followed; never followed by
        themselves (see `follow_suggested`). Empty when the file is not installed. Never
        writes. Raises FeedError when the file is not OPML."""
        path = _suggestions_file()
        return self._feeds.suggested(_read_suggestions(path)) if path is not None else []

    @_writes
    def follow_suggested(self) -> OpmlResult:
        """Follow every suggested feed (see `suggested_feeds`); `fetch` brings their articles."""
        path = _suggestions_file()
        if path is None:
            return OpmlResult()
        return self._feeds.import_opml(_read_suggestions(path))

    # -- changes and figures -----------------------------------------------------------------

    def watch(self) -> ChangeWatch:
        """A watch that says when another process changed the store (use it from one thread)."""
        return ChangeWatch(self._storage)

    @property
    def hears_changes(self) -> bool:
        """Whether `wait_for_change` is told of changes at once (PostgreSQL's LISTEN/NOTIFY);
        a SQLite store is looked at every few seconds instead (`watch`)."""
        return self._storage.hears_changes

    def wait_for_change(self, timeout: float) -> bool:
        """Block until another connection changes the articles, or `timeout` seconds pass;
        True when a change came. Without `hears_changes`, sleeps `timeout` and says False.
        Call it from a thread of its own: it holds a connection of that thread."""
        return self._storage.wait_for_change(timeout)

    def stats(self) -> dict[str, Any]:
        """Figures of the store; `pending`: how many articles still wait for `pending_work`
        (an import stopped half-way, or deferred), 0 when none do. Never writes."""
        from reader.core.services.indexing import PENDING_WORK

        figures = self._storage.articles.stats()
        links, resolved = self._storage.links.counts()
        top = figures.pop("top_sources")
        return figures | {
            "related_links": links,
            "related_links_resolved": resolved,
            "pending": self._storage.articles.pending_count(),
            "pending_work": list(PENDING_WORK),
            "top_sources": top,
            "database": str(self.path),
            "database_bytes": self._storage.file_bytes(),
        }
