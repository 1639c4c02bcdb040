"""What an import loads (issue 11): the first step of an import into a new store (the articles
stored and searchable) needs neither sqlite-utils nor numpy. Loading sqlite-utils, which
loads numpy, cost such an import about 165 ms and 28 MB of its peak memory: more than the
rest of the core. The second step (same-story hashing) loads numpy, when it runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

PROBE = """
import json, sys
from reader.core.library import open_library
with open_library(sys.argv[1]) as library:
    result = library.import_inputs([sys.argv[2]], defer=True)
    stats = library.stats()
print(json.dumps({
    "added": result.added,
    "pending": int(stats["pending"]),
    "loaded": sorted(m for m in ("sqlite_utils", "numpy") if m in sys.modules),
}))
"""

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Kemnaker</title><link>https://kemnaker.go.id/</link>
{items}
</channel></rss>
"""
ITEM = (
    "<item><title>Pelatihan vokasi angkatan {n} dibuka</title>"
    "<link>https://kemnaker.go.id/news/{n}</link>"
    "<pubDate>Mon, 0{day} Nov 2026 08:00:00 +0700</pubDate>"
    "<description>Kementerian Ketenagakerjaan membuka pelatihan vokasi angkatan {n} bagi "
    "pekerja muda di balai latihan kerja.</description></item>"
)


def test_a_deferred_import_into_a_new_store_loads_neither_sqlite_utils_nor_numpy(
    tmp_path: Path,
) -> None:
    feed = tmp_path / "kemnaker.xml"
    feed.write_text(
        FEED.format(items="\n".join(ITEM.format(n=n, day=n % 9 + 1) for n in range(30)))
    )
    db = tmp_path / "articles.db"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(db), str(feed)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    report = json.loads(done.stdout)
    assert report["added"] == 30 and report["pending"] == 30  # stored; the second step waits
    assert report["loaded"] == []
