"""A PostgreSQL cluster for the store-level tests.

`make test` starts a throw-away cluster (scripts/pg_cluster.sh) and names it in
KEMNAKER_READER_TEST_PG. Without that, the first test that needs PostgreSQL starts one of its
own in a temporary folder, stopped when the tests end. Where PostgreSQL is not installed those
tests are skipped, saying so.

A test's empty store is lent from a pool (`lend`, `give_back`): a database made once from the
migrated template and, after each test, emptied back to the template's rows (DELETE, or
TRUNCATE for a table grown past what a new one looks like to the planner) unless the test
changed its schema; then it is dropped. A change of the schema is told by event triggers that
the template holds (`watch_schema`: they count the DDL statements run in each copy). Making a
database costs the server ~150 ms of CPU; handing one back ~11 ms, through the test's own
connection to it (~35 ms on a connection of its own, comparing fingerprints of the catalog).
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

ENV = "KEMNAKER_READER_TEST_PG"
SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "pg_cluster.sh"
_started: dict[str, str] = {}
_names = itertools.count()


def cluster_url() -> str:
    """The URL of the cluster's maintenance database; skips the test when there is none."""
    url = os.environ.get(ENV) or _started.get("url")
    if url:
        return url
    if "error" in _started:
        pytest.skip(_started["error"])
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _started["error"] = (
            "PostgreSQL tests skipped: psycopg is not installed (the postgres extra)"
        )
        pytest.skip(_started["error"])
    folder = Path(tempfile.mkdtemp(prefix="kemnaker-pg-", dir="/tmp"))
    folder.chmod(0o755)
    done = subprocess.run(
        [str(SCRIPT), "start", str(folder / "cluster")], check=False, capture_output=True, text=True
    )
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["it did not start"])[-1]
        _started["error"] = f"PostgreSQL tests skipped: no cluster ({reason})"
        pytest.skip(_started["error"])
    atexit.register(_stop, folder)
    _started["url"] = done.stdout.strip()
    return _started["url"]


def _stop(folder: Path) -> None:
    subprocess.run([str(SCRIPT), "stop", str(folder / "cluster")], check=False, capture_output=True)
    folder.rmdir()


def database_url(name: str) -> str:
    """The URL of database `name` on the test cluster."""
    parts = urlsplit(cluster_url())
    return urlunsplit(parts._replace(path=f"/{name}"))


