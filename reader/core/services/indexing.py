"""Writing imported articles: each chunk in one transaction, the row, the full-text index,
the story bands and the links together, or none of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Protocol

from reader.core import minhash
from reader.core.errors import Interrupted, StorageError
from reader.core.models import (
    Article,
    ArticleRecord,
    ExistingArticle,
    ImportFailure,
    ImportResult,
)
from reader.core.services.links import Arrival, LinkResolver
from reader.core.services.prepare import Prepared, fts_row, fts_row_for_delete, prepared_chunks

CHECK_ESTIMATE = 0.4  # MinHash estimate above which a candidate's exact Jaccard is computed
MAX_CHECKS = 5  # exact checks per imported article at most (the closest estimates first)
STORY_CANDIDATES = 20


class ArticleRows(Protocol):
    def find_existing(
        self, url: str | None, title_key: str, source: str | None
    ) -> ExistingArticle | None: ...
    def insert(self, record: ArticleRecord, imported_at: str) -> int: ...
    def update(self, article_id: int, record: ArticleRecord) -> None: ...
    def set_story(self, article_id: int, story_id: int | None) -> None: ...
    def signatures(self, ids: list[int]) -> list[tuple[int, int | None, bytes]]: ...
    def texts(self, ids: list[int]) -> dict[int, tuple[str, str]]: ...
    def mark_bundled(self, ids: list[int]) -> None: ...
    def unmark_bundled(self, ids: list[int]) -> None: ...


class IndexRows(Protocol):
    def add(self, article_id: int, values: Sequence[str]) -> None: ...
    def remove(self, article_id: int, values: Sequence[str]) -> None: ...
    def count_terms(self, added: Counter[str], removed: Counter[str]) -> None: ...
    def vocabulary(self) -> set[str]: ...


class BandRows(Protocol):
    def add(self, article_id: int, bands: list[int]) -> None: ...
    def remove(self, article_id: int) -> None: ...
    def sharing_each(self, bands: list[int], exclude: int | None) -> list[int]: ...


class Transactions(Protocol):
    def transaction(self) -> AbstractContextManager[None]: ...
    def bump_generation(self) -> None: ...


class Indexer:
    """Writes prepared articles: the row, the full-text index, the story bands, the links."""

    def __init__(
        self,
        articles: ArticleRows,
        index: IndexRows,
        bands: BandRows,
        links: LinkResolver,
        transactions: Transactions,
        arrived: Callable[[list[int]], None] | None = None,
    ) -> None:
        self.articles = articles
        self.index = index
        self.bands = bands
        self.links = links
        self.transactions = transactions
        self.arrived = arrived  # told the ids written, inside their transaction (topics)

    def add_articles(
        self,
        items: Iterable[Article | ImportFailure],
        progress: Callable[[ImportResult], None] | None = None,
        *,
        bundled: bool = False,
    ) -> ImportResult:
        """Store articles; failures passed in are collected, so one call reports a whole import.

        Articles are written in chunks, each in one transaction: an article is stored whole or
        not at all. An article already stored (same URL, or same title and source without a
        URL) is updated when its content changed and left alone when it did not. `bundled`:
        the new articles are the bundled ones (marked so, in the same transaction); an article
        stored again by any other import loses that mark.
        """
        result = ImportResult()
        try:
            self._add(items, progress, result, bundled)
        except StorageError as error:
            raise StorageError(f"{error}; {_saved(result)} before it") from error
        except KeyboardInterrupt:  # the chunk being written is rolled back whole
            raise Interrupted(f"interrupted; {_saved(result)}") from None
        return result

    def _add(
        self,
        items: Iterable[Article | ImportFailure],
        progress: Callable[[ImportResult], None] | None,
        result: ImportResult,
        bundled: bool = False,
    ) -> None:
        vocabulary: set[str] | None = None
        for prepared in prepared_chunks(items):
            good: list[Prepared] = []
            for item in prepared:
                if isinstance(item, ImportFailure):
                    result.failed.append(item)
                else:
                    good.append(item)
            if not good:
                continue
            if vocabulary is None:
                vocabulary = self.index.vocabulary()
            for item in good:
                vocabulary.update(item.words)
            self._write_chunk(good, vocabulary, result, bundled)
            if progress is not None:
                progress(result)

    def _write_chunk(
        self,
        prepared: list[Prepared],
        vocabulary: set[str],
        total: ImportResult,
        bundled: bool = False,
    ) -> None:
        result = ImportResult()  # counted into the total only once the chunk is committed
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        added: Counter[str] = Counter()
        removed: Counter[str] = Counter()
        arrivals: list[Arrival] = []
        inserted: list[int] = []
        updated: list[int] = []
        with self.transactions.transaction():
            for item in prepared:
                a = item.article
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
                    record.story_id = self._find_story(item, None)
                    article_id = self.articles.insert(record, now)
                    inserted.append(article_id)
                    result.added += 1
                else:
                    article_id = existing.id
                    old = fts_row_for_delete(existing.title, existing.body, existing.index_extra)
                    self.index.remove(article_id, old)
                    self.bands.remove(article_id)
                    self.articles.update(article_id, record)
                    self.articles.set_story(article_id, self._find_story(item, article_id))
                    removed.update(set(" ".join(old[:3]).split()))
                    updated.append(article_id)
                    result.updated += 1
                self.index.add(article_id, values)
                self.links.store_links(article_id, a.related)
                if len(item.shingles):
                    self.bands.add(article_id, item.bands)
                added.update(item.words)
                arrivals.append(Arrival(article_id, a.url, item.title_key, a.related))
            self.index.count_terms(added, removed)
            if bundled and inserted:
                self.articles.mark_bundled(inserted)
            elif updated and not bundled:
                self.articles.unmark_bundled(updated)
            self.links.arrived(arrivals)
            if arrivals:
                if self.arrived is not None:
                    self.arrived([a.id for a in arrivals])
                self.transactions.bump_generation()
        total.merge(result)

    def _find_story(self, item: Prepared, article_id: int | None) -> int | None:
        """The story of a stored near-duplicate, or None: the article starts its own story.

        Candidates share MinHash bands with it, most shared bands first (a band shared through
        one very common shingle says little); the few whose signature estimate is close are
        confirmed on the exact Jaccard of their shingles.
        """
        if not len(item.shingles):
            return None
        shared = Counter(self.bands.sharing_each(item.bands, article_id))
        top = [other for other, _ in shared.most_common(STORY_CANDIDATES)]
        rows = self.articles.signatures(top)
        estimates = minhash.estimates(item.signature, [blob for _, _, blob in rows])
        close = sorted(
            (
                (estimate, other_id, other_story)
                for estimate, (other_id, other_story, _) in zip(estimates, rows, strict=True)
            ),
            reverse=True,
        )
        best, story = 0.0, None
        for estimate, other_id, other_story in close[:MAX_CHECKS]:
            if estimate < CHECK_ESTIMATE:
                break
            texts = self.articles.texts([other_id])
            if other_id not in texts:
                continue
            score = minhash.jaccard(item.shingles, minhash.shingles(texts[other_id][1]))
            if score >= minhash.SAME_STORY and score > best:
                best, story = score, other_story or other_id
        return story


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
        minhash=minhash.to_blob(item.signature),
    )
