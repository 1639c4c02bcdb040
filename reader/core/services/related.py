"""Related news for one article, in the order of trust (design.md, Related news).

1. "link": the article's own related headlines, stored ones resolved, the rest as headlines.
2. "same-story": near-duplicates (MinHash bands, then exact Jaccard of 3-shingles >= 0.5).
3. "similar": a more-like-this query of the article's most distinctive terms, ranked by BM25,
   searched first among articles close in publication time, then anywhere.
An article appears once, under the most trusted reason.
"""

from __future__ import annotations

import math
import operator
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import NamedTuple, Protocol

from reader.core import minhash
from reader.core.models import Candidate, Headline, RelatedHeadline, RelatedItem, StoredArticle
from reader.core.terms import AnyOf, Expression, Phrase, Weights
from reader.core.text import FUNCTION_WORDS, surface_words

TOP_TERMS = 20
CANDIDATES = 60  # similar articles considered; those within the window come first
MAX_DF = 0.2  # a term in more than a fifth of the articles says little and costs much
WINDOW_DAYS = 30
# A similar article scores at least this share of the article's own score, or it is not shown:
# chosen on the corpus (bench/eval_related.py), where 93% of the similar articles shown above it
# share the article's IndoSum category (84% at 0.1, 70% with no floor, 25% by chance).
MIN_SIMILARITY = 0.2
FLOOR_ROOM = 1e-6  # the floor handed to the index sits this share under MIN_SIMILARITY's score
MAX_VERSIONS = 5  # same-story versions listed; the UI folds them into one "n versions" row
CHECK_SIMILAR = 0.5  # similar articles this close are checked for being the same story
SIMILAR_WEIGHTS = Weights(10.0, 3.0, 1.0)
BAND_CANDIDATES = 200
# A candidate whose stored MinHash signature agrees with the article's in fewer of its
# minhash.PERMUTATIONS (63) slots is not read and confirmed: each slot agrees with probability
# the two texts' Jaccard, so a version (Jaccard >= minhash.SAME_STORY, 0.5) agrees in fewer
# than 12 with probability 8.4e-8 (the binomial tail), where the candidates that share a band
# by chance agree in 3-11 (three of them the band's; 58 of 100 at 1,200,000 articles).
AGREE_LEAST = 12
# The work per article is bounded, so one huge article costs no more than a long one: its
# terms, its shingles and those of each candidate come from the body's first TEXT_CHARS
# characters (a long news article has about 10,000), and at most TERM_WORDS words are counted.
TEXT_CHARS = 100_000
TERM_WORDS = 20_000
_KEY_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class RelatedArticles(Protocol):
    def for_related(
        self, article_id: int
    ) -> tuple[StoredArticle, str | None, bytes | None] | None: ...
    def headline(self, article_id: int) -> Headline | None: ...
    def texts(self, ids: list[int], chars: int | None = None) -> dict[int, tuple[str, str]]: ...
    def signed_within(self, ids: list[int], chars: int) -> dict[int, bytes]: ...
    def headlines_by_id(self, ids: list[int]) -> list[Headline]: ...


class RelatedIndex(Protocol):
    def document_frequencies(self, terms: list[str]) -> dict[str, int]: ...
    def ranked(
        self, expression: Expression, weights: Weights, limit: int, *, floor: float = 0.0
    ) -> list[Candidate]: ...
    def score_of(self, expression: Expression, weights: Weights, article_id: int) -> float: ...
    def highest_id(self) -> int: ...
    def statistics_held(self) -> AbstractContextManager[None]: ...


class Own(NamedTuple):
    """What related news reads of the article's row with the article (RelatedArticles.
    for_related), so that its steps do not read the row again: its sort key (the time
    window) and its stored MinHash signature (its bands)."""

    sort_key: str | None
    minhash: bytes | None


class RelatedBands(Protocol):
    def sharing_any(self, bands: list[int], exclude: int, limit: int) -> list[int]: ...


class RelatedLinks(Protocol):
    def of(self, article_id: int) -> list[RelatedHeadline]: ...