def unique_name(kind: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"t_{kind}_{worker}_{os.getpid()}_{next(_names)}"


_maintenance: list[Any] = []  # this process's connection to the maintenance database
_connections: dict[tuple[str, int], Any] = {}  # (URL, thread) -> a test's connection


def _maintenance_conn() -> Any:
    """One connection to the cluster's maintenance database for this process's CREATE and
    DROP DATABASE, kept open: a server connection costs the server 6-10 ms of CPU to start
    and end, and the tests make and drop over a hundred databases."""
    import psycopg

    if not _maintenance or _maintenance[0].closed:
        _maintenance[:] = [psycopg.connect(cluster_url(), autocommit=True)]
    return _maintenance[0]


def create_database(name: str, template: str | None = None) -> str:
    """A new database (a copy of `template` when given); its URL. The copy is of the
    template's files (STRATEGY FILE_COPY): for a small template it costs the server less than
    writing every page of it to the write-ahead log (the default)."""
    copy = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
    _maintenance_conn().execute(f'CREATE DATABASE "{name}"{copy}')
    return database_url(name)


def drop_database(name: str) -> None:
    close_connections(database_url(name))
    _maintenance_conn().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def execute(url: str, statement: str, params: Any = ()) -> list[tuple[Any, ...]]:
    """The rows of `statement` run on database `url` (autocommit), on a connection kept for
    the test's further statements on it in this thread (closed by `close_connections`, after
    each test): a test that looks inside its store a dozen times starts one server connection,
    not a dozen."""
    import psycopg

    key = (url, threading.get_ident())
    conn = _connections.get(key)
    if conn is not None and not conn.closed:
        try:
            return list(conn.execute(statement, params).fetchall())
        except psycopg.OperationalError:
            if not conn.closed:  # an error of the statement, not of the connection
                raise
            # the server ended the connection (a database dropped and made again): a new one
    conn = _connections[key] = psycopg.connect(url, autocommit=True)
    return list(conn.execute(statement, params).fetchall())


def close_connections(url: str | None = None) -> None:
    """Close the connections `execute` kept (to database `url`, or all)."""
    for key in [key for key in _connections if url is None or key[0] == url]:
        _connections.pop(key).close()


# The event triggers' schema: a sequence they count DDL statements with (never called in the
# template), and their function. Counted are the statements that made or changed something
# (ddl_command_end with a command to report: not a CREATE TABLE IF NOT EXISTS of a table that
# is there, which the reader runs at every opening) and those that dropped something
# (sql_drop). Event triggers are the database's own: CREATE DATABASE copies them with the
# template. ENABLE ALWAYS: they fire under session_replication_role = replica too.
WATCH = "pool_watch"
_WATCH_STATEMENTS = [
    f"CREATE SCHEMA {WATCH}",
    f"CREATE SEQUENCE {WATCH}.ddl_statements",
    f"CREATE FUNCTION {WATCH}.count_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_EVENT = 'sql_drop' OR EXISTS (SELECT FROM pg_event_trigger_ddl_commands()) THEN "
    f"PERFORM nextval('{WATCH}.ddl_statements'); END IF; END $$",
    f"CREATE EVENT TRIGGER {WATCH}_made ON ddl_command_end EXECUTE FUNCTION {WATCH}.count_ddl()",
    f"CREATE EVENT TRIGGER {WATCH}_dropped ON sql_drop EXECUTE FUNCTION {WATCH}.count_ddl()",
    f"ALTER EVENT TRIGGER {WATCH}_made ENABLE ALWAYS",
    f"ALTER EVENT TRIGGER {WATCH}_dropped ENABLE ALWAYS",
]
# Whether the schema is still the template's: no DDL statement counted (ddl_command_end and
# sql_drop fire for every CREATE, ALTER, DROP, COMMENT, GRANT, REVOKE ... of the database's own
# objects), both triggers still there and enabled, and no setting of the database's own (ALTER
# DATABASE ... SET, which no event trigger sees). Costs the server well under a millisecond,
# where a fingerprint of the catalog (what the pool compared before) cost a new connection
# ~15 ms, its functions reading the catalog caches cold.
_UNCHANGED = f"""
SELECT NOT (SELECT is_called FROM {WATCH}.ddl_statements)
  AND (SELECT count(*) FROM pg_event_trigger
       WHERE evtname IN ('{WATCH}_made', '{WATCH}_dropped') AND evtenabled = 'A') = 2
  AND NOT EXISTS (
    SELECT FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
    WHERE d.datname = current_database())
"""


def watch_schema(url: str) -> None:
    """Give database `url` (a pool's template) the event triggers that count DDL statements;
    nothing where the role may not make them (a superuser's right): each copy of it is then
    dropped after its test, as it is anyway where the role may not clear pg_statistic."""
    import psycopg

    with psycopg.connect(url) as conn:  # one transaction: all of it or none
        try:
            for statement in _WATCH_STATEMENTS:
                conn.execute(statement)
        except psycopg.errors.InsufficientPrivilege:
            conn.rollback()


@dataclass
class _Shape:
    """What a pooled database is emptied back to: its template's schema (told unchanged by the
    event triggers, if it has them: `watched`), the rows of its tables (the migrations' meta
    rows) and where each sequence stood."""

    watched: bool
    tables: list[str]
    rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]]  # the tables that hold some
    sequences: list[tuple[str, int, bool]]


_shapes: dict[str, _Shape] = {}  # template -> its shape
_free: dict[str, list[str]] = {}  # template -> emptied databases ready to lend


