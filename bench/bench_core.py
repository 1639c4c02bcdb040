"""Core benchmark: import, search and related on a generated store.

Usage: python bench/bench_core.py [N] [--reuse] [--import-only]   (default 100000)

--reuse measures search and related on the existing bench/out/bench-N.db without importing
again (import is then not measured) and prints each query's p50 / p95, wall clock and CPU of
the searching thread (the machine is shared: CPU time moves less with others' load, and the
1-minute load average is printed). --db PATH: measure on PATH instead (a copy: a reader newer
than the store migrates it on opening).
--stdlib-sqlite runs on the standard library's sqlite3 instead of pysqlite3 (the newer SQLite
the reader uses where its wheel exists), to compare the two in one session.
--import-only measures the import alone, into bench/out/import-N.db (a store --reuse does not
use): its first step (stored and searchable), its second (stories, term statistics, topics
caught up) and the whole, and the peak RSS of the importing process and of its helper.
--input FILE (with --import-only): import FILE, holding N articles, instead of the generated
JSON Lines, e.g. the tuibench's feed (python ../shared/tuibench/make_feed.py, or
/tmp/tuibench-data/feed-N.xml once `make bench-tui` ran): the path `kemnaker-reader import`
takes in the Newsboat comparison.

Prints a table and a JSON line. Figures are medians / 95th percentiles of core calls
(Library.search, Library.related) in one process on a warm store; import is articles per second
from JSON Lines into an empty store, index included.
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if "--stdlib-sqlite" in sys.argv[1:]:
    sys.modules["pysqlite3"] = None  # type: ignore[assignment]  # import pysqlite3 fails: stdlib

from bench.generate import generate  # noqa: E402
from reader.core.db.sqlite import sqlite3  # noqa: E402
from reader.core.library import open_library  # noqa: E402

QUERIES = [
    "pekerja",
    "pekerja migran",
    "presiden",
    "pemerintah indonesia",
    "jokowi",
    "PHK",
    '"tindak pidana"',
    "migr*",
    "polisi -jakarta",
    "gempa OR banjir",
    "title:jokowi",
    "source:kumparan pemerintah",
    "since:2017-01-01 until:2017-03-31 presiden",
    "upah minimum",
    "kemnaker",
    "sepak bola",
    "harga minyak",
    "pekerjanya",
    "anak-anak",
    "korupsi kpk",
    "teknologi",
    "pilkada dki",
    "timnas indonesia",
    "bank indonesia",
    "ekonomi",
]


NEWSBOAT_PER_SECOND = 8700  # issue 11: Newsboat 2.21 importing 10,000 items of the same feed


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def import_only(n: int, given: Path | None = None) -> dict[str, float | str]:
    """Import N generated articles into an empty store: the first step, then the second.
    `given`: import this file (of N articles) instead, e.g. the tuibench's RSS feed."""
    out = ROOT / "bench" / "out"
    source = given or out / f"articles-{n}.jsonl"
    if not source.exists():
        generate(n, source)
    db_path = out / f"import-{n}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    with open_library(db_path) as store:
        started = time.perf_counter()
        result = store.import_inputs([str(source)], defer=True)
        stored = time.perf_counter() - started
        pending = store.stats()["pending"]
        started = time.perf_counter()
        store.catch_up()
        caught_up = time.perf_counter() - started
        assert result.added == n and not result.failed, (result.added, result.failed[:3])
        assert pending == n and store.stats()["pending"] == 0
    total = stored + caught_up
    figures: dict[str, float | str] = {
        "articles": n,
        "input": source.suffix.lstrip("."),
        "stored_seconds": round(stored, 2),
        "stored_per_second": round(n / stored),
        "catch_up_seconds": round(caught_up, 2),
        "import_seconds": round(total, 2),
        "import_per_second": round(n / total),
        "newsboat_per_second": NEWSBOAT_PER_SECOND,
        "db_mb": round(db_path.stat().st_size / 1e6, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "helper_peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
        "load_1min": round(os.getloadavg()[0], 2),
    }
    for key, value in figures.items():
        print(f"{key:22} {value!s:>12}")
    print(json.dumps(figures))
    return figures


def main(n: int, reuse: bool = False, db: Path | None = None) -> dict[str, float | None]:
    out = ROOT / "bench" / "out"
    db_path = db if reuse and db is not None else out / f"bench-{n}.db"
    import_seconds: float | None = None
    if reuse and db_path.exists():
        store = open_library(db_path)
    else:
        source = out / f"articles-{n}.jsonl"
        if not source.exists():
            generate(n, source)
        for suffix in ("", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        store = open_library(db_path)
        started = time.perf_counter()
        result = store.import_inputs([str(source)])
        import_seconds = time.perf_counter() - started
        assert result.added == n and not result.failed, (result.added, result.failed[:3])

    search_ms, search_cpu_ms = [], []
    per_query: dict[str, list[float]] = {query: [] for query in QUERIES}
    per_query_cpu: dict[str, list[float]] = {query: [] for query in QUERIES}
    for _ in range(4):
        for query in QUERIES:
            t, cpu = time.perf_counter(), time.thread_time()
            store.search(query, 20)
            elapsed = (time.perf_counter() - t) * 1000
            search_cpu_ms.append((time.thread_time() - cpu) * 1000)
            search_ms.append(elapsed)
            per_query[query].append(elapsed)
            per_query_cpu[query].append(search_cpu_ms[-1])
    if reuse:
        print(f"{'query':45} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'cpu p95':>8}")
        for query, times in per_query.items():
            p50, p95 = statistics.median(times), percentile(times, 0.95)
            cpus = per_query_cpu[query]
            print(
                f"{query:45} {p50:8.1f} {p95:8.1f} "
                f"{statistics.median(cpus):8.1f} {percentile(cpus, 0.95):8.1f}"
            )

    rng = random.Random(3)
    ids = [rng.randint(1, n) for _ in range(200)]
    related_ms = []
    for article_id in ids:
        t = time.perf_counter()
        store.related(article_id, 10)
        related_ms.append((time.perf_counter() - t) * 1000)

    figures = {
        "articles": n,
        "import_seconds": round(import_seconds, 2) if import_seconds else None,
        "import_per_second": round(n / import_seconds) if import_seconds else None,
        "db_mb": round(db_path.stat().st_size / 1e6, 1),
        "search_p50_ms": round(statistics.median(search_ms), 2),
        "search_p95_ms": round(percentile(search_ms, 0.95), 2),
        "search_cpu_p50_ms": round(statistics.median(search_cpu_ms), 2),
        "search_cpu_p95_ms": round(percentile(search_cpu_ms, 0.95), 2),
        "load_1min": round(os.getloadavg()[0], 2),
        "sqlite": sqlite3.sqlite_version,
        "related_p50_ms": round(statistics.median(related_ms), 2),
        "related_p95_ms": round(percentile(related_ms, 0.95), 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    targets = {
        "import_per_second": ">= 2000",
        "search_p95_ms": "< 30",
        "related_p95_ms": "< 50",
        "peak_rss_mb": "< 150",
    }
    print(f"{'figure':22} {'value':>12}  target")
    for key, value in figures.items():
        print(f"{key:22} {value!s:>12}  {targets.get(key, '')}")
    print(json.dumps(figures))
    return figures


OPTIONS = ("--reuse", "--import-only", "--stdlib-sqlite", "--db", "--input")

if __name__ == "__main__":
    if {"-h", "--help"} & set(sys.argv[1:]):
        print(__doc__)
        sys.exit(0)
    unknown = [a for a in sys.argv[1:] if a.startswith("-") and a not in OPTIONS]
    if unknown:  # a mistyped option must not start the import, which rebuilds bench-N.db
        sys.exit(f"bench_core.py: unknown option {unknown[0]} (see --help)")
    args = [
        a
        for i, a in enumerate(sys.argv[1:], 1)
        if not a.startswith("--") and sys.argv[i - 1] not in ("--db", "--input")
    ]
    count = int(args[0]) if args else 100_000
    if "--import-only" in sys.argv[1:]:
        given = sys.argv.index("--input") + 1 if "--input" in sys.argv[:-1] else 0
        import_only(count, Path(sys.argv[given]) if given else None)
    else:
        given = sys.argv.index("--db") + 1 if "--db" in sys.argv[:-1] else 0
        db = Path(sys.argv[given]) if given else None
        main(count, reuse="--reuse" in sys.argv[1:], db=db)
