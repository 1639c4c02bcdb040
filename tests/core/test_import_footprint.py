"""What an import loads (issue 11): the first step of an import into a new store (the articles
stored and searchable) needs neither sqlite-utils nor numpy. Loading sqlite-utils, which
loads numpy, cost such an import about 165 ms and 28 MB of its peak memory: more than the
rest of the core. The second step (same-story hashing) loads numpy, when it runs.

And the core never imports textual or rich, which only the UI uses (the same fresh Python, once
it has imported every module of the core). What the reader loads before its first screen:
tests/cli/test_startup_imports.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

# A fresh Python: the deferred import and what it loaded; then every module of the core and the
# command line imported, and whether textual or rich came with them (the core never imports
# them: test_the_core_imports_neither_textual_nor_rich). One process for both, as each needs a
# Python that has not imported the reader yet, and the second needs no more than that.
PROBE = """
import importlib, json, pkgutil, sys
from reader.core.library import open_library
with open_library(sys.argv[1]) as library:
    result = library.import_inputs([sys.argv[2]], defer=True)
    stats = library.stats()
loaded = sorted(m for m in ("sqlite_utils", "numpy") if m in sys.modules)
import reader.core, reader.core.ingest
for m in pkgutil.walk_packages(reader.core.__path__, "reader.core."):
    importlib.import_module(m.name)
import reader.cli
print(json.dumps({
    "added": result.added,
    "pending": int(stats["pending"]),
    "loaded": loaded,
    "core": sorted(m for m in sys.modules if m.startswith("reader.core.")),
    "textual_or_rich": sorted(n for n in sys.modules if n.split(".")[0] in ("textual", "rich")),
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


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What PROBE reports, for a deferred import of a feed of 30 items into a new store."""
    folder = tmp_path_factory.mktemp("footprint")
    feed = folder / "kemnaker.xml"
    feed.write_text(
        FEED.format(items="\n".join(ITEM.format(n=n, day=n % 9 + 1) for n in range(30)))
    )
    db = folder / "articles.db"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(db), str(feed)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def test_a_deferred_import_into_a_new_store_loads_neither_sqlite_utils_nor_numpy(
    probed: dict[str, Any],
) -> None:
    report = probed
    assert report["added"] == 30 and report["pending"] == 30  # stored; the second step waits
    assert report["loaded"] == []


def test_the_core_imports_neither_textual_nor_rich(probed: dict[str, Any]) -> None:
    """Every module of reader.core, and the command line's entry (reader.cli), imported."""
    assert "reader.core.services.indexing" in probed["core"]  # the modules were walked
    assert "reader.core.db.postgres" in probed["core"]
    assert probed["textual_or_rich"] == [], f"reader.core pulled in: {probed['textual_or_rich']}"
