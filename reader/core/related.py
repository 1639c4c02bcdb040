"""Related news for one article, in the order of trust (design.md, Related news).

1. "link": the article's own related headlines, stored ones resolved, the rest as headlines.
2. "same-story": near-duplicates (MinHash bands, then exact Jaccard of 3-shingles >= 0.5).
3. "similar": a more-like-this query of the article's most distinctive terms, ranked by BM25,
   searched first among articles close in publication time, then anywhere.
An article appears once, under the most trusted reason.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from reader.core import minhash
from reader.core.models import RelatedItem, StoredArticle
from reader.core.text import FUNCTION_WORDS, surface_words

if TYPE_CHECKING:
    from reader.core.store import Store

TOP_TERMS = 20
CANDIDATES = 60  # similar articles considered; those within the window come first
MAX_DF = 0.2  # a term in more than a fifth of the articles says little and costs much
WINDOW_DAYS = 30
MIN_SIMILARITY = 0.1  # of the article's own score; below it a match is noise
MAX_VERSIONS = 5
CHECK_SIMILAR = 0.5  # similar articles this close are checked for being the same story  # same-story versions listed; the UI folds them into one "n versions" row
SIMILAR_WEIGHTS = "10.0, 3.0, 1.0, 0.0, 0.0, 0.0"


def related_to(store: Store, article_id: int, limit: int = 10) -> list[RelatedItem] | None:
    """Related news for `article_id`, or None when no such article is stored."""
    article = store.get(article_id)
    if article is None:
        return None
    items = _links(store, article)
    seen = {article_id} | {item.id for item in items if item.id is not None}
    alike = similar(store, article, limit + MAX_VERSIONS, exclude=seen)
    # The closest "similar" articles are checked too: MinHash bands can miss a version whose
    # Jaccard is just above the threshold.
    close = [item.id for item in alike if item.score >= CHECK_SIMILAR and item.id is not None]
    for item in same_story(store, article, close)[:MAX_VERSIONS]:
        if item.id not in seen:
            items.append(item)
            seen.add(item.id)
    room = max(0, limit - len(items))
    items.extend([item for item in alike if item.id not in seen][:room])
    return items[:limit]


def _links(store: Store, article: StoredArticle) -> list[RelatedItem]:
    items = []
    for headline in article.related:
        target = store.get_headline(headline.target_id) if headline.target_id else None
        items.append(
            RelatedItem(
                id=headline.target_id if target else None,
                title=target.title if target else headline.title,
                url=(target.url if target else None) or headline.url,
                reason="link",
                score=1.0,
                source=target.source if target else None,
                published_at=target.published_at if target else None,
            )
        )
    return items


def same_story(store: Store, article: StoredArticle, also: list[int] = ()) -> list[RelatedItem]:
    """Stored near-duplicates of the article, most similar first.

    Candidates share a MinHash band with it, or are given in `also`; each is confirmed on the
    exact Jaccard of the shingle sets.
    """
    own = minhash.shingles(article.body)
    if not len(own):
        return []
    keys = minhash.band_keys(minhash.signature(own))
    candidates = [
        row[0]
        for row in store.conn.execute(
            f"SELECT DISTINCT article_id FROM story_bands WHERE key IN ({','.join('?' * len(keys))}) "
            "AND article_id != ? LIMIT 200",
            (*keys, article.id),
        )
    ]
    wanted = list(dict.fromkeys([*candidates, *also]))
    rows = (
        store.conn.execute(
            "SELECT id, title, url, source, published_at, body FROM articles "
            f"WHERE id IN ({','.join('?' * len(wanted))})",
            wanted,
        ).fetchall()
        if wanted
        else []
    )
    items = []
    for other_id, title, url, source, published_at, body in rows:
        score = minhash.jaccard(own, minhash.shingles(body))
        if score >= minhash.SAME_STORY:
            items.append(
                RelatedItem(
                    other_id, title, url, "same-story", round(score, 4), source, published_at
                )
            )
    items.sort(key=lambda item: -item.score)
    return items


def distinctive_terms(store: Store, article: StoredArticle, count: int = TOP_TERMS) -> list[str]:
    """The article's top terms by tf-idf, document frequency read from the FTS vocabulary."""
    words = surface_words(article.title) * 3 + surface_words(article.body)
    tf = Counter(w for w in words if len(w) > 2 and not w.isdigit() and w not in FUNCTION_WORDS)
    if not tf:
        return []
    candidates = [w for w, _ in tf.most_common(200)]
    df = store.document_frequencies(candidates)
    total = max(store.max_id(), 1)
    scored = []
    for word in candidates:
        freq = df.get(word, 1)
        if freq <= 1 or freq > total * MAX_DF:
            continue  # no other article has it, or so many do that it connects nothing
        scored.append((tf[word] * math.log(1 + total / freq), word))
    scored.sort(reverse=True)
    return [word for _, word in scored[:count]]


def similar(
    store: Store, article: StoredArticle, limit: int, exclude: set[int]
) -> list[RelatedItem]:
    """More like this: BM25 over the article's distinctive terms, near in time first.

    Scores are relative to the article's own score for the same query (1.0 = as close as the
    article is to itself), so one threshold drops weak matches whatever the store's size.
    """
    terms = distinctive_terms(store, article)
    if not terms or limit <= 0:
        return []
    expression = "{title lead body} : (" + " OR ".join(f'"{t}"' for t in terms) + ")"
    own = _self_score(store, expression, article.id)
    if not own:
        return []
    skip = set(exclude) | {article.id}
    window = _window(store, article.id)
    near, far = [], []
    for item, sort_key in _more_like(store, expression, own, CANDIDATES):
        if item.id in skip:
            continue
        inside = window is not None and window[0] <= sort_key <= window[1]
        (near if inside else far).append(item)
    return (near + far)[:limit]


def _self_score(store: Store, expression: str, article_id: int) -> float:
    row = store.conn.execute(
        f"SELECT bm25(articles_fts, {SIMILAR_WEIGHTS}) FROM articles_fts "
        "WHERE articles_fts MATCH ? AND rowid = ?",
        (expression, article_id),
    ).fetchone()
    return -row[0] if row and row[0] else 0.0


def _window(store: Store, article_id: int) -> tuple[str, str] | None:
    row = store.conn.execute("SELECT sort_key FROM articles WHERE id = ?", (article_id,)).fetchone()
    if not row or not row[0]:
        return None
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    moment = datetime.strptime(row[0], fmt).replace(tzinfo=timezone.utc)
    span = timedelta(days=WINDOW_DAYS)
    return (moment - span).strftime(fmt), (moment + span).strftime(fmt)


def _more_like(store: Store, expression: str, own: float, candidates: int):
    """The best matches of the query, as (item, sort_key), above the similarity floor.

    One FTS5 query ranked inside the index; the time window is applied to these candidates
    (a range test in Python), so the window costs nothing at any store size.
    """
    sql = (
        "SELECT a.id, a.title, a.url, a.source, a.published_at, a.sort_key, f.rank FROM ("
        f"SELECT rowid, bm25(articles_fts, {SIMILAR_WEIGHTS}) AS rank FROM articles_fts "
        "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?) f "
        "JOIN articles a ON a.id = f.rowid ORDER BY f.rank"
    )
    for article_id, title, url, source, published_at, sort_key, rank in store.conn.execute(
        sql, (expression, candidates)
    ):
        score = -rank / own
        if score < MIN_SIMILARITY:
            break
        item = RelatedItem(article_id, title, url, "similar", round(score, 4), source, published_at)
        yield item, sort_key
