from __future__ import annotations

import fcntl
import gc
import os
import random
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

from reader.core.db.sqlite import sqlite3
from reader.core.library import Library, open_library
from reader.core.text import stored_index_values
from tests import pg

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SEED = DATA / "seed" / "000_2d42871219c94602.txt"
DEMO = DATA / "demo" / "indosum-demo.jsonl"
# A property that asks for thousands of Hypothesis examples spends them on generating its inputs
# (~3 ms an example, its own check taking microseconds): the suite runs a third of them, and
# KEMNAKER_READER_THOROUGH=1 (`make test-thorough`) every one.
THOROUGH = os.environ.get("KEMNAKER_READER_THOROUGH", "") not in ("", "0")


def examples(wanted: int) -> int:
    """How many of a costly property's `wanted` examples this run tries."""
    return wanted if THOROUGH else max(100, wanted // 3)


# A check of every article or query of a corpus that costs seconds of CPU may run on a rotating
# sample in `make test` (`sampled`): a quarter of the items, chosen by a seed that changes each
# run, and the known edge cases; every item when thorough. A failure names the seed
# (`sample_named`); KEMNAKER_READER_SAMPLE_SEED=<seed> checks the same sample again.
SAMPLE_SEED = int(
    os.environ.get("KEMNAKER_READER_SAMPLE_SEED") or random.SystemRandom().randrange(10**6)
)
_Item = TypeVar("_Item")


def sampled(items: Sequence[_Item], always: Iterable[_Item] = ()) -> list[_Item]:
    """The items of `items` a run checks, in their order: every one when thorough, else a
    quarter of them (by SAMPLE_SEED) and those of `always`."""
    if THOROUGH:
        return list(items)
    keep = set(always)
    chosen = set(random.Random(SAMPLE_SEED).sample(range(len(items)), -(-len(items) // 4)))
    return [item for i, item in enumerate(items) if i in chosen or item in keep]


@contextmanager
def sample_named(size: int) -> Iterator[None]:
    """A failure inside the block says which sample failed (`size` items, the seed)."""
    try:
        yield
    except BaseException as error:
        error.add_note(f"a sample of {size}: KEMNAKER_READER_SAMPLE_SEED={SAMPLE_SEED}")
        raise


def pytest_configure(config: pytest.Config) -> None:
    """A young-generation garbage collection every 50,000 allocations instead of 700: a Pilot
    test allocates millions of short-lived objects (strips, segments, styles), and collecting
    them every 700 walked what survived each time, a fifth of the CPU of tests/ui/test_reader.py
    (15.5 -> 12 s). Older generations keep their thresholds, so the apps each test leaves
    are still collected every few tests (the workers' memory stays at ~150 MB)."""
    gc.set_threshold(50_000, 10, 10)


def pytest_collection_finish(session: pytest.Session) -> None:
    """What is alive once the tests are collected (modules, test items) lives to the end:
    frozen, so that no garbage collection walks it again. Each full collection of a worker
    walked those 100,000 objects, dozens of times in a session of Pilot tests."""
    gc.freeze()


class Rows(list[tuple[Any, ...]]):
    def fetchone(self) -> tuple[Any, ...] | None:
        return self[0] if self else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self)


def sql(library: Library, statement: str, params: tuple[Any, ...] = ()) -> Rows:
    """Look inside a store from a test, on a connection of its own (the reader's own SQL
    lives in reader/core/db; on PostgreSQL one kept for the test, pg.execute). Written with
    `?` parameters for either backend."""
    if isinstance(library.path, str):
        from reader.core.db.postgres.connection import translate

        return Rows(pg.execute(library.path, translate(statement), params))
    with closing(sqlite3.connect(library.path)) as conn:
        return Rows(conn.execute(statement, params).fetchall())


def undo_marks_table(conn: sqlite3.Connection) -> None:
    """Take a SQLite store back to before schema v10: read and starred as columns of the
    articles (all 0), with their indexes, and no marks table."""
    conn.execute("DROP TABLE marks")
    conn.execute("ALTER TABLE articles ADD COLUMN read INTEGER NOT NULL DEFAULT 0")
    conn.execute("ALTER TABLE articles ADD COLUMN starred INTEGER NOT NULL DEFAULT 0")
    conn.execute("DROP INDEX articles_source")
    conn.execute("CREATE INDEX articles_source ON articles(source, read)")
    conn.execute("CREATE INDEX articles_unread ON articles(sort_key DESC, id DESC) WHERE read = 0")
    conn.execute(
        "CREATE INDEX articles_starred ON articles(sort_key DESC, id DESC) WHERE starred = 1"
    )
    conn.execute("DELETE FROM meta WHERE key = 'marks_claimed'")


def rewrite_fts_rows(
    conn: sqlite3.Connection, row_of: Callable[[tuple[str, ...]], Sequence[str]]
) -> None:
    """Write a SQLite store's FTS5 rows again from its articles (inside the caller's
    transaction): each article's six values made by `row_of` from its stored full-text values
    (text.stored_index_values). How a test gives a store the index an older version wrote."""
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')")
    for row in conn.execute("SELECT id, title, body, index_extra FROM articles").fetchall():
        conn.execute(
            "INSERT INTO articles_fts (rowid, title, lead, body, title_x, lead_x, body_x) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (row[0], *row_of(tuple(stored_index_values(*row[1:])))),
        )


def index_vocabulary(library: Library) -> Rows:
    """(term, articles, occurrences) of every term of the full-text index, in term order: the
    FTS5 vocabulary on SQLite, ts_stat of the tsvectors on PostgreSQL."""
    if isinstance(library.path, str):
        return sql(
            library,
            "SELECT word, ndoc, nentry FROM ts_stat('SELECT doc || stems FROM articles_fts') "
            "ORDER BY word",
        )
    return sql(library, "SELECT term, doc, cnt FROM articles_vocab ORDER BY term")


def ids_indexed_under(library: Library, word: str) -> list[int]:
    """The ids of the articles whose text columns the full-text index holds `word` in."""
    if isinstance(library.path, str):
        rows = sql(library, "SELECT id FROM articles_fts WHERE doc @@ CAST(? AS tsquery)", (word,))
    else:
        query = "{title lead body} : " + word
        rows = sql(library, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", (query,))
    return sorted(row[0] for row in rows)


_related_answers: dict[tuple[str, int], dict[int, Any]] = {}


def related_of_every_article(library: Library, limit: int) -> dict[int, Any]:
    """Every article's related items (`limit` of them) as the read-only demo store
    (demo_library_ro) answers them on the product's own path, by id in id order: asked once
    per process and backend for the tests that compare them with another way's answers
    (their xdist group puts them on one worker). Call it before replacing any part of the
    store. A pass over the 410 articles costs ~2 s of CPU on PostgreSQL, and the server's."""
    key = (str(library.path), limit)
    if key not in _related_answers:
        ids = [row[0] for row in sql(library, "SELECT id FROM articles ORDER BY id")]
        _related_answers[key] = {
            article_id: library.related(article_id, limit) for article_id in ids
        }
    return _related_answers[key]


@pytest.fixture(autouse=True)
def _test_connections_closed() -> Iterator[None]:
    """The PostgreSQL connections `sql` kept for a test, closed after it."""
    yield
    pg.close_connections()


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    """The store's backend: both for the store-level tests (tests/core/conftest.py), else
    SQLite."""
    return str(getattr(request, "param", "sqlite"))


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], str]) -> str:
    """What `build(folder)` makes, made once for the whole run: the first of the xdist
    workers to ask makes it while the others wait, and each gets the text `build` returned
    (a path, a database's name). Importing a corpus costs each worker seconds of CPU."""
    root = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each worker's own
    folder = root / f"built-{name}"
    with open(root / f"built-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        made = folder / "made"
        if not made.exists():
            folder.mkdir(exist_ok=True)
            made.write_text(build(folder))
        return made.read_text()


def _pg_built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[], str]) -> str:
    """A template database made once for the run, when the workers share one cluster (named
    in the environment); a cluster that pg.py starts is each worker's own."""
    if os.environ.get(pg.ENV):
        return built_once(factory, name, lambda folder: build())
    return build()


