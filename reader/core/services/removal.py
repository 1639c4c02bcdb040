"""Removing articles (`purge`): the rows and everything kept beside them, in one transaction.

What an article leaves behind when it goes, and what is done about it:

- its full-text rows and the document frequency of its words: taken out with the values it was
  indexed with (the index is contentless, see reader.core.db.fts);
- its MinHash bands: taken out by key;
- its story: when it was the story's first version, the oldest remaining version becomes the
  first, so the others still fold under one row;
- its own related headlines, topic places and bundled mark: deleted with the row (cascade);
- headlines of other articles that named it: they wait again, and are matched to another stored
  article when one has the same URL or title.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from reader.core import minhash
from reader.core.models import PurgeResult, Removal
from reader.core.services.links import LinkResolver
from reader.core.services.prepare import fts_row_for_delete


class RemovableRows(Protocol):
    def selected(self, removal: Removal) -> tuple[list[int], list[int]]: ...
    def existing(self, ids: list[int]) -> set[int]: ...
    def indexed_texts(self, ids: list[int]) -> list[tuple[int, str, str, str, bytes]]: ...
    def delete(self, ids: list[int]) -> None: ...
    def regroup_stories(self, removed: list[int]) -> None: ...


class RemovableIndex(Protocol):
    def remove(self, article_id: int, values: Sequence[str]) -> None: ...
    def count_terms(self, added: Counter[str], removed: Counter[str]) -> None: ...


class RemovableBands(Protocol):
    def remove_bands(self, article_id: int, bands: list[int]) -> None: ...


class LinkTargets(Protocol):
    def unlink_targets(self, removed: list[int]) -> list[int]: ...


class Transactions(Protocol):
    def transaction(self) -> AbstractContextManager[None]: ...
    def bump_generation(self) -> None: ...


class Remover:
    def __init__(
        self,
        articles: RemovableRows,
        index: RemovableIndex,
        bands: RemovableBands,
        links: LinkTargets,
        resolver: LinkResolver,
        transactions: Transactions,
    ) -> None:
        self.articles = articles
        self.index = index
        self.bands = bands
        self.links = links
        self.resolver = resolver
        self.transactions = transactions

    def purge(self, removal: Removal) -> PurgeResult:
        """Remove what `removal` selects (starred articles only when it says so), all of it or
        none of it."""
        if not removal.selects:
            raise ValueError("a purge needs at least one selector")
        result = PurgeResult()
        with self.transactions.transaction():
            if removal.ids:
                known = self.articles.existing(list(removal.ids))
                result.unknown_ids = sorted({i for i in removal.ids if i not in known})
            ids, kept = self.articles.selected(removal)
            result.kept_starred = len(kept)
            if not ids:
                return result
            words: Counter[str] = Counter()
            for article_id, title, body, extra, blob in self.articles.indexed_texts(ids):
                values = fts_row_for_delete(title, body, extra)
                self.index.remove(article_id, values)
                words.update(set(" ".join(values[:3]).split()))
                if blob:
                    self.bands.remove_bands(article_id, minhash.band_keys(minhash.from_blob(blob)))
            self.articles.delete(ids)
            self.articles.regroup_stories(ids)
            self.resolver.resolve_own(self.links.unlink_targets(ids))
            self.index.count_terms(Counter(), words)
            self.transactions.bump_generation()
            result.removed = len(ids)
        return result
