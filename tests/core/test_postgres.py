"""The PostgreSQL store against the SQLite one: one schema description, the same answers."""

from __future__ import annotations

import json
import shutil
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli import root
from reader.core.db.postgres.connection import display_url, translate
from reader.core.db.sqlite import sqlite3
from reader.core.errors import StorageError
from reader.core.library import open_library
from reader.core.models import Article
from tests import pg
from tests.conftest import demo_built, sql

QUERIES = [
    "pekerja migran",
    "upah minimum",
    "banjir jakarta",
    "korupsi",
    "timnas indonesia",
    "harga beras naik",
    "kecelakaan pesawat",
    "pemilihan gubernur",
    "gempa bumi",
    "ekspor kelapa sawit",
    "tenaga kerja asing",
]


def test_statements_keep_quoted_question_marks_and_double_percent_signs() -> None:
    assert translate("SELECT ? WHERE a LIKE '%?%' AND b = ?") == (
        "SELECT %s WHERE a LIKE '%%?%%' AND b = %s"
    )


def test_a_password_never_shows_in_messages() -> None:
    shown = display_url("postgresql://ana:s3cret@db.example/news")
    assert "s3cret" not in shown and shown == "postgresql://ana:***@db.example/news"


def test_a_server_that_is_not_there_is_one_line_naming_the_store(tmp_path: Path) -> None:
    url = f"postgresql://nobody:pw@/news?host={tmp_path}"
    with pytest.raises(StorageError) as error:
        open_library(url)
    message = str(error.value)
    assert message.startswith(f"postgresql://nobody:***@/news?host={tmp_path}: cannot connect (")
    assert "\n" not in message and "pw@" not in message


def _columns_sqlite(path: Path) -> dict[str, list[str]]:
    with closing(sqlite3.connect(path)) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
                "'CREATE VIRTUAL%' AND name NOT LIKE 'articles_fts%' AND name NOT LIKE "
                "'articles_vocab%' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: [row[1] for row in conn.execute(f"PRAGMA table_info({t})")] for t in tables}