_empty_made: list[str] = []


def empty_pg_built(factory: pytest.TempPathFactory) -> str:
    """A migrated empty PostgreSQL database, made once for the run: the template of each
    test's own (and of the stores the pg_* modules fill), watched for changes of its schema
    (pg.watch_schema, for the pool's hand-back). Copy it; never open it."""

    def build() -> str:
        name = pg.unique_name("empty")
        url = pg.create_database(name)
        with open_library(url):
            pass
        pg.watch_schema(url)
        return name

    if not _empty_made:
        _empty_made.append(_pg_built_once(factory, "empty-postgres", build))
    return _empty_made[0]


@pytest.fixture(scope="session")
def _empty_pg(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str | None:
    """The migrated empty PostgreSQL database (empty_pg_built) when the test's backend is
    PostgreSQL."""
    if backend != "postgres":
        return None
    return empty_pg_built(tmp_path_factory)


@pytest.fixture(scope="session")
def _empty_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new empty SQLite store (its schema made), the template of each test's own: a copy
    costs a millisecond where making the schema costs tens (its commits are synced to disk)."""
    path = tmp_path_factory.mktemp("empty") / "articles.db"
    open_library(path).close()
    # Closing the last connection folds the write-ahead log into the file: one file to copy.
    assert not Path(f"{path}-wal").exists()
    return path


@pytest.fixture
def library(
    backend: str, _empty_pg: str | None, _empty_sqlite: Path, tmp_path: Path
) -> Iterator[Library]:
    """An empty store: a fresh file (a copy of a new one), or a PostgreSQL database that holds
    what a new one holds (pg.lend: emptied after the test before it, or new)."""
    if _empty_pg is None:
        path = tmp_path / "articles.db"
        shutil.copy(_empty_sqlite, path)
        with open_library(path) as library:
            yield library
        return
    name = pg.lend(_empty_pg)
    with open_library(pg.database_url(name)) as library:
        yield library
        pg.close_connections()
        # emptied through the store's own connection of this thread, before it is closed
        pg.give_back(name, _empty_pg, library._storage.connections.conn.raw)


def _import_demo(target: Path | str) -> None:
    with open_library(target) as library:
        result = library.import_inputs([str(SEED), str(DEMO)])
        assert result.added == 410 and not result.failed


_demo_made: dict[str, Path | str] = {}


def demo_built(backend: str, factory: pytest.TempPathFactory) -> Path | str:
    """The demo store, imported once for the run: a file, or the name of a PostgreSQL
    database (a template). Copy it; never open it."""
    if backend not in _demo_made:
        _demo_made[backend] = _build_demo(backend, factory)
    return _demo_made[backend]


def _build_demo(backend: str, factory: pytest.TempPathFactory) -> Path | str:
    if backend == "postgres":

        def build() -> str:
            name = pg.unique_name("demo")
            _import_demo(pg.create_database(name))
            return name

        return _pg_built_once(factory, "demo-postgres", build)

    def build_file(folder: Path) -> str:
        path = folder / "articles.db"
        _import_demo(path)
        # Closing the last connection folded the write-ahead log into the file: one to copy.
        assert not Path(f"{path}-wal").exists()
        return str(path)

    return Path(built_once(factory, "demo-sqlite", build_file))


@pytest.fixture(scope="session")
def _demo_db(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Path | str:
    """The demo store of the test's backend (demo_built)."""
    return demo_built(backend, tmp_path_factory)


def demo_copy(demo: Path | str, folder: Path) -> Iterator[Library]:
    """A fixture's body: a copy of the demo store `demo` (demo_built's) of its own, opened,
    dropped after on PostgreSQL (a SQLite copy is a file in `folder`)."""
    if isinstance(demo, str):
        name = pg.unique_name("copy")
        with open_library(pg.create_database(name, template=demo)) as library:
            yield library
        pg.drop_database(name)
        return
    path = folder / "demo.db"
    shutil.copy(demo, path)
    with open_library(path) as library:
        yield library


@pytest.fixture
def demo_library(_demo_db: Path | str, tmp_path: Path) -> Iterator[Library]:
    """The seed and the demo corpus (real IndoSum articles), a fresh copy per test."""
    yield from demo_copy(_demo_db, tmp_path)


@pytest.fixture(scope="session")
def demo_library_ro(
    _demo_db: Path | str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Library]:
    """The same store, shared by a worker's tests that only read (a copy of its own)."""
    if isinstance(_demo_db, str):
        name = pg.unique_name("ro")
        with open_library(pg.create_database(name, template=_demo_db)) as library:
            yield library
        return
    path = tmp_path_factory.mktemp("demo-ro") / "articles.db"
    shutil.copy(_demo_db, path)
    with open_library(path) as library:
        yield library
