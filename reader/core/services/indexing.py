"""Importing: what an article becomes in the store (cleaned fields, keys, index columns,
MinHash), and writing chunks of articles, each in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain
from typing import Protocol

import numpy as np

from reader.core import minhash
from reader.core.clean import clean_body, clean_line
from reader.core.dates import to_utc_key
from reader.core.errors import InvalidArticle
from reader.core.models import (
    Article,
    ArticleRecord,
    ExistingArticle,
    ImportFailure,
    ImportResult,
    RelatedHeadline,
)
from reader.core.services.links import Arrival, LinkResolver
from reader.core.text import WordCheck, extra_stems, nya_words, surface_string, title_key

log = logging.getLogger(__name__)


@dataclass
class Prepared:
    """An article cleaned and keyed, ready to be written."""

    article: Article
    title_key: str
    content_hash: str
    sort_key: str
    shingles: np.ndarray
    signature: np.ndarray
    surfaces: tuple[str, str, str]  # folded words of title, lead and the rest of the body
    words: set[str]  # every distinct surface word
    nya: tuple[list[str], list[str], list[str]]  # words of each surface that may end in -nya
    bands: list[int]  # MinHash band keys, for near-duplicate lookups


def prepare(article: Article) -> Prepared:
    """Clean an importer's article and compute everything that does not need the store."""
    article.title = clean_line(article.title)
    article.body = clean_body(article.body or "")
    if not article.title:
        raise InvalidArticle("no title")
    if not article.body:
        raise InvalidArticle("no body text")
    for name in ("url", "source", "dateline", "published_raw", "category", "origin"):
        setattr(article, name, clean_line(getattr(article, name)) or None)
    article.related = [
        RelatedHeadline(clean_line(r.title), clean_line(r.url) or None)
        for r in article.related
        if clean_line(r.title)
    ]
    shingle_set = minhash.shingles(article.body)
    lead, rest = split_lead(article.body)
    surfaces = (surface_string(article.title), surface_string(lead), surface_string(rest))
    signature = minhash.signature(shingle_set)
    return Prepared(
        article=article,
        title_key=title_key(article.title),
        content_hash=content_hash(article),
        sort_key=to_utc_key(article.published_at),
        shingles=shingle_set,
        signature=signature,
        surfaces=surfaces,
        words=set(" ".join(surfaces).split()),
        nya=(nya_words(surfaces[0]), nya_words(surfaces[1]), nya_words(surfaces[2])),
        bands=minhash.band_keys(signature),
    )


def prepare_chunk(items: list[Article | ImportFailure]) -> list[Prepared | ImportFailure]:
    """prepare() over a chunk; runs in a helper process during large imports."""
    out: list[Prepared | ImportFailure] = []
    for item in items:
        if isinstance(item, ImportFailure):
            out.append(item)
            continue
        try:
            out.append(prepare(item))
        except InvalidArticle as error:
            out.append(ImportFailure(item.origin or "input", item.line, str(error)))
    return out


