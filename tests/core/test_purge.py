"""Removing articles: the index, the stories, the links, the topics and the counts stay right."""

from __future__ import annotations

import json
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reader.core.db.postgres.phrases import PHRASE_MARK
from reader.core.db.sqlite import sqlite3
from reader.core.library import Library, open_library
from reader.core.models import Article, HeadlineFilter, RelatedHeadline
from reader.core.text import surface_words
from tests.conftest import SEED, ids_indexed_under, index_vocabulary, sql, undo_marks_table

STORY = (
    "Kementerian Ketenagakerjaan menggelar pelatihan vokasi bagi tiga ribu pencari kerja "
    "di balai latihan kerja Bekasi pekan ini.\n\nPelatihan itu mencakup las, otomotif, "
    "dan teknologi informasi, dengan sertifikat kompetensi bagi peserta yang lulus."
)


def _corpus() -> list[Article]:
    """Three versions of one story, an article that links to it by title, and two others."""
    return [
        Article(
            title="Kemnaker latih pencari kerja",
            body="jpnn.com, JAKARTA - " + STORY,
            url="https://a.id/1",
            source="jpnn.com",
            published_at="2018-02-19T10:00:00+07:00",
        ),
        Article(
            title="Harga cabai naik",
            body="Harga cabai rawit di pasar induk naik tajam menjelang Ramadan.",
            url="https://c.id/2",
            source="suara",
            published_at="2018-02-20T10:00:00+07:00",
        ),
        Article(
            title="KEMNAKER LATIH PENCARI KERJA",
            body=STORY + " (jpnn)",
            url="https://b.id/3",
            source="suara",
            published_at="2018-02-21T10:00:00+07:00",
        ),
        Article(
            title="Kemnaker latih pencari kerja di Bekasi",
            body=STORY + "\n\nPeserta terbaik akan disalurkan ke industri.",
            url="https://d.id/4",
            source="tempo",
            published_at="2018-02-22T10:00:00+07:00",
        ),
        Article(
            title="Menaker resmikan BLK komunitas",
            body="Menteri Ketenagakerjaan meresmikan balai latihan kerja komunitas di pesantren.",
            url="https://a.id/5",
            source="jpnn.com",
            published_at="2018-02-23T10:00:00+07:00",
            related=[RelatedHeadline("Kemnaker latih pencari kerja", None)],
        ),
        Article(
            title="Ojek daring minta perlindungan",
            body="Pengemudi ojek daring meminta jaminan sosial ketenagakerjaan dari aplikator.",
            url="https://e.id/6",
            source="tempo",
            published_at="2018-02-24T10:00:00+07:00",
        ),
    ]


def _index_of(library: Library) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    # PostgreSQL's text vectors also hold the alias phrases as tokens (db/postgres/phrases.py,
    # checked in test_pg_phrase_tokens); the SQLite index has none.
    vocab = [row for row in index_vocabulary(library) if not str(row[0]).startswith(PHRASE_MARK)]
    terms = sql(library, "SELECT term, df FROM term_stats WHERE df > 0 ORDER BY term")
    return list(vocab), list(terms)


@pytest.fixture
def corpus(library: Library) -> Library:
    result = library.import_articles(_corpus())
    assert result.added == 6
    return library


def _stories(library: Library) -> dict[int, int]:
    return dict(sql(library, "SELECT id, coalesce(story_id, id) FROM articles"))


def test_the_index_after_a_purge_is_that_of_the_articles_left(corpus, tmp_path):
    assert set(_stories(corpus).values()) == {1, 2, 5, 6}  # 1, 3 and 4 are one story
    result = corpus.purge(ids=[2, 6])
    assert (result.removed, result.kept_starred, result.unknown_ids) == (2, 0, [])
    left = [a for n, a in enumerate(_corpus(), start=1) if n not in (2, 6)]
    with open_library(tmp_path / "fresh.db") as fresh:
        fresh.import_articles(left)
        assert _index_of(corpus) == _index_of(fresh)
    assert corpus.search("cabai").hits == []
    assert corpus.search("ojek daring").hits == []
    assert [h.id for h in corpus.search("pesantren").hits] == [5]
    assert corpus.count() == 4 and corpus.get(2) is None


