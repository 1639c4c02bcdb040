"""Known-item search evaluation on the real corpus: ours against two strong baselines.

Usage: python bench/eval_search.py [CORPUS.jsonl] [--mode default|sastrawi|both]
                                   [--kinds two-words,dozen,root-only] [--no-republished]
(default corpus ../shared/corpus/indosum-dev.jsonl, every article of it; default mode both)

For every article, queries are written from its human summary (IndoSum's `summary`):
  two-words  two content words of the summary, picked at random (seeded);
  dozen      the summary's first twelve words, as written;
  root-only  up to three summary words whose exact form is absent from the article but whose
             root (Sastrawi's, a dictionary stemmer, as the judge) is the root of one of its
             words (articles without such words skip).
The article itself is the one right answer: MRR@10 and recall@10 per kind for
  fts-title  one FTS5 table (unicode61, diacritics removed) over title and body, bm25 with the
             title weighted 10 and the body 1, the words ANDed, then ORed when AND finds nothing;
  bm25-stem  BM25 (k1 1.5, b 0.75, Lucene's idf) over Snowball Indonesian stems (PyStemmer) of
             title and body, written here in numpy;
  ours       Library.search as installed: `default` with Sastrawi switched off in-process (what
             `make run` installs), `sastrawi` with the optional extra joining the families.
The root-only queries need PySastrawi to be written (the judge), whichever mode is measured.

It also imports republished variants of 100 articles (title in another case, another URL, the
lead repeated at the end, a tenth of the words changed) and checks that related news for each
variant names its original first, as "same-story".
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from reader.core.db.sqlite import sqlite3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.core.library import Library, open_library  # noqa: E402
from reader.core.models import Article  # noqa: E402
from reader.core.services import stemmer  # noqa: E402
from reader.core.text import FUNCTION_WORDS, surface_words  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "indosum-dev.jsonl"
K = 10
KINDS = ("two-words", "dozen", "root-only")
SYSTEMS = ("fts-title", "bm25-stem", "ours")
# What the issue asks of the default install.
TARGETS = {
    "two-words": "ours >= fts-title + 0.015",
    "dozen": "ours >= fts-title",
    "root-only": "ours >= 1.15 x bm25-stem",
}


def content_words(text: str) -> list[str]:
    seen = dict.fromkeys(
        w for w in surface_words(text) if len(w) >= 4 and w.isalpha() and w not in FUNCTION_WORDS
    )
    return list(seen)


def make_queries(rows: list[dict]) -> dict[str, list[tuple[int, str]]]:
    rng = random.Random(2018)
    kinds: dict[str, list[tuple[int, str]]] = {kind: [] for kind in KINDS}
    root = stemmer.sastrawi_root
    for index, row in enumerate(rows):
        words = content_words(row["summary"])
        if len(words) >= 2:
            kinds["two-words"].append((index, " ".join(rng.sample(words, 2))))
        kinds["dozen"].append((index, " ".join(row["summary"].split()[:12])))
        article_words = set(surface_words(row["title"] + " " + row["body"]))
        article_roots = {root(w) for w in article_words}
        absent = [
            w for w in words if w not in article_words and root(w) != w and root(w) in article_roots
        ]
        if absent:
            kinds["root-only"].append((index, " ".join(absent[:3])))
    return kinds


class TitleWeightedFts:
    """Plain FTS5 with the title weighted: what SQLite gives without any Indonesian handling."""

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
        words = ['"' + w.replace('"', '""') + '"' for w in dict.fromkeys(surface_words(query))]
        if not words:
            return []
        for joiner in (" AND ", " OR "):
            found = [
                r[0]
                for r in self.conn.execute(
                    "SELECT rowid FROM docs WHERE docs MATCH ? "
                    "ORDER BY bm25(docs, 10.0, 1.0) LIMIT ?",
                    (joiner.join(words), K),
                )
            ]
            if found:
                return found
        return []


class SnowballBm25:
    """BM25 over Snowball Indonesian stems of title and body (one bag of words per article)."""

    def __init__(self, rows: list[dict], k1: float = 1.5, b: float = 0.75):
        docs = [self.tokens(r["title"] + "\n" + r["body"]) for r in rows]
        self.n = len(docs)
        lengths = np.array([len(d) for d in docs], dtype=np.float64)
        norm = k1 * (1.0 - b + b * lengths / max(lengths.mean(), 1.0))
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for doc_id, doc in enumerate(docs):
            for term, tf in Counter(doc).items():
                ids, tfs = postings.setdefault(term, ([], []))
                ids.append(doc_id)
                tfs.append(tf)
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, (ids, tfs) in postings.items():
            id_array = np.array(ids, dtype=np.int64)
            tf_array = np.array(tfs, dtype=np.float64)
            idf = math.log(1.0 + (self.n - len(ids) + 0.5) / (len(ids) + 0.5))
            weight = idf * tf_array * (k1 + 1.0) / (tf_array + norm[id_array])
            self.postings[term] = (id_array, weight)

    @staticmethod
    def tokens(text: str) -> list[str]:
        return [stemmer.snowball(w) for w in surface_words(text)]

    def search(self, query: str) -> list[int]:
        scores = np.zeros(self.n)
        for term in set(self.tokens(query)):
            if term in self.postings:
                ids, weight = self.postings[term]
                scores[ids] += weight
        top = np.argsort(-scores, kind="stable")[:K]
        return [int(i) for i in top if scores[i] > 0]


def reciprocal_rank(ranked: list[int], target: int) -> tuple[float, float]:
    if target in ranked[:K]:
        return 1.0 / (ranked.index(target) + 1), 1.0
    return 0.0, 0.0


def measure(search, queries: list[tuple[int, str]], answer) -> dict:
    rr = hits = 0.0
    started = time.perf_counter()
    for index, query in queries:
        a, b = reciprocal_rank(search(query), answer(index))
        rr, hits = rr + a, hits + b
    n = max(len(queries), 1)
    return {
        "mrr10": round(rr / n, 3),
        "mrr10_exact": rr / n,  # the targets are checked on this, not on the rounded figure
        "recall10": round(hits / n, 3),
        "ms_per_query": round((time.perf_counter() - started) * 1000 / n, 2),
    }


def evaluate(corpus: Path, modes: list[str], kinds: list[str], republished: bool) -> dict:
    rows = [json.loads(line) for line in corpus.open(encoding="utf-8")]
    queries = make_queries(rows)
    figures: dict = {"articles": len(rows)}
    baselines = {"fts-title": TitleWeightedFts(rows), "bm25-stem": SnowballBm25(rows)}
    figures["baselines"] = {
        kind: {
            name: measure(system.search, queries[kind], lambda i: i)
            for name, system in baselines.items()
        }
        for kind in kinds
    }
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

        def ours(query: str) -> list[int]:
            return [h.id for h in store.search(query, K).hits]

        for mode in modes:
            stemmer.use_sastrawi(mode == "sastrawi")
            figures[mode] = {
                kind: {
                    "queries": len(queries[kind]),
                    **figures["baselines"][kind],
                    "ours": measure(ours, queries[kind], lambda i: ours_id[i]),
                }
                for kind in kinds
            }
        stemmer.use_sastrawi(True)
        if republished:
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


def print_table(mode: str, table: dict) -> None:
    label = {
        "default": "default install (Sastrawi switched off)",
        "sastrawi": "with the Sastrawi extra",
    }[mode]
    print(f"\n{label}")
    names = " ".join(f"{s:>10}" for s in SYSTEMS)
    print(f"{'kind':10} {'queries':>7}  MRR@10 {names}  R@10 {names}  {'ours ms/q':>9}  target")
    for kind, f in table.items():
        mrr = " ".join(f"{f[s]['mrr10']:>10.3f}" for s in SYSTEMS)
        recall = " ".join(f"{f[s]['recall10']:>10.3f}" for s in SYSTEMS)
        print(
            f"{kind:10} {f['queries']:>7}         {mrr}        {recall}  "
            f"{f['ours']['ms_per_query']:>9}  {target_met(kind, f)}"
        )


def target_met(kind: str, f: dict) -> str:
    ours, fts, bm25 = (f[name]["mrr10_exact"] for name in ("ours", "fts-title", "bm25-stem"))
    met = {
        "two-words": ours >= fts + 0.015,
        "dozen": ours >= fts,
        "root-only": ours >= 1.15 * bm25,
    }[kind]
    margin = {"two-words": ours - fts, "dozen": ours - fts, "root-only": ours / bm25 if bm25 else 0}
    return f"{TARGETS[kind]}: {'met' if met else 'NOT met'} ({margin[kind]:.4f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--mode", choices=["default", "sastrawi", "both"], default="both")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--no-republished", action="store_true")
    args = parser.parse_args()
    if not stemmer.sastrawi_installed():
        raise SystemExit(
            "the evaluation needs PySastrawi to judge root-only queries: "
            "pip install 'kemnaker-reader[stemmer]'"
        )
    modes = ["default", "sastrawi"] if args.mode == "both" else [args.mode]
    kinds = [k for k in args.kinds.split(",") if k in KINDS]
    figures = evaluate(args.corpus, modes, kinds, not args.no_republished)
    print(f"{figures['articles']} articles; MRR@10 and recall@10 of the article itself")
    for mode in modes:
        print_table(mode, figures[mode])
    if "republished" in figures:
        r = figures["republished"]
        print(
            f"\nrepublished variants whose original comes first as same-story: "
            f"{r['original_first_as_same_story']}/{r['variants']}"
        )
    figures.pop("baselines")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
