"""A few runs of the installed command, as a user runs it (the rest run in-process)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from reader.core.library import open_library
from tests.cli.conftest import Invoke
from tests.conftest import DATA, SEED

COMMAND = shutil.which("kemnaker-reader", path=str(Path(sys.executable).parent))


def run(*args: str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "KEMNAKER_READER_DB"}
    if db is not None:
        env["KEMNAKER_READER_DB"] = str(db)
    assert COMMAND
    return subprocess.run(
        [COMMAND, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_the_console_script_is_installed() -> None:
    assert COMMAND, "kemnaker-reader is not on the venv's PATH: install the package"


def test_import_then_search(tmp_path: Path, invoke: Invoke) -> None:
    db = tmp_path / "articles.db"  # named by the environment variable
    out = run("import", str(SEED), "--json", db=db)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"added": 1, "updated": 0, "unchanged": 0, "failed": []}
    # A query that starts with an exclusion, on the store the installed command made: parsed
    # by the same click group in this process (the command's own start is shown by the runs
    # before and after; each cost 0.15 s of CPU).
    done = invoke(db, "search", "-iom", "pekerja", "migran", "--json")
    assert (done.exit_code, json.loads(done.stdout)) == (0, []), done.stderr
    out = run("search", "pekerja", "migran", "--limit", "1", db=db)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0].endswith(
        "Kemnaker Terus Tingkatkan Perlindungan Pekerja Migran"
    )


def test_a_usage_error_is_one_line_without_a_traceback(tmp_path: Path) -> None:
    out = run("--db", str(tmp_path / "x.db"), "show", "abc")
    assert out.returncode == 2
    assert out.stderr == (
        "kemnaker-reader: Invalid value for 'ID': 'abc' is not a valid integer. "
        "(see 'kemnaker-reader --help')\n"
    )


def test_python_dash_m_reader_works(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    with open_library(db) as library:  # the store is made here: one process started, not two
        assert library.import_inputs([str(SEED)]).added == 1
    out = subprocess.run(
        [sys.executable, "-m", "reader", "--db", db, "stats", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0 and json.loads(out.stdout)["articles"] == 1


def test_the_command_loads_rich_and_the_core_only_when_it_needs_them(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "import reader.cli\n"
        "assert 'rich' not in sys.modules and 'reader.core.library' not in sys.modules\n"
        "code = reader.cli.main(sys.argv[1:])\n"
        "assert 'rich' not in sys.modules, 'printing to a pipe needs no rich'\n"
        "sys.exit(code)\n"
    )
    db = tmp_path / "lazy.db"
    out = subprocess.run(
        [sys.executable, "-c", script, "--db", str(db), "import", str(SEED)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr


def test_bundled_data_dir_is_found() -> None:
    from reader.core.paths import bundled_data_dir

    assert bundled_data_dir() == DATA


# The code that makes an article from a line fails (a bug, or a library's edge case): made to
# fail here by replacing it, in the real command's process.
BROKEN_ENTRY = """
import sys
from reader.core.ingest import jsonl

def broken(value, origin, line):
    raise RuntimeError("a bug in the code that makes articles")

jsonl._entry = broken
from reader.cli.root import main
sys.exit(main(sys.argv[1:]))
"""


def test_an_entry_that_breaks_the_code_is_one_line_on_stderr_not_a_traceback(
    tmp_path: Path,
) -> None:
    """The modules log what they recover from; nothing configures logging in the command, and
    Python's last-resort handler printed those records, traceback and all, on stderr."""
    lines = tmp_path / "upah.jsonl"
    lines.write_text('{"title": "Upah naik", "body": "Upah minimum naik."}\n', encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", BROKEN_ENTRY, "--db", str(tmp_path / "a.db"), "import", str(lines)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert out.returncode == 1
    assert out.stderr == (
        f"kemnaker-reader: {lines}:1: cannot read it "
        "(RuntimeError: a bug in the code that makes articles)\n"
    )
    assert out.stdout == "0 added, 0 updated, 0 unchanged, 1 failed\n"
