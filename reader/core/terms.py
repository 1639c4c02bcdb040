"""What a search asks the full-text index for, independent of the backend.

The search and related-news services build these small trees; the storage backend turns them
into its own query language (FTS5 MATCH expressions for SQLite).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from reader.core.shapes import Plain, dataclass

# Which indexed columns a phrase is looked for in: the surface words of title, lead and body
# ("text"), the light stems the surface does not already hold ("stems"), or the title alone.
Columns = Literal["text", "stems", "title", "title_stems"]


@dataclass(frozen=True)
class Phrase(Plain):
    """Folded words in a row (one word is a phrase of one), or a word prefix.

    `joined`: the words are a reduplication written with its hyphen (anak-anak), which the
    index also holds as one token (reader.core.text.REDUP_MARK); a backend whose index holds
    those tokens looks for that one instead of the phrase (hyphenated occurrences only)."""

    words: tuple[str, ...]
    columns: Columns = "text"
    prefix: bool = False
    joined: bool = False


@dataclass(frozen=True)
class AnyOf(Plain):
    items: tuple[Expression, ...]


@dataclass(frozen=True)
class AllOf(Plain):
    items: tuple[Expression, ...]


Expression = Phrase | AnyOf | AllOf


class Weights(NamedTuple):
    """BM25 weight of each indexed column."""

    title: float
    lead: float
    body: float
    title_stems: float = 0.0
    lead_stems: float = 0.0
    body_stems: float = 0.0


def any_of(items: list[Expression]) -> Expression:
    return items[0] if len(items) == 1 else AnyOf(tuple(items))


def all_of(items: list[Expression]) -> Expression:
    return items[0] if len(items) == 1 else AllOf(tuple(items))
