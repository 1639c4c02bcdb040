import json
from contextlib import closing

import pytest

from reader.core.db.schema import MIGRATIONS
from reader.core.db.sqlite import sqlite3
from reader.core.errors import SchemaTooNew, StoreMissing
from reader.core.ingest import read_inputs
from reader.core.library import open_library
from reader.core.models import Article, HeadlineFilter, RelatedHeadline
from reader.core.services.links import LinkResolver
from tests.conftest import DEMO, SEED, index_vocabulary, sql


def test_importing_the_same_files_twice_changes_nothing(demo_library):
    # demo_library is a copy of a store the same two inputs were imported into (410 added).
    before = index_vocabulary(demo_library)
    second = demo_library.import_inputs([str(SEED), str(DEMO)])
    assert (second.added, second.updated, second.unchanged) == (0, 0, 410)
    assert demo_library.count() == 410
    assert index_vocabulary(demo_library) == before
    assert sql(demo_library, "SELECT count(*) FROM related_links").fetchone()[0] == 6


def test_changed_article_is_updated_and_keeps_read_and_starred(library):
    url = "https://example.id/berita/1"
    library.import_articles([Article(title="Upah naik", body="Upah minimum naik.", url=url)])
    library.set_read(1)
    library.set_starred(1)
    result = library.import_articles(
        [Article(title="Upah naik lagi", body="Upah minimum naik lagi.", url=url)]
    )
    assert (result.added, result.updated) == (0, 1)
    article = library.get(1)
    assert article.title == "Upah naik lagi" and article.read and article.starred
    assert [h.id for h in library.search("lagi").hits] == [1]
    assert library.search("Upah naik").hits[0].id == 1
    # the old index entry is gone: only words of the new version still match
    library.import_articles(
        [Article(title="Pabrik tutup", body="Buruh kehilangan kerja.", url=url)]
    )
    assert library.search("upah").hits == []
    assert [h.id for h in library.search("pabrik").hits] == [1]


