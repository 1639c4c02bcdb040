"""Topics: saved searches shown as live views.

A topic's articles are the ones its query matches strictly (every word, no relaxing, no root
widening), kept in the store and brought up to date in the same transaction that stores
arriving articles, so a topic's headlines and counts are index lookups.
"""

from __future__ import annotations

import tomllib
from collections.abc import Hashable
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol

from reader.core.errors import TopicError
from reader.core.models import Topic

MAX_NAME = 80


class TopicTable(Protocol):
    def all(self, fold: bool = False) -> list[Topic]: ...
    def find(self, name: str) -> Topic | None: ...
    def queries(self) -> list[tuple[int, str]]: ...
    def add(self, name: str, query: str, builtin: bool = False) -> int: ...
    def rename(self, topic_id: int, name: str) -> None: ...
    def remove(self, topic_id: int) -> None: ...
    def set_articles(self, topic_id: int, article_ids: list[int]) -> None: ...
    def add_articles(self, topic_id: int, article_ids: list[int]) -> None: ...
    def drop_articles(self, article_ids: list[int]) -> None: ...


class Matcher(Protocol):
    def matching_ids(self, query: str, among: list[int] | None = None) -> list[int]: ...
    def strict(self, query: str) -> Hashable | None: ...
    def matching_strict(self, strict: Any, among: list[int] | None = None) -> list[int]: ...


# (articles, each topic's strict matching as it stood when they were counted: `plans()`)
Arrival = tuple[list[int], list[tuple[int, Hashable | None]]]


@lru_cache(maxsize=1)
def builtin_topics() -> tuple[tuple[str, str], ...]:
    """(name, query) of the topics every new store is offered (reader/core/data/topics.toml)."""
    text = resources.files("reader.core").joinpath("data/topics.toml").read_text("utf-8")
    return tuple((entry["name"], entry["query"]) for entry in tomllib.loads(text)["topic"])


def clean_name(name: str) -> str:
    """A topic's name on one line; TopicError when there is nothing left or it is too long."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise TopicError("a topic needs a name")
    if len(cleaned) > MAX_NAME:
        raise TopicError(f"a topic's name is at most {MAX_NAME} characters")
    return cleaned


class TopicService:
    def __init__(self, table: TopicTable, matcher: Matcher) -> None:
        self.table = table
        self.matcher = matcher

    def all(self, fold: bool = False) -> list[Topic]:
        """Every topic in order, with its unread and total counts (`fold`: a story once)."""
        return self.table.all(fold)

    def get(self, name: str) -> Topic:
        """The topic called `name` (case ignored); TopicError when there is none."""
        topic = self.table.find(name)
        if topic is None:
            known = ", ".join(t.name for t in self.table.all()) or "none"
            raise TopicError(f"no topic called {' '.join(name.split())!r} (topics: {known})")
        return topic

    def add(self, name: str, query: str, builtin: bool = False) -> Topic:
        """Save a search as a topic; its articles are found at once."""
        name = clean_name(name)
        query = " ".join(query.split())
        if not query:
            raise TopicError(f"the topic {name!r} needs a query")
        if self.table.find(name) is not None:
            raise TopicError(f"there is a topic called {name!r} already")
        topic_id = self.table.add(name, query, builtin)
        self.table.set_articles(topic_id, self.matcher.matching_ids(query))
        return self.get(name)

    def rename(self, name: str, new_name: str) -> Topic:
        topic = self.get(name)
        new_name = clean_name(new_name)
        other = self.table.find(new_name)
        if other is not None and other.id != topic.id:
            raise TopicError(f"there is a topic called {new_name!r} already")
        self.table.rename(topic.id, new_name)
        return self.get(new_name)

    def remove(self, name: str) -> None:
        self.table.remove(self.get(name).id)

    def seed(self) -> None:
        """Offer the built-in topics (a new store, or one from before topics)."""
        for name, query in builtin_topics():
            if self.table.find(name) is None:
                self.add(name, query, builtin=True)

    def arrived(self, article_ids: list[int]) -> None:
        """Articles were added or changed: match them again against every topic."""
        self.match_arrived([(article_ids, self.plans())])

    def plans(self) -> list[tuple[int, Hashable | None]]:
        """(topic id, what its query asks of the index now) of every topic: a word's light
        stem depends on the store's words, which an import's second step adds to chunk by
        chunk."""
        return [(topic_id, self.matcher.strict(query)) for topic_id, query in self.table.queries()]

    def match_arrived(self, arrivals: list[Arrival]) -> None:
        """Articles were added or changed, a list at a time, each with the topics' `plans()`
        of its moment: match them again against every topic. Consecutive lists whose plans
        are equal are matched together, one query a topic (the second step of an import
        matches a transaction's chunks at once: the same rows as a chunk at a time)."""
        merged: list[Arrival] = []
        for ids, plans in arrivals:
            if merged and merged[-1][1] == plans:
                merged[-1][0].extend(ids)
            else:
                merged.append((list(ids), plans))
        for ids, plans in merged:
            if not ids:
                continue
            self.table.drop_articles(ids)
            for topic_id, strict in plans:
                found = self.matcher.matching_strict(strict, among=ids)
                if found:
                    self.table.add_articles(topic_id, found)