def content_hash(article: Article) -> str:
    """Changes when anything a reader sees changes; re-importing the same input is a no-op."""
    fields = [
        article.title,
        article.body,
        article.url,
        article.source,
        article.dateline,
        article.published_at,
        article.published_raw,
        article.category,
        [(r.title, r.url) for r in article.related],
    ]
    return hashlib.sha1(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


def split_lead(body: str) -> tuple[str, str]:
    lead, _, rest = body.partition("\n\n")
    return lead, rest


def fts_row(item: Prepared, is_word: WordCheck) -> tuple[list[str], str]:
    """The six FTS column values for an article, and the extras to keep for a later delete."""
    extras = [extra_stems(s, is_word, nya) for s, nya in zip(item.surfaces, item.nya, strict=True)]
    return [*item.surfaces, *extras], "\t".join(extras)


def fts_row_for_delete(title: str, body: str, index_extra: str) -> list[str]:
    """Rebuild exactly the values an article was indexed with (FTS5 contentless delete)."""
    lead, rest = split_lead(body)
    surfaces = [surface_string(text) for text in (title, lead, rest)]
    extras = index_extra.split("\t") if index_extra else ["", "", ""]
    return surfaces + [*extras, "", "", ""][:3]


# -- writing -------------------------------------------------------------------------------

CHUNK = 500
PARALLEL_PREPARE = (os.cpu_count() or 1) > 1
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


class Indexer:
    """Writes prepared articles: the row, the full-text index, the story bands, the links."""

    def __init__(
        self,
        articles: ArticleRows,
        index: IndexRows,
        bands: BandRows,
        links: LinkResolver,
        transactions: Transactions,
    ) -> None:
        self.articles = articles
        self.index = index
        self.bands = bands
        self.links = links
        self.transactions = transactions

    def add_articles(
        self,
        items: Iterable[Article | ImportFailure],
        progress: Callable[[ImportResult], None] | None = None,
    ) -> ImportResult:
        """Store articles; failures passed in are collected, so one call reports a whole import.

        Articles are written in chunks, each in one transaction: an article is stored whole or
        not at all. An article already stored (same URL, or same title and source without a
        URL) is updated when its content changed and left alone when it did not.
        """
        result = ImportResult()
        vocabulary: set[str] | None = None
        for prepared in _prepared_chunks(items):
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
            self._write_chunk(good, vocabulary, result)
            if progress is not None:
                progress(result)
        return result

    def _write_chunk(
        self, prepared: list[Prepared], vocabulary: set[str], result: ImportResult
    ) -> None:
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        added: Counter[str] = Counter()
        removed: Counter[str] = Counter()
        arrivals: list[Arrival] = []
        with self.transactions.transaction():
            for item in prepared:
                a = item.article
                existing = self.articles.find_existing(a.url, item.title_key, a.source)
                if existing is not None and existing.content_hash == item.content_hash:
                    result.unchanged += 1
                    continue
                values, extra = fts_row(item, vocabulary.__contains__)
                record = _record(item, extra)
                if existing is None:
                    record.story_id = self._find_story(item, None)
                    article_id = self.articles.insert(record, now)
                    result.added += 1
                else:
                    article_id = existing.id
                    old = fts_row_for_delete(existing.title, existing.body, existing.index_extra)
                    self.index.remove(article_id, old)
                    self.bands.remove(article_id)
                    self.articles.update(article_id, record)
                    self.articles.set_story(article_id, self._find_story(item, article_id))
                    removed.update(set(" ".join(old[:3]).split()))
                    result.updated += 1
                self.index.add(article_id, values)
                self.links.store_links(article_id, a.related)
                if len(item.shingles):
                    self.bands.add(article_id, item.bands)
                added.update(item.words)
                arrivals.append(Arrival(article_id, a.url, item.title_key, a.related))
            self.index.count_terms(added, removed)
            self.links.arrived(arrivals)

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
        close = sorted(
            (
                (minhash.estimate(item.signature, minhash.from_blob(blob)), other_id, other_story)
                for other_id, other_story, blob in self.articles.signatures(top)
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


Item = Article | ImportFailure


def _prepared_chunks(items: Iterable[Item]) -> Iterator[list[Prepared | ImportFailure]]:
    """Chunks of prepared articles, in input order.

    Preparing (cleaning, tokenizing, MinHash) is pure Python work independent of the store, so
    once an import proves large it moves to a helper process and overlaps with the writes.
    """
    chunks = _chunks(items, CHUNK)
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    if second is None or not PARALLEL_PREPARE:
        yield prepare_chunk(first)
        if second is not None:
            yield prepare_chunk(second)
            yield from map(prepare_chunk, chunks)
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process that holds SQLite
    # (chunk, its future) in input order, dropped once yielded; a chunk is queued before it is
    # submitted, so a helper that dies at submit time loses nothing.
    queue: deque[tuple[list[Item], Future[list[Prepared | ImportFailure]] | None]] = deque()
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            for chunk in chain((first, second), chunks):
                queue.append((chunk, None))
                queue[-1] = (chunk, pool.submit(prepare_chunk, chunk))
                if len(queue) > 2:
                    yield _result(queue)
            while queue:
                yield _result(queue)
    except BrokenProcessPool:
        # The helper could not start (e.g. a caller's script without a __main__ guard): carry
        # on in this process with every chunk not yet handed back.
        log.info("preparing in-process: the helper process could not start")
        for chunk, _ in queue:
            yield prepare_chunk(chunk)
        yield from map(prepare_chunk, chunks)


def _result(
    queue: deque[tuple[list[Item], Future[list[Prepared | ImportFailure]] | None]],
) -> list[Prepared | ImportFailure]:
    """The oldest chunk's prepared articles; it leaves the queue only once they are in hand."""
    future = queue[0][1]
    assert future is not None
    ready = future.result()
    queue.popleft()
    return ready


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
