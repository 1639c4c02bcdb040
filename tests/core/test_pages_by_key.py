"""The headline list read page by page by key (Library.headlines_after), on both backends."""

from __future__ import annotations

import pytest

from reader.core.models import HeadlineFilter


def _walk(library, view, size):
    """Every headline of the view, read `size` at a time, each page after the last row."""
    rows, last = [], None
    while page := library.headlines_after(last, size, view):
        rows += page
        last = page[-1].id
        assert len(rows) <= 410
    return rows


@pytest.mark.parametrize("size", [1, 7, 50])
def test_pages_by_key_give_the_list_of_every_view(demo_library, size):
    everything = demo_library.headlines(0, 500)
    for article in everything[::5]:
        demo_library.set_read(article.id)
    for article in everything[::11]:
        demo_library.set_starred(article.id)
    topic = demo_library.add_topic("Pekerja", "pekerja")
    views = [
        None,
        HeadlineFilter(unread=True),
        HeadlineFilter(starred=True),
        HeadlineFilter(source=everything[3].source),
        HeadlineFilter(topic=topic.id),
        HeadlineFilter(fold_stories=True),
        HeadlineFilter(unread=True, fold_stories=True),
    ]
    for view in views:
        whole = demo_library.headlines(0, 500, view)
        assert whole, view
        walked = _walk(demo_library, view, size)
        assert [(h.id, h.read, h.starred, h.versions) for h in walked] == [
            (h.id, h.read, h.starred, h.versions) for h in whole
        ], view


def test_a_page_after_an_article_deep_in_the_list_is_the_window_after_it(demo_library):
    window = demo_library.headlines(300, 20)
    after = demo_library.headlines_after(window[0].id, 19)
    assert [h.id for h in after] == [h.id for h in window[1:]]
    last = demo_library.headlines(409, 1)[0]
    assert demo_library.headlines_after(last.id, 10) == []
    assert demo_library.headlines_after(10**9, 10) == []
    assert demo_library.headlines_after(-1, 10) == []
