"""`topics list/add/rename/remove` and `search --topic`."""

from __future__ import annotations

import json
from pathlib import Path

from reader.core.library import Library
from tests.cli.conftest import Invoke, lines


def test_topics_list_json_contract(invoke: Invoke, demo_db: Path) -> None:
    out = invoke(demo_db, "topics", "list", "--json")
    assert out.exit_code == 0, out.output
    topics = json.loads(out.stdout)
    assert topics[0]["name"] == "Ketenagakerjaan"
    assert all(set(topic) == {"name", "query", "unread", "total"} for topic in topics)
    phk = next(topic for topic in topics if topic["name"] == "PHK")
    assert phk["total"] == phk["unread"] > 0 and "pesangon" in phk["query"]


def test_topics_list_text(invoke: Invoke, demo_db: Path) -> None:
    out = invoke(demo_db, "topics", "list")
    assert out.exit_code == 0
    assert lines(out.stdout)[0].startswith("Ketenagakerjaan\t")
    assert " unread\t" in lines(out.stdout)[0]


def test_add_rename_remove_and_search_within(invoke: Invoke, demo_library: Library) -> None:
    db = demo_library.path
    out = invoke(db, "topics", "add", "Migran", "pekerja", "migran", "-korea")
    assert out.exit_code == 0, out.output
    assert out.stdout.startswith("saved the topic 'Migran': ")
    listed = json.loads(invoke(db, "topics", "list", "--json").stdout)
    assert listed[-1]["name"] == "Migran" and listed[-1]["query"] == "pekerja migran -korea"
    hits = json.loads(invoke(db, "search", "--topic", "migran", "--json").stdout)
    assert hits and all("korea" not in hit["title"].lower() for hit in hits)
    assert "Kemnaker Terus Tingkatkan Perlindungan Pekerja Migran" in [h["title"] for h in hits]
    dated = [hit["published_at"] for hit in hits if hit["published_at"]]
    assert dated == sorted(dated, reverse=True)  # no query: newest first
    assert invoke(db, "topics", "rename", "Migran", "Pekerja migran (tanpa Korea)").exit_code == 0
    out = invoke(db, "topics", "remove", "pekerja migran (tanpa korea)")
    assert out.exit_code == 0 and "its articles stay" in out.stdout
    assert "Migran" not in invoke(db, "topics", "list").stdout


def test_search_within_a_topic_json_and_limit(invoke: Invoke, demo_db: Path) -> None:
    out = invoke(demo_db, "search", "--topic", "Ketenagakerjaan", "pabrik", "--json")
    within = {hit["id"] for hit in json.loads(out.stdout)}
    everywhere = {
        hit["id"] for hit in json.loads(invoke(demo_db, "search", "pabrik", "--json").stdout)
    }
    assert within and within < everywhere
    newest = json.loads(
        invoke(demo_db, "search", "--topic", "PHK", "--limit", "2", "--json").stdout
    )
    assert len(newest) == 2
    assert newest[0]["published_at"] >= newest[1]["published_at"]


def test_topic_mistakes_are_one_line(invoke: Invoke, demo_library: Library) -> None:
    db = demo_library.path
    out = invoke(db, "topics", "add", "PHK", "phk")
    assert out.exit_code == 1
    assert lines(out.stderr) == ["kemnaker-reader: there is a topic called 'PHK' already"]
    out = invoke(db, "search", "--topic", "Tidak ada", "upah")
    assert out.exit_code == 1 and lines(out.stderr)[0].startswith(
        "kemnaker-reader: no topic called"
    )
    out = invoke(db, "topics", "add", "Tanpa kueri")
    assert out.exit_code == 2 and "Missing argument" in out.stderr
    out = invoke(db, "search")
    assert out.exit_code == 2
    assert lines(out.stderr) == [
        "kemnaker-reader: Missing argument 'QUERY...'. (see 'kemnaker-reader --help')"
    ]
