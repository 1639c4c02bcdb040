"""Generate N articles (JSON Lines) by recombining paragraphs of the real corpus.

Usage: python bench/generate.py [N] [OUT] [--seed S] [--first I]
(default 100000 articles, bench/out/articles-N.jsonl, seed 1, URLs from https://bench.example/0)

The same seed gives the same articles, so the first 100,000 of `generate.py 1000000` are those of
`generate.py 100000`. A file of new articles for a store built from those (a fetcher's work in
bench_postgres.py) takes another seed and URLs that start past them, e.g. `--seed 2 --first
2000000`.

Each article takes 3-9 paragraphs from random corpus articles, a title made of words from
random corpus titles, a unique URL, a source and a date spread over two years. About 2% are
republished variants of an earlier generated article (lead repeated, a tenth of the words
changed), so near-duplicate detection has work to do.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_CANDIDATES = [
    ROOT.parent / "shared" / "corpus" / "indosum-dev.jsonl",
    ROOT / "data" / "demo" / "indosum-demo.jsonl",
]
SOURCES = [
    "cnn indonesia",
    "kumparan",
    "antaranews",
    "merdeka",
    "suara",
    "jpnn.com",
    "poskotanews",
    "rimanews",
    "detik",
    "kompas",
]


def load_corpus() -> list[dict]:
    for path in CORPUS_CANDIDATES:
        if path.exists():
            return [json.loads(line) for line in path.open(encoding="utf-8")]
    raise SystemExit("no corpus found (../shared/corpus or data/demo)")


def generate(n: int, out: Path, seed: int = 1, first: int = 0) -> Path:
    rng = random.Random(seed)
    corpus = load_corpus()
    paragraphs = [p for row in corpus for p in row["body"].split("\n\n") if len(p) > 40]
    title_words = [w for row in corpus for w in row["title"].split()]
    start = datetime(2016, 1, 1, tzinfo=UTC)
    out.parent.mkdir(parents=True, exist_ok=True)
    recent: list[dict] = []
    with out.open("w", encoding="utf-8") as f:
        for i in range(n):
            when = start + timedelta(seconds=rng.randrange(2 * 365 * 86400))
            if recent and rng.random() < 0.02:
                article = _variant(rng.choice(recent), rng, first + i, when)
            else:
                body = "\n\n".join(rng.sample(paragraphs, rng.randint(3, 9)))
                title = " ".join(rng.sample(title_words, rng.randint(5, 11))).capitalize()
                article = {
                    "title": title,
                    "body": body,
                    "source": rng.choice(SOURCES),
                    "url": f"https://bench.example/{first + i}",
                    "published": when.isoformat(),
                }
                recent = ([*recent, article])[-500:]
            f.write(json.dumps(article, ensure_ascii=False) + "\n")
    return out


def _variant(original: dict, rng: random.Random, i: int, when: datetime) -> dict:
    words = original["body"].split(" ")
    for j in rng.sample(range(len(words)), len(words) // 10):
        words[j] = rng.choice(["juga", "pula", "itu", "tersebut", "kini"])
    body = " ".join(words)
    body += "\n\n" + body.split("\n\n")[0]
    return {
        "title": original["title"].upper(),
        "body": body,
        "source": rng.choice(SOURCES),
        "url": f"https://bench.example/{i}",
        "published": when.isoformat(),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=100_000)
    parser.add_argument("out", nargs="?", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--first", type=int, default=0, help="number in the first article's URL")
    args = parser.parse_args()
    target = args.out or ROOT / "bench" / "out" / f"articles-{args.count}.jsonl"
    print(generate(args.count, target, args.seed, args.first))