class RelatedFinder:
    def __init__(
        self,
        articles: RelatedArticles,
        index: RelatedIndex,
        bands: RelatedBands,
        links: RelatedLinks,
    ) -> None:
        self.articles = articles
        self.index = index
        self.bands = bands
        self.links = links

    def related_to(self, article_id: int, limit: int = 10) -> list[RelatedItem] | None:
        """Related news for `article_id`, or None when no such article is stored. The
        article's row is read once, with its sort key and signature (`Own`)."""
        found = self.articles.for_related(article_id)
        if found is None:
            return None
        article, sort_key, signature = found
        own = Own(sort_key, signature)
        items = self._links(article_id)
        seen: set[int] = {article_id} | {item.id for item in items if item.id is not None}
        alike = self.similar(article, limit + MAX_VERSIONS, exclude=seen, own=own)
        # The closest "similar" articles are checked too: MinHash bands can miss a version
        # whose Jaccard is just above the threshold.
        close = [item.id for item in alike if item.score >= CHECK_SIMILAR and item.id is not None]
        for item in self.same_story(article, close, own)[:MAX_VERSIONS]:
            if item.id is not None and item.id not in seen:
                items.append(item)
                seen.add(item.id)
        room = max(0, limit - len(items))
        items.extend([item for item in alike if item.id not in seen][:room])
        return items[:limit]

    def _links(self, article_id: int) -> list[RelatedItem]:
        items = []
        for headline in self.links.of(article_id):
            target = self.articles.headline(headline.target_id) if headline.target_id else None
            items.append(
                RelatedItem(
                    id=target.id if target else None,
                    title=target.title if target else headline.title,
                    url=(target.url if target else None) or headline.url,
                    reason="link",
                    score=1.0,
                    source=target.source if target else None,
                    published_at=target.published_at if target else None,
                )
            )
        return items

    def same_story(self, article: StoredArticle, also: list[int], own: Own) -> list[RelatedItem]:
        """Stored near-duplicates of the article, most similar first.

        Candidates share a MinHash band with it, or are given in `also`; those whose stored
        signature agrees with its signature in AGREE_LEAST slots or more (or that have none)
        are confirmed on the exact Jaccard of the shingle sets. `own`: its signature as read
        with it.
        """
        # The signature stored at import, when it was made from this same text; candidates are
        # then confirmed on shingle sets in plain Python: related news loads no numpy (a fifth
        # of a second on the reader's first rest) unless it must sign the article itself.
        signature = self._stored_signature(article, own)
        if signature is None:
            shingles = minhash.shingles(article.body[:TEXT_CHARS])
            if not len(shingles):
                return []
            signature = minhash.to_blob(minhash.signature(shingles))
        keys = minhash.blob_band_keys(signature) or []
        candidates = self.bands.sharing_any(keys, article.id, BAND_CANDIDATES)
        wanted = self._agreeing(signature, list(dict.fromkeys([*candidates, *also])))
        if not wanted:
            return []
        mine = minhash.shingle_set(article.body[:TEXT_CHARS])
        if not mine:
            return []
        texts = self.articles.texts(wanted, TEXT_CHARS)
        scores: dict[int, float] = {}
        for i in wanted:
            if i in texts:
                score = minhash.same_story_score(mine, texts[i][1])
                if score is not None:
                    scores[i] = score
        # The headlines of the versions alone (most candidates share a band by chance), in
        # the order of `wanted` as before, so that equal scores keep their order.
        headlines = self.articles.headlines_by_id(list(scores)) if scores else []
        items = [_item(headline, "same-story", scores[headline.id]) for headline in headlines]
        items.sort(key=lambda item: -item.score)
        return items

    def _stored_signature(self, article: StoredArticle, own: Own) -> bytes | None:
        """The article's stored signature (`own`'s); None when there is none yet (its catch-up
        waits) or it was made from more than the TEXT_CHARS read here."""
        if len(article.body) > TEXT_CHARS or not own.minhash:
            return None
        signature = bytes(own.minhash)
        return signature if len(signature) == minhash.PERMUTATIONS * 4 else None

    def _agreeing(self, signature: bytes, ids: list[int]) -> list[int]:
        """Those of `ids` worth reading and confirming, in their order: the candidates whose
        stored signature (made from the text that would be read: articles.signed_within)
        agrees with `signature` in AGREE_LEAST slots or more, and those without one. Reading
        the signatures instead of the texts spares the server the bodies and the client their
        shingles (most candidates share a band by chance)."""
        if not ids:
            return []
        signed = self.articles.signed_within(ids, TEXT_CHARS)
        return [
            i
            for i in ids
            if i not in signed
            or len(signed[i]) != len(signature)
            or _agreement(signature, signed[i]) >= AGREE_LEAST
        ]

    def distinctive_terms(self, article: StoredArticle, count: int = TOP_TERMS) -> list[str]:
        """The article's top terms by tf-idf, document frequency from the term statistics."""
        words = surface_words(article.title) * 3 + surface_words(article.body[:TEXT_CHARS])
        tf = Counter(
            w
            for w in words[:TERM_WORDS]
            if len(w) > 2 and not w.isdigit() and w not in FUNCTION_WORDS
        )
        if not tf:
            return []
        candidates = [w for w, _ in tf.most_common(200)]
        df = self.index.document_frequencies(candidates)
        total = max(self.index.highest_id(), 1)  # read with `df` inside statistics_held
        scored = []
        for word in candidates:
            freq = df.get(word, 1)
            if freq <= 1 or freq > total * MAX_DF:
                continue  # no other article has it, or so many do that it connects nothing
            scored.append((tf[word] * math.log(1 + total / freq), word))
        scored.sort(reverse=True)
        return [word for _, word in scored[:count]]

    def similar(
        self, article: StoredArticle, limit: int, exclude: set[int], own: Own
    ) -> list[RelatedItem]:
        """More like this: BM25 over the article's distinctive terms, near in time first.

        Scores are relative to the article's own score for the same query (1.0 = as close as
        the article is to itself), so one threshold drops weak matches whatever the store's size.
        The word statistics are read once for the three steps (the index's statistics_held).
        `own`: its sort key as read with it.
        """
        with self.index.statistics_held():
            return self._similar(article, limit, exclude, own)

    def _similar(
        self, article: StoredArticle, limit: int, exclude: set[int], row: Own
    ) -> list[RelatedItem]:
        terms = self.distinctive_terms(article)
        if not terms or limit <= 0:
            return []
        expression = AnyOf(tuple(Phrase((t,), "text") for t in terms))
        own = self.index.score_of(expression, SIMILAR_WEIGHTS, article.id)
        if not own:
            return []
        skip = set(exclude) | {article.id}
        window = self._window(row.sort_key)
        near: list[RelatedItem] = []
        far: list[RelatedItem] = []
        for item, sort_key in self._more_like(expression, own):
            if item.id in skip:
                continue
            inside = window is not None and window[0] <= sort_key <= window[1]
            (near if inside else far).append(item)
        return (near + far)[:limit]

    def _window(self, key: str | None) -> tuple[str, str] | None:
        """The sort keys WINDOW_DAYS either side of the article's `key`; None when undated."""
        if not key:
            return None
        moment = datetime.strptime(key, _KEY_FORMAT).replace(tzinfo=UTC)
        span = timedelta(days=WINDOW_DAYS)
        return (moment - span).strftime(_KEY_FORMAT), (moment + span).strftime(_KEY_FORMAT)

    def _more_like(self, expression: Expression, own: float) -> Iterator[tuple[RelatedItem, str]]:
        """The best matches of the query, as (item, sort_key), above the similarity floor.

        One query ranked inside the index; the time window is applied to these candidates
        (a range test in Python), so the window costs nothing at any store size.
        """
        # The floor, a little under the similarity floor's score, lets the index leave out
        # what would not be shown: the rows at or above it are the same either way.
        floor = own * MIN_SIMILARITY * (1 - FLOOR_ROOM)
        for row in self.index.ranked(expression, SIMILAR_WEIGHTS, CANDIDATES, floor=floor):
            score = -row.rank / own
            if score < MIN_SIMILARITY:
                break
            item = RelatedItem(
                row.id, row.title, row.url, "similar", round(score, 4), row.source, row.published_at
            )
            yield item, row.sort_key


def _agreement(a: bytes, b: bytes) -> int:
    """How many slots (32 bits each) of two signatures of the same length hold the same value."""
    return sum(map(operator.eq, memoryview(a).cast("I"), memoryview(b).cast("I")))


def _item(headline: Headline, reason: str, score: float) -> RelatedItem:
    return RelatedItem(
        headline.id,
        headline.title,
        headline.url,
        reason,
        round(score, 4),
        headline.source,
        headline.published_at,
    )
