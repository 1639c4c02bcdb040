"""The `kemnaker-reader` command itself, run as a user runs it."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, DEMO, SEED

COMMAND = shutil.which("kemnaker-reader", path=str(Path(sys.executable).parent))


def run(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "KEMNAKER_READER_DB"}
    return subprocess.run(
        [COMMAND, "--db", str(db), *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_the_console_script_is_installed():
    assert COMMAND, "kemnaker-reader is not on the venv's PATH: install the package"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "articles.db"
    out = run(path, "import", str(SEED), str(DEMO), "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"added": 410, "updated": 0, "unchanged": 0, "failed": []}
    return path


def test_import_twice_reports_unchanged(db):
    out = run(db, "import", str(SEED), str(DEMO))
    assert out.returncode == 0
    assert out.stdout.strip() == "0 added, 0 updated, 410 unchanged, 0 failed"


def test_broken_jsonl_line_exit_1_names_file_and_line(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(
        '{"title": "Satu", "body": "Isi satu."}\n{broken\n{"title": "Dua", "body": "Isi dua."}\n',
        encoding="utf-8",
    )
    out = run(tmp_path / "x.db", "import", str(path), "--json")
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        f"kemnaker-reader: {path}:2: invalid JSON (Expecting property name enclosed in double quotes, column 2)"
    ]
    summary = json.loads(out.stdout)
    assert summary["added"] == 2
    assert summary["failed"] == [
        {"source": str(path), "line": 2, "error": summary["failed"][0]["error"]}
    ]
    assert "Traceback" not in out.stderr


def test_search_json_contract(db):
    out = run(db, "search", "pekerja", "migran", "--json", "--limit", "3")
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert hits[0]["title"] == "Kemnaker Terus Tingkatkan Perlindungan Pekerja Migran"
    for hit in hits:
        assert set(hit) == {"id", "title", "url", "source", "published_at", "score", "snippet"}
    assert len(hits) <= 3


@pytest.mark.parametrize(
    "query", ["'; DROP TABLE articles; --", '"unbalanced', "OR", "-", "😀", ":"]
)
def test_search_never_fails_on_odd_queries(db, query):
    out = run(db, "search", query, "--json")
    assert out.returncode == 0 and "Traceback" not in out.stderr
    assert isinstance(json.loads(out.stdout), list)
    assert json.loads(run(db, "stats", "--json").stdout)["articles"] == 410


def test_show_json_contract(db):
    out = run(db, "show", "1", "--json")
    article = json.loads(out.stdout)
    assert set(article) == {
        "id",
        "title",
        "url",
        "source",
        "dateline",
        "published_at",
        "category",
        "body",
        "related",
    }
    assert article["source"] == "jpnn.com" and article["dateline"] == "JAKARTA"
    assert len(article["related"]) == 6
    assert all(set(r) == {"title", "url", "id"} and r["id"] is None for r in article["related"])
    assert "\n\n" in article["body"]


def test_related_json_contract(db):
    out = run(db, "related", "1", "--json")
    items = json.loads(out.stdout)
    assert [i["reason"] for i in items[:6]] == ["link"] * 6
    for item in items:
        assert set(item) == {"id", "title", "url", "reason", "score"}
        assert item["reason"] in {"link", "same-story", "similar"}


def test_unknown_id_exit_1(db):
    for command in ("show", "related"):
        out = run(db, command, "123456")
        assert out.returncode == 1
        assert out.stderr.strip() == "kemnaker-reader: no article with id 123456"


def test_usage_errors_exit_2_in_one_line(db):
    for args in (["search"], ["show", "abc"], ["frobnicate"], ["search", "x", "--limit", "0"]):
        out = run(db, *args)
        assert out.returncode == 2, args
        assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_stats_json(db):
    stats = json.loads(run(db, "stats", "--json").stdout)
    assert stats["articles"] == 410 and stats["sources"] == 10
    assert stats["related_links"] == 6


def test_a_database_that_is_not_one_gives_one_line(tmp_path):
    bad = tmp_path / "not.db"
    bad.write_text("this is not sqlite" * 100)
    out = run(bad, "stats")
    assert out.returncode == 1
    assert out.stderr.startswith(f"kemnaker-reader: {bad}: ") and len(out.stderr.splitlines()) == 1


def test_environment_variable_names_the_database(tmp_path):
    path = tmp_path / "env.db"
    env = {**os.environ, "KEMNAKER_READER_DB": str(path)}
    out = subprocess.run([COMMAND, "import", str(SEED)], capture_output=True, text=True, env=env)
    assert out.returncode == 0 and path.exists()


def test_bundled_data_dir_is_found():
    from reader.core.paths import bundled_data_dir

    assert bundled_data_dir() == DATA


def test_relaxed_hits_say_so_in_json(db):
    hits = json.loads(run(db, "search", "pekerja migran calya", "--json").stdout)
    assert hits and all(hit["relaxed"] is True for hit in hits)
    assert "relaxed" not in json.loads(run(db, "search", "pekerja migran", "--json").stdout)[0]


def test_python_dash_m_reader_works(tmp_path):
    db = str(tmp_path / "m.db")
    subprocess.run(
        [sys.executable, "-m", "reader", "--db", db, "import", str(SEED)],
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        [sys.executable, "-m", "reader", "--db", db, "stats", "--json"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0 and json.loads(out.stdout)["articles"] == 1


def test_first_launch_imports_the_bundled_articles_once(tmp_path):
    from reader.cli import import_bundled
    from reader.core.store import Store

    store = Store(tmp_path / "first.db")
    result = import_bundled(store)
    assert (result.added, result.failed) == (410, [])
    first = store.headlines(0, 1)[0]
    assert store.get(first.id).source  # real articles, newest first
    assert import_bundled(store) is None, "a database with articles is left alone"
    assert store.count() == 410


def test_huge_numbers_are_errors_not_tracebacks(db):
    out = run(db, "search", "pekerja", "--limit", "99999999999999999999")
    assert out.returncode == 2 and "must be between 1 and 100,000" in out.stderr
    for command in ("show", "related"):
        out = run(db, command, "99999999999999999999")
        assert out.returncode == 1
        assert out.stderr.strip() == "kemnaker-reader: no article with id 99999999999999999999"


def test_a_query_may_start_with_an_exclusion(db):
    out = run(db, "search", "-pekerja", "--json", "--limit", "5")
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert hits and all("pekerja" not in h["title"].lower() for h in hits)
    both = json.loads(run(db, "search", "migran", "-iom", "--json").stdout)
    assert both and all(h["source"] != "jpnn.com" for h in both)


def test_read_only_commands_never_create_a_database(tmp_path):
    missing = tmp_path / "nowhere" / "x.db"
    for args in (["stats"], ["search", "x"], ["show", "1"], ["related", "1"]):
        out = run(missing, *args)
        assert out.returncode == 1
        assert out.stderr.startswith(f"kemnaker-reader: no database at {missing}")
    assert not missing.parent.exists()


def test_the_reader_without_a_terminal_says_so(tmp_path):
    out = subprocess.run(
        [COMMAND, "--db", str(tmp_path / "t.db")],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=30,
    )
    assert out.returncode == 2
    assert out.stderr.strip().startswith("kemnaker-reader: the reader needs a terminal")


def test_related_limit_is_a_limit(db):
    items = json.loads(run(db, "related", "1", "--limit", "2", "--json").stdout)
    assert [i["reason"] for i in items] == ["link", "link"]


def test_text_output_dates_are_wib_days(db):
    from reader.core.dates import wib_day

    hits = json.loads(run(db, "search", "presiden", "--limit", "200", "--json").stdout)
    late = [h for h in hits if h["published_at"] and int(h["published_at"][11:13]) >= 17]
    assert late, "some articles were published after 17:00 UTC, the next day in WIB"
    hit = late[0]
    assert wib_day(hit["published_at"]) > hit["published_at"][:10]
    out = run(db, "search", "presiden", "--limit", "200").stdout
    assert f"{hit['id']:>6}  {wib_day(hit['published_at'])}" in out
    shown = run(db, "show", str(hit["id"])).stdout.splitlines()[1]
    day = int(wib_day(hit["published_at"])[8:10])
    assert f", {day} " in shown and shown.endswith("WIB")
