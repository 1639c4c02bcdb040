"""Many rows of one INSERT as one statement: the rows' columns passed as arrays and unnested.

psycopg's executemany sends the statement once a row (pipelined, but the server still runs each
on its own): an import sends tens of thousands (a word's document count, an article's story
bands), and those took much of a PostgreSQL import. `INSERT INTO t (a, b) VALUES (?, ?) ...`
becomes `INSERT INTO t (a, b) SELECT * FROM unnest(?::bigint[], ?::text[]) ...`, one statement
for the whole batch, with the same result, when that can be told from the rows:

- each column's values are of one type that maps to a PostgreSQL array (int, float, str,
  bytes), None allowed among them; a column of None alone, of bools or of mixed types is not
  rewritten (its column type cannot be told);
- `ON CONFLICT (cols) DO UPDATE` runs on a row once: a batch that names a conflict key twice
  is not rewritten (one statement would fail where row by row the second updates the first).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_INSERT = re.compile(
    r"^\s*INSERT INTO (\w+) \(([\w, ]+)\) VALUES \((\?(?:, ?\?)*)\)(\s+ON CONFLICT.*)?\s*$",
    re.S | re.I,
)
_UPDATE_KEY = re.compile(r"ON CONFLICT \(([\w, ]+)\) DO UPDATE", re.I)
_ARRAYS = {int: "bigint[]", float: "float8[]", str: "text[]", bytes: "bytea[]"}
SMALLEST = 8  # fewer rows than this go row by row: nothing to gain


def as_unnest(sql: str, rows: Sequence[Sequence[Any]]) -> tuple[str, list[list[Any]]] | None:
    """The one-statement form of `sql` over `rows` and its parameters (one list a column), or
    None when the statement or the rows do not allow it."""
    if len(rows) < SMALLEST:
        return None
    found = _INSERT.match(sql)
    if found is None:
        return None
    table, names, marks, tail = found.groups()
    columns = [name.strip() for name in names.split(",")]
    if len(columns) != marks.count("?") or any(len(row) != len(columns) for row in rows):
        return None
    values = [list(column) for column in zip(*rows, strict=True)]
    arrays = []
    for column in values:
        kinds = {type(value) for value in column if value is not None}
        if len(kinds) != 1 or (kind := kinds.pop()) not in _ARRAYS:
            return None
        arrays.append(_ARRAYS[kind])
    key = _UPDATE_KEY.search(tail or "")
    if key is not None:
        wanted = [name.strip() for name in key.group(1).split(",")]
        if any(name not in columns for name in wanted):
            return None
        positions = [columns.index(name) for name in wanted]
        keys = {tuple(row[i] for i in positions) for row in rows}
        if len(keys) != len(rows):
            return None
    unnest = ", ".join(f"CAST(? AS {array})" for array in arrays)
    statement = f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({unnest})"
    return statement + (tail or ""), values
