"""The PostgreSQL schema: the SQLite store's migrations (reader.core.db.schema, the one
description of both), each rendered for PostgreSQL, and the full-text index of its own.

Rendering is by a few rules, each for one thing SQLite says its own way: `id INTEGER PRIMARY KEY`
is an identity column; INTEGER is BIGINT, BLOB is BYTEA; TEXT compares byte by byte (COLLATE
"C", as SQLite does, so the lists sort the same); a WITHOUT ROWID table is a plain table; a
case-blind unique name is a unique index on lower(name); INSERT OR REPLACE is an upsert; FTS5
virtual tables are left to `_FULL_TEXT`, added with the first migration.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reader.core.db.postgres.connection import PgConn
from reader.core.db.postgres.phrases import alias_phrases
from reader.core.db.postgres.text_index import phrase_layout
from reader.core.db.schema import MIGRATIONS
from reader.core.errors import SchemaTooNew

_FULL_TEXT = [
    "CREATE TABLE articles_fts (id BIGINT PRIMARY KEY REFERENCES articles(id) "
    "ON DELETE CASCADE, doc TSVECTOR NOT NULL, stems TSVECTOR NOT NULL)",
    "CREATE INDEX articles_fts_doc ON articles_fts USING GIN (doc)",
    "CREATE INDEX articles_fts_stems ON articles_fts USING GIN (stems)",
]
# A search with fewer hits than a page widens its words to their root families, which it finds
# as the words of term_stats that hold a root's core (PostgresTextIndex.words_containing, LIKE
# '%core%'): that read every row of term_stats, twice per word ("bpjs ketenagakerjaan": 12-18
# ms of server CPU at 1,200,000 articles, 10-12 of it these scans). pg_trgm's trigram index
# serves such a LIKE; it indexes `term || ''` (the same text), which only that LIKE names, so
# that the lookups of whole words keep to the primary key. pg_trgm comes with PostgreSQL and is
# trusted (the store's owner may create it); where it cannot be made (not installed, or not
# allowed), nothing is made and the LIKE reads the table as before.
_TRIGRAMS = (
    "DO $$ BEGIN "
    "CREATE EXTENSION IF NOT EXISTS pg_trgm; "
    "CREATE INDEX IF NOT EXISTS term_stats_word_trigrams ON term_stats "
    "USING GIN ((term || '') gin_trgm_ops); "
    "EXCEPTION WHEN OTHERS THEN NULL; "
    "END $$"
)
# Changes of PostgreSQL's own layout, after the shared migrations; the meta key
# `postgres_layout` counts those made. Each runs once, in one transaction.
_LAYOUT = [
    [
        # An article's vectors (2-3 kB for a news story) stay in its row, compressed, instead
        # of TOAST's side table: ranking reads every match's vector, and fetching each from the
        # side table took most of a search (teknologi, 14,000 matches: 130 ms against 35 ms).
        "ALTER TABLE articles_fts SET (toast_tuple_target = 8160)",
        "ALTER TABLE articles_fts ALTER COLUMN doc SET STORAGE MAIN",
        "ALTER TABLE articles_fts ALTER COLUMN stems SET STORAGE MAIN",
        # Rows written before move in (a new value is stored by the new rule).
        "UPDATE articles_fts SET doc = doc || ''::tsvector, stems = stems || ''::tsvector",
        # `source:` tests lower(source): an index on it spares reading every article.
        "CREATE INDEX articles_source_lower ON articles (lower(source))",
    ],
    [
        # The words of the titles alone (weight A), for a search to find and score the title
        # matches of a common word first (text_index.PostgresTextIndex._title_first). A title
        # adds a dozen words: written straight into the index (no pending list, which every
        # search of the index would read through, 4 MB of titles by default).
        "CREATE INDEX articles_fts_doc_titles ON articles_fts "
        "USING GIN (ts_filter(doc, '{a}')) WITH (fastupdate = off)",
        "CREATE INDEX articles_fts_stems_titles ON articles_fts "
        "USING GIN (ts_filter(stems, '{a}')) WITH (fastupdate = off)",
    ],
    [
        # A fetcher's new rows wait in each vector index's pending list until it holds
        # gin_pending_list_limit, and every search reads that list through, row by row,
        # against its query: at the default 4 MB (about 900 articles' words), an open's
        # more-like-this took 70 ms instead of 20 at 100,000 articles. At 256 kB (about 60
        # articles) the list costs a search little, and the fetcher still adds its words to
        # the index a batch at a time (without a list, each article's ~300 words one by one
        # took the server 1.6 times as long).
        "ALTER INDEX articles_fts_doc SET (gin_pending_list_limit = 256)",
        "ALTER INDEX articles_fts_stems SET (gin_pending_list_limit = 256)",
        "SELECT gin_clean_pending_list('articles_fts_doc'), "
        "gin_clean_pending_list('articles_fts_stems')",
    ],
    # The alias table's phrases, each as a token of its own in the text vectors of the
    # articles that hold it (phrases.py): a search reads the token's short GIN list instead of
    # reading every article with the phrase's common words to test their places.
    phrase_layout(alias_phrases()),
    [
        # PostgreSQL's autovacuum visits a table after new rows reach 20% of it (280,000 at
        # 1,400,000 articles): until then a fetcher's articles go unvacuumed and unanalysed,
        # and at 1,400,000 articles with 200,000 of them new an open's related news cost the
        # server 53 ms instead of 37 (median of 16, bench_postgres --single), a search 24
        # instead of 21. At 1% the store is kept as a vacuum would leave it, a few seconds of
        # the server's time per 14,000 articles.
        *(
            f"ALTER TABLE {table} SET (autovacuum_vacuum_insert_scale_factor = 0.01, "
            "autovacuum_analyze_scale_factor = 0.01)"
            for table in ("articles", "articles_fts")
        ),
    ],
    # Family widening's words by trigrams (_TRIGRAMS below).
    [_TRIGRAMS],
    # The first form of step 6 indexed `term` itself by trigrams, and the planner read that
    # index for the statistics' `term IN (...)` too: 122 ms instead of under 1 on a small
    # store. It is dropped for the index of `term || ''`.
    ["DROP INDEX IF EXISTS term_stats_trigrams", _TRIGRAMS],
]
_TYPES = [
    (
        re.compile(r"\bid INTEGER PRIMARY KEY\b"),
        "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    ),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bBLOB\b"), "BYTEA"),
    (re.compile(r"\bTEXT\b"), 'TEXT COLLATE "C"'),
    (re.compile(r"\)\s*WITHOUT ROWID\s*$"), ")"),
]
_NOCASE = re.compile(r"CREATE TABLE (\w+) \(.*?\b(\w+) TEXT NOT NULL UNIQUE COLLATE NOCASE", re.S)
_REPLACE = re.compile(r"^INSERT OR REPLACE INTO meta \(key, value\)(.*)$", re.S)


def statements(sql: str) -> list[str]:
    """The statements of a migration, comments left out (split on `;` outside quotes)."""
    found: list[str] = []
    current: list[str] = []
    quote = False
    for raw in sql.splitlines():
        line = raw
        if not quote and "--" in raw and "'" not in raw.split("--", 1)[0]:
            line = raw.split("--", 1)[0]
        for char in line:
            if char == "'":
                quote = not quote
            if char == ";" and not quote:
                found.append("".join(current).strip())
                current = []
            else:
                current.append(char)
        current.append("\n")
    found.append("".join(current).strip())
    return [statement for statement in found if statement]


def render(statement: str) -> list[str]:
    """One SQLite statement as PostgreSQL statements (none for SQLite's own FTS5 tables)."""
    if "VIRTUAL TABLE" in statement:
        return []
    extra: list[str] = []
    nocase = _NOCASE.search(statement)
    if nocase is not None:
        table, column = nocase.groups()
        statement = statement.replace(
            f"{column} TEXT NOT NULL UNIQUE COLLATE NOCASE", f"{column} TEXT NOT NULL"
        )
        extra.append(f"CREATE UNIQUE INDEX {table}_{column}_nocase ON {table} (lower({column}))")
    replace = _REPLACE.match(statement)
    if replace is not None:
        statement = (
            f"INSERT INTO meta (key, value){replace.group(1)} "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        )
    if statement.startswith(("CREATE TABLE", "ALTER TABLE")):
        for pattern, replacement in _TYPES:
            statement = pattern.sub(replacement, statement)
    return [statement, *extra]


def rendered(number: int) -> list[str]:
    """Migration `number` (0 is the first) as PostgreSQL statements."""
    found = [one for statement in statements(MIGRATIONS[number]) for one in render(statement)]
    return found + (_FULL_TEXT if number == 0 else [])


def migrate(conn: PgConn, notice: Callable[[str], None] | None = None) -> None:
    """Bring the database up to the SQLite store's schema version, one migration per
    transaction, under an advisory lock so that two processes never migrate at once.
    `notice` is told before a layout step rewrites the rows of a store that holds some."""
    raw = conn.raw
    with raw.transaction():
        raw.execute("SELECT pg_advisory_xact_lock(7134452)")
        raw.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = raw.execute("SELECT version FROM schema_version").fetchone()
        if row is None:
            raw.execute("INSERT INTO schema_version (version) VALUES (0)")
        version = int(row[0]) if row else 0
        if version > len(MIGRATIONS):
            raise SchemaTooNew(
                f"database schema version {version} is newer than this kemnaker-reader "
                f"understands ({len(MIGRATIONS)}); upgrade kemnaker-reader"
            )
        for number in range(version, len(MIGRATIONS)):
            with raw.transaction():
                for statement in rendered(number):
                    raw.execute(statement.replace("%", "%%"))
                raw.execute("UPDATE schema_version SET version = %s", (number + 1,))
        row = raw.execute("SELECT value FROM meta WHERE key = 'postgres_layout'").fetchone()
        made = int(row[0]) if row else 0
        if made < len(_LAYOUT) and notice is not None:  # each step reads every row
            row = raw.execute("SELECT count(*) FROM articles").fetchone()
            if row and row[0] and made < 1:  # the first rewrites them
                notice(
                    f"laying out the {int(row[0]):,} articles' rows for PostgreSQL, once "
                    "(about a minute per 100,000 articles)"
                )
            elif row and row[0] and made < 2:  # the second indexes their titles (a fetcher waits)
                notice(f"indexing the titles of the {int(row[0]):,} articles, once")
            elif row and row[0] and made < 4:  # the fourth rewrites those with alias phrases
                notice(f"indexing the alias table's phrases in the {int(row[0]):,} articles, once")
        for number in range(made, len(_LAYOUT)):
            with raw.transaction():
                for statement in _LAYOUT[number]:
                    raw.execute(statement)
                raw.execute(
                    "INSERT INTO meta (key, value) VALUES ('postgres_layout', %s) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (str(number + 1),),
                )