@pytest.mark.sqlite_only  # reading the inputs, above the store: the same on both backends
def test_jsonl_with_a_broken_line_imports_the_others(library, tmp_path):
    path = tmp_path / "batch.jsonl"
    good = {"title": "Menaker tinjau BLK", "body": "Menaker meninjau balai latihan kerja."}
    lines = [
        json.dumps(good),
        '{"title": "rusak", "body": ',
        json.dumps({**good, "title": "Kedua"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = library.import_inputs([str(path)])
    assert result.added == 2
    assert len(result.failed) == 1
    failure = result.failed[0]
    assert (failure.source, failure.line) == (str(path), 2)
    assert failure.message().startswith(f"{path}:2: invalid JSON")


@pytest.mark.sqlite_only  # reading the inputs, above the store: the same on both backends
@pytest.mark.parametrize(
    "entry, reason",
    [
        ({"body": "x"}, 'missing "title"'),
        ({"title": "x"}, 'missing "body"'),
        ({"title": 5, "body": "x"}, '"title" must be a string'),
        ({"title": "x", "body": "y", "related": 3}, '"related" must be a list'),
        ({"title": "x", "body": "y", "url": "javascript:alert(1)"}, "not an http(s) URL"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_bad_entries_say_what_is_wrong(library, tmp_path, entry, reason):
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(entry) + "\n", encoding="utf-8")
    result = library.import_inputs([str(path)])
    assert result.added == 0 and reason in result.failed[0].error


@pytest.mark.sqlite_only  # reading the inputs, above the store: the same on both backends
def test_json_document_forms(library, tmp_path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"title": "Satu", "content": "Isi satu."}), encoding="utf-8")
    many = tmp_path / "many.json"
    many.write_text(
        json.dumps({"articles": [{"title": "Dua", "text": "Isi dua."}, {"title": ""}]}),
        encoding="utf-8",
    )
    result = library.import_inputs([str(one), str(many)])
    assert result.added == 2
    assert [f.error for f in result.failed] == ['entry 2: missing "title"']


@pytest.mark.sqlite_only  # reading the inputs, above the store: the same on both backends
def test_files_that_cannot_be_read(library, tmp_path):
    (tmp_path / "latin1.txt").write_bytes("Judul\nIsi caf\xe9\n".encode("latin-1"))
    (tmp_path / "notes.md").write_text("# x", encoding="utf-8")
    result = library.import_articles(
        read_inputs(
            [
                str(tmp_path / "latin1.txt"),
                str(tmp_path / "notes.md"),
                str(tmp_path / "missing.jsonl"),
            ]
        )
    )
    errors = sorted(f.message() for f in result.failed)
    assert any("latin1.txt: not UTF-8 text" in e for e in errors)
    assert any("notes.md: unsupported file type '.md'" in e for e in errors)
    assert any("missing.jsonl: no such file or directory" in e for e in errors)


@pytest.mark.sqlite_only  # reading the inputs, above the store: the same on both backends
def test_a_folder_is_walked_and_other_files_skipped(library, tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.txt").write_text("Judul X\nIsi X.\n", encoding="utf-8")
    (tmp_path / "a" / "README.md").write_text("not an article", encoding="utf-8")
    result = library.import_inputs([str(tmp_path)])
    assert (result.added, result.failed) == (1, [])


def test_escape_sequences_and_controls_are_removed_markup_kept(library):
    title = "Judul \x1b[31mmerah\x1b[0m [bold red]tebal[/] \x07"
    body = "Isi \x1b]0;judul jendela\x07dengan [link=http://e.com]tautan[/link]\x00.\r\nBaris dua."
    library.import_articles(
        [Article(title=title, body=body, related=[RelatedHeadline("\x1b[2Jlain")])]
    )
    article = library.get(1)
    assert article.title == "Judul merah [bold red]tebal[/]"
    assert article.body == "Isi dengan [link=http://e.com]tautan[/link].\n\nBaris dua."
    assert article.related[0].title == "lain"
    assert "\x1b" not in article.title + article.body


def test_a_failure_while_writing_leaves_nothing_half_written(library, monkeypatch):
    library.import_articles([Article(title="Sudah ada", body="Artikel lama.")])
    calls = {"n": 0}
    original = LinkResolver.store_links

    def failing(self, article_id, related):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk on fire")
        return original(self, article_id, related)

    monkeypatch.setattr(LinkResolver, "store_links", failing)
    with pytest.raises(RuntimeError):
        # With headlines of their own: a new article without any writes no links.
        library.import_articles(
            [
                Article(title="Baru satu", body="Isi.", related=[RelatedHeadline("Lain", None)]),
                Article(title="Baru dua", body="Isi.", related=[RelatedHeadline("Lain", None)]),
            ]
        )
    assert calls["n"] == 2
    assert library.count() == 1
    assert sql(library, "SELECT count(*) FROM story_bands").fetchone()[0] <= 21
    assert library.search("baru").hits == []


def test_near_duplicates_share_a_story(library):
    body = (
        "Kementerian Ketenagakerjaan menggelar pelatihan vokasi bagi tiga ribu pencari kerja "
        "di balai latihan kerja Bekasi pekan ini.\n\nPelatihan itu mencakup las, otomotif, "
        "dan teknologi informasi, dengan sertifikat kompetensi bagi peserta yang lulus."
    )
    library.import_articles(
        [
            Article(
                title="Kemnaker latih pencari kerja",
                body="jpnn.com, JAKARTA - " + body,
                url="https://a.id/1",
            ),
            Article(
                title="KEMNAKER LATIH PENCARI KERJA", body=body + " (jpnn)", url="https://b.id/2"
            ),
            Article(
                title="Harga cabai naik",
                body="Harga cabai di pasar naik tajam menjelang hari raya.",
                url="https://c.id/3",
            ),
        ]
    )
    ids = dict(sql(library, "SELECT id, coalesce(story_id, id) FROM articles"))
    assert ids[1] == ids[2] == 1 and ids[3] == 3


def test_schema_is_versioned_and_reopens(tmp_path):
    path = tmp_path / "x.db"
    open_library(path).close()
    with open_library(path) as again:
        assert sql(again, "PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert sql(again, "PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.fixture
def small_chunks(monkeypatch):
    """Imports prepared in chunks of 50 articles, not 500: a few hundred articles make the
    chunks (and the helper process that takes them from the second one on) that thousands
    would."""
    from reader.core.services import prepare

    monkeypatch.setattr(prepare, "CHUNK", 50)


def _many(n):
    return [
        Article(
            title=f"Berita nomor {i}",
            body=f"Isi berita nomor {i} tentang upah buruh.",
            url=f"https://x.id/{i}",
        )
        for i in range(n)
    ]


def test_a_large_import_prepares_in_a_helper_process_and_reports_each_chunk(library, small_chunks):
    """Three chunks, the last one short: the helper process prepares them from the second
    on, and progress is reported after each is written. One import for both (each starts a
    helper process, ~0.17 s of CPU)."""
    seen = []
    result = library.import_articles(_many(120), progress=lambda r: seen.append(r.added))
    assert seen == [50, 100, 120]
    assert (result.added, result.failed) == (120, [])
    assert library.count() == 120
    assert [h.title for h in library.search('"nomor 119"', 5).hits] == ["Berita nomor 119"]


@pytest.mark.parametrize("fails_at", ["submit", "result"])
def test_a_helper_process_that_dies_loses_nothing(library, monkeypatch, small_chunks, fails_at):
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from reader.core.services import prepare

    class DiesAfterOneChunk:
        """Prepares the first chunk it is given, then breaks as a dead helper process does."""

        def __init__(self, *args, **kwargs):
            self.submitted = 0

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def submit(self, fn, chunk):
            self.submitted += 1
            future = Future()
            if self.submitted == 1:
                future.set_result(fn(chunk))
            elif fails_at == "submit":
                raise BrokenProcessPool("helper died")
            else:
                future.set_exception(BrokenProcessPool("helper died"))
            return future

    monkeypatch.setattr(prepare, "ProcessPoolExecutor", DiesAfterOneChunk)
    result = library.import_articles(_many(260))
    assert (result.added, result.failed) == (260, [])
    assert library.count() == 260


def test_an_older_database_is_migrated_forward_keeping_its_articles(tmp_path):
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    conn.executescript("BEGIN;" + MIGRATIONS[0] + ";PRAGMA user_version=1;COMMIT;")
    conn.execute(
        "INSERT INTO articles (title, title_key, body, content_hash, imported_at) "
        "VALUES ('Lama', 'lama', 'Isi lama.', 'x', '2026-01-01T00:00:00Z')"
    )
    conn.commit()
    conn.close()
    with open_library(path) as library:
        assert sql(library, "PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert library.get(1).title == "Lama"
        tables = {r[0] for r in sql(library, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"term_stats", "articles", "feeds"} <= tables


def test_a_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.db"
    sqlite3.connect(path).execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    with pytest.raises(SchemaTooNew, match="newer than this kemnaker-reader"):
        open_library(path)


@pytest.mark.sqlite_only  # reading the inputs, above the store: the same on both backends
def test_other_url_schemes_are_refused_by_name(library):
    result = library.import_inputs(["ftp://example.com/a.xml"])
    assert [f.message() for f in result.failed] == [
        "ftp://example.com/a.xml: unsupported URL scheme 'ftp'; only http and https"
    ]


@pytest.mark.sqlite_only  # reading the inputs, above the store: the same on both backends
def test_a_broken_jsonl_line_names_the_right_column(library, tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"title": "Satu", "body": "x"}\n{"title":"Dua", "body": \n', encoding="utf-8")
    result = library.import_inputs([str(path)])
    assert result.failed[0].message() == f"{path}:2: invalid JSON (Expecting value, column 25)"


@pytest.mark.sqlite_only  # reading the inputs, above the store: the same on both backends
def test_an_input_with_no_articles_says_so(library, tmp_path):
    (tmp_path / "empty.json").write_text("[]", encoding="utf-8")
    (tmp_path / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    result = library.import_articles(
        read_inputs([str(tmp_path / "empty.json"), str(tmp_path / "empty.jsonl")])
    )
    assert [f.error for f in result.failed] == [
        "no articles in the file (an empty list)",
        "no articles in the file (it is empty)",
    ]


@pytest.mark.sqlite_only  # it watches SQLite's PRAGMA data_version
def test_reads_never_write(demo_library):
    """Searching (with the stemmer fallback), reading, related news and figures commit
    nothing: another connection's data_version stays where it was."""
    with closing(sqlite3.connect(demo_library.path)) as other:
        before = other.execute("PRAGMA data_version").fetchone()[0]
        seed = demo_library.search("pekerja migran", 1).hits[0].id
        demo_library.search("pekerjaan perlindungannya", 20)
        demo_library.search("zzzz pekerja", 20)
        assert demo_library.get(seed) is not None
        assert demo_library.related(seed, 12)
        demo_library.headlines(0, 50)
        demo_library.stats()
        assert other.execute("PRAGMA data_version").fetchone()[0] == before
    with closing(sqlite3.connect(demo_library.path)) as other:
        before = other.execute("PRAGMA data_version").fetchone()[0]
        demo_library.set_read(seed)  # a write does show: the check can fail
        assert other.execute("PRAGMA data_version").fetchone()[0] != before


def test_a_missing_store_is_not_created_when_told_so(tmp_path):
    with pytest.raises(StoreMissing, match="no database at"):
        open_library(tmp_path / "nowhere.db", create=False)
    assert not (tmp_path / "nowhere.db").exists()


def test_toggles_flip_in_one_step_and_say_how_things_are_now(demo_library):
    first = demo_library.headlines(0, 1)[0]
    assert not first.read and not first.starred
    assert demo_library.toggle_read(first.id).read is True
    assert demo_library.toggle_read(first.id).read is False
    now = demo_library.toggle_starred(first.id)
    assert now.starred and not now.read
    assert demo_library.headline(first.id).starred
    assert demo_library.toggle_read(10**9) is None


def test_a_watch_sees_articles_from_elsewhere_not_flag_marks(demo_library):
    watch = demo_library.watch()
    assert not watch.changed()
    with open_library(demo_library.path) as other:  # another process, as far as SQLite knows
        other.toggle_starred(1)
        other.set_read(2)
        assert not watch.changed(), "marks are not new articles"
        other.import_articles([Article(title="Baru dari luar", body="Isi baru.")])
        assert watch.changed()
        assert not watch.changed(), "once per change"
        other.import_articles([Article(title="Baru dari luar", body="Isi baru.")])
        assert not watch.changed(), "an unchanged re-import changes nothing"


def test_sources_with_their_counts(demo_library):
    sources = demo_library.sources()
    assert sum(s.total for s in sources) == demo_library.count() == 410
    assert sources[0].name == "cnn indonesia" and sources[0].total == sources[0].unread == 155
    assert [s.total for s in sources] == sorted((s.total for s in sources), reverse=True)
    first = demo_library.headlines(0, 1, HeadlineFilter(source="cnn indonesia"))[0]
    demo_library.set_read(first.id)
    cnn = next(s for s in demo_library.sources() if s.name == "cnn indonesia")
    assert (cnn.unread, cnn.total) == (154, 155)


def test_mark_all_read_in_a_view_and_only_there(demo_library):
    view = HeadlineFilter(source="suara")
    suara = demo_library.count(view)
    assert demo_library.mark_all_read(view) == suara
    assert demo_library.count(HeadlineFilter(source="suara", unread=True)) == 0
    assert demo_library.count(HeadlineFilter(unread=True)) == 410 - suara
    assert demo_library.mark_all_read(view) == 0


def test_next_and_previous_unread_follow_the_list_order(demo_library):
    window = demo_library.headlines(0, 6)
    demo_library.set_read(window[1].id)
    demo_library.set_read(window[2].id)
    assert demo_library.next_unread(None).id == window[0].id
    assert demo_library.next_unread(window[0].id).id == window[3].id
    assert demo_library.next_unread(window[3].id, step=-1).id == window[0].id
    assert demo_library.next_unread(window[0].id, step=-1) is None
    view = HeadlineFilter(source=window[3].source)
    after = demo_library.next_unread(window[3].id, view)
    assert after is None or (after.source == window[3].source and not after.read)
    last = demo_library.headlines(409, 1)[0]
    assert demo_library.next_unread(last.id) is None


def _two_versions_and_another(library):
    body = (
        "Kementerian Ketenagakerjaan menggelar pelatihan vokasi bagi tiga ribu pencari kerja "
        "di balai latihan kerja Bekasi pekan ini.\n\nPelatihan itu mencakup las, otomotif, "
        "dan teknologi informasi, dengan sertifikat kompetensi bagi peserta yang lulus."
    )
    library.import_articles(
        [
            Article(
                title="Kemnaker latih pencari kerja",
                body="jpnn.com, JAKARTA - " + body,
                url="https://a.id/1",
                published_at="2018-02-19T10:00:00+07:00",
            ),
            Article(
                title="Harga cabai naik",
                body="Harga cabai di pasar naik tajam.",
                url="https://c.id/3",
                published_at="2018-02-20T10:00:00+07:00",
            ),
            Article(
                title="KEMNAKER LATIH PENCARI KERJA",
                body=body + " (jpnn)",
                url="https://b.id/2",
                published_at="2018-02-21T10:00:00+07:00",
            ),
        ]
    )


def test_a_folded_list_shows_a_story_once_with_its_versions(library):
    _two_versions_and_another(library)
    assert [h.title for h in library.headlines(0, 10)] == [
        "KEMNAKER LATIH PENCARI KERJA",
        "Harga cabai naik",
        "Kemnaker latih pencari kerja",
    ]
    folded = HeadlineFilter(fold_stories=True)
    rows = library.headlines(0, 10, folded)
    assert [(h.title, h.versions) for h in rows] == [
        ("Harga cabai naik", 1),
        ("Kemnaker latih pencari kerja", 2),
    ]
    assert library.count(folded) == 2
    assert library.position(rows[1].id, folded) == 1


def test_reading_one_version_reads_the_story(library):
    _two_versions_and_another(library)
    first, other, second = (h.id for h in library.headlines(0, 10))
    assert library.mark_story_read(first) == sorted([first, second])
    assert library.headline(second).read and library.headline(first).read
    assert not library.headline(other).read
    assert library.mark_story_read(second) == []
    assert library.mark_story_read(10**9) == []


def test_undated_articles_sort_by_when_they_were_first_stored(library):
    old = "2018-02-19T10:00:00+07:00"
    library.import_articles([Article(title="Lama", body="Berita lama.", published_at=old)])
    library.import_articles([Article(title="Tanpa tanggal", body="Isi.", url="https://x.id/t")])
    first = library.headlines(0, 2)
    assert [h.title for h in first] == ["Tanpa tanggal", "Lama"]
    assert first[0].published_at is None and first[0].stored_at
    library.import_articles(
        [Article(title="Tanpa tanggal", body="Isi baru.", url="https://x.id/t")]
    )
    again = library.headlines(0, 2)
    assert again[0].title == "Tanpa tanggal" and again[0].stored_at == first[0].stored_at
    stats = library.stats()
    assert stats["oldest"] == stats["newest"] == "2018-02-19T03:00:00Z"  # dated articles only


def test_a_topics_folded_counts_count_a_story_once(library):
    _two_versions_and_another(library)
    library.add_topic("Pelatihan kerja", "pencari kerja")
    first, _, second = (h.id for h in library.headlines(0, 10))
    topic = next(t for t in library.topics() if t.name == "Pelatihan kerja")
    folded = next(t for t in library.topics(fold=True) if t.name == "Pelatihan kerja")
    assert (topic.unread, topic.total) == (2, 2)
    assert (folded.unread, folded.total) == (1, 1)
    assert library.count(HeadlineFilter(topic=topic.id, fold_stories=True)) == folded.total
    library.mark_story_read(second)
    folded = next(t for t in library.topics(fold=True) if t.name == "Pelatihan kerja")
    assert (folded.unread, folded.total) == (0, 1)
    assert library.headline(first).read


def test_an_article_row_is_written_with_its_fields_in_column_order():
    # insert/update pass record_values(record): the values astuple gave, in _RECORD_COLUMNS'
    # order, so the rows written are the same as before (without astuple's deep copy).
    from dataclasses import astuple, fields

    from reader.core.db.articles import _RECORD_COLUMNS, record_values
    from reader.core.models import ArticleRecord

    names = [f.name for f in fields(ArticleRecord)]
    assert names == [c.strip() for c in _RECORD_COLUMNS.split(",")]
    full = ArticleRecord(*(f"v{i}" for i in range(13)), minhash=b"\x01\x02", story_id=7)
    sparse = ArticleRecord(
        None, None, None, "t", "t", "b", None, None, "", None, "h", None, "", b""
    )
    for record in (full, sparse):
        assert record_values(record) == astuple(record)


def test_signature_estimates_compared_at_once_equal_one_by_one():
    # The story lookup compares an article with its candidates in one array operation; each
    # estimate is the one minhash.estimate gives, so the same stories are found.
    import random

    import numpy as np

    from reader.core import minhash

    rng = random.Random(5)
    sig = np.array([rng.randrange(8) for _ in range(minhash.PERMUTATIONS)], dtype=np.uint32)
    blobs = [
        minhash.to_blob(
            np.array([rng.randrange(8) for _ in range(minhash.PERMUTATIONS)], dtype=np.uint32)
        )
        for _ in range(20)
    ] + [minhash.to_blob(sig)]
    one_by_one = [minhash.estimate(sig, minhash.from_blob(blob)) for blob in blobs]
    assert minhash.estimates(sig, blobs) == one_by_one
    assert one_by_one[-1] == 1.0 and len(set(one_by_one)) > 3
    assert minhash.estimates(sig, []) == []