def test_both_backends_are_made_from_one_schema_description(tmp_path: Path) -> None:
    """Every table and column of the SQLite store, in the same order, on PostgreSQL; besides
    them only each backend's own full-text index (and PostgreSQL's schema version)."""
    name = pg.unique_name("schema")
    url = pg.create_database(name)
    with open_library(tmp_path / "a.db") as lite, open_library(url) as post:
        expected = _columns_sqlite(tmp_path / "a.db")
        rows = sql(
            post,
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
        )
        found: dict[str, list[str]] = {}
        for table, column in rows:
            found.setdefault(table, []).append(column)
        assert found.pop("articles_fts") == ["id", "doc", "stems"]
        assert found.pop("schema_version") == ["version"]
        assert found == expected
        assert lite.stats()["articles"] == post.stats()["articles"] == 0
    pg.drop_database(name)


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The seed and the demo corpus imported into a SQLite file and a PostgreSQL database:
    copies of the demo stores the run imports once (tests/conftest.py: demo_built)."""
    path = tmp_path_factory.mktemp("twin") / "articles.db"
    shutil.copy(demo_built("sqlite", tmp_path_factory), path)
    name = pg.unique_name("twin")
    url = pg.create_database(name, template=str(demo_built("postgres", tmp_path_factory)))
    with open_library(path) as lite, open_library(url) as post:
        assert lite.count() == post.count() == 410
        yield lite, post
    pg.drop_database(name)


def test_the_same_articles_stories_and_links(twins) -> None:  # type: ignore[no-untyped-def]
    lite, post = twins
    for statement in (
        "SELECT id, url, title, published_at, coalesce(story_id, 0) FROM articles ORDER BY id",
        "SELECT article_id, position, title, coalesce(target_id, 0) FROM related_links "
        "ORDER BY article_id, position",
        "SELECT term, df FROM term_stats WHERE df > 0 ORDER BY term",
        "SELECT topic_id, article_id FROM topic_articles ORDER BY topic_id, article_id",
    ):
        assert list(sql(lite, statement)) == list(sql(post, statement)), statement
    assert lite.stats()["stories"] == post.stats()["stories"]


def test_search_finds_the_same_articles_and_ranks_them_closely(twins) -> None:  # type: ignore[no-untyped-def]
    """The same matches (whenever the matches are not cut to the best 100, which depends on
    the ranking); the same first hit for most queries, most of the same first ten for each.
    Measured on the demo corpus: the first hit agrees for 8 of these 11 queries."""
    lite, post = twins
    first = 0
    for query in QUERIES:
        a = [hit.id for hit in lite.search(query, 1000).hits]
        b = [hit.id for hit in post.search(query, 1000).hits]
        assert a and len(a) == len(b), query
        if len(a) < 100:
            assert set(a) == set(b), query
        assert len(set(a[:10]) & set(b[:10])) >= 0.6 * len(a[:10]), query
        first += a[0] == b[0]
    assert first >= 8


def test_related_news_works_there_too(twins) -> None:  # type: ignore[no-untyped-def]
    lite, post = twins
    seed = lite.search("pekerja migran", 1).hits[0].id
    assert post.search("pekerja migran", 1).hits[0].id == seed
    a = [item.id for item in lite.related(seed, 12) if item.id is not None]
    b = [item.id for item in post.related(seed, 12) if item.id is not None]
    assert b and len(set(a) & set(b)) >= len(a) // 2


def test_the_command_line_speaks_to_postgresql(twins) -> None:  # type: ignore[no-untyped-def]
    lite, post = twins
    runner = CliRunner()
    out = {}
    for library in (lite, post):
        done = runner.invoke(
            root.cli, ["--db", str(library.path), "search", "upah minimum", "--json"]
        )
        assert done.exit_code == 0, done.output
        out[library] = json.loads(done.output)
    a, b = out[lite], out[post]
    assert a and [sorted(hit) for hit in a] == [sorted(hit) for hit in b]
    assert {hit["id"] for hit in a} == {hit["id"] for hit in b}


def test_copy_goes_there_and_back_keeping_everything(twins, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """SQLite -> PostgreSQL -> SQLite: the same articles, marks (of two people), feeds, topics,
    stories, links and search results; and a copy never lands on a store that has articles."""
    lite, _ = twins
    path = tmp_path / "start.db"
    back = tmp_path / "back.db"
    name = pg.unique_name("copy")
    url = pg.create_database(name)
    runner = CliRunner()
    with open_library(path, person="ana") as ana, open_library(path, person="budi") as budi:
        assert lite.copy_to(ana)["articles"] == 410
        ids = [h.id for h in ana.headlines(limit=5)]
        ana.set_read(ids[0])
        ana.set_starred(ids[1])
        budi.set_read(ids[2])
        assert ana.add_feed("https://example.org/rss.xml")
        ana.add_topic("Buruh", "buruh")
    for source, target in ((str(path), url), (url, str(back))):
        done = runner.invoke(root.cli, ["copy", "--from", source, "--to", target, "--json"])
        assert done.exit_code == 0, done.output
        assert json.loads(done.output)["articles"] == 410
    again = runner.invoke(root.cli, ["copy", "--from", str(path), "--to", url])
    assert (
        again.exit_code == 1
        and "is not empty (410 articles, 1 feed); copy only into a new store" in again.output
    )
    for person in ("ana", "budi"):
        with (
            open_library(path, person=person) as a,
            open_library(url, person=person) as b,
            open_library(back, person=person) as c,
        ):
            for library in (b, c):
                assert library.stats()["unread"] == a.stats()["unread"]
                assert library.stats()["starred"] == a.stats()["starred"]
                assert [t.name for t in library.topics()] == [t.name for t in a.topics()]
                assert [f.url for f in library.feeds()] == [f.url for f in a.feeds()]
                for query in QUERIES[:5]:
                    assert [h.id for h in c.search(query, 50).hits] == [
                        h.id for h in a.search(query, 50).hits
                    ], query
                    expected = {h.id for h in a.search(query, 50).hits}
                if len(expected) < 50:  # not cut to the best 50, which depends on the ranking
                    assert {h.id for h in b.search(query, 50).hits} == expected, query
    for statement in (
        "SELECT id, url, title, published_at, body, coalesce(story_id, 0) FROM articles ORDER BY id",
        "SELECT person, article_id, read, starred FROM marks ORDER BY person, article_id",
        "SELECT article_id, position, title, coalesce(target_id, 0) FROM related_links "
        "ORDER BY article_id, position",
        "SELECT key, article_id FROM story_bands ORDER BY key, article_id",
        "SELECT term, df FROM term_stats ORDER BY term",
    ):
        with open_library(path) as a, open_library(url) as b, open_library(back) as c:
            first = list(sql(a, statement))
            assert first == list(sql(b, statement)) == list(sql(c, statement)), statement
    with open_library(url) as b:
        new = b.import_articles([Article(title="Baru sesudah disalin", body="Isi baru.")])
        assert new.added == 1 and b.count() == 411  # new ids follow the copied ones
    pg.drop_database(name)


def test_a_nul_character_in_a_query_finds_nothing_instead_of_failing(twins) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL's text cannot hold NUL (SQLite's can): a query or filter holding one is
    still answered, with what SQLite answers."""
    lite, post = twins
    for query in ("source:\x00", "upah\x00minimum", "source:kompas\x00 upah"):
        assert [h.id for h in post.search(query, 20).hits] == [
            h.id for h in lite.search(query, 20).hits
        ], repr(query)