def test_a_purged_first_version_hands_its_story_to_the_oldest_one_left(corpus):
    folded = HeadlineFilter(fold_stories=True)
    assert corpus.purge(ids=[1]).removed == 1
    assert _stories(corpus) == {2: 2, 3: 3, 4: 3, 5: 5, 6: 6}
    rows = {h.id: h.versions for h in corpus.headlines(0, 10, folded)}
    assert rows == {3: 2, 2: 1, 5: 1, 6: 1}
    assert corpus.count(folded) == 4
    same = [(i.id, i.reason) for i in corpus.related(4) if i.reason == "same-story"]
    assert same == [(3, "same-story")]
    assert corpus.mark_story_read(4) == [3, 4]


def test_a_headline_that_named_a_purged_article_finds_another_or_waits(corpus):
    assert [r.target_id for r in corpus.get(5).related] == [1]
    corpus.purge(ids=[1])
    # "KEMNAKER LATIH PENCARI KERJA" has the same title once case is folded
    assert [r.target_id for r in corpus.get(5).related] == [3]
    corpus.purge(ids=[3])
    assert [r.target_id for r in corpus.get(5).related] in ([4], [None])
    corpus.purge(ids=[4])
    assert [r.target_id for r in corpus.get(5).related] == [None]
    links = [(i.id, i.reason) for i in corpus.related(5) if i.reason == "link"]
    assert links == [(None, "link")]


def test_starred_articles_stay_unless_told(corpus):
    corpus.set_starred(6)
    result = corpus.purge(sources=["TEMPO"])  # case ignored
    assert (result.removed, result.kept_starred) == (1, 1)
    assert corpus.get(4) is None and corpus.get(6) is not None
    assert corpus.purge(sources=["tempo"], include_starred=True).removed == 1
    assert corpus.get(6) is None


def test_selectors_narrow_each_other(corpus):
    result = corpus.purge(sources=["jpnn.com"], ids=[1, 2, 99])
    assert (result.removed, result.unknown_ids) == (1, [99])
    assert corpus.get(1) is None and corpus.get(2) is not None and corpus.get(5) is not None
    assert corpus.purge(sources=["nowhere"]).removed == 0
    with pytest.raises(ValueError):
        corpus.purge()


def test_older_than_counts_from_the_date_or_when_an_undated_one_was_stored(library):
    now = datetime.now(UTC)
    library.import_articles(
        [
            Article(title="Lama", body="Berita lama.", published_at="2018-02-19T10:00:00+07:00"),
            Article(title="Baru", body="Berita baru.", published_at=now.isoformat()),
            Article(title="Tanpa tanggal", body="Disimpan hari ini."),
        ]
    )
    assert library.purge(older_than=timedelta(days=30)).removed == 1
    assert [h.title for h in library.headlines()] == ["Tanpa tanggal", "Baru"]
    later = now + timedelta(days=31)
    assert library.purge(older_than=timedelta(days=30), now=later).removed == 2


def test_topics_sources_and_figures_count_what_is_left(corpus):
    topic = corpus.add_topic("Pelatihan", "pencari kerja")
    assert (topic.total, topic.unread) == (3, 3)
    corpus.set_read(3)
    generation = corpus._storage.generation()
    corpus.purge(ids=[3, 4])
    assert (corpus.topic("Pelatihan").total, corpus.topic("Pelatihan").unread) == (1, 1)
    assert {s.name: s.total for s in corpus.sources()} == {"jpnn.com": 2, "suara": 1, "tempo": 1}
    figures = corpus.stats()
    assert (figures["articles"], figures["unread"], figures["stories"]) == (4, 4, 4)
    assert corpus._storage.generation() == generation + 1  # an open reader takes it in
    assert sql(corpus, "SELECT count(*) FROM topic_articles WHERE article_id IN (3, 4)") == [(0,)]
    assert sql(corpus, "SELECT count(*) FROM story_bands WHERE article_id IN (3, 4)") == [(0,)]


