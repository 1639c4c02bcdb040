"""Resolving articles' own related headlines to stored articles, when articles arrive.

A headline names a stored article when their URLs are equal, or their titles are: the same
words once case, punctuation and accents are folded, a close fuzzy match (small edits), or one
cut short (at least six words, then cut). Both directions are handled as articles arrive: the
newcomer's own headlines are looked up in the store, and headlines already stored that were
waiting for it are matched to it. Reading an article never writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Protocol

from reader.core.models import RelatedHeadline
from reader.core.text import FUNCTION_WORDS, title_key

FUZZY_RATIO = 0.85
MIN_PREFIX_WORDS = 6
PREFIX_WORDS = 3  # headlines waiting for an article are looked up by its title's first words
TITLE_CANDIDATES = 20


class ArticleLookup(Protocol):
    def find_by_url(self, url: str) -> int | None: ...
    def find_by_title_key(self, key: str, exclude: int | None = None) -> int | None: ...


class LinkTable(Protocol):
    def replace(self, article_id: int, headlines: list[tuple[str, str, str | None]]) -> None: ...
    def pending_of(self, article_ids: list[int]) -> list[tuple[int, int, str, str | None]]: ...
    def pending_naming(self, url: str | None, prefix: str) -> list[tuple[int, int, str]]: ...
    def any_pending(self) -> bool: ...
    def resolve(self, targets: list[tuple[int, int, int]]) -> None: ...
    def title_candidates(self, words: list[str], limit: int) -> list[tuple[int, str]]: ...


@dataclass
class Arrival:
    """An article just written: what its links and the links waiting for it need."""

    id: int
    url: str | None
    title_key: str
    related: list[RelatedHeadline]


def titles_match(a_key: str, b_key: str) -> bool:
    """Whether two folded titles name the same article."""
    if not a_key or not b_key:
        return False
    if a_key == b_key:
        return True
    short, long = sorted((a_key, b_key), key=len)
    if long.startswith(short + " ") and len(short.split()) >= MIN_PREFIX_WORDS:
        return True  # a title cut short (URL slugs, narrow lists)
    return SequenceMatcher(None, a_key, b_key, autojunk=False).ratio() >= FUZZY_RATIO


class LinkResolver:
    def __init__(self, articles: ArticleLookup, links: LinkTable) -> None:
        self.articles = articles
        self.links = links

    def store_links(self, article_id: int, related: list[RelatedHeadline]) -> None:
        """Write an article's own headlines (unresolved until `arrived` runs)."""
        self.links.replace(article_id, [(h.title, title_key(h.title), h.url) for h in related])

    def arrived(self, arrivals: list[Arrival]) -> None:
        """Match the newcomers' own headlines, and the headlines that were waiting for them."""
        self.resolve_own([a.id for a in arrivals if a.related])
        if not arrivals or not self.links.any_pending():
            return  # no headline waits for an article (a feed's items name none): one query
        targets: list[tuple[int, int, int]] = []
        for arrival in arrivals:
            words = arrival.title_key.split()
            if not words:
                continue
            prefix = " ".join(words[:PREFIX_WORDS])
            for article_id, position, key in self.links.pending_naming(arrival.url, prefix):
                if article_id != arrival.id and (not key or titles_match(key, arrival.title_key)):
                    targets.append((article_id, position, arrival.id))
        if targets:
            self.links.resolve(targets)

    def resolve_own(self, article_ids: list[int]) -> None:
        """Look up the unresolved headlines of these articles among the stored articles."""
        targets = []
        for article_id, position, title, url in self.links.pending_of(article_ids):
            target = self.articles.find_by_url(url) if url else None
            if target is None:
                target = self.find_by_title(title, exclude=article_id)
            if target is not None and target != article_id:
                targets.append((article_id, position, target))
        if targets:
            self.links.resolve(targets)

    def find_by_title(self, title: str, exclude: int | None = None) -> int | None:
        """The stored article whose title matches `title`, or None."""
        key = title_key(title)
        if not key:
            return None
        found = self.articles.find_by_title_key(key, exclude)
        if found is not None:
            return found
        words = [w for w in key.split() if w not in FUNCTION_WORDS and len(w) > 2] or key.split()
        for candidate_id, candidate_key in self.links.title_candidates(
            list(dict.fromkeys(words)), TITLE_CANDIDATES
        ):
            if candidate_id != exclude and titles_match(key, candidate_key):
                return candidate_id
        return None
