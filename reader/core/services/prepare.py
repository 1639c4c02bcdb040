"""What an article becomes in the store, computed without the store: cleaned fields, keys,
index columns and MinHash. Large imports prepare chunks in a helper process while the previous
chunk is written.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

from reader.core import minhash
from reader.core.clean import clean_body, clean_line
from reader.core.dates import to_utc_key
from reader.core.errors import InvalidArticle
from reader.core.models import Article, ImportFailure, RelatedHeadline
from reader.core.text import WordCheck, extra_stems, nya_words, surface_string, title_key

if TYPE_CHECKING:
    import numpy as np  # (loaded with reader.core.minhash's first use)

log = logging.getLogger(__name__)

CHUNK = 500
PARENT_CHECK_SECONDS = 0.5
# A news article is a few thousand characters; a long report, a hundred thousand. Anything
# past these is not an article, and would cost memory and time out of all proportion.
MAX_BODY_CHARS = 2_000_000
MAX_TITLE_CHARS = 2_000
PARALLEL_PREPARE = (os.cpu_count() or 1) > 1


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
    size = len(article.body or "")
    if size > MAX_BODY_CHARS:
        # Checked before any work: cleaning, tokenizing and shingling grow with the text.
        raise InvalidArticle(
            f"the text is {size:,} characters, more than the {MAX_BODY_CHARS:,} an article may have"
        )
    if len(article.title or "") > MAX_TITLE_CHARS:
        raise InvalidArticle(f"the title is longer than {MAX_TITLE_CHARS:,} characters")
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


Item = Article | ImportFailure


def prepared_chunks(items: Iterable[Item]) -> Iterator[list[Prepared | ImportFailure]]:
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
        with ProcessPoolExecutor(
            max_workers=1,
            mp_context=context,
            initializer=leave_with_parent,
            initargs=(os.getpid(),),
        ) as pool:
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


def leave_with_parent(parent: int) -> None:
    """In the helper process: exit when the importing process is gone.

    A parent killed with SIGKILL (or SIGTERM, which Python does not catch) cannot tell its
    helper to stop, and the helper would wait for work for ever; its orphaned resource tracker
    with it. The helper notices that it was re-parented and leaves.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


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
