"""Writing imported articles, in two steps.

1. Stored and searchable: each chunk in one transaction, the row, the full-text index and the
   links together, or none of them; every new or changed article is marked pending in it.
2. Caught up: the pending articles' stories (MinHash bands and same-story lookup), the
   document frequency of their words and their topics, a chunk at a time, lowest id first,
   each chunk in one transaction with the removal of its pending marks.

An import runs both (unless told to leave the second for later); an import killed at any point
leaves a store whose next import (or `catch_up`) ends exactly where one uninterrupted import
would have. While an article is pending it is stored and found by search, shown as a story of
its own, counted in no topic, and its words are not in the term statistics.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple, Protocol

from reader.core import minhash
from reader.core.errors import Interrupted, StorageError
from reader.core.models import (
    ArticleRecord,
    Entry,
    ExistingArticle,
    ImportFailure,
    ImportResult,
)
from reader.core.services.links import Arrival, LinkResolver
from reader.core.services.prepare import (
    Beside,
    Prepared,
    collecting_less,
    fts_row,
    fts_row_for_delete,
    in_helper,
    prepared_chunks,
    words_of,
)
from reader.core.text import surface_string

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

CHECK_ESTIMATE = 0.4  # MinHash estimate above which a candidate's exact Jaccard is computed
MAX_CHECKS = 5  # exact checks per imported article at most (the closest estimates first)
STORY_CANDIDATES = 20
PER_BAND = 30  # candidates read per band: one shared through a very common shingle holds many
CATCH_UP_CHUNK = 500  # pending articles grouped, counted and matched to topics at a time
# Chunks of the second step committed together, their bands looked up together. The bands of
# a large store lie on all of its pages and a chunk's bands touch most of them; a commit writes
# out every page it touched (at 100,000 articles, a commit a chunk wrote the band table about
# once a chunk). 8 cost the same CPU at 100,000 articles and 20 MB more peak memory (texts of
# up to three transactions on their way to the helper process).
CHUNKS_PER_TRANSACTION = 4
PENDING_WORK = ("story grouping", "term statistics", "topics")  # what a pending article waits for


class ArticleRows(Protocol):
    def stored_urls(self, urls: list[str]) -> set[str]: ...
    def find_existing(
        self, url: str | None, title_key: str, source: str | None
    ) -> ExistingArticle | None: ...
    def insert(self, record: ArticleRecord, imported_at: str) -> int: ...
    def insert_many(self, records: list[ArticleRecord], imported_at: str) -> list[int]: ...
    def update(self, article_id: int, record: ArticleRecord) -> None: ...
    def set_story(self, article_id: int, story_id: int | None) -> None: ...
    def signatures(self, ids: list[int]) -> list[tuple[int, int | None, bytes]]: ...
    def texts(self, ids: list[int]) -> dict[int, tuple[str, str]]: ...
    def mark_bundled(self, ids: list[int]) -> None: ...
    def unmark_bundled(self, ids: list[int]) -> None: ...
    def mark_pending(self, ids: list[int]) -> None: ...
    def pending_ids(self, limit: int) -> list[int]: ...
    def pending_among(self, ids: list[int]) -> set[int]: ...
    def pending_count(self) -> int: ...
    def pending_done(self, ids: list[int]) -> None: ...
    def pending_texts(self, ids: list[int]) -> list[tuple[int, str, str, bytes, int | None]]: ...


class IndexRows(Protocol):
    def add_many(self, rows: Sequence[tuple[int, Sequence[str]]]) -> None: ...
    def remove(self, article_id: int, values: Sequence[str]) -> None: ...
    def count_terms(self, added: Counter[str], removed: Counter[str]) -> None: ...
    def vocabulary(self) -> set[str]: ...


class BandRows(Protocol):
    def add_each(self, rows: list[tuple[int, int]]) -> None: ...
    def remove(self, article_id: int) -> None: ...
    def remove_bands(self, article_id: int, bands: list[int]) -> None: ...
    def first_in_each(self, keys: list[int], limit: int) -> dict[int, list[int]]: ...
    def set_groupings(self, rows: list[tuple[int | None, bytes, int]]) -> None: ...


class TopicArrivals(Protocol):
    def plans(self) -> list[tuple[int, Hashable | None]]: ...
    def match_arrived(
        self, arrivals: list[tuple[list[int], list[tuple[int, Hashable | None]]]]
    ) -> None: ...


class Transactions(Protocol):
    def transaction(self) -> AbstractContextManager[None]: ...
    def bump_generation(self) -> None: ...


class Indexer:
    """Writes prepared articles (the row, the full-text index, the links), then catches up
    their stories, word counts and topics."""

    def __init__(
        self,
        articles: ArticleRows,
        index: IndexRows,
        bands: BandRows,
        links: LinkResolver,
        transactions: Transactions,
        topics: TopicArrivals | None = None,
    ) -> None:
        self.articles = articles
        self.index = index
        self.bands = bands
        self.links = links
        self.transactions = transactions
        self.topics = topics  # told the ids caught up, inside their transaction
        self._beside: _Beside | None = None  # step two in another process, while step one runs
        self._chunking: tuple[int, int] | None = None  # (CATCH_UP_CHUNK, CHUNKS_PER_TRANSACTION)
        # Step one: the ids of the last chunk written and its articles' word counts, when
        # every article of it was new (what the process beside is sent, see _write_chunk).
        self._fresh: tuple[list[int], Counter[str]] | None = None
        # Beside an import: those counts as received, by the first id of their chunk.
        self._counted: dict[int, tuple[list[int], Counter[str]]] = {}

    def _sizes(self) -> tuple[int, int]:
        """Step two's chunk and chunks per transaction (the module's, read when used: a test
        makes them small)."""
        return self._chunking or (CATCH_UP_CHUNK, CHUNKS_PER_TRANSACTION)

    def add_articles(
        self,
        items: Iterable[Entry],
        progress: Callable[[ImportResult], None] | None = None,
        *,
        bundled: bool = False,
        defer: bool = False,
        beside: Callable[[int, int], Beside] | None = None,
    ) -> ImportResult:
        """Store articles; failures passed in are collected, so one call reports a whole import.

        Articles are written in chunks, each in one transaction: an article is stored whole or
        not at all. An article already stored (same URL, or same title and source without a
        URL) is updated when its content changed and left alone when it did not. `bundled`:
        the new articles are the bundled ones (marked so, in the same transaction); an article
        stored again by any other import loses that mark. Then every pending article (this
        import's, and any an earlier import left) is caught up, unless `defer`.

        `beside(chunk, chunks_per_transaction)` starts a process that runs `catch_up_beside`
        on the same store (once there is a second chunk to write): the second step then
        catches up each chunk the first has committed while the first writes the next (both
        cores at work), and this call returns once it has caught up everything. It does the
        same work in the same order as the second step after the first: articles lowest id
        first, each after every article before it. An import that updates an article puts
        that order at risk, so its first update stops the other process and gives back to the
        pending articles all it did (see _rewind); the second step then runs here after the
        first, as without `beside`.
        """
        result = ImportResult()
        try:
            with collecting_less():
                self._add(items, progress, result, bundled, beside)
                self._end_beside()
                if not defer:
                    self._catch_up()
        except StorageError as error:
            raise StorageError(f"{error}; {_saved(result)} before it") from error
        except KeyboardInterrupt:  # the chunk being written is rolled back whole
            self._stop_beside()  # before counting what waits: it may still commit one more
            raise Interrupted(f"interrupted; {_saved(result)}{self._waiting()}") from None
        finally:
            self._stop_beside()
        return result

    def _stop_beside(self) -> None:
        """Stop the other process, if it still runs, before anything more it would write, and
        wait for it to end."""
        if self._beside is not None:
            self._beside.process.stop()
            self._end_beside()

    def _end_beside(self) -> None:
        """Tell the other process that the first step is done, and wait until it has caught
        up every pending article (or stopped, told to). It is forgotten only once it has
        ended: a Ctrl-C during the wait finds it in `_beside`, to stop it."""
        beside = self._beside
        if beside is None:
            return
        beside.process.send(None)
        ended_well = beside.process.join()
        self._beside = None
        if not ended_well:
            log.warning(
                "the second step's process failed (%s); this import catches up what it left",
                beside.process.error,
            )

    def catch_up_beside(
        self,
        sizes: tuple[int, int],
        receive: Callable[[bool], list[object]],
        stopped: Callable[[], bool],
    ) -> None:
        """In the process `add_articles(beside=...)` starts: catch up the pending articles
        each time the importing process says it has committed more (`receive`), until it says
        it is done (None), or stop before writing anything more once `stopped()`. `sizes`:
        the importing process's chunk and chunks per transaction."""
        self._chunking = sizes
        finished = False
        while not finished:
            messages = receive(True)
            finished = None in messages
            for message in messages:
                if isinstance(message, tuple):  # a chunk's ids and word counts
                    ids, words = message
                    self._counted[ids[0]] = (ids, words)
            try:
                # Whole transactions of CHUNKS_PER_TRANSACTION chunks until the end, as the
                # second step after the first makes them: a commit writes out every page of
                # the bands it touched, and a large store's chunk touches most of them.
                self._catch_up(stopped=stopped, whole=not finished)
            except _Stopped:
                return

    def catch_up(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Do the waiting work of every pending article, a chunk per transaction; how many
        were done. `progress(done, left)` after each chunk."""
        try:
            with collecting_less():
                return self._catch_up(progress)
        except KeyboardInterrupt:
            raise Interrupted(f"interrupted{self._waiting()}") from None

    def pending(self) -> int:
        """How many articles wait for their story, word counts and topics."""
        return self.articles.pending_count()

    def _waiting(self) -> str:
        try:
            left = self.articles.pending_count()
        except StorageError:
            return ""
        if not left:
            return ""
        return (
            f"; {left:,} {'article waits' if left == 1 else 'articles wait'} for "
            f"{', '.join(PENDING_WORK)} (the next import finishes them)"
        )

    def _add(
        self,
        items: Iterable[Entry],
        progress: Callable[[ImportResult], None] | None,
        result: ImportResult,
        bundled: bool = False,
        beside: Callable[[int, int], Beside] | None = None,
    ) -> None:
        vocabulary: set[str] | None = None
        written = 0
        for chunk in prepared_chunks(items):
            good: list[Prepared] = []
            for item in chunk.items:
                if isinstance(item, ImportFailure):
                    result.failed.append(item)
                else:
                    good.append(item)
            if not good:
                continue
            if vocabulary is None:
                vocabulary = self._vocabulary()
            vocabulary.update(chunk.words)
            if written == 1 and beside is not None:
                # A second chunk: the import is large enough to be worth a process of its
                # own for the second step (it costs a few tenths of a second to start).
                self._beside = _Beside(
                    beside(*self._sizes()), self.articles.pending_ids(self.articles.pending_count())
                )
                self._beside.process.send(self._fresh or True)
            self._write_chunk(good, vocabulary, result, bundled, chunk.words)
            written += 1
            if progress is not None:
                progress(result)

    def _vocabulary(self) -> set[str]:
        """The words of the store: those counted in the term statistics and those of the
        articles still waiting to be counted (an earlier import's, stopped half-way)."""
        vocabulary = self.index.vocabulary()
        done = 0
        while ids := self.articles.pending_ids(done + CATCH_UP_CHUNK)[done:]:
            for _, title, body, *_ in self.articles.pending_texts(ids):
                vocabulary.update(words_of(title, body))
            done += len(ids)
        return vocabulary

    def _write_chunk(
        self,
        prepared: list[Prepared],
        vocabulary: set[str],
        total: ImportResult,
        bundled: bool = False,
        words: Counter[str] | None = None,
    ) -> None:
        """Step one: the rows, the full-text index and the links of a chunk, each new or
        changed article marked pending, in one transaction. `words`: how many of the chunk's
        articles hold each word (prepare.PreparedChunk)."""
        result = ImportResult()  # counted into the total only once the chunk is committed
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        removed: Counter[str] = Counter()
        arrivals: list[Arrival] = []
        inserted: list[int] = []
        updated: list[int] = []
        # The chunk's full-text rows are written together after its other rows: FTS5 writes
        # the rows it holds in memory out as a new segment whenever another statement of the
        # transaction opens a savepoint (any INSERT into articles does), so interleaved they
        # made a segment per article and the merges that follow (twice the writing time).
        index_rows: list[tuple[int, list[str], list[str] | None]] = []  # (id, values, old)
        written: set[int] = set()  # pending from this chunk on
        # New articles wait here and are inserted together (one executemany on SQLite), before
        # anything that could see them: a lookup (a URL met again in the chunk), an update.
        new: list[tuple[Prepared, ArticleRecord, list[str]]] = []

        def insert_new() -> None:
            ids = self.articles.insert_many([record for _, record, _ in new], now)
            for (item, _, values), article_id in zip(new, ids, strict=True):
                inserted.append(article_id)
                index_rows.append((article_id, values, None))
                written.add(article_id)
                if item.article.related:  # a new id has no headlines to replace
                    self.links.store_links(article_id, item.article.related)
                arrivals.append(
                    Arrival(article_id, item.article.url, item.title_key, item.article.related)
                )
            result.added += len(ids)
            new.clear()

        with self.transactions.transaction():
            # Which URLs are stored, asked once for the chunk: a new article (most of a feed)
            # then costs no lookup of its own (on PostgreSQL, a round trip to the server each).
            # A URL seen earlier in the chunk is looked up, since that article may be stored now.
            stored = self.articles.stored_urls([p.article.url for p in prepared if p.article.url])
            for item in prepared:
                a = item.article
                if a.url and a.url not in stored:
                    existing = None
                    stored.add(a.url)
                else:
                    insert_new()
                    existing = self.articles.find_existing(a.url, item.title_key, a.source)
                if existing is not None and existing.content_hash == item.content_hash:
                    result.unchanged += 1
                    continue
                values, extra = fts_row(item, vocabulary.__contains__)
                record = _record(item, extra)
                if not record.sort_key:
                    # Undated: it sorts by when it was first stored (an update keeps that).
                    record.sort_key = existing.sort_key if existing is not None else now
                if existing is None:
                    new.append((item, record, values))
                    continue
                article_id = existing.id
                if self._beside is not None and not self._beside.stopped:
                    self._rewind()
                replaced = fts_row_for_delete(existing.title, existing.body, existing.index_extra)
                counted = article_id not in written and not self.articles.pending_among(
                    [article_id]
                )
                if counted:
                    # Its words were counted and its bands stored: it waits again as new.
                    self.bands.remove(article_id)
                    removed.update(set(" ".join(replaced[:3]).split()))
                self.articles.update(article_id, record)
                updated.append(article_id)
                result.updated += 1
                index_rows.append((article_id, values, replaced))
                written.add(article_id)
                self.links.store_links(article_id, a.related)
                arrivals.append(Arrival(article_id, a.url, item.title_key, a.related))
            insert_new()
            added: list[tuple[int, list[str]]] = []  # consecutive additions, written together
            for article_id, values, old in index_rows:
                if old is not None:
                    self.index.add_many(added)
                    added.clear()
                    self.index.remove(article_id, old)
                added.append((article_id, values))
            self.index.add_many(added)
            if removed:
                self.index.count_terms(Counter(), removed)
            if bundled and inserted:
                self.articles.mark_bundled(inserted)
            elif updated and not bundled:
                self.articles.unmark_bundled(updated)
            self.links.arrived(arrivals)
            if arrivals:
                self.articles.mark_pending([a.id for a in arrivals])
                self.transactions.bump_generation()
        total.merge(result)
        # Every article of the chunk new: its word counts are those of the new ids, which the
        # second step need not count again (it counts the words of ids it was not sent).
        all_new = words is not None and len(inserted) == len(prepared)
        self._fresh = (inserted, words) if all_new and words is not None else None
        beside = self._beside
        if beside is not None and not beside.stopped and arrivals:
            # Committed: the other process may take them.
            beside.handed.extend(a.id for a in arrivals)
            beside.process.send(self._fresh or True)

    def _rewind(self) -> None:
        """Inside step one's transaction, before its first update of an article: stop the
        process catching up beside it and give back to the pending articles every article it
        caught up during this import (their bands, their word counts; their stories and
        topics are set again when they are caught up again). The second step then runs after
        the first, as in an import without it: an update puts a stored article back among
        the pending ones, and the articles after it must be grouped after it again.

        The other process checks whether it was stopped inside each of its transactions,
        after taking the write lock that this transaction holds: it commits nothing more."""
        beside = self._beside
        assert beside is not None
        beside.process.stop()
        beside.stopped = True
        handed = beside.handed
        caught = sorted(set(handed) - self.articles.pending_among(handed))
        removed: Counter[str] = Counter()
        for start in range(0, len(caught), CATCH_UP_CHUNK):
            ids = caught[start : start + CATCH_UP_CHUNK]
            for article_id, _, blob in self.articles.signatures(ids):
                keys = minhash.blob_band_keys(blob)
                if keys:
                    self.bands.remove_bands(article_id, keys)
            for title, body in self.articles.texts(ids).values():
                removed.update(words_of(title, body))
        if removed:
            self.index.count_terms(Counter(), removed)
        self.articles.mark_pending(caught)

    def _catch_up(
        self,
        progress: Callable[[int, int], None] | None = None,
        stopped: Callable[[], bool] | None = None,
        whole: bool = False,
    ) -> int:
        """Step two, lowest id first, a chunk of pending articles at a time and a few chunks
        per transaction: each article's story is looked up among the articles done before it
        (as if they had arrived one by one), its signature and bands stored, its words
        counted, its topics matched. Words and signatures are computed a transaction ahead
        (in the helper process)."""
        waiting = self.articles.pending_ids(self.articles.pending_count())
        per, most = self._sizes()
        if whole:  # only whole transactions (beside an import: the rest comes with more)
            waiting = waiting[: len(waiting) - len(waiting) % (per * most)]
        chunks = [waiting[i : i + per] for i in range(0, len(waiting), per)]
        # Transactions of 1, 2, 4... chunks up to CHUNKS_PER_TRANSACTION: this process waits
        # only for the first chunk's words and signatures, and the helper keeps ahead. Beside
        # an import (`stopped` given) this process is the helper: no process of its own, and
        # whole transactions at once.
        batches: list[list[list[int]]] = []
        start, size = 0, 1 if stopped is None else most
        while start < len(chunks):
            batches.append(chunks[start : start + size])
            start, size = start + size, min(2 * size, most)
        # (story, signature) each article holds now: the second step leaves a row that holds
        # what it found as it is (most of an import's: the first step stored the signature).
        held: dict[int, tuple[int | None, bytes]] = {}

        def texts_of(batch: list[list[int]]) -> list[Unread]:
            found: list[Unread] = []
            for ids in batch:
                words = self._counts_of(ids)
                if words is not None:
                    found.append((self._signed_rows(ids, held), words))
                    continue
                rows = self.articles.pending_texts(ids)
                held.update((row[0], (row[4], row[3])) for row in rows)
                found.append(([row[:4] for row in rows], None))
            return found

        texts = map(texts_of, batches)
        done = 0
        grouped = (
            in_helper(texts, grouped_chunks) if stopped is None else map(grouped_chunks, texts)
        )
        for batch, found in zip(batches, grouped, strict=True):
            # What the transaction reads (bands, candidates) is read before it takes the write
            # lock, which the first step then waits for less; this step is the only writer of
            # what the reads depend on (an update by the first step stops it first, below).
            stories, bands = self._plan(found)
            with self.transactions.transaction():
                if stopped is not None and stopped():  # checked holding the write lock
                    raise _Stopped
                ids = [article_id for chunk in batch for article_id in chunk]
                if len(self.articles.pending_among(ids)) != len(ids):
                    return done  # another process caught them up meanwhile: it does the rest
                self._catch_up_batch(batch, found, held, stories, bands)
                self.transactions.bump_generation()
            done += sum(map(len, batch))
            if progress is not None:
                progress(done, len(waiting) - done)
        return done

    def _counts_of(self, ids: list[int]) -> Counter[str] | None:
        """The word counts the import sent for exactly these articles (whole chunks of its
        first step, `catch_up_beside`), or None."""
        groups: list[tuple[list[int], Counter[str]]] = []
        at = 0
        while at < len(ids):
            group = self._counted.get(ids[at])
            if group is None or ids[at : at + len(group[0])] != group[0]:
                return None
            groups.append(group)
            at += len(group[0])
        for group_ids, _ in groups:
            del self._counted[group_ids[0]]
        if len(groups) == 1:
            return groups[0][1]
        total: Counter[str] = Counter()
        for _, words in groups:
            total.update(words)
        return total

    def _signed_rows(
        self, ids: list[int], held: dict[int, tuple[int | None, bytes]]
    ) -> list[tuple[int, str, str, bytes]]:
        """(id, title, body, signature) of these articles, in id order, for grouped_chunk
        given their word counts: the text only of those without a stored signature."""
        rows = sorted(
            (row[0], bytes(row[2] or b""), row[1]) for row in self.articles.signatures(ids)
        )
        held.update((article_id, (story, blob)) for article_id, blob, story in rows)
        texts = self.articles.texts([row[0] for row in rows if not _signed(row[1])])
        return [
            (article_id, *texts.get(article_id, ("", "")), blob) for article_id, blob, _ in rows
        ]

    def _plan(
        self, found: list[tuple[list[Grouped], Counter[str]]]
    ) -> tuple[list[dict[int, int]], list[tuple[int, int]]]:
        """The stories found for the chunks of one transaction ({id: story} a chunk), and
        their (band key, id) rows, read from the store without writing. Their bands are looked
        up at once, in key order (a large store's bands do not fit in the page cache: each of
        their pages is read once a transaction rather than once a chunk). A chunk sees the
        stories and signatures the chunks before it in the transaction will have written."""
        keyed = [g for groupings, _ in found for g in groupings if g.bands is not None]
        keys = [key for g in keyed for key in g.bands or ()]
        # The stored articles of each band: the first PER_BAND ids of each, as one article at
        # a time would have read them.
        members = self.bands.first_in_each(keys, PER_BAND)
        # Only a key in the store's bands or in two of the transaction's articles can find
        # anything; an article with none of them (most of a feed) has no candidates.
        shared_keys = {key for key, count in Counter(keys).items() if count > 1}
        shared_keys.update(members)
        stories: list[dict[int, int]] = []
        earlier: dict[int, tuple[int, int | None, bytes]] = {}  # (id, story, signature)
        for groupings, _ in found:
            found_here = self._find_stories(groupings, members, shared_keys, earlier)
            stories.append(found_here)
            earlier.update((g.id, (g.id, found_here.get(g.id), g.signature)) for g in groupings)
        return stories, [(key, g.id) for g in keyed for key in g.bands or ()]

    def _catch_up_batch(
        self,
        chunks: list[list[int]],
        found: list[tuple[list[Grouped], Counter[str]]],
        held: dict[int, tuple[int | None, bytes]],
        stories_each: list[dict[int, int]],
        bands: list[tuple[int, int]],
    ) -> None:
        """The writes of one transaction's chunks (`_plan` found their stories and bands):
        stories and signatures, word counts and pending marks a chunk at a time, then the
        topics, and the bands at the end, in key order."""
        arrivals = []  # each chunk's ids, with the topics' matching once its words are counted
        for ids, (groupings, words), stories in zip(chunks, found, stories_each, strict=True):
            groupings_found = [(stories.get(g.id), g.signature, g.id) for g in groupings]
            self.bands.set_groupings(
                [row for row in groupings_found if held.pop(row[2], None) != row[:2]]
            )
            self.index.count_terms(words, Counter())
            if self.topics is not None:
                arrivals.append((ids, self.topics.plans()))
            self.articles.pending_done(ids)
        if self.topics is not None:
            # The chunks' topics, matched together where their plans agree (the index rows
            # they match were written by the first step: the same rows as chunk by chunk).
            self.topics.match_arrived(arrivals)
        self.bands.add_each(bands)

    def _find_stories(
        self,
        groupings: list[Grouped],
        members: dict[int, list[int]],
        shared_keys: set[int],
        earlier: dict[int, tuple[int, int | None, bytes]],
    ) -> dict[int, int]:
        """{id: story} of the articles of a chunk (in id order) that tell a stored story.

        The same answers as each article arriving on its own, after the ones before it: an
        article's candidates are the first PER_BAND ids of each of its bands in `members`
        (those stored when the transaction began, for the keys of `shared_keys`), with the
        articles done before it in the transaction placed among them. `earlier`: (id, story,
        signature) of the articles of the chunks before it in the transaction, as they will
        be written (`set_groupings`), read instead of the store's row."""
        keyed = [g for g in groupings if g.bands is not None]
        tops: list[list[int]] = []
        for found in keyed:
            article_id, bands = found.id, found.bands or []
            if shared_keys.isdisjoint(bands):
                tops.append([])
                continue
            held = [members[key] for key in bands if key in members]
            others = [other for ids in held for other in ids if other != article_id]
            shared = Counter(others)
            tops.append([other for other, _ in shared.most_common(STORY_CANDIDATES)])
            for key in bands:  # its bands, seen by the articles after it
                if key in shared_keys:
                    ids = members.get(key)
                    if ids is None:
                        members[key] = [article_id]
                    else:
                        _place(ids, article_id)
        candidates = sorted({other for top in tops for other in top})
        stored: dict[int, tuple[int, int | None, bytes]] = {}
        for start in range(0, len(candidates), CATCH_UP_CHUNK):
            for row in self.articles.signatures(candidates[start : start + CATCH_UP_CHUNK]):
                stored[row[0]] = row
        for other in candidates:
            if other in earlier:
                stored[other] = earlier[other]
        signatures = {g.id: g.signature for g in keyed}
        stories: dict[int, int] = {}
        done: set[int] = set()  # the chunk's articles grouped so far
        for found, top in zip(keyed, tops, strict=True):
            rows = [
                (other, stories.get(other), signatures[other]) if other in done else stored[other]
                for other in top
                if other in done or other in stored
            ]
            story = self._find_story(found.signature, found.id, rows)
            if story is not None:
                stories[found.id] = story
            done.add(found.id)
        return stories

    def _find_story(
        self, signature: bytes, article_id: int, rows: list[tuple[int, int | None, bytes]]
    ) -> int | None:
        """The story of a stored near-duplicate, or None: the article starts its own story.

        `rows`: (id, story, signature) of its candidates, the articles that share most MinHash
        bands with it (a band shared through one very common shingle says little); the few
        whose signature estimate is close are confirmed on the exact Jaccard of their
        shingles (computed only then).
        """
        if not rows:
            return None
        estimates = minhash.estimates(minhash.from_blob(signature), [blob for _, _, blob in rows])
        close = sorted(
            (
                (estimate, other_id, other_story)
                for estimate, (other_id, other_story, _) in zip(estimates, rows, strict=True)
            ),
            reverse=True,
        )
        checked = [found for found in close[:MAX_CHECKS] if found[0] >= CHECK_ESTIMATE]
        if not checked:
            return None
        # The texts of the article and of every candidate checked, in one read.
        texts = self.articles.texts([article_id, *(other_id for _, other_id, _ in checked)])
        best, story = 0.0, None
        shingles: np.ndarray | None = None
        for _, other_id, other_story in checked:
            if other_id not in texts:
                continue
            if shingles is None:
                shingles = minhash.shingles(texts[article_id][1])
            score = minhash.jaccard(shingles, minhash.shingles(texts[other_id][1]))
            if score >= minhash.SAME_STORY and score > best:
                best, story = score, other_story or other_id
        return story


class _Stopped(Exception):
    """The process catching up beside an import was told to stop (Indexer._rewind)."""


@dataclass
class _Beside:
    """Step two's process beside step one (Indexer.add_articles), and the ids it may have
    caught up: those pending when the import began and every id the import marked pending."""

    process: Beside
    handed: list[int]
    stopped: bool = False


class Grouped(NamedTuple):
    """What the importing process needs of an article for its story: its MinHash signature
    and bands (bands None when the body has no shingles). Its words are counted for the whole
    chunk in the helper."""

    id: int
    signature: bytes
    bands: list[int] | None


_NO_SHINGLES = b"\xff" * (minhash.PERMUTATIONS * 4)  # the signature of a body without shingles


def _signed(blob: bytes) -> bool:
    """Whether a stored signature is one to read instead of shingling the body again."""
    return len(blob) == minhash.PERMUTATIONS * 4 and blob != _NO_SHINGLES


# A chunk's (id, title, body, stored signature) rows, and its word counts when already known.
Unread = tuple[list[tuple[int, str, str, bytes]], Counter[str] | None]


def grouped_chunk(
    rows: Sequence[tuple[int, str, str] | tuple[int, str, str, bytes]],
    counted: Counter[str] | None = None,
) -> tuple[list[Grouped], Counter[str]]:
    """Step two's work that needs no store, over (id, title, body) rows, or (id, title, body,
    stored signature) rows: each article's signature and bands, and how many of the chunk's
    articles hold each word (tests/core/test_minhash_chunks.py holds the article-at-a-time
    reference). Run in the helper process.

    The MinHash of the whole chunk is computed at once (minhash.chunk_*: the same values, in a
    few array operations instead of a few an article), and its words cross over as one Counter
    instead of a set an article (about a million strings for 10,000 articles, unpickled in the
    importing process). A stored signature (the first step's, or an earlier catch-up's, of the
    same body) is read instead of shingling the body again, unless it is that of a body
    without shingles (whose bands are None).

    `counted`: the chunk's word counts, when the import's first step made them as it prepared
    these articles (a row with a stored signature then needs no text)."""
    counting = counted is None
    words: Counter[str] = Counter() if counted is None else counted
    shingle_words: list[list[str]] = []
    signed: list[bytes] = []
    for row in rows:
        title, body = row[1], row[2]
        stored = row[3] if len(row) > 3 else b""
        if _signed(stored):
            if counting:
                # No word spans the title and the body or two paragraphs: the words of the
                # whole are those of each part.
                words.update(set(surface_string(f"{title}\n{body}").split()))
            signed.append(stored)
            continue
        # The surface string of each paragraph gives its words and its shingles (the body
        # is read once for both).
        paragraphs = body.split("\n\n")
        surfaces = [surface_string(paragraph) for paragraph in paragraphs]
        if counting:
            found = set(surface_string(title).split())
            for surface in surfaces:
                found.update(surface.split())
            words.update(found)
        shingle_words.append(minhash.shingle_words(paragraphs, surfaces))
        signed.append(b"")
    shingle_sets = minhash.chunk_shingles(shingle_words)
    signatures = minhash.chunk_signatures(shingle_sets)
    computed = zip(
        signatures.astype("<u4"), minhash.chunk_band_keys(signatures), shingle_sets, strict=True
    )
    stored_bands = iter(minhash.blobs_band_keys([blob for blob in signed if blob]))
    grouped = []
    for row, blob in zip(rows, signed, strict=True):
        if blob:
            grouped.append(Grouped(row[0], blob, next(stored_bands)))
        else:
            signature, bands, shingle_set = next(computed)
            grouped.append(
                Grouped(row[0], signature.tobytes(), bands if len(shingle_set) else None)
            )
    return grouped, words


def grouped_chunks(chunks: Sequence[Unread]) -> list[tuple[list[Grouped], Counter[str]]]:
    """grouped_chunk of each chunk of a transaction (in the helper process)."""
    return [grouped_chunk(rows, counted) for rows, counted in chunks]


def _place(ids: list[int], article_id: int) -> None:
    """Put `article_id` among the first PER_BAND ids of a band (lowest first), once."""
    at = bisect_left(ids, article_id)
    if at < PER_BAND and (at == len(ids) or ids[at] != article_id):
        ids.insert(at, article_id)
        del ids[PER_BAND:]


def _saved(result: ImportResult) -> str:
    saved = result.added + result.updated
    return f"{saved} {'article' if saved == 1 else 'articles'} of this import were saved"


def _record(item: Prepared, index_extra: str) -> ArticleRecord:
    a = item.article
    return ArticleRecord(
        url=a.url,
        source=a.source,
        dateline=a.dateline,
        title=a.title,
        title_key=item.title_key,
        body=a.body,
        published_at=a.published_at,
        published_raw=a.published_raw,
        sort_key=item.sort_key,
        category=a.category,
        content_hash=item.content_hash,
        origin=a.origin,
        index_extra=index_extra,
        minhash=item.signature,  # b"": the second step computes it
    )
