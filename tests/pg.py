"""A PostgreSQL cluster for the store-level tests.

`make test` starts a throw-away cluster (scripts/pg_cluster.sh) and names it in
KEMNAKER_READER_TEST_PG. Without that, the first test that needs PostgreSQL starts one of its
own in a temporary folder, stopped when the tests end. Where PostgreSQL is not installed those
tests are skipped, saying so.
"""

from __future__ import annotations

import atexit
import itertools
import os
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ENV = "KEMNAKER_READER_TEST_PG"
SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "pg_cluster.sh"
_started: dict[str, str] = {}
_names = itertools.count()


def cluster_url() -> str:
    """The URL of the cluster's maintenance database; skips the test when there is none."""
    url = os.environ.get(ENV) or _started.get("url")
    if url:
        return url
    if "error" in _started:
        pytest.skip(_started["error"])
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _started["error"] = (
            "PostgreSQL tests skipped: psycopg is not installed (the postgres extra)"
        )
        pytest.skip(_started["error"])
    folder = Path(tempfile.mkdtemp(prefix="kemnaker-pg-", dir="/tmp"))
    folder.chmod(0o755)
    done = subprocess.run(
        [str(SCRIPT), "start", str(folder / "cluster")], check=False, capture_output=True, text=True
    )
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["it did not start"])[-1]
        _started["error"] = f"PostgreSQL tests skipped: no cluster ({reason})"
        pytest.skip(_started["error"])
    atexit.register(_stop, folder)
    _started["url"] = done.stdout.strip()
    return _started["url"]


def _stop(folder: Path) -> None:
    subprocess.run([str(SCRIPT), "stop", str(folder / "cluster")], check=False, capture_output=True)
    folder.rmdir()


def database_url(name: str) -> str:
    """The URL of database `name` on the test cluster."""
    parts = urlsplit(cluster_url())
    return urlunsplit(parts._replace(path=f"/{name}"))


def unique_name(kind: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"t_{kind}_{worker}_{os.getpid()}_{next(_names)}"


def create_database(name: str, template: str | None = None) -> str:
    """A new database (a copy of `template` when given); its URL."""
    import psycopg

    with psycopg.connect(cluster_url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return database_url(name)


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(cluster_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
