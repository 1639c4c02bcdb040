"""PostgreSQL batches: many rows of one INSERT sent as one statement, a statement's IN lists
sent as one array each, and word vectors."""

from __future__ import annotations

import random

import pytest

from reader.core.db.postgres.batches import as_unnest
from reader.core.db.postgres.connection import bound, translate
from reader.core.db.postgres.text_index import (
    _LETTERS,
    MAX_POSITION,
    MAX_POSITIONS,
    MAX_WORD_BYTES,
    _quote,
    tsvector,
)
from tests import pg
from tests.conftest import THOROUGH

UPSERT = (
    "INSERT INTO term_stats (term, df) VALUES (?, ?) "
    "ON CONFLICT (term) DO UPDATE SET df = term_stats.df + excluded.df"
)


def test_an_insert_of_many_rows_becomes_one_statement_over_arrays() -> None:
    rows = [(f"kata{i}", i) for i in range(10)]
    statement, columns = as_unnest(UPSERT, rows) or ("", [])
    assert statement == (
        "INSERT INTO term_stats (term, df) SELECT * FROM unnest(CAST(? AS text[]), "
        "CAST(? AS bigint[])) ON CONFLICT (term) DO UPDATE SET df = term_stats.df + excluded.df"
    )
    assert columns == [[f"kata{i}" for i in range(10)], list(range(10))]


@pytest.mark.parametrize(
    ("sql", "rows"),
    [
        (UPSERT, [("kata", 1)] * 3),  # too few to gain anything
        (UPSERT, [("sama", 1)] * 10),  # one conflict key twice: row by row updates it twice
        ("INSERT INTO t (a, b) VALUES (?, ?)", [(i, None) for i in range(10)]),  # type unknown
        ("INSERT INTO t (a, b) VALUES (?, ?)", [(i, i if i % 2 else "x") for i in range(10)]),
        ("INSERT INTO t (a, b) VALUES (?, ?)", [(i, True) for i in range(10)]),
        ("INSERT INTO t (a, b) VALUES (?, CAST(? AS tsvector))", [(i, "x") for i in range(10)]),
        ("INSERT INTO t (a) VALUES (?) ON CONFLICT (a) DO UPDATE SET a = ?", [(1, 2)] * 10),
        ("UPDATE t SET a = ? WHERE b = ?", [(i, i) for i in range(10)]),
    ],
)
def test_rows_whose_meaning_one_statement_could_change_go_row_by_row(sql, rows) -> None:  # type: ignore[no-untyped-def]
    assert as_unnest(sql, rows) is None


def test_a_batch_lands_as_row_by_row_would_on_the_server() -> None:
    """Through a real connection: new rows, conflicting ones, None among values, NUL."""
    from reader.core.db.postgres.connection import PgConnections

    name = pg.unique_name("batch")
    url = pg.create_database(name)
    connections = PgConnections(url)
    try:
        conn = connections.conn
        conn.execute("CREATE TABLE term_stats (term TEXT PRIMARY KEY, df BIGINT)")
        conn.execute("CREATE TABLE notes (id BIGINT, note TEXT, score FLOAT8)")
        conn.executemany(UPSERT, [(f"w{i}", 1) for i in range(20)])
        conn.executemany(UPSERT, [(f"w{i}", 2) for i in range(10, 30)])
        conn.executemany(UPSERT, [("w0", 5)] * 9)  # the same key nine times: row by row
        found = dict(conn.execute("SELECT term, df FROM term_stats").fetchall())
        assert found == {
            **{f"w{i}": 1 for i in range(1, 10)},
            "w0": 46,
            **{f"w{i}": 3 for i in range(10, 20)},
            **{f"w{i}": 2 for i in range(20, 30)},
        }
        notes = [(i, None if i % 3 else f"n\x00{i}", i / 2) for i in range(12)]
        conn.executemany("INSERT INTO notes (id, note, score) VALUES (?, ?, ?)", notes)
        stored = conn.execute("SELECT id, note, score FROM notes ORDER BY id").fetchall()
        assert [tuple(row) for row in stored] == [
            (i, None if i % 3 else f"n\ufffd{i}", i / 2) for i in range(12)
        ]
    finally:
        connections.close()
        pg.drop_database(name)


MANY = 60  # a list's values: a statement of more than 50 parameters (connection._MANY)
IDS = list(range(1000, 1000 + MANY))  # values no row holds, to make a list long
WORDS = [f"zz{i}" for i in range(MANY)]


def _marks(count: int) -> str:
    return ", ".join("?" * count)


def test_an_in_list_of_integers_or_strings_becomes_one_array_parameter() -> None:
    assert bound(f"SELECT a FROM t WHERE id IN ({_marks(MANY)}) AND x = ?", [*IDS, "z"]) == (
        "SELECT a FROM t WHERE id = ANY(CAST(%s AS bigint[])) AND x = %s",
        [IDS, "z"],
    )
    assert bound(
        f"SELECT a FROM t WHERE x = ? AND id NOT IN (?,?) AND s in ( {_marks(MANY)} ) "
        "AND y LIKE '%?%'",
        [0, 1, None, *WORDS],
    ) == (
        "SELECT a FROM t WHERE x = %s AND id <> ALL(CAST(%s AS bigint[])) "
        "AND s = ANY(CAST(%s AS text[])) AND y LIKE '%%?%%'",
        [0, [1, None], WORDS],
    )


