"""The views the navigator offers: All, Unread, Starred, each topic and each source.

A view is a name and the `HeadlineFilter` the library windows its headlines by. Counting
them reads the store, so `count_views` and `find_view` run in the screen's workers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from reader.core.errors import TopicError
from reader.core.library import Library
from reader.core.models import FrozenPlain, HeadlineFilter, Topic

Kind = Literal["view", "topic", "source"]


@dataclass(frozen=True, eq=False, repr=False)
class View(FrozenPlain):
    """What the headline list shows: `key` names it across count refreshes and renames."""

    key: str  # "all", "unread", "starred", "topic:<id>", "source:<name>"
    name: str  # as shown (a topic's or a source's name is outside text: never markup)
    filter: HeadlineFilter
    kind: Kind = "view"
    topic: str | None = None  # a topic's name: a search in this view stays within it


ALL = View("all", "All", HeadlineFilter())
UNREAD = View("unread", "Unread", HeadlineFilter(unread=True))
STARRED = View("starred", "Starred", HeadlineFilter(starred=True))
BUILTIN = {view.key: view for view in (ALL, UNREAD, STARRED)}


@dataclass(frozen=True, eq=False, repr=False)
class Counted(FrozenPlain):
    """A view with how many of its articles are unread, and how many it holds."""

    view: View
    unread: int
    total: int


def topic_view(topic: Topic) -> View:
    return View(
        f"topic:{topic.id}", topic.name, HeadlineFilter(topic=topic.id), "topic", topic.name
    )


def source_view(name: str) -> View:
    return View(f"source:{name}", name, HeadlineFilter(source=name), "source")


def folds(view: View) -> bool:
    """Whether the view shows a story once when stories are folded: All, Unread and topics do;
    Starred and a source list each of their own articles (a starred version, or a source's
    version of a story first stored from elsewhere, must not vanish)."""
    return view.kind == "topic" or view.key in ("all", "unread")


def count_views(library: Library, fold: bool = False) -> list[Counted]:
    """Every view in the navigator's order with its counts (a few index lookups; a worker's).

    `fold`: a story counts once where the list shows it once (see `folds`)."""
    unread = library.count(replace(UNREAD.filter, fold_stories=fold))
    counted = [
        Counted(ALL, unread, library.count(replace(ALL.filter, fold_stories=fold))),
        Counted(UNREAD, unread, unread),
        Counted(
            STARRED,
            library.count(HeadlineFilter(unread=True, starred=True)),
            library.count(STARRED.filter),
        ),
    ]
    counted += [Counted(topic_view(t), t.unread, t.total) for t in library.topics(fold)]
    # An article of no known source cannot be asked for by name: it stays in All.
    counted += [
        Counted(source_view(s.name), s.unread, s.total) for s in library.sources() if s.name
    ]
    return counted


def find_view(library: Library, name: str) -> View | None:
    """The view a config names: "all", "unread", "starred" or a topic (case ignored);
    None when there is none by that name."""
    builtin = BUILTIN.get(name.strip().lower())
    if builtin is not None:
        return builtin
    try:
        return topic_view(library.topic(name))
    except TopicError:
        return None
