"""Known-item search evaluation on the real corpus, ours against a plain FTS5 baseline.

Usage: python bench/eval_search.py [CORPUS.jsonl]   (default ../shared/corpus/indosum-dev.jsonl)

For every article, queries are written from its human summary (IndoSum's `summary`):
  two-words  two content words of the summary, picked at random (seeded);
  dozen      the summary's first twelve words, as written;
  root-only  up to three summary words whose exact form is absent from the article but whose
             root (Sastrawi) is the root of one of its words (articles without such words skip).
The article itself is the one right answer. MRR@10 and recall@10 per kind, for our search and for
a baseline: one FTS5 table (unicode61, diacritics removed) over title and body, the words ANDed,
then ORed when AND finds nothing, ranked by bm25().

It also imports republished variants of 100 articles (title in another case, another URL, the
lead repeated at the end, a tenth of the words changed) and checks that related news for each
variant names its original first, as "same-story".
"""

from __future__ import annotations

import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.core.library import Library, open_library  # noqa: E402
from reader.core.models import Article  # noqa: E402
from reader.core.services import stemmer  # noqa: E402
from reader.core.text import FUNCTION_WORDS, surface_words  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "indosum-dev.jsonl"
K = 10


def content_words(text: str) -> list[str]:
    seen = dict.fromkeys(
        w for w in surface_words(text) if len(w) >= 4 and w.isalpha() and w not in FUNCTION_WORDS
    )
    return list(seen)


def make_queries(rows: list[dict]) -> dict[str, list[tuple[int, str]]]:
    rng = random.Random(2018)
    kinds: dict[str, list[tuple[int, str]]] = {"two-words": [], "dozen": [], "root-only": []}
    for index, row in enumerate(rows):
        words = content_words(row["summary"])
        if len(words) >= 2:
            kinds["two-words"].append((index, " ".join(rng.sample(words, 2))))
        kinds["dozen"].append((index, " ".join(row["summary"].split()[:12])))
        article_words = set(surface_words(row["title"] + " " + row["body"]))
        article_roots = {stemmer.root(w) for w in article_words}
        absent = [
            w
            for w in words
            if w not in article_words and stemmer.root(w) != w and stemmer.root(w) in article_roots
        ]
        if absent:
            kinds["root-only"].append((index, " ".join(absent[:3])))
    return kinds


class Baseline:
    """Plain FTS5: what a reader gets from SQLite without any Indonesian handling."""

    def __init__(self, rows: list[dict]):
        self.conn = sqlite3.connect(":memory:")
        self.conn.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(title, body, "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        self.conn.executemany(
            "INSERT INTO docs (rowid, title, body) VALUES (?, ?, ?)",
            [(i, r["title"], r["body"]) for i, r in enumerate(rows)],
        )

    def search(self, query: str) -> list[int]:
        words = ['"' + w.replace('"', '""') + '"' for w in surface_words(query)]
        for joiner in (" AND ", " OR "):
            found = [
                r[0]
                for r in self.conn.execute(
                    "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?",
                    (joiner.join(words), K),
                )
            ]
            if found:
                return found
        return []


def score(ranked: list[int], target: int) -> tuple[float, float]:
    if target in ranked[:K]:
        return 1.0 / (ranked.index(target) + 1), 1.0
    return 0.0, 0.0


def evaluate(corpus: Path) -> dict:
    rows = [json.loads(line) for line in corpus.open(encoding="utf-8")]
    with tempfile.TemporaryDirectory() as folder:
        store = open_library(Path(folder) / "eval.db")
        store.import_articles(
            Article(
                title=r["title"],
                body=r["body"],
                url=r["url"],
                source=r["source"],
                published_at=r["date"],
            )
            for r in rows
        )
        id_of = {h.url: h.id for h in store.headlines(0, store.count())}
        ours_id = [id_of[r["url"]] for r in rows]
        baseline = Baseline(rows)
        figures: dict[str, dict] = {}
        for kind, queries in make_queries(rows).items():
            totals = {"ours": [0.0, 0.0], "baseline": [0.0, 0.0]}
            started = time.perf_counter()
            for index, query in queries:
                ranked = [h.id for h in store.search(query, K).hits]
                for name, (rr, hit) in (
                    ("ours", score(ranked, ours_id[index])),
                    ("baseline", score(baseline.search(query), index)),
                ):
                    totals[name][0] += rr
                    totals[name][1] += hit
            n = max(len(queries), 1)
            figures[kind] = {
                "queries": len(queries),
                "ours_mrr10": round(totals["ours"][0] / n, 3),
                "ours_recall10": round(totals["ours"][1] / n, 3),
                "baseline_mrr10": round(totals["baseline"][0] / n, 3),
                "baseline_recall10": round(totals["baseline"][1] / n, 3),
                "ours_ms_per_query": round((time.perf_counter() - started) * 1000 / n, 2),
            }
        figures["republished"] = republished_check(store, rows, ours_id)
        store.close()
    return figures


def republished_check(
    store: Library, rows: list[dict], ours_id: list[int], count: int = 100
) -> dict:
    rng = random.Random(19)
    picks = rng.sample([i for i, r in enumerate(rows) if len(r["body"].split()) >= 120], count)
    first_is_original = 0
    for n, index in enumerate(picks):
        row = rows[index]
        words = row["body"].split(" ")
        for j in rng.sample(range(len(words)), len(words) // 10):
            words[j] = rng.choice(["juga", "pula", "itu", "tersebut", "kini", "pun"])
        body = " ".join(words)
        body += "\n\n" + body.split("\n\n")[0]
        store.import_articles(
            [
                Article(
                    title=row["title"].title(),
                    body=body,
                    url=f"https://republished.example/{n}",
                    source="republished",
                )
            ]
        )
        variant = store.count()  # a fresh store with nothing deleted: the newest id is the count
        related = store.related(variant, 10)
        if related and related[0].id == ours_id[index] and related[0].reason == "same-story":
            first_is_original += 1
    return {"variants": count, "original_first_as_same_story": first_is_original}


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    if not stemmer.available():
        raise SystemExit(
            "the evaluation needs PySastrawi to write root-only queries: "
            "pip install 'kemnaker-reader[stemmer]'"
        )
    figures = evaluate(corpus)
    print(
        f"{'kind':10} {'queries':>7} {'MRR@10 ours':>12} {'base':>6} "
        f"{'R@10 ours':>10} {'base':>6} {'ms/q':>6}"
    )
    for kind, f in figures.items():
        if kind == "republished":
            continue
        print(
            f"{kind:10} {f['queries']:>7} {f['ours_mrr10']:>12} {f['baseline_mrr10']:>6} "
            f"{f['ours_recall10']:>10} {f['baseline_recall10']:>6} {f['ours_ms_per_query']:>6}"
        )
    r = figures["republished"]
    print(
        f"republished variants whose original comes first as same-story: "
        f"{r['original_first_as_same_story']}/{r['variants']}"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
