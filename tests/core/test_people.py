"""Read and starred marks belong to a person: two people on one archive keep theirs apart."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest

from reader.core.db.sqlite import sqlite3
from reader.core.library import Library, open_library
from reader.core.models import Article, HeadlineFilter
from tests.conftest import undo_marks_table

UNREAD = HeadlineFilter(unread=True)


def _articles(n: int) -> list[Article]:
    return [
        Article(title=f"Upah buruh {i}", body=f"Upah minimum naik {i}.", source=f"s{i % 2}")
        for i in range(n)
    ]


def test_two_people_on_one_archive_keep_their_marks_apart(library: Library) -> None:
    library.import_articles(_articles(6))
    with (
        open_library(library.path, person="ana") as ana,
        open_library(library.path, person="budi") as budi,
    ):
        first, second, third = (h.id for h in ana.headlines()[:3])
        assert ana.set_read(first)
        assert ana.toggle_starred(second).starred
        assert ana.get(first).read and not budi.get(first).read
        assert ana.get(second).starred and not budi.get(second).starred
        assert ana.stats()["unread"] == 5 and budi.stats()["unread"] == 6
        assert ana.stats()["starred"] == 1 and budi.stats()["starred"] == 0
        assert ana.count(UNREAD) == 5 and budi.count(UNREAD) == 6
        assert first not in [h.id for h in ana.headlines(view=UNREAD)]
        assert first in [h.id for h in budi.headlines(view=UNREAD)]
        assert sum(source.unread for source in ana.sources()) == 5
        assert sum(source.unread for source in budi.sources()) == 6

        assert budi.mark_all_read(UNREAD) == 6
        assert budi.count(UNREAD) == 0 and ana.count(UNREAD) == 5
        assert budi.toggle_read(third).read is False  # budi's own mark, back to unread
        assert ana.get(third).read is False and budi.count(UNREAD) == 1

        ana.add_topic("Upah", "upah")
        assert {t.name: t.unread for t in ana.topics()}["Upah"] == 5
        assert {t.name: t.unread for t in budi.topics()}["Upah"] == 1


def test_a_purge_keeps_what_anyone_starred(library: Library) -> None:
    library.import_articles(_articles(4))
    with open_library(library.path, person="ana") as ana:
        starred = ana.headlines()[0].id
        assert ana.toggle_starred(starred).starred
    with open_library(library.path, person="budi") as budi:
        removal = budi.purge(ids=[h.id for h in budi.headlines()])
        assert removal.removed == 3 and removal.kept_starred == 1
        assert [h.id for h in budi.headlines()] == [starred]


@pytest.mark.sqlite_only  # an older SQLite store's flags
def test_an_older_stores_marks_become_its_readers(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with open_library(path, person="x") as library:
        library.import_articles(_articles(3))
        ids = [h.id for h in library.headlines()]
    with closing(sqlite3.connect(path)) as conn, conn:  # as version 9 left it: flags on articles
        undo_marks_table(conn)
        conn.execute("UPDATE articles SET read = 1 WHERE id = ?", (ids[0],))
        conn.execute("UPDATE articles SET starred = 1 WHERE id = ?", (ids[1],))
        conn.execute("PRAGMA user_version = 9")
    with open_library(path, person="ana") as ana:
        assert ana.get(ids[0]).read and ana.get(ids[1]).starred
        assert ana.stats()["unread"] == 2
    with open_library(path, person="budi") as budi:
        assert not budi.get(ids[0]).read and not budi.get(ids[1]).starred