def test_search_and_related_after_a_purge_of_the_demo_store(demo_library):
    s = demo_library
    before = [h.id for h in s.search("pekerja", 50).hits]
    gone = before[:10]
    assert s.purge(ids=gone).removed == 10
    after = [h.id for h in s.search("pekerja", 50).hits]
    assert not set(gone) & set(after)
    assert after == [i for i in before if i not in gone][: len(after)]
    for article_id in after[:10]:
        related = s.related(article_id, 20) or []
        assert not {i.id for i in related} & set(gone)
    assert s.count() == 400
    # the index holds exactly the articles left that have the word
    holding = [
        row[0]
        for row in sql(s, "SELECT id, title || ' ' || body FROM articles")
        if "pekerja" in surface_words(row[1])
    ]
    assert ids_indexed_under(s, "pekerja") == sorted(holding)


def test_words_an_update_or_a_purge_took_away_are_searched_without_error(library):
    library.import_articles(
        [
            Article(title="Ojek daring", body="Ojek daring mahal.", url="https://x.id/1"),
            Article(title="Lain", body="Berita lain.", url="https://x.id/2"),
        ]
    )
    library.import_articles([Article(title="Bawang", body="Bawang mahal.", url="https://x.id/1")])
    assert library.search("ojek daring").hits == []
    library.purge(ids=[2])
    assert library.search("berita lain").hits == []


# -- the bundled articles ------------------------------------------------------------------


@pytest.fixture
def bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small stand-in for data/: the seed and two demo articles."""
    folder = tmp_path / "bundled"
    (folder / "seed").mkdir(parents=True)
    (folder / "demo").mkdir()
    (folder / "seed" / SEED.name).write_bytes(SEED.read_bytes())
    rows = [
        {
            "title": "Upah minimum naik",
            "body": "Upah minimum provinsi naik.",
            "url": "https://x.id/1",
        },
        {
            "title": "Buruh berunjuk rasa",
            "body": "Buruh menolak PHK massal.",
            "url": "https://x.id/2",
        },
    ]
    (folder / "demo" / "indosum-demo.jsonl").write_text(
        "".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8"
    )
    monkeypatch.setattr("reader.core.library.bundled_data_dir", lambda: folder)
    return folder


def test_purge_demo_removes_the_bundled_articles_only_and_they_never_come_back(library, bundle):
    assert library.import_bundled().added == 3
    library.import_articles([Article(title="Milik saya", body="Artikel saya sendiri.")])
    library.set_starred(2)
    result = library.purge(demo=True)
    assert (result.removed, result.kept_starred) == (2, 1)
    assert library.purge(demo=True, include_starred=True).removed == 1
    assert [h.title for h in library.headlines()] == ["Milik saya"]
    library.purge(ids=[4])
    assert library.count() == 0
    assert library.import_bundled() is None  # the first launch had them: not again


def test_a_bundled_article_stored_again_from_elsewhere_is_not_demo_any_more(library, bundle):
    library.import_bundled()
    library.import_articles(
        [Article(title="Upah minimum naik", body="Upah minimum naik lagi.", url="https://x.id/1")]
    )
    assert library.purge(demo=True).removed == 2
    assert [h.url for h in library.headlines()] == ["https://x.id/1"]


def test_a_store_with_feeds_or_articles_at_its_first_launch_never_gets_them(tmp_path, bundle):
    with open_library(tmp_path / "feeds.db") as library:
        library.add_feed("https://example.id/rss")
        assert library.import_bundled() is None
        library.remove_feed("https://example.id/rss")
        assert library.import_bundled() is None and library.count() == 0


def test_an_older_store_marks_what_it_imported_from_the_bundled_files(tmp_path):
    path = tmp_path / "old.db"
    with open_library(path) as library:
        library.import_inputs([str(SEED)])
        library.import_articles([Article(title="Lain", body="Artikel lain.")])
    with closing(sqlite3.connect(path)) as conn, conn:  # as version 6 left it
        conn.execute("DROP TABLE bundled_articles")
        conn.execute("DELETE FROM meta WHERE key = 'bundled_offered'")
        conn.execute("ALTER TABLE feeds DROP COLUMN kind")  # version 8's
        conn.execute("DROP TABLE pending_articles")  # version 9's
        undo_marks_table(conn)  # version 10's
        conn.execute("PRAGMA user_version = 6")
    with open_library(path) as library:
        assert library.import_bundled() is None  # it had articles: its first launch is past
        assert library.purge(demo=True).removed == 1
        assert [h.title for h in library.headlines()] == ["Lain"]
