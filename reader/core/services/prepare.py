"""What an article becomes in the store, computed without the store: cleaned fields, keys and
index columns for an import's first step; its words and MinHash for the second (see
reader.core.services.indexing). Large imports compute chunks in a helper process while the
previous chunk is written.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import multiprocessing
import os
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from dataclasses import dataclass, fields
from itertools import chain
from typing import Any, Generic, TypeVar

from reader.core.clean import clean_body, clean_line, safe_text
from reader.core.dates import to_utc_key
from reader.core.errors import InvalidArticle
from reader.core.models import Article, Entry, ImportFailure, RelatedHeadline, Unbuilt
from reader.core.text import (
    WordCheck,
    extra_stems,
    nya_words,
    reduplications,
    stored_index_values,
    surface_string,
)

log = logging.getLogger(__name__)

CHUNK = 500
PARENT_CHECK_SECONDS = 0.5
# A news article is a few thousand characters; a long report, a hundred thousand. Anything
# past these is not an article, and would cost memory and time out of all proportion.
MAX_BODY_CHARS = 2_000_000
MAX_TITLE_CHARS = 2_000


def _cores() -> int:
    """The cores this process may run on (its affinity: taskset, a container's cpuset)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


PARALLEL_PREPARE = _cores() > 1


@dataclass
class Prepared:
    """An article cleaned and keyed, ready to be written."""

    article: Article
    title_key: str
    content_hash: str
    sort_key: str
    surfaces: tuple[str, str, str]  # folded words of title, lead and the rest of the body
    nya: tuple[list[str], list[str], list[str]]  # words of each surface that may end in -nya
    redups: tuple[str, str, str]  # reduplication tokens of title, lead and the rest (text.py)
    # Its MinHash signature (minhash.to_blob), when computed with it (`signed_chunk`) and its
    # body has shingles; b"" otherwise (the second step computes it then).
    signature: bytes = b""


@dataclass
class PreparedChunk:
    """A chunk's prepared articles (and failures), in input order, and every distinct surface
    word of its articles with how many of them hold it (what the import adds to the words it
    knows, the chunk at once; the second step counts them into the term statistics).

    Pickled (from the helper process) as plain tuples, not as objects: unpickling 500
    Prepared with their Article, each rebuilt attribute by attribute, and a set of words for
    each, cost the importing process about as long as writing their rows."""

    items: list[Prepared | ImportFailure]
    words: Counter[str]

    def __reduce__(self) -> tuple[Callable[..., PreparedChunk], tuple[Any, ...]]:
        packed = [item if isinstance(item, ImportFailure) else _packed(item) for item in self.items]
        return _unpacked_chunk, (packed, self.words)


_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))
_RELATED = _ARTICLE_FIELDS.index("related")
_PREPARED_FIELDS = tuple(f.name for f in fields(Prepared))


def _packed(item: Prepared) -> tuple[Any, ...]:
    article = [getattr(item.article, name) for name in _ARTICLE_FIELDS]
    article[_RELATED] = [(r.title, r.url, r.target_id) for r in item.article.related]
    return (tuple(article), *(getattr(item, name) for name in _PREPARED_FIELDS[1:]))


def _unpacked_chunk(packed: list[Any], words: Counter[str]) -> PreparedChunk:
    items: list[Prepared | ImportFailure] = []
    for item in packed:
        if isinstance(item, ImportFailure):
            items.append(item)
            continue
        article = list(item[0])
        article[_RELATED] = [RelatedHeadline(*r) for r in article[_RELATED]]
        items.append(Prepared(Article(*article), *item[1:]))
    return PreparedChunk(items, words)


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
    surfaces = _surfaces(article.title, article.body)
    return Prepared(
        article=article,
        title_key=surfaces[0],  # text.title_key(title): the title's surface string
        content_hash=content_hash(article),
        sort_key=to_utc_key(article.published_at),
        surfaces=surfaces,
        nya=(nya_words(surfaces[0]), nya_words(surfaces[1]), nya_words(surfaces[2])),
        redups=_redups(article.title, article.body),
    )


def _surfaces(title: str, body: str) -> tuple[str, str, str]:
    lead, rest = split_lead(body)
    return surface_string(title), surface_string(lead), surface_string(rest)


