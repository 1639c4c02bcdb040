"""Topics: saved searches kept as live views, with their counts."""

from __future__ import annotations

import pytest

from reader.core.errors import TopicError
from reader.core.library import Library, open_library
from reader.core.models import Article, HeadlineFilter
from reader.core.services.topics import builtin_topics


def test_a_new_store_offers_the_built_in_topics_for_the_field(library: Library) -> None:
    names = [topic.name for topic in library.topics()]
    assert names == [name for name, _ in builtin_topics()]
    assert names[0] == "Ketenagakerjaan"
    assert {"Upah & THR", "PHK", "Pekerja migran", "Keselamatan kerja (K3)"} <= set(names)
    assert all(topic.builtin and topic.total == 0 for topic in library.topics())


def test_topics_hold_what_their_query_finds_and_count_it(demo_library_ro: Library) -> None:
    for topic in demo_library_ro.topics():
        found = demo_library_ro.search("", 10_000, topic=topic.name).hits
        view = HeadlineFilter(topic=topic.id)
        assert topic.total == len(found) == demo_library_ro.count(view)
        assert topic.unread == topic.total  # nothing read yet in the demo store
    labour = demo_library_ro.topic("ketenagakerjaan")  # names ignore case
    assert labour.total > 20
    seed = demo_library_ro.search("pekerja migran", 1).hits[0]
    assert seed.id in {h.id for h in demo_library_ro.search("", 1000, topic="Pekerja migran").hits}


def test_a_topic_lists_its_articles_newest_first(demo_library_ro: Library) -> None:
    topic = demo_library_ro.topic("Ketenagakerjaan")
    window = demo_library_ro.headlines(0, 50, HeadlineFilter(topic=topic.id))
    listed = [h.id for h in demo_library_ro.search("", 50, topic=topic.name).hits]
    assert [h.id for h in window] == listed
    dates = [h.published_at for h in window if h.published_at]
    assert dates == sorted(dates, reverse=True)


def test_a_search_within_a_topic_finds_only_its_articles(demo_library_ro: Library) -> None:
    everywhere = {h.id for h in demo_library_ro.search("pemerintah", 1000).hits}
    members = {h.id for h in demo_library_ro.search("", 1000, topic="Ketenagakerjaan").hits}
    within = {
        h.id for h in demo_library_ro.search("pemerintah", 1000, topic="Ketenagakerjaan").hits
    }
    assert within and within == everywhere & members and within < everywhere


def test_counts_follow_arrivals_reading_and_changes(library: Library) -> None:
    library.add_topic("Tekstil", "tekstil")
    url = "https://x.id/tekstil"
    library.import_articles(
        [Article(title="Pabrik tekstil tutup", body="Buruh dirumahkan.", url=url)]
    )
    topic = library.topic("Tekstil")
    assert (topic.unread, topic.total) == (1, 1)
    phk = library.topic("PHK")  # "dirumahkan" is in the PHK topic's query
    assert phk.total == 1
    article_id = library.search("tekstil", 1).hits[0].id
    library.set_read(article_id)
    assert (library.topic("Tekstil").unread, library.topic("Tekstil").total) == (0, 1)
    # The same URL with new text that no longer matches: it leaves the topic.
    library.import_articles([Article(title="Pabrik sepatu tutup", body="Semua libur.", url=url)])
    assert library.topic("Tekstil").total == 0
    assert library.topic("PHK").total == 0


def test_topics_are_saved_renamed_and_removed_across_restarts(library: Library) -> None:
    library.import_articles([Article(title="Upah minimum naik", body="UMP naik tahun depan.")])
    saved = library.add_topic("  Upah   buruh ", "upah")
    assert (saved.name, saved.query, saved.total, saved.builtin) == ("Upah buruh", "upah", 1, False)
    library.rename_topic("upah buruh", "Upah pekerja")
    library.remove_topic("PHK")
    path = library.path
    library.close()
    with open_library(path) as again:
        names = [topic.name for topic in again.topics()]
        assert "Upah pekerja" in names and "PHK" not in names
        assert names[-1] == "Upah pekerja"  # a new topic comes last
        assert again.topic("Upah pekerja").total == 1


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda lib: lib.add_topic("PHK", "phk"), "there is a topic called 'PHK' already"),
        (lambda lib: lib.add_topic("Kosong", "   "), "needs a query"),
        (lambda lib: lib.add_topic("   ", "upah"), "needs a name"),
        (lambda lib: lib.remove_topic("Tidak ada"), "no topic called 'Tidak ada'"),
        (lambda lib: lib.rename_topic("PHK", "upah & thr"), "there is a topic called"),
        (lambda lib: lib.search("x", 5, topic="Tidak ada"), "no topic called"),
    ],
)
def test_topic_mistakes_say_what_is_wrong(library: Library, call, message: str) -> None:
    with pytest.raises(TopicError, match=message):
        call(library)


def test_an_alias_inside_an_or_group_finds_its_other_names(library: Library) -> None:
    library.import_articles(
        [
            Article(title="Pabrik tekstil", body="Ratusan buruh terkena pemutusan hubungan kerja."),
            Article(title="Putusan hakim", body="Keputusan hakim dibacakan kemarin."),
        ]
    )
    assert [h.title for h in library.search("PHK OR pesangon", 10).hits] == ["Pabrik tekstil"]
