"""The headline list read page by page by key (Library.headlines_after), on both backends."""

from __future__ import annotations

import pytest

from reader.core.models import HeadlineFilter
from tests.conftest import demo_copy

# The page sizes on one worker, which makes the marked store once (`marked`).
pytestmark = pytest.mark.xdist_group("pages_by_key")


def _walk(library, view, size):
    """Every headline of the view, read `size` at a time, each page after the last row."""
    rows, last = [], None
    while page := library.headlines_after(last, size, view):
        rows += page
        last = page[-1].id
        assert len(rows) <= 410
    return rows


@pytest.fixture(scope="module")
def marked(_demo_db, tmp_path_factory):
    """A copy of the demo store with every fifth headline read, every eleventh starred and a
    topic, and the views to walk: made once for the page sizes, which only read it."""
    for library in demo_copy(_demo_db, tmp_path_factory.mktemp("marked")):
        everything = library.headlines(0, 500)
        for article in everything[::5]:
            library.set_read(article.id)
        for article in everything[::11]:
            library.set_starred(article.id)
        topic = library.add_topic("Pekerja", "pekerja")
        views = [
            None,
            HeadlineFilter(unread=True),
            HeadlineFilter(starred=True),
            HeadlineFilter(source=everything[3].source),
            HeadlineFilter(topic=topic.id),
            HeadlineFilter(fold_stories=True),
            HeadlineFilter(unread=True, fold_stories=True),
        ]
        yield library, views


@pytest.mark.parametrize("size", [1, 7, 50])
def test_pages_by_key_give_the_list_of_every_view(marked, size):
    library, views = marked
    for view in views:
        whole = library.headlines(0, 500, view)
        assert whole, view
        walked = _walk(library, view, size)
        assert [(h.id, h.read, h.starred, h.versions) for h in walked] == [
            (h.id, h.read, h.starred, h.versions) for h in whole
        ], view


def test_a_page_after_an_article_deep_in_the_list_is_the_window_after_it(demo_library_ro):
    demo_library = demo_library_ro
    window = demo_library.headlines(300, 20)
    after = demo_library.headlines_after(window[0].id, 19)
    assert [h.id for h in after] == [h.id for h in window[1:]]
    last = demo_library.headlines(409, 1)[0]
    assert demo_library.headlines_after(last.id, 10) == []
    assert demo_library.headlines_after(10**9, 10) == []
    assert demo_library.headlines_after(-1, 10) == []