def _redups(title: str, body: str) -> tuple[str, str, str]:
    lead, rest = split_lead(body)
    return reduplications(title), reduplications(lead), reduplications(rest)


def words_of(title: str, body: str) -> set[str]:
    """Every distinct surface word of a stored article (what prepare_chunk gives of it)."""
    return set(" ".join(_surfaces(title, body)).split())


def prepare_chunk(items: list[Entry]) -> PreparedChunk:
    """prepare() over a chunk, its unbuilt entries built first; runs in a helper process
    during large imports."""
    out: list[Prepared | ImportFailure] = []
    words: Counter[str] = Counter()
    for entry in items:
        item = entry.build(*entry.args) if isinstance(entry, Unbuilt) else entry
        if isinstance(item, ImportFailure):
            out.append(item)
            continue
        try:
            prepared = prepare(item)
        except InvalidArticle as error:
            out.append(ImportFailure(item.origin or "input", item.line, str(error)))
            continue
        out.append(prepared)
        # Its distinct words (words_of): those of the title, lead and rest, since no word
        # spans two of them.
        words.update(set(" ".join(prepared.surfaces).split()))
    return PreparedChunk(out, words)


def signed_chunk(items: list[Entry]) -> PreparedChunk:
    """prepare_chunk, and the MinHash signature of each article whose body has shingles,
    from the surface strings it has just made (minhash.body_shingle_words): the second step
    then reads its bands from the stored signature instead of reading the body again. Run in
    the helper process, which loads numpy for it (the importing process does not)."""
    from reader.core import minhash

    chunk = prepare_chunk(items)
    prepared = [item for item in chunk.items if isinstance(item, Prepared)]
    word_lists = [
        minhash.body_shingle_words(p.article.body, p.surfaces[1], p.surfaces[2]) for p in prepared
    ]
    shingle_sets = minhash.chunk_shingles(word_lists)
    blobs = minhash.chunk_signatures(shingle_sets).astype("<u4")
    for i, item in enumerate(prepared):
        if len(shingle_sets[i]):
            item.signature = blobs[i].tobytes()
    return chunk


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
    return hashlib.sha1(_JSON.encode(fields).encode()).hexdigest()


# json.dumps(fields, ensure_ascii=False) builds this encoder again at every call.
_JSON = json.JSONEncoder(ensure_ascii=False)


def split_lead(body: str) -> tuple[str, str]:
    lead, _, rest = body.partition("\n\n")
    return lead, rest


def fts_row(item: Prepared, is_word: WordCheck) -> tuple[list[str], str]:
    """The nine full-text values of an article (see text.stored_index_values), and the extras
    to keep for a later delete."""
    extras = [extra_stems(s, is_word, nya) for s, nya in zip(item.surfaces, item.nya, strict=True)]
    return [*item.surfaces, *extras, *item.redups], "\t".join(extras)


def fts_row_for_delete(title: str, body: str, index_extra: str) -> list[str]:
    """Rebuild exactly the values an article was indexed with (FTS5 contentless delete)."""
    return stored_index_values(title, body, index_extra)


def prepared_chunks(items: Iterable[Entry]) -> Iterator[PreparedChunk]:
    """Chunks of prepared articles, in input order.

    Preparing (cleaning, tokenizing) is pure Python work independent of the store, so once an
    import proves large it is shared with a helper process and overlaps with the writes.
    """
    return shared(_chunks(items, CHUNK), signed_chunk, here=prepare_chunk)


_In = TypeVar("_In")
_Out = TypeVar("_Out")


def in_helper(chunks: Iterator[_In], work: Callable[[_In], _Out]) -> Iterator[_Out]:
    """`work` of each chunk, in order: in a helper process (one chunk ahead of the caller)
    when there are two chunks or more, in this process otherwise."""
    first, second = next(chunks, None), next(chunks, None)
    if first is None or second is None or not PARALLEL_PREPARE:
        yield from _here(first, second, chunks, work)
        return
    # (chunk, its future) in input order, dropped once yielded; a chunk is queued before it is
    # submitted, so a helper that dies at submit time loses nothing.
    queue: deque[tuple[_In, Future[_Out] | None]] = deque()
    try:
        with _helper_pool() as pool:
            for chunk in chain((first, second), chunks):
                queue.append((chunk, None))
                queue[-1] = (chunk, pool.submit(work, chunk))
                if len(queue) > 2:
                    yield _result(queue)
            while queue:
                yield _result(queue)
    except BrokenProcessPool:
        # The helper could not start (e.g. a caller's script without a __main__ guard): carry
        # on in this process with every chunk not yet handed back.
        log.info("working in-process: the helper process could not start")
        for chunk, _ in queue:
            yield work(chunk)
        yield from map(work, chunks)