SMALL_PENDING_LISTS = {
    "articles_fts_doc": "gin_pending_list_limit=256",
    "articles_fts_stems": "gin_pending_list_limit=256",
}


# Layout step 5: autovacuum visits the two tables a fetcher grows after 1% of new rows.
PROMPT_AUTOVACUUM = {
    table: ["autovacuum_analyze_scale_factor=0.01", "autovacuum_vacuum_insert_scale_factor=0.01"]
    for table in ("articles", "articles_fts")
}


def _layout(library) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What PostgreSQL's own layout steps set: where the vectors are stored, the source index."""
    storage: dict[str, str] = dict(
        sql(
            library,
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'articles_fts'::regclass "
            "AND attname IN ('doc', 'stems')",
        )
    )
    indexes = {row[0] for row in sql(library, "SELECT indexname FROM pg_indexes")}
    (made,) = sql(library, "SELECT value FROM meta WHERE key = 'postgres_layout'")[0]
    titles = {"articles_fts_doc_titles", "articles_fts_stems_titles"} <= indexes
    pending: dict[str, str] = dict(
        sql(
            library,
            "SELECT relname, array_to_string(reloptions, ',') FROM pg_class "
            "WHERE relname IN ('articles_fts_doc', 'articles_fts_stems')",
        )
    )
    vacuum: dict[str, str] = dict(
        sql(
            library,
            "SELECT relname, array_to_string(reloptions, ',') FROM pg_class "
            "WHERE relname IN ('articles', 'articles_fts')",
        )
    )
    return {
        "storage": storage,
        "autovacuum": {
            table: sorted(o for o in options.split(",") if o.startswith("autovacuum"))
            for table, options in vacuum.items()
        },
        "source_index": "articles_source_lower" in indexes,
        "title_indexes": titles,
        "pending_lists": pending,
        "trigrams": "term_stats_word_trigrams" in indexes and "term_stats_trigrams" not in indexes,
        "made": made,
    }


