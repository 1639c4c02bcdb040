"""The reader's own data shapes cost its first screen nothing they do not need (issue 11): the
search state and the views are plain classes, the counts of a view a dataclass made when the
navigator is first counted (reader.core.shapes), not when their modules are imported."""

from __future__ import annotations

from typing import Any

import pytest

from reader.core.highlight import Matcher
from reader.core.models import HeadlineFilter
from reader.ui.state import SearchState
from reader.ui.views import ALL, Counted, View
from tests.ui.conftest import ui_import_probe_group

# Made on import still, in other parts of the reader (the config is read at start anyway).
OTHERS = {
    "reader.ui.config.UIConfig",
    "reader.ui.widgets.headline_list._Paint",
    "reader.ui.widgets.headline_list.CursorMoved",
}


@ui_import_probe_group
def test_the_uis_shapes_are_not_made_on_import(ui_imported: dict[str, Any]) -> None:
    """In a process of its own (conftest.UI_IMPORT_PROBE): the reader's UI imported, which of
    its classes are dataclasses made already, and whether Counted waits to be made."""
    assert set(ui_imported["made"]) <= OTHERS
    assert ui_imported["counted_waits"]


def test_a_view_is_compared_and_hashed_by_its_fields_and_cannot_change() -> None:
    topic = View("topic:3", "Upah", HeadlineFilter(topic=3), "topic", "Upah")
    same = View("topic:3", "Upah", HeadlineFilter(topic=3), "topic", "Upah")
    renamed = View("topic:3", "Upah minimum", HeadlineFilter(topic=3), "topic", "Upah minimum")
    assert topic == same and hash(topic) == hash(same)
    assert topic != renamed and topic != ALL
    assert {topic, same, renamed, ALL} == {topic, renamed, ALL}
    assert repr(ALL).startswith("View(key='all', name='All', filter=HeadlineFilter(")
    with pytest.raises(AttributeError):
        topic.name = "Lain"
    counted = Counted(topic, 2, 5)
    assert counted == Counted(same, 2, 5) != Counted(renamed, 2, 5)


def test_every_search_state_is_a_new_one() -> None:
    """The same query run again is another state: the screen's `search` watcher shows it anew."""
    first = SearchState(query="upah", headlines=[], matcher=Matcher())
    again = SearchState(query="upah", headlines=[], matcher=Matcher())
    assert first != again and first == first
    assert first.snippets == {} and first.snippets is not again.snippets
    assert first.found() == "0 results" and first.count == 0
