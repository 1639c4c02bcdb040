"""Views of a large store: what the reader reads to show All, Unread, a topic or a source.

    python bench/bench_views.py [N]   (default 100,000; the store is bench/out/bench-N.db,
                                       made by bench/bench_core.py)

Prints, for each view, the median over repeats of: the count, the first window of 64
headlines, and a window deep in the list; and the cost of every topic's and source's counts
(what the navigator shows). Times are medians in ms on this machine: compare the views with
one another, in one run.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.core.library import open_library  # noqa: E402
from reader.core.models import HeadlineFilter  # noqa: E402

REPEATS = 9


def median_ms(call: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def main(n: int) -> dict[str, object]:
    path = ROOT / "bench" / "out" / f"bench-{n}.db"
    if not path.exists():
        sys.exit(f"{path}: no such store; run 'python bench/bench_core.py' first")
    started = time.perf_counter()
    library = open_library(path)  # an older store is migrated and its topics found here
    opened_s = round(time.perf_counter() - started, 2)
    topic = library.topics()[0]
    source = library.sources()[0]
    views = {
        "all": None,
        "unread": HeadlineFilter(unread=True),
        "starred": HeadlineFilter(starred=True),
        f"topic {topic.name} ({topic.total:,})": HeadlineFilter(topic=topic.id),
        f"source {source.name} ({source.total:,})": HeadlineFilter(source=source.name),
    }
    figures: dict[str, object] = {"articles": library.count(), "open_s": opened_s}
    for name, view in views.items():
        total = library.count(view)
        deep = max(0, total // 2)
        figures[name] = {
            "count_ms": median_ms(lambda view=view: library.count(view)),
            "first_window_ms": median_ms(lambda view=view: library.headlines(0, 64, view)),
            "middle_window_ms": median_ms(
                lambda view=view, deep=deep: library.headlines(deep, 64, view)
            ),
        }
    figures["all_topic_counts_ms"] = median_ms(library.topics)
    figures["all_source_counts_ms"] = median_ms(library.sources)
    library.close()
    return figures


if __name__ == "__main__":
    result = main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
    for key, value in result.items():
        print(f"{key:45} {value}")
    print(json.dumps(result, ensure_ascii=False))