def _shape_of(conn: Any) -> _Shape:
    watched = bool(
        conn.execute(
            "SELECT EXISTS (SELECT FROM pg_event_trigger WHERE evtname = %s)", (f"{WATCH}_made",)
        ).fetchone()[0]
    )
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
        )
    ]
    rows = {}
    for table in tables:
        cursor = conn.execute(f"SELECT * FROM {table}")
        found = cursor.fetchall()
        if found:
            rows[table] = ([column.name for column in cursor.description], found)
    sequences = [
        (row[0], int(row[1] if row[1] is not None else row[2]), row[1] is not None)
        for row in conn.execute(
            "SELECT format('%%I.%%I', schemaname, sequencename), last_value, start_value "
            "FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema', %s)",
            (WATCH,),
        )
    ]
    return _Shape(watched, tables, rows, sequences)


def lend(template: str) -> str:
    """The name of a database that holds what `template` holds (its schema and rows), for
    one test; hand it back with `give_back`."""
    free = _free.setdefault(template, [])
    if free:
        return free.pop()
    name = unique_name("pool")
    create_database(name, template)
    if template not in _shapes:
        import psycopg

        with psycopg.connect(database_url(name), autocommit=True) as conn:
            _shapes[template] = _shape_of(conn)
    return name


def give_back(name: str, template: str, conn: Any = None) -> None:
    """Empty a lent database back to its template's rows for the next test, or drop it if
    the test changed more than rows (or this role may not empty it: a server of one's own,
    KEMNAKER_READER_TEST_PG, where the role is not a superuser to clear pg_statistic).

    `conn`, a psycopg connection to it in autocommit (the test's store's own, still open), does
    the work if it is idle: a new connection costs the server ~8 ms of CPU to start and end,
    and reads the catalog cold. It is left open; every other connection is ended."""
    import psycopg
    from psycopg.pq import TransactionStatus

    if conn is not None and (
        conn.closed or not conn.autocommit or conn.info.transaction_status != TransactionStatus.IDLE
    ):
        conn = None
    try:
        if conn is None:
            with psycopg.connect(database_url(name), autocommit=True) as new:
                emptied = _emptied(new, _shapes[template])
        else:
            emptied = _emptied(conn, _shapes[template])
    except psycopg.errors.InsufficientPrivilege:
        emptied = False
    if emptied:
        _free[template].append(name)
    else:
        drop_database(name)


def _emptied(conn: Any, shape: _Shape) -> bool:
    """Empty the database on `conn` back to `shape`; False, doing nothing, if its schema
    changed."""
    # Connections the test left open go, with their locks, LISTENs and advisory locks.
    conn.execute(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    if not shape.watched or not _unchanged(conn):
        return False
    # A table the test never wrote is as new (no pages): emptied are those it wrote and
    # those whose rows the template holds, which are put back. One of fewer than 10 pages
    # that no VACUUM or ANALYZE has counted (reltuples -1) is emptied by DELETE: the
    # planner takes such a table for 10 pages, as it takes a new one, and a DELETE of a
    # test's few rows costs the server ~1 ms where TRUNCATE makes each table's files and
    # indexes again (~50 ms for a test's nine tables). Its indexes keep their few pages.
    # A larger one is truncated, so no table grows across the tests it is lent to.
    written = conn.execute(
        "SELECT format('%%I.%%I', n.nspname, c.relname), "
        "pg_relation_size(c.oid) < 10 * current_setting('block_size')::int "
        "AND c.reltuples < 0 "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') "
        "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND (pg_relation_size(c.oid) > 0 "
        "OR format('%%I.%%I', n.nspname, c.relname) = ANY(%s))",
        (list(shape.rows),),
    ).fetchall()
    deleted = sorted(table for table, small in written if small)
    truncated = sorted(table for table, small in written if not small)
    with conn.transaction():
        # Foreign keys unchecked (a replica's role): every table holding rows is emptied.
        conn.execute("SET LOCAL session_replication_role = replica")
        for table in deleted:
            conn.execute(f"DELETE FROM {table}")
        if truncated:
            conn.execute(f"TRUNCATE {', '.join(truncated)} RESTART IDENTITY CASCADE")
        # Each table's rows put back by one statement, and every sequence set by one: a
        # statement a row and a sequence cost the server and this process about as much again.
        for table, (columns, rows) in shape.rows.items():
            marks = ", ".join(["%s"] * len(columns))
            conn.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) OVERRIDING SYSTEM VALUE "
                f"VALUES {', '.join([f'({marks})'] * len(rows))}",
                [value for row in rows for value in row],
            )
        if shape.sequences:
            conn.execute(
                "SELECT " + ", ".join(["setval(%s, %s, %s)"] * len(shape.sequences)),
                [value for sequence in shape.sequences for value in sequence],
            )
        # The planner's statistics of the test's rows go too, as in a new database.
        conn.execute(
            "DELETE FROM pg_statistic WHERE starelid IN (SELECT c.oid FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast'))"
        )
    return True


