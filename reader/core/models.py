"""Plain data shapes shared by the importers, the store and the UI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from typing import Any, NamedTuple

from reader.core.highlight import Matcher
from reader.core.query import Query
from reader.core.shapes import FrozenPlain as FrozenPlain
from reader.core.shapes import Plain as Plain
from reader.core.shapes import dataclass

# Each class here is a dataclass made when first used (reader.core.shapes): most of them are
# not used before the reader's first screen, which imports this module.


@dataclass(eq=False, repr=False)
class RelatedHeadline(Plain):
    """One of an article's own "related headlines" (jpnn's list, a feed's links...)."""

    title: str
    url: str | None = None
    target_id: int | None = None


@dataclass(eq=False, repr=False)
class Article(Plain):
    """An article as an importer produces it, before it has an id."""

    title: str
    body: str  # plain text, paragraphs separated by one blank line
    url: str | None = None
    source: str | None = None
    dateline: str | None = None
    published_at: str | None = None  # ISO 8601 with offset, or None when unknown
    published_raw: str | None = None
    category: str | None = None
    origin: str | None = None  # file or URL it came from
    line: int | None = None  # line or entry of the origin, for error messages (not stored)
    related: list[RelatedHeadline] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p]

    @property
    def lead(self) -> str:
        paragraphs = self.paragraphs
        return paragraphs[0] if paragraphs else ""


@dataclass(eq=False, repr=False)
class StoredArticle(Article):
    """An article read back from the store."""

    id: int = 0
    read: bool = False
    starred: bool = False
    imported_at: str | None = None
    story_id: int | None = None


@dataclass(eq=False, repr=False)
class Headline(Plain):
    """A row of the headline list: just what a list needs."""

    id: int
    title: str
    source: str | None
    published_at: str | None
    read: bool
    starred: bool
    url: str | None = None
    versions: int = 1  # in a list that folds stories: how many versions this row stands for
    stored_at: str | None = None  # when it was first stored (an undated article shows it)


@dataclass(eq=False, repr=False)
class ImportFailure(Plain):
    """One input that could not be imported: the file or URL, the line or entry, the reason."""

    source: str
    line: int | None
    error: str

    def message(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.error}"


@dataclass(frozen=True, eq=False, repr=False)
class Unbuilt(FrozenPlain):
    """An entry of an input, read but not yet made an article: `build(*args)` makes it, or
    says why it cannot. An import builds it where it prepares articles (a helper process in
    a large import), so that the process reading the input only reads it. `build` is a
    module-level function, so that it can be sent to that process."""

    build: Callable[..., Article | ImportFailure]
    args: tuple[Any, ...]


# What an import reads: articles, the failures of the input met so far, unbuilt entries.
Entry = Article | ImportFailure | Unbuilt


@dataclass(eq=False, repr=False)
class ImportResult(Plain):
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[ImportFailure] = field(default_factory=list)

    def merge(self, other: ImportResult) -> None:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.failed.extend(other.failed)


@dataclass(eq=False, repr=False)
class SearchHit(Plain):
    id: int
    title: str
    url: str | None
    source: str | None
    published_at: str | None
    score: float
    snippet: str  # matched words wrapped in SNIPPET_OPEN / SNIPPET_CLOSE
    relaxed: bool = False


@dataclass(eq=False, repr=False)
class SearchResult(Plain):
    query: Query
    hits: list[SearchHit]
    matcher: Matcher
    relaxed: bool = False  # no article had every word; hits are ranked by words matched
    fallback: bool = False  # the index rejected the query; its plain words were searched


@dataclass(eq=False, repr=False)
class RelatedItem(Plain):
    id: int | None
    title: str
    url: str | None
    reason: str  # "link", "same-story" or "similar"
    score: float
    source: str | None = None
    published_at: str | None = None


@dataclass(eq=False, repr=False)
class ArticleRecord(Plain):
    """An article as it is written to the store: cleaned, keyed and with its index extras."""

    url: str | None
    source: str | None
    dateline: str | None
    title: str
    title_key: str
    body: str
    published_at: str | None
    published_raw: str | None
    sort_key: str  # UTC "YYYY-MM-DDTHH:MM:SSZ", "" when undated (sorts last)
    category: str | None
    content_hash: str
    origin: str | None
    index_extra: str  # the stem columns as indexed, kept for the contentless FTS delete
    minhash: bytes
    story_id: int | None = None


