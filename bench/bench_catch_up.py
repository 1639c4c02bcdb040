"""Step two of an import alone: `Library.catch_up` over a store that `import --defer` left.

Usage: python bench/bench_catch_up.py INPUT [--runs R] [--root DIR] [--stores DIR]

INPUT is a file `kemnaker-reader import` reads (the tuibench's /tmp/tuibench-data/feed-N.xml,
bench/out/articles-N.jsonl). Its deferred store (step one only) is built once into --stores
(default bench/out) as deferred-<name>.db and reused; each run copies it and times catch_up()
in this process, its helper process included (the wall clock an import spends after
`import --defer`'s work). --root DIR runs the reader found in DIR instead of this checkout
(e.g. `git archive <commit> | tar -x -C DIR`), to compare two versions on one copy of the store
in one session: the machine is shared, so compare runs taken back to back.

Prints each run, the median, the peak RSS of this process and of its helper (over all runs),
the 1-minute load average and a digest of what step two wrote
(stories, signatures, bands, term statistics, topic places): two versions that do the same work
print the same digest.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DIGESTED = (
    "SELECT id, story_id, minhash FROM articles ORDER BY id",
    "SELECT key, article_id FROM story_bands ORDER BY key, article_id",
    "SELECT term, df FROM term_stats WHERE df != 0 ORDER BY term",
    "SELECT topic_id, article_id, sort_key FROM topic_articles ORDER BY topic_id, article_id",
    "SELECT count(*) FROM pending_articles",
)


def digest(path: Path) -> str:
    """A hash of every row step two writes, in a fixed order."""
    from reader.core.db.sqlite import sqlite3

    conn = sqlite3.connect(path)
    try:
        hashed = hashlib.sha256()
        for sql in DIGESTED:
            for row in conn.execute(sql):
                hashed.update(repr(row).encode())
        return hashed.hexdigest()[:16]
    finally:
        conn.close()


def remove_store(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def deferred_store(source: Path, stores: Path) -> Path:
    """The store `import --defer SOURCE` leaves, built once."""
    from reader.core.library import open_library

    path = stores / f"deferred-{source.stem}.db"
    if not path.exists():
        building = path.with_suffix(".building")
        remove_store(building)
        with open_library(building) as store:
            result = store.import_inputs([str(source)], defer=True)
            assert not result.failed, result.failed[:3]
        os.replace(building, path)
    return path


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def one_run(deferred: Path, target: Path) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds of this process and of its helper, articles done) of
    catch_up on a copy."""
    from reader.core.library import open_library

    remove_store(target)
    shutil.copyfile(deferred, target)
    with open_library(target) as store:
        started, cpu, helper = time.perf_counter(), time.process_time(), _children_cpu()
        done = store.catch_up()
        wall = time.perf_counter() - started
        return wall, time.process_time() - cpu, _children_cpu() - helper, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--stores", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    sys.path.insert(0, str(args.root.resolve()))
    args.stores.mkdir(parents=True, exist_ok=True)
    deferred = deferred_store(args.input.resolve(), args.stores)
    target = args.stores / f"catch-up-{os.getpid()}.db"
    walls: list[float] = []
    cpus: list[float] = []
    helpers: list[float] = []
    try:
        for run in range(args.runs):
            wall, cpu, helper, done = one_run(deferred, target)
            walls.append(wall)
            cpus.append(cpu)
            helpers.append(helper)
            print(
                f"run {run + 1}: {done:,} articles in {wall:.2f} s (CPU: this process "
                f"{cpu:.2f} s, its helper {helper:.2f} s), load {os.getloadavg()[0]:.2f}"
            )
        figures = {
            "input": str(args.input),
            "root": str(args.root),
            "articles": done,
            "catch_up_median_seconds": round(statistics.median(walls), 2),
            "runs": [round(wall, 2) for wall in walls],
            "cpu_median_seconds": round(statistics.median(cpus), 2),
            "helper_cpu_median_seconds": round(statistics.median(helpers), 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "helper_peak_rss_mb": round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
            ),
            "load_1min": round(os.getloadavg()[0], 2),
            "digest": digest(target),
        }
    finally:
        remove_store(target)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
