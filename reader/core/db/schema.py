"""The database schema and its forward migrations (PRAGMA user_version).

Written as SQL: FTS5 contentless tables, fts5vocab, WITHOUT ROWID tables and partial indexes
are beyond sqlite-utils' create_table.
"""

from __future__ import annotations

from reader.core.db.sqlite import sqlite3
from reader.core.errors import SchemaTooNew, StorageError

FTS_COLUMNS = ("title", "lead", "body", "title_x", "lead_x", "body_x")

_V1 = """
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    url TEXT UNIQUE,
    source TEXT,
    dateline TEXT,
    title TEXT NOT NULL,
    title_key TEXT NOT NULL,
    published_at TEXT,
    published_raw TEXT,
    sort_key TEXT NOT NULL DEFAULT '',
    category TEXT,
    content_hash TEXT NOT NULL,
    story_id INTEGER,
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    imported_at TEXT NOT NULL,
    origin TEXT,
    index_extra TEXT NOT NULL DEFAULT '',
    minhash BLOB,
    body TEXT NOT NULL  -- last: reading any other column never pages through the body
);
CREATE INDEX articles_sort ON articles(sort_key DESC, id DESC);
CREATE INDEX articles_title_key ON articles(title_key);
CREATE INDEX articles_story ON articles(story_id);

CREATE TABLE related_links (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    title_key TEXT NOT NULL,
    url TEXT,
    target_id INTEGER,
    checked_max_id INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, position)
) WITHOUT ROWID;

CREATE TABLE story_bands (
    key INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    PRIMARY KEY (key, article_id)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, lead, body, title_x, lead_x, body_x,
    content='', tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE articles_vocab USING fts5vocab(articles_fts, 'row');

-- Document frequency of every surface word: the vocabulary for the -nya rule and the idf of
-- "more like this". fts5vocab computes counts by walking postings (0.5 ms a term at 100,000
-- articles), too slow for 200 terms per related-news call.
CREATE TABLE term_stats (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
"""

# Feed subscriptions and what the last fetch of each learnt (validators for conditional GET).
_V2 = """
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT,
    added_at TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    last_fetched_at TEXT,
    last_status INTEGER,
    last_error TEXT,
    last_added INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0
);
"""

# The full stemmer's answers, kept so a word is stemmed once per database (Sastrawi is slow).
_V3 = """
CREATE TABLE word_roots (word TEXT PRIMARY KEY, root TEXT NOT NULL) WITHOUT ROWID;
"""

# Links are resolved when articles arrive, not when they are read: an arriving article looks
# up the headlines still waiting for it by URL and by title. Searches no longer write stemmer
# roots (reads never write), so their cache table goes. checked_max_id stays unused.
_V4 = """
CREATE INDEX related_links_pending_url ON related_links(url) WHERE target_id IS NULL;
CREATE INDEX related_links_pending_title ON related_links(title_key) WHERE target_id IS NULL;
DROP TABLE word_roots;
INSERT OR REPLACE INTO meta (key, value) VALUES ('links_resolved', '0');
"""

# Topics: saved searches shown as live views. Which articles a topic holds is kept, and kept up
# to date as articles arrive, so a topic's window and counts are index lookups, not searches.
_V5 = """
CREATE TABLE topics (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    query TEXT NOT NULL,
    position INTEGER NOT NULL,
    builtin INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE topic_articles (
    topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    sort_key TEXT NOT NULL,  -- the article's, so a topic's window is one index range
    PRIMARY KEY (topic_id, article_id)
) WITHOUT ROWID;
CREATE INDEX topic_articles_article ON topic_articles(article_id);
CREATE INDEX topic_articles_order ON topic_articles(topic_id, sort_key DESC, article_id DESC);
-- The navigator's per-source counts read this index alone; the views' windows (a source,
-- unread, starred) walk theirs in list order instead of sorting or scanning the table.
CREATE INDEX articles_source ON articles(source, read);
CREATE INDEX articles_source_sort ON articles(source, sort_key DESC, id DESC);
CREATE INDEX articles_unread ON articles(sort_key DESC, id DESC) WHERE read = 0;
CREATE INDEX articles_starred ON articles(sort_key DESC, id DESC) WHERE starred = 1;
INSERT OR REPLACE INTO meta (key, value) VALUES ('topics_seeded', '0');
"""

# Undated articles sort by when they were first stored, not after every dated one.
_V6 = """
UPDATE articles SET sort_key = imported_at WHERE sort_key = '';
UPDATE topic_articles SET sort_key =
    (SELECT a.sort_key FROM articles a WHERE a.id = topic_articles.article_id)
    WHERE sort_key = '';
"""