def test_an_older_postgresql_store_gets_the_new_layout_and_keeps_its_answers(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A store made before the layout steps (vectors in TOAST's side table, no lower(source)
    index, no title-only indexes) is brought to it on opening, its rows rewritten; search answers stay the same."""
    name = pg.unique_name("layout")
    url = pg.create_database(name, template=str(demo_built("postgres", tmp_path_factory)))
    with open_library(url) as library:  # the seed and the demo corpus, as imported
        assert _layout(library) == {
            "storage": {"doc": "m", "stems": "m"},
            "source_index": True,
            "title_indexes": True,
            "pending_lists": SMALL_PENDING_LISTS,
            "autovacuum": PROMPT_AUTOVACUUM,
            "trigrams": True,
            "made": "7",
        }
        before = {q: [h.id for h in library.search(q, 50).hits] for q in QUERIES}
        filtered = [h.id for h in library.search("source:jpnn pekerja", 50).hits]
        assert filtered
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:  # as an older reader left it
        for statement in (
            "ALTER TABLE articles_fts ALTER COLUMN doc SET STORAGE EXTENDED",
            "ALTER TABLE articles_fts ALTER COLUMN stems SET STORAGE EXTENDED",
            "ALTER TABLE articles_fts RESET (toast_tuple_target)",
            "DROP INDEX articles_source_lower",
            "DROP INDEX articles_fts_doc_titles",
            "DROP INDEX articles_fts_stems_titles",
            "ALTER INDEX articles_fts_doc RESET (gin_pending_list_limit)",
            "ALTER INDEX articles_fts_stems RESET (gin_pending_list_limit)",
            "ALTER TABLE articles RESET (autovacuum_vacuum_insert_scale_factor, "
            "autovacuum_analyze_scale_factor)",
            "ALTER TABLE articles_fts RESET (autovacuum_vacuum_insert_scale_factor, "
            "autovacuum_analyze_scale_factor)",
            "DROP EXTENSION pg_trgm CASCADE",
            "DELETE FROM meta WHERE key = 'postgres_layout'",
        ):
            conn.execute(statement)
    with open_library(url) as library:
        assert _layout(library) == {
            "storage": {"doc": "m", "stems": "m"},
            "source_index": True,
            "title_indexes": True,
            "pending_lists": SMALL_PENDING_LISTS,
            "autovacuum": PROMPT_AUTOVACUUM,
            "trigrams": True,
            "made": "7",
        }
        assert {q: [h.id for h in library.search(q, 50).hits] for q in QUERIES} == before
        assert [h.id for h in library.search("source:jpnn pekerja", 50).hits] == filtered
    pg.drop_database(name)


def test_a_store_at_the_first_layout_step_says_it_indexes_its_titles(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A store laid out by the first step only (from before the title-only indexes) builds
    them on opening, once, and says so first: at 1,000,000 articles it reads every vector,
    and a fetcher's writes wait for it."""
    name = pg.unique_name("layout2")
    url = pg.create_database(name, template=str(demo_built("postgres", tmp_path_factory)))
    with open_library(url) as library:  # the seed and the demo corpus, as imported
        count = library.count()
        assert count == 410
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for statement in (
            "DROP INDEX articles_fts_doc_titles",
            "DROP INDEX articles_fts_stems_titles",
            "UPDATE meta SET value = '1' WHERE key = 'postgres_layout'",
        ):
            conn.execute(statement)
    said: list[str] = []
    with open_library(url, notice=said.append) as library:
        assert _layout(library)["title_indexes"] and _layout(library)["made"] == "7"
    assert said == [f"indexing the titles of the {count:,} articles, once"]
    with open_library(url, notice=said.append):
        pass
    assert len(said) == 1  # once
    pg.drop_database(name)


# Cores that family widening looks up (stemmer._core), and some that test LIKE's escapes and a
# core too short for a trigram.
CORES = ["kerja", "erja", "migran", "ekspor", "ajak", "ja", "a_b", "50%", "tenagakerja"]


def _words_containing(library) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    index = library._storage.index
    return {core: index.words_containing(core, 200) for core in CORES}


def test_family_widening_reads_the_trigram_index_and_finds_the_same_words(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Layout step 6 indexes term_stats' words by trigrams: the words holding a core are the
    same with the index as without it (dropped), and the planner reads the index for them."""
    name = pg.unique_name("trigrams")
    url = pg.create_database(name, template=str(demo_built("postgres", tmp_path_factory)))
    with open_library(url) as library:
        assert _layout(library)["trigrams"]
        found = _words_containing(library)
        assert found["kerja"] and found["migran"]
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:  # a table this small is read
            conn.execute("SET enable_seqscan = off")  # whole unless told otherwise
            plan = conn.execute(
                "EXPLAIN SELECT term FROM term_stats WHERE df > 0 AND (term || '') LIKE %s "
                "ESCAPE '\\' ORDER BY df DESC LIMIT 200",
                ("%kerja%",),
            ).fetchall()
            assert "term_stats_word_trigrams" in " ".join(row[0] for row in plan)
            conn.execute("DROP INDEX term_stats_word_trigrams")
        assert not _layout(library)["trigrams"]
        assert _words_containing(library) == found
    pg.drop_database(name)


def test_a_store_that_cannot_make_pg_trgm_opens_without_the_trigram_index(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Where pg_trgm cannot be made (here a function of its name is in the way), layout step
    6 makes nothing: the store opens, the step is counted, and widening reads the table."""
    name = pg.unique_name("notrigrams")
    url = pg.create_database(name, template=str(demo_built("postgres", tmp_path_factory)))
    with open_library(url) as library:
        found = _words_containing(library)
        before = {q: [h.id for h in library.search(q, 50).hits] for q in QUERIES}
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for statement in (
            "DROP EXTENSION pg_trgm CASCADE",
            "CREATE FUNCTION similarity(text, text) RETURNS real AS 'SELECT 0.0::real' "
            "LANGUAGE sql",
            "UPDATE meta SET value = '5' WHERE key = 'postgres_layout'",
        ):
            conn.execute(statement)
    with open_library(url) as library:
        layout = _layout(library)
        assert layout["made"] == "7" and not layout["trigrams"]
        assert not sql(library, "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert _words_containing(library) == found
        assert {q: [h.id for h in library.search(q, 50).hits] for q in QUERIES} == before
    pg.drop_database(name)


def test_a_store_with_the_first_trigram_index_gets_the_one_whole_words_do_not_read(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Layout step 6 first indexed `term` itself by trigrams, which the planner may read for
    the statistics' lookups of whole words (term IN ...) too: on a test store it did, 122 ms a
    lookup instead of under 1. A store laid out so gets step 7: that index dropped, the one of
    `term || ''` made (which no lookup of `term` can use); the words found are the same."""
    name = pg.unique_name("trigrams6")
    url = pg.create_database(name, template=str(demo_built("postgres", tmp_path_factory)))
    with open_library(url) as library:
        found = _words_containing(library)
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP INDEX term_stats_word_trigrams")
        conn.execute("CREATE INDEX term_stats_trigrams ON term_stats USING GIN (term gin_trgm_ops)")
        conn.execute("UPDATE meta SET value = '6' WHERE key = 'postgres_layout'")
    with open_library(url) as library:
        assert _layout(library)["trigrams"] and _layout(library)["made"] == "7"
        assert _words_containing(library) == found
        definitions = [
            row[0]
            for row in sql(
                library, "SELECT indexdef FROM pg_indexes WHERE tablename = 'term_stats'"
            )
            if "gin_trgm_ops" in row[0]
        ]
        assert definitions and all("(term || ''::text)" in d for d in definitions)
    pg.drop_database(name)
