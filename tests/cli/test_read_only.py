"""A store that cannot be written (issue 13): the commands that read it and the reader work, and
every command that would write says so in one line and exits 1.

How the store is made unwritable, honestly: the tests run as root, and root writes through any
file mode. So the commands run in a child process that the kernel holds to the file modes:
when the tests run as root, `setpriv` starts the child without CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH (still uid 0, so it can reach the test's folders, but a 0444 file or a
0555 folder refuses it as it would anyone); as any other user the child runs as it is. The
child first checks that it really cannot write. One child runs every command in-process (the
console script's `main`) and opens the reader headless, to keep the test near a second.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SEED = ROOT / "data" / "seed"

CHILD = r"""
import asyncio, contextlib, io, json, os, sys

import textual._wait

textual._wait.SLEEP_GRANULARITY = 0.005  # as tests/ui/conftest.py: Pilot's idle checks

from reader.cli.root import main
from reader.core.library import open_library

stores = sys.argv[1:]


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return {"code": code, "out": out.getvalue(), "err": err.getvalue()}


async def read_in_the_reader(path):
    from reader.ui.app import make_app
    from reader.ui.config import UIConfig
    from reader.ui.widgets.article_view import ArticleView
    from textual.worker import WorkerFailed

    said = []
    with open_library(path, create=False) as library:
        app = make_app(library, UIConfig(start_view="all", watch_interval=0))
        app.notify = lambda message, **kw: said.append(str(message))
        async with app.run_test(size=(120, 30)) as pilot:
            for key in ("enter", "m"):  # open the first headline (marks it read), then m
                await pilot.press(key)
                # m's worker fails on purpose (the store refuses the write): waiting for it
                # raises WorkerFailed if it is still listed when the wait begins, which depends
                # on timing; the failure's notice, what this test reads, is given either way.
                with contextlib.suppress(WorkerFailed):
                    await app.workers.wait_for_complete()
                await pilot.pause()
            shown = app.query_one(ArticleView).article
            return {"title": shown.title if shown else None, "said": said}


report = {}
for path in stores:
    def may(act):
        try:
            act()
            return True
        except OSError:
            return False

    probe = path + "-probe"
    may_write = {
        "file": may(lambda: open(path, "r+b").close()),
        "folder": may(lambda: (open(probe, "x").close(), os.remove(probe))),
    }
    db = ["--db", path]
    report[path] = {
        "may_write": may_write,
        "stats": run([*db, "stats", "--json"]),
        "search": run([*db, "search", "pekerja", "--json", "--limit", "3"]),
        "show": run([*db, "show", "1", "--json"]),
        "related": run([*db, "related", "1", "--json"]),
        "topics": run([*db, "topics", "list", "--json"]),
        "import": run([*db, "import", sys.stdin.readline().strip()]),
        "feeds add": run([*db, "feeds", "add", "http://127.0.0.1:9/feed.xml"]),
        "topics add": run([*db, "topics", "add", "Upah", "upah"]),
    }
report[stores[-1]]["reader"] = asyncio.run(read_in_the_reader(stores[-1]))
print(json.dumps(report))
"""


def _unprivileged() -> list[str] | None:
    """The command prefix that runs a child held to the file modes, or None when none can."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}", "--"]


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_a_read_only_store_and_folder_are_read_and_writes_say_so(
    demo_db: Path, tmp_path: Path
) -> None:
    prefix = _unprivileged()
    if prefix is None:
        pytest.skip("running as root without setpriv: nothing would hold the child to file modes")
    file_case = tmp_path / "file" / "articles.db"  # a 0444 file in a writable folder
    folder_case = tmp_path / "folder" / "articles.db"  # a 0644 file in a 0555 folder
    for store in (file_case, folder_case):
        store.parent.mkdir()
        shutil.copy(demo_db, store)
    file_case.chmod(0o444)
    folder_case.parent.chmod(0o555)
    before = {store: _digest(store.parent) for store in (file_case, folder_case)}
    try:
        child = subprocess.run(
            [*prefix, sys.executable, "-c", CHILD, str(file_case), str(folder_case)],
            check=False,
            input=f"{SEED}\n{SEED}\n",
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(ROOT), "KEMNAKER_READER_CONFIG": os.devnull},
        )
    finally:
        folder_case.parent.chmod(0o755)
    assert child.returncode == 0, child.stderr
    report = json.loads(child.stdout)
    reasons = {
        file_case: "the file cannot be written",
        folder_case: f"its folder {folder_case.parent} cannot be written",
    }
    for store, reason in reasons.items():
        seen = report[str(store)]
        kind = "file" if store == file_case else "folder"
        assert not seen["may_write"][kind], "the child could write: it would prove nothing"
        for read in ("stats", "search", "show", "related", "topics"):
            assert (seen[read]["code"], seen[read]["err"]) == (0, ""), (store, read, seen[read])
        assert json.loads(seen["stats"]["out"])["articles"] == 410
        assert len(json.loads(seen["search"]["out"])) == 3
        refusal = f"kemnaker-reader: {store} is read-only ({reason}); nothing was changed\n"
        for write in ("import", "feeds add", "topics add"):
            assert (seen[write]["code"], seen[write]["err"]) == (1, refusal), (store, write)
        # Nothing was written beside the store either (no -wal or -shm left behind).
        assert _digest(store.parent) == before[store]
    # The reader opens on the store in the read-only folder (read as it is, immutable), shows
    # an article without marking it read, and m says why it cannot mark it, in one line.
    seen = report[str(folder_case)]["reader"]
    assert seen["title"]
    assert [line for line in seen["said"] if "read-only" in line] == [
        f"Changing a mark failed: {folder_case} is read-only ({reasons[folder_case]}); "
        "nothing was changed"
    ]