# The bundled articles (data/: the seed and the IndoSum demo) are marked when they are stored,
# so `purge --demo` removes exactly them; `bundled_offered` says the store's first launch has
# had its chance at them, so a store emptied by a purge is not filled again. A store from before
# this version got them, if at all, from those files: its articles imported from a file of that
# name are marked (the origin is the path the import read), and a store that holds articles
# has had its first launch.
_V7 = """
CREATE TABLE bundled_articles (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE
);
INSERT INTO bundled_articles (article_id)
    SELECT id FROM articles
    WHERE replace(origin, '\\', '/') LIKE '%/demo/indosum-demo.jsonl'
       OR replace(origin, '\\', '/') LIKE '%/seed/000_2d42871219c94602.txt';
INSERT OR REPLACE INTO meta (key, value)
    SELECT 'bundled_offered', '1' WHERE EXISTS (SELECT 1 FROM articles);
"""

# A site that announces no feed is followed through its sitemap: its row says so, and `fetch`
# reads the sitemap's newest pages instead of fetching the row's URL as a feed.
_V8 = """
ALTER TABLE feeds ADD COLUMN kind TEXT NOT NULL DEFAULT 'feed';
"""

# An import stores an article and its full-text row first (stored and searchable), and its
# story, the document frequency of its words and its topics in a second step that catches up
# in chunks. An article waits here until that step has done it; each chunk of the second step
# deletes its rows in the transaction that does its work, so a killed import resumes where it
# stopped.
_V9 = """
CREATE TABLE pending_articles (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE
);
"""

# Read and starred belong to a person (a team shares one archive, each with their own marks):
# a row per person and article they marked. The marks made before belong to the person ''
# until the first writable open names its person (the Library hands them over then). The
# per-source and unread indexes on the flags go with the columns.
_V10 = """
CREATE TABLE marks (
    person TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (person, article_id)
) WITHOUT ROWID;
CREATE INDEX marks_article ON marks(article_id);
INSERT INTO marks (person, article_id, read, starred)
    SELECT '', id, read, starred FROM articles WHERE read = 1 OR starred = 1;
DROP INDEX articles_source;
DROP INDEX articles_unread;
DROP INDEX articles_starred;
CREATE INDEX articles_source ON articles(source);
ALTER TABLE articles DROP COLUMN read;
ALTER TABLE articles DROP COLUMN starred;
"""

# The full-text index holds the words of its stem columns with a mark (db/fts.py, STEM_MARK), so
# a word's surface and stem-only occurrences are two terms. A store that holds articles is
# flagged here and its index rebuilt once by fts.upgrade_index, a step of its own (it computes
# the indexed words in Python). PostgreSQL keeps stems in a vector of their own and reads no flag.
_V11 = """
INSERT OR REPLACE INTO meta (key, value)
    SELECT 'stems_marked', '0' WHERE EXISTS (SELECT 1 FROM articles);
"""

# The full-text index also holds each reduplication whose parts are one word (anak-anak) as a
# token of its own (reader.core.text.REDUP_MARK). A store indexed before is flagged here and
# rebuilt by fts.upgrade_index as for migration 11; PostgreSQL rebuilds its text vectors
# (db/postgres/text_index.py, upgrade_vectors).
_V12 = """
INSERT OR REPLACE INTO meta (key, value)
    SELECT 'redups_joined', '0' WHERE EXISTS (SELECT 1 FROM articles);
"""

MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10, _V11, _V12]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, read_only: str | None = None) -> None:
    """Bring the database up to SCHEMA_VERSION, one migration per transaction.

    A store that cannot be written (`read_only` says why) is read as it is when it is current;
    an older one raises StorageError, since reading it needs its migrations.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"database schema version {version} is newer than this kemnaker-reader "
            f"understands ({SCHEMA_VERSION}); upgrade kemnaker-reader"
        )
    if read_only is not None and version < SCHEMA_VERSION:
        what = "is not a kemnaker-reader database yet" if version == 0 else "needs an upgrade"
        raise StorageError(
            f"it {what} (schema version {version} of {SCHEMA_VERSION}), and it is read-only: "
            f"{read_only}"
        )
    for number in range(version, SCHEMA_VERSION):
        conn.executescript(
            "BEGIN;" + MIGRATIONS[number] + f";PRAGMA user_version={number + 1};COMMIT;"
        )