HELPER_AHEAD = 2  # chunks handed to the helper process and not yet back, at most
IN_FLIGHT = 4  # chunks read and not yet handed back to the caller, at most


class _Slot(Generic[_In, _Out]):
    """A chunk on its way: handed to the helper (`future`), or worked here (`done`)."""

    __slots__ = ("chunk", "done", "future")

    def __init__(self, chunk: _In) -> None:
        self.chunk = chunk
        self.future: Future[_Out] | None = None
        self.done: list[_Out] = []  # its work, once done in this process


def shared(
    chunks: Iterator[_In], work: Callable[[_In], _Out], here: Callable[[_In], _Out] | None = None
) -> Iterator[_Out]:
    """`work` of each chunk, in order, shared between this process and a helper process when
    there are two chunks or more (in this process alone otherwise). `here`: what this process
    does of a chunk instead, when given (work whose results the caller takes as the same).

    The first chunk is worked here while the helper starts. Then the helper is given the
    chunks in order, up to HELPER_AHEAD not yet back at a time, and a chunk it cannot take yet
    is worked here only when the next chunk to hand back is still with the helper (this
    process would wait otherwise). So neither process waits for the other while there is a
    chunk to work, and the one with less work of its own (the caller writes each chunk) works
    more of the chunks.
    """
    own = here or work
    first, second = next(chunks, None), next(chunks, None)
    if first is None or second is None or not PARALLEL_PREPARE:
        yield from _here(first, second, chunks, own)
        return
    queue: deque[_Slot[_In, _Out]] = deque([_Slot(first), _Slot(second)])
    rest: Iterator[_In] | None = chunks  # None once read to its end
    try:
        with _helper_pool() as pool:
            queue[1].future = pool.submit(work, second)
            queue[0].done.append(own(first))  # while the helper starts
            while queue:
                while rest is not None and len(queue) < IN_FLIGHT:
                    chunk = next(rest, None)
                    if chunk is None:
                        rest = None
                        break
                    queue.append(_Slot(chunk))
                # The helper takes the chunks not yet worked, in order, up to HELPER_AHEAD at
                # once; this process works one only when it would otherwise wait.
                busy = sum(1 for s in queue if s.future is not None and not s.future.done())
                for slot in queue:
                    if busy >= HELPER_AHEAD:
                        break
                    if slot.future is None and not slot.done:
                        slot.future = pool.submit(work, slot.chunk)
                        busy += 1
                head = queue[0]
                if head.future is not None and not head.future.done():
                    idle = next((s for s in queue if s.future is None and not s.done), None)
                    if idle is not None:
                        idle.done.append(own(idle.chunk))
                        continue
                if head.done:
                    yield head.done[0]
                elif head.future is not None:
                    yield head.future.result()
                else:
                    yield own(head.chunk)
                queue.popleft()
    except BrokenProcessPool:
        # The helper could not start (e.g. a caller's script without a __main__ guard): carry
        # on in this process with every chunk not yet handed back.
        log.info("working in-process: the helper process could not start")
        for slot in queue:
            yield slot.done[0] if slot.done else own(slot.chunk)
        if rest is not None:
            yield from map(own, rest)


def _here(
    first: _In | None, second: _In | None, chunks: Iterator[_In], work: Callable[[_In], _Out]
) -> Iterator[_Out]:
    """`work` of each chunk in this process (fewer than two chunks, or no helper wanted)."""
    for chunk in (first, second):
        if chunk is None:
            return
        yield work(chunk)
    yield from map(work, chunks)


