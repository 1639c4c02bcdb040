"""How good "similar" related news is at each floor, on the real corpus.

Usage: python bench/eval_related.py [CORPUS.jsonl]   (default ../shared/corpus/indosum-dev.jsonl)

Every article's related news is asked for (10 entries) with no floor at all; each "similar"
entry keeps its score (BM25 of the article's distinctive terms, relative to the article's own
score for them). For each candidate floor: the precision of what would be shown (the share of
shown similar articles with the article's IndoSum category), how many are shown per article, and
how many articles would show none; and the precision of the band from that floor to the next
(the entries the next floor would drop). The chance level is that of a random other article.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.core.library import open_library  # noqa: E402
from reader.core.models import Article  # noqa: E402
from reader.core.services import related  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "indosum-dev.jsonl"
FLOORS = (0.0, 0.1, 0.12, 0.14, 0.16, 0.18, 0.2, 0.22, 0.25, 0.3, 0.4)
LIMIT = 10


def similar_scores(corpus: Path) -> tuple[list[list[tuple[float, bool]]], float]:
    """Per article, its similar entries as (score, same category), in the order shown."""
    rows = [json.loads(line) for line in corpus.open(encoding="utf-8")]
    shares = Counter(r["category"] for r in rows)
    chance = sum(n * (n - 1) for n in shares.values()) / (len(rows) * (len(rows) - 1))
    saved = related.MIN_SIMILARITY
    related.MIN_SIMILARITY = 0.0
    try:
        with tempfile.TemporaryDirectory() as folder:
            store = open_library(Path(folder) / "related.db")
            store.import_articles(
                Article(
                    title=r["title"],
                    body=r["body"],
                    url=r["url"],
                    source=r["source"],
                    published_at=r["date"],
                    category=r["category"],
                )
                for r in rows
            )
            category = {h.id: h.url for h in store.headlines(0, store.count())}
            by_url = {r["url"]: r["category"] for r in rows}
            found = []
            for article_id, url in category.items():
                own = by_url[url]
                items = store.related(article_id, LIMIT) or []
                found.append(
                    [
                        (item.score, by_url.get(category.get(item.id, ""), "") == own)
                        for item in items
                        if item.reason == "similar"
                    ]
                )
            store.close()
    finally:
        related.MIN_SIMILARITY = saved
    return found, chance


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    found, chance = similar_scores(corpus)
    print(f"{len(found)} articles; a random other article shares the category {chance:.3f}")
    print(
        f"{'floor':>6} {'precision':>9} {'next band':>9} {'shown/article':>13} "
        f"{'articles with none':>18}"
    )
    figures = []
    for floor, ceiling in zip(FLOORS, [*FLOORS[1:], 2.0], strict=True):
        shown = [[same for score, same in items if score >= floor] for items in found]
        band = [same for items in found for score, same in items if floor <= score < ceiling]
        total = sum(len(s) for s in shown)
        precision = sum(sum(s) for s in shown) / max(total, 1)
        marginal = sum(band) / max(len(band), 1)
        none = sum(1 for s in shown if not s)
        print(
            f"{floor:>6} {precision:>9.3f} {marginal:>9.3f} {total / len(found):>13.2f} {none:>18}"
        )
        figures.append(
            {
                "floor": floor,
                "precision": round(precision, 3),
                "band_precision": round(marginal, 3),
                "shown": total,
                "none": none,
            }
        )
    print(json.dumps({"chance": round(chance, 3), "floors": figures}))


if __name__ == "__main__":
    main()