@dataclass(eq=False, repr=False)
class ExistingArticle(Plain):
    """What an import needs to know of an article already stored under the same key."""

    id: int
    content_hash: str
    title: str
    body: str
    index_extra: str
    sort_key: str = ""


class Candidate(NamedTuple):
    """A ranked match from the full-text index, with what a hit list needs."""

    id: int
    title: str
    url: str | None
    source: str | None
    published_at: str | None
    sort_key: str
    rank: float  # bm25: lower is better


@dataclass(frozen=True, eq=False, repr=False)
class HeadlineFilter(FrozenPlain):
    """Which articles a headline window holds (all of them by default)."""

    unread: bool = False
    starred: bool = False
    source: str | None = None
    topic: int | None = None  # a topic's id: the articles it holds
    fold_stories: bool = False  # one row per story (its first version), with its count


@dataclass(eq=False, repr=False)
class SourceCount(Plain):
    """A source (a feed's title or a site's name; None: unknown) and its counts."""

    name: str | None
    unread: int
    total: int


@dataclass(eq=False, repr=False)
class Topic(Plain):
    """A saved search shown as a live view, with its counts."""

    id: int
    name: str
    query: str
    builtin: bool = False
    unread: int = 0
    total: int = 0


@dataclass(eq=False, repr=False)
class Feed(Plain):
    """A followed feed and what its last fetch learnt."""

    url: str
    title: str | None = None
    added_at: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_fetched_at: str | None = None
    last_status: int | None = None
    last_error: str | None = None
    last_added: int = 0
    failures: int = 0
    kind: str = "feed"  # "feed", or "sitemap": a site without a feed, read through its sitemap


@dataclass(eq=False, repr=False)
class FeedResult(Plain):
    """What fetching one feed did."""

    url: str
    status: str = "fetched"  # "fetched", "unchanged" (a 304) or "failed"
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    http_status: int | None = None
    error: str | None = None  # why the feed failed as a whole
    moved_to: str | None = None  # a page was subscribed: now its announced feed is
    sitemap: str | None = None  # a home page without a feed: now read through this sitemap
    entry_failures: list[ImportFailure] = field(default_factory=list)  # bad entries, feed kept

    @property
    def failed(self) -> bool:
        return self.status == "failed"


@dataclass(eq=False, repr=False)
class OpmlResult(Plain):
    """What following the feeds of an OPML file did."""

    added: int = 0
    known: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True, eq=False, repr=False)
class Removal(FrozenPlain):
    """Which articles `purge` removes: every selector given narrows the choice (all of them must
    hold), and at least one is needed. Starred articles stay unless `include_starred`."""

    bundled: bool = False  # the articles the first launch imported from data/
    sources: tuple[str, ...] = ()  # any of these sources (case ignored)
    before: str | None = None  # sort key: dated before it (undated: stored before it)
    ids: tuple[int, ...] = ()  # any of these ids
    include_starred: bool = False

    @property
    def selects(self) -> bool:
        return self.bundled or bool(self.sources) or self.before is not None or bool(self.ids)


@dataclass(eq=False, repr=False)
class PurgeResult(Plain):
    """What a purge did."""

    removed: int = 0
    kept_starred: int = 0  # matched, but starred (and `include_starred` was not given)
    unknown_ids: list[int] = field(default_factory=list)  # ids asked for that are not stored


@dataclass(eq=False, repr=False)
class PeriodCount(Plain):
    """How many articles a month ("2018-02") or an ISO week ("2018-W07") holds; a period of
    None holds the undated ones."""

    period: str | None
    count: int


@dataclass(eq=False, repr=False)
class SuggestedFeed(Plain):
    """A feed of the bundled suggestions (data/feeds/indonesia.opml), and whether it is
    followed already."""

    url: str
    title: str | None
    followed: bool = False