@pytest.mark.parametrize(
    ("sql", "parameters"),
    [
        # at most 50 parameters: psycopg caches the statement, and a short array costs more
        (f"SELECT a FROM t WHERE id IN ({_marks(50)})", IDS[:50]),
        # one value: nothing to gain
        (f"SELECT a FROM t WHERE id IN (?) AND b = ANY(ARRAY[{_marks(MANY)}])", [1, *IDS]),
        (f"SELECT a FROM t WHERE id IN ({_marks(MANY)})", [True, *IDS[1:]]),  # a bool
        (f"SELECT a FROM t WHERE id IN ({_marks(MANY)})", [2**63, *IDS[1:]]),  # past a BIGINT
        (f"SELECT a FROM t WHERE id IN ({_marks(MANY)})", [1.5, *IDS[1:]]),  # mixed types
        (f"SELECT a FROM t WHERE id IN ({_marks(MANY)})", [None] * MANY),  # type unknown
        (f"SELECT a FROM t WHERE id IN ({_marks(MANY)})", [b"x"] * MANY),
        (f"SELECT 'IN (?, ?)', a FROM t WHERE b JOIN ({_marks(MANY)})", IDS),  # quoted; no IN
    ],
)
def test_lists_an_array_could_change_stay_lists(sql, parameters) -> None:  # type: ignore[no-untyped-def]
    statement, values = bound(sql, parameters)
    assert (statement, values) == (
        sql.replace("?", "%s").replace("'IN (%s, %s)'", "'IN (?, ?)'"),
        parameters,
    )


def test_in_lists_as_arrays_answer_as_the_lists_do_on_the_server() -> None:
    """Through the store's own connection (PgConn.execute), against the same lists sent as
    lists: NULLs among the values and the rows (IN and NOT IN then say NULL), duplicates,
    strings with quotes, braces, commas, backslashes and a NUL (as U+FFFD), two lists and a
    parameter between them; and the server is sent the arrays (its current_query)."""
    from reader.core.db.postgres.connection import PgConnections

    rows = "(VALUES (1, 'a'), (2, 'b,{c}'), (NULL, 'd\\\"e'), (4, NULL), (5, 'f\ufffd'))"
    cases = [
        ("n IN", [1, 2, 2]),
        ("n IN", [1, None]),
        ("n NOT IN", [1, 7]),
        ("n NOT IN", [1, None]),
        ("s IN", ["b,{c}", 'd\\"e', "f\x00"]),
        ("s NOT IN", ["a", "zz"]),
    ]
    connections = PgConnections(pg.cluster_url())
    try:
        conn = connections.conn
        for test, values in cases:
            long = values + (IDS if test.startswith("n") else WORDS)  # a statement of 60 or more
            where = f"{test} ({_marks(len(long))})"
            _check(conn, rows, where, long)
        where = f"n IN ({_marks(MANY + 2)}) AND s <> ? AND s NOT IN ({_marks(MANY + 2)})"
        _check(conn, rows, where, [1, 2, *IDS, "q", "b,{c}", "x", *WORDS])
    finally:
        connections.close()


def _check(conn, rows, where, parameters) -> None:  # type: ignore[no-untyped-def]
    """The rows of `where` through PgConn.execute are those of the lists sent as lists, and
    the server was sent arrays."""
    sql = f"SELECT n, s, current_query() FROM {rows} AS t(n, s) WHERE {where} ORDER BY n"
    found = conn.execute(sql, parameters).fetchall()
    plain = [
        value.replace("\x00", "\ufffd") if isinstance(value, str) else value for value in parameters
    ]
    expected = conn.raw.execute(translate(sql), plain).fetchall()
    assert [row[:2] for row in found] == [row[:2] for row in expected], where
    assert found or None in parameters, where  # NOT IN a NULL finds none
    assert all("IN (" not in row[2] and "CAST($" in row[2] for row in found), where


def _reference(columns: list[str]) -> str:
    """tsvector() as first written: one word at a time, every rule spelled out."""
    positions: dict[str, list[str]] = {}
    position = 0
    for letter, text in zip(_LETTERS, columns, strict=False):
        for word in text.split():
            position = min(position + 1, MAX_POSITION)
            if len(word.encode()) > MAX_WORD_BYTES:
                continue
            found = positions.setdefault(word, [])
            if len(found) < MAX_POSITIONS * 3:
                found.append(f"{position}{letter}")
        position = min(position + 1, MAX_POSITION)
    return " ".join(f"{_quote(word)}:{','.join(found)}" for word, found in positions.items())


def test_word_vectors_number_words_as_the_rules_say() -> None:
    """Long columns (positions past PostgreSQL's last), words too long to index (in bytes,
    not characters), quotes and backslashes, a word repeated past the positions kept. A set of
    columns holds 8,800 words on average, 20-30 ms of CPU to build and compare: a run tries 40
    sets (15 of them run past the last position), KEMNAKER_READER_THOROUGH=1 100."""
    rng = random.Random(5)
    words = ["a", "b'c", "x\\y", "é" * 1023, "é" * 1024, "z" * 2047, "q" * 600, "kata"]
    words += [f"w{i}" for i in range(40)]
    past_the_last = 0
    for _ in range(100 if THOROUGH else 40):
        columns = [  # choices, not a choice per word: a million words drawn 4x faster
            " ".join(rng.choices(words, k=rng.choice([0, 1, 5, 300, 9000, 17000])))
            for _ in range(rng.choice([1, 2, 3]))
        ]
        assert tsvector(columns) == _reference(columns)
        past_the_last += sum(len(c.split()) + 1 for c in columns) > MAX_POSITION
    assert past_the_last >= 5  # the cases include columns that run past the last position