def _unchanged(conn: Any) -> bool:
    """Whether the test left the schema of the watched database on `conn` as its template's."""
    import psycopg

    try:
        return bool(conn.execute(_UNCHANGED).fetchone()[0])
    except psycopg.Error:  # the watch's own objects dropped
        return False


def article_row(i: int, title: str, lead: str, body: str, host: str) -> dict[str, str]:
    """One synthetic article for a JSON Lines file: the lead is the body's first paragraph."""
    return {
        "title": title,
        "body": f"{lead}.\n\n{body}",
        "url": f"https://{host}/{i}",
        "source": "kompas",
        "published": f"2019-0{1 + i % 9}-1{i % 10}T08:00:00+07:00",
    }


def filled_store(prefix: str, jsonl: Path, factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A module fixture's body: a new database holding the articles of `jsonl`, its Library
    yielded, the database dropped after. The module's tests run on one xdist worker (its
    pytestmark, an xdist_group), so the articles are imported once for the run, straight into the
    database the tests read: no filled template copied for each worker that runs a part of the
    module. The database is a copy of the migrated empty one (conftest.empty_pg_built): a blank
    one migrated cost the server ~100 ms of CPU more, and the test process ~25 ms."""
    from reader.core.library import open_library
    from tests.conftest import empty_pg_built

    name = unique_name(prefix)
    with open_library(create_database(name, empty_pg_built(factory))) as library:
        library.import_inputs([str(jsonl)])
        yield library
    drop_database(name)


def write_rows(path: Path, rows: Iterable[dict[str, str]]) -> Path:
    """`rows` (article_row's) as a JSON Lines file at `path`, which is returned."""
    path.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    return path


def answers_of(monkeypatch: pytest.MonkeyPatch, read: str, allowed: bool) -> list[bool]:
    """Put a spy in place of PostgresTextIndex's `read` (a shortcut that gives the answer or
    None): it runs the real one only where `allowed`, and notes in the list returned whether
    each call gave the answer."""
    from reader.core.db.postgres.text_index import PostgresTextIndex

    real = getattr(PostgresTextIndex, read)
    real = getattr(real, "__wrapped__", real)  # a spy put there before, in the same test
    answered: list[bool] = []

    def spy(self: PostgresTextIndex, *args: Any) -> Any:
        found = real(self, *args) if allowed else None
        answered.append(found is not None)
        return found

    spy.__wrapped__ = real  # type: ignore[attr-defined]
    monkeypatch.setattr(PostgresTextIndex, read, spy)
    return answered


def ranked_with(library: Any, query: str) -> tuple[Any, Any]:
    """The expression and weights that the PostgreSQL store's search of `query` ranks with
    (its text index's first `ranked` call, seen by a spy taken away after)."""
    index = library._storage.index
    seen: list[tuple[Any, Any]] = []
    real = index.ranked

    def spy(expression: Any, weights: Any, limit: int, **kwargs: Any) -> Any:
        seen.append((expression, weights))
        return real(expression, weights, limit, **kwargs)

    index.ranked = spy
    try:
        library.search(query, 5)
    finally:
        del index.ranked
    return seen[0]