# The cyclic garbage collector's thresholds while an import runs (Python's: 700, 10, 10). An
# import makes hundreds of thousands of short-lived objects (words, rows, tuples) that reference
# counting frees, and few cycles; at the default the collector ran about 750 times in the three
# processes of a 10,000-item import, re-reading every surviving object each time: 0.45 s of
# CPU, 0.08 s at these (a few thousand objects more held at the end, under 1 MB).
IMPORT_GC_THRESHOLDS = (20_000, 20, 20)


def fewer_collections() -> None:
    """In a process of the import's own (its helper, its second step): the import's
    thresholds for good."""
    gc.set_threshold(*IMPORT_GC_THRESHOLDS)


@contextmanager
def collecting_less() -> Iterator[None]:
    """The import's thresholds while the block runs, then the ones before (the importing
    process may be the reader, which imports in a worker thread)."""
    before = gc.get_threshold()
    gc.set_threshold(*IMPORT_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _helper_pool() -> ProcessPoolExecutor:
    context = multiprocessing.get_context("spawn")  # no fork of a process that holds SQLite
    return ProcessPoolExecutor(
        max_workers=1,
        mp_context=context,
        initializer=_helper_start,
        initargs=(os.getpid(),),
    )


def _helper_start(parent: int) -> None:
    fewer_collections()
    leave_with_parent(parent)


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


def _result(queue: deque[tuple[_In, Future[_Out] | None]]) -> _Out:
    """The oldest chunk's prepared articles; it leaves the queue only once they are in hand."""
    future = queue[0][1]
    assert future is not None
    ready = future.result()
    queue.popleft()
    return ready


def _chunks(items: Iterable[Entry], size: int) -> Iterator[list[Entry]]:
    chunk: list[Entry] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Beside:
    """A function run in another process beside this one, told of progress as it is made:
    an import's second step catching up the chunks its first step has committed (see
    indexing.Indexer.catch_up_beside). `target(*args, receive, stopped)`: `receive(wait)`
    gives the messages sent so far (waiting for one when told to), `stopped()` whether
    `stop` was called. It dies with this process (a SIGKILL of the import included)."""

    def __init__(self, target: Callable[..., None], *args: Any) -> None:
        context = multiprocessing.get_context("spawn")  # no fork of a process that holds SQLite
        self._ours, theirs = context.Pipe()
        self._stop = context.Event()
        self._process = context.Process(
            target=_beside_main,
            args=(os.getpid(), target, args, theirs, self._stop),
            name="catch-up",
        )
        self._process.start()
        theirs.close()
        self.error = ""  # why it failed, once join has found it did

    def send(self, message: Any) -> None:
        """Tell it something (a message it has not read yet is not lost if it has ended)."""
        with suppress(OSError):  # BrokenPipeError among them
            self._ours.send(message)

    def stop(self) -> None:
        """Ask it to stop before anything more it would write: it checks `stopped()` inside
        each of its transactions. Does not wait (the caller may hold the write lock)."""
        self._stop.set()

    def join(self) -> bool:
        """Wait until it ends; whether it ended well (if not, `error` says why)."""
        self._process.join()
        with suppress(OSError, EOFError):
            while self._ours.poll():
                message = self._ours.recv()
                if isinstance(message, str):
                    self.error = message
        self._ours.close()
        if self._process.exitcode != 0 and not self.error:
            self.error = f"it ended with exit code {self._process.exitcode}"
        return self._process.exitcode == 0


def _beside_main(
    parent: int, target: Callable[..., None], args: tuple[Any, ...], conn: Any, stop: Any
) -> None:
    _die_with(parent)
    fewer_collections()
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the importing process stops it (Ctrl-C)

    def receive(wait: bool) -> list[Any]:
        messages: list[Any] = []
        try:
            if wait:
                messages.append(conn.recv())
            while conn.poll():
                messages.append(conn.recv())
        except EOFError:  # the importing process is gone or done with us
            messages.append(None)
        return messages

    try:
        target(*args, receive, stop.is_set)
    except Exception as error:  # the importing process catches up what is left and says why
        with suppress(OSError):
            conn.send(safe_text(f"{type(error).__name__}: {error}"))
        sys.exit(1)


def _die_with(parent: int) -> None:
    """End this process when `parent` ends: at once on Linux (the kernel sends SIGKILL, so a
    killed import leaves no writer behind), else as leave_with_parent notices it."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # it ended before that took effect
        os._exit(0)
    leave_with_parent(parent)
