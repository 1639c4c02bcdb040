"""Articles per month and per ISO week (stats --by, the reader's sparkline)."""

from __future__ import annotations

import pytest

from reader.core.models import Article, HeadlineFilter, PeriodCount


def _dated(library, *moments: str) -> None:
    library.import_articles(
        [
            Article(title=f"Berita {n}", body=f"Isi berita {n} tentang upah.", published_at=when)
            for n, when in enumerate(moments)
        ]
        + [Article(title="Tanpa tanggal", body="Isi tanpa tanggal tentang pabrik.")]
    )


def test_months_with_the_gaps_and_the_undated_apart(library):
    _dated(
        library,
        "2017-12-31T20:00:00+00:00",  # already 1 January 2018 in WIB
        "2017-11-03T10:00:00+07:00",
        "2018-02-19T10:00:00+07:00",
        "2018-02-20T10:00:00+07:00",
    )
    assert library.per_period() == [
        PeriodCount("2017-11", 1),
        PeriodCount("2017-12", 0),
        PeriodCount("2018-01", 1),
        PeriodCount("2018-02", 2),
        PeriodCount(None, 1),
    ]


def test_iso_weeks_across_a_year_end(library):
    _dated(
        library,
        "2018-12-30T10:00:00+07:00",  # Sunday: week 52 of 2018
        "2018-12-31T10:00:00+07:00",  # Monday: week 1 of 2019
        "2019-01-14T10:00:00+07:00",  # week 3
    )
    weeks = library.per_period(period="week")
    assert weeks == [
        PeriodCount("2018-W52", 1),
        PeriodCount("2019-W01", 1),
        PeriodCount("2019-W02", 0),
        PeriodCount("2019-W03", 1),
        PeriodCount(None, 1),
    ]
    with pytest.raises(ValueError):
        library.per_period(period="year")


def test_a_query_a_topic_and_a_view_narrow_the_counts(library):
    _dated(library, "2018-01-05T10:00:00+07:00", "2018-02-05T10:00:00+07:00")
    assert library.per_period(query="pabrik") == [PeriodCount(None, 1)]
    assert library.per_period(query="upah -berita") == []
    topic = library.add_topic("Upah", "upah")
    view = HeadlineFilter(topic=topic.id)
    assert library.per_period(view) == [PeriodCount("2018-01", 1), PeriodCount("2018-02", 1)]
    library.set_read(1)
    unread = library.per_period(HeadlineFilter(topic=topic.id, unread=True), query="upah")
    assert unread == [PeriodCount("2018-02", 1)]
    assert library.per_period(HeadlineFilter(starred=True)) == []


def test_the_demo_store_counts_every_article_once(demo_library_ro):
    months = demo_library_ro.per_period()
    assert sum(m.count for m in months) == demo_library_ro.count()
    assert months[-1] == PeriodCount(None, 1)  # the seed has no date
    weeks = demo_library_ro.per_period(period="week")
    assert sum(w.count for w in weeks) == demo_library_ro.count()
