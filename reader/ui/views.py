"""The views the navigator offers: All, Unread, Starred, each topic and each source.

A view is a name and the `HeadlineFilter` the library windows its headlines by. Counting
them reads the store, so `count_views` and `find_view` run in the screen's workers.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from reader.core.errors import TopicError
from reader.core.library import Library
from reader.core.models import HeadlineFilter, Topic
from reader.core.shapes import FrozenPlain, dataclass

Kind = Literal["view", "topic", "source"]


class View:
    """What the headline list shows: `key` names it across count refreshes and renames.

    Immutable, compared and hashed by its fields. A plain class, not a dataclass: the
    reader's first screen imports this module and makes views at once (ALL is the screen's
    first), where a dataclass compiles its methods when its class is made (issue 11)."""

    __slots__ = ("filter", "key", "kind", "name", "topic")

    key: str  # "all", "unread", "starred", "topic:<id>", "source:<name>"
    name: str  # as shown (a topic's or a source's name is outside text: never markup)
    filter: HeadlineFilter
    kind: Kind
    topic: str | None  # a topic's name: a search in this view stays within it

    def __init__(
        self,
        key: str,
        name: str,
        filter: HeadlineFilter,
        kind: Kind = "view",
        topic: str | None = None,
    ) -> None:
        set_field = object.__setattr__  # its own __setattr__ refuses
        set_field(self, "key", key)
        set_field(self, "name", name)
        set_field(self, "filter", filter)
        set_field(self, "kind", kind)
        set_field(self, "topic", topic)

    def _fields(self) -> tuple[Any, ...]:
        return (self.key, self.name, self.filter, self.kind, self.topic)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a View")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, View) or other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return "View(key={!r}, name={!r}, filter={!r}, kind={!r}, topic={!r})".format(
            *self._fields()
        )


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
