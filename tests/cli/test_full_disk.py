"""A full disk, for real (issue 13): `import` says the disk is full and how many articles of the
import were saved, in one line with exit 1, and the store holds exactly those.

Method: a small tmpfs, mounted in a mount namespace of the child's own (`unshare -m`, so nothing
is mounted for anyone else and it goes with the child), is filled up to about 1.1 MB before
the import. Where mounting is not allowed (not root, no unshare) the test is skipped;
tests/core/test_hardening.py::test_a_full_disk_says_so_and_what_was_saved fills SQLite's own
page limit instead and runs everywhere. To keep it near half a second, the child imports 60
articles in chunks of 20 instead of 500 (`prepare.CHUNK`): a chunk is what is saved whole.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
UNSHARE = shutil.which("unshare")
MOUNT_REFUSED = 77

CHILD = r"""
import contextlib, io, json, os, sys

import reader.core.services.prepare as prepare
from reader.cli.root import main
from reader.core.library import open_library

if __name__ == "__main__":
    disk, source = sys.argv[1], sys.argv[2]
    db = os.path.join(disk, "articles.db")
    prepare.CHUNK, prepare.PARALLEL_PREPARE = 20, False
    open_library(db).close()
    free = os.statvfs(disk)
    with open(os.path.join(disk, "filler"), "wb") as filler:  # leave about 1.1 MB
        filler.write(b"\0" * max(0, free.f_bavail * free.f_frsize - 1_100_000))
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["--db", db, "import", source])
    os.remove(os.path.join(disk, "filler"))
    with open_library(db, create=False) as library:
        count = library.count()
        found = len(library.search("upah buruh", 100).hits)
    print(json.dumps({"code": code, "err": err.getvalue(), "count": count, "found": found}))
"""


@pytest.mark.skipif(
    UNSHARE is None or os.geteuid() != 0, reason="mounting a tmpfs needs root and unshare"
)
def test_a_full_disk_says_so_and_what_was_saved(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    with source.open("w") as out:
        for n in range(60):
            words = " ".join(f"kata{n}x{k}" for k in range(800))
            article = {"title": f"Upah buruh nomor {n}", "body": f"Upah buruh naik. {words}"}
            out.write(json.dumps(article) + "\n")
    disk = tmp_path / "disk"
    disk.mkdir()
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    python = f"PYTHONPATH={ROOT} exec {sys.executable} {script} {disk} {source}"
    command = f"mount -t tmpfs -o size=4m tmpfs {disk} || exit {MOUNT_REFUSED}; {python}"
    assert UNSHARE is not None
    child = subprocess.run(
        [UNSHARE, "-m", "--propagation", "private", "sh", "-c", command],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if child.returncode == MOUNT_REFUSED or "unshare failed" in child.stderr:
        pytest.skip(f"mounting is not allowed here: {child.stderr.strip()}")
    assert child.returncode == 0, child.stderr
    seen = json.loads(child.stdout)
    saved = seen["count"]
    assert 0 < saved < 60 and saved % 20 == 0, seen  # whole chunks, and not all of them
    assert seen["code"] == 1
    assert seen["err"] == (
        f"kemnaker-reader: {disk}/articles.db: the disk is full; "
        f"{saved} articles of this import were saved before it\n"
    )
    assert seen["found"] == saved  # what was saved is whole: indexed and searchable
