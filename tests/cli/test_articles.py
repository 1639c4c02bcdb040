"""`import`, `search`, `show`, `related` and `stats`: their output and JSON shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.core.dates import wib_day
from reader.core.library import Library, open_library
from reader.core.models import Article
from reader.core.services import prepare
from tests.cli.conftest import Invoke, lines
from tests.conftest import DEMO, SEED


def test_import_twice_reports_unchanged(invoke: Invoke, demo_library: Library) -> None:
    out = invoke(demo_library.path, "import", str(SEED), str(DEMO))
    assert out.exit_code == 0, out.stderr
    assert out.stdout.strip() == "0 added, 0 updated, 410 unchanged, 0 failed"


def test_import_json_summary(invoke: Invoke, tmp_path: Path) -> None:
    out = invoke(tmp_path / "new.db", "import", str(SEED), "--json")
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout) == {"added": 1, "updated": 0, "unchanged": 0, "failed": []}


def test_import_defer_leaves_the_second_step_to_the_next_import(
    invoke: Invoke, tmp_path: Path
) -> None:
    demo = tmp_path / "demo-120.jsonl"  # the first 120 demo articles: a real file, a third
    demo.write_text("".join(DEMO.read_text(encoding="utf-8").splitlines(True)[:120]), "utf-8")
    db = tmp_path / "new.db"
    out = invoke(db, "import", str(demo), "--defer", "--json")
    assert out.exit_code == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["added"] == 120 and summary["pending"] == 120
    assert json.loads(invoke(db, "stats", "--json").stdout)["pending"] == 120
    out = invoke(db, "import", str(demo), "--defer")
    assert out.stdout.splitlines() == [
        "0 added, 0 updated, 120 unchanged, 0 failed",
        "120 articles wait for story grouping, word counts and topics (the next import does them)",
    ]
    out = invoke(db, "import", str(SEED))  # an import without --defer does what waited
    assert out.stdout.strip() == "1 added, 0 updated, 0 unchanged, 0 failed", out.stderr
    plain = tmp_path / "plain.db"
    assert invoke(plain, "import", str(demo), str(SEED)).exit_code == 0
    with open_library(db) as library, open_library(plain) as other:
        assert library.stats()["pending"] == 0
        for key in ("articles", "stories", "unread"):
            assert library.stats()[key] == other.stats()[key], key
        assert [t.total for t in library.topics()] == [t.total for t in other.topics()]
        assert any(t.total for t in library.topics())  # the topics were caught up


def test_broken_jsonl_line_exit_1_names_file_and_line(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        '{"title": "Satu", "body": "Isi satu."}\n{broken\n{"title": "Dua", "body": "Isi dua."}\n',
        encoding="utf-8",
    )
    out = invoke(tmp_path / "x.db", "import", str(path), "--json")
    assert out.exit_code == 1
    assert lines(out.stderr) == [
        f"kemnaker-reader: {path}:2: invalid JSON "
        "(Expecting property name enclosed in double quotes, column 2)"
    ]
    summary = json.loads(out.stdout)
    assert summary["added"] == 2
    assert summary["failed"] == [
        {"source": str(path), "line": 2, "error": summary["failed"][0]["error"]}
    ]


def test_search_json_contract(invoke: Invoke, demo_db: Path) -> None:
    out = invoke(demo_db, "search", "pekerja", "migran", "--json", "--limit", "3")
    assert out.exit_code == 0, out.stderr
    hits = json.loads(out.stdout)
    assert hits[0]["title"] == "Kemnaker Terus Tingkatkan Perlindungan Pekerja Migran"
    for hit in hits:
        assert set(hit) == {"id", "title", "url", "source", "published_at", "score", "snippet"}
    assert len(hits) <= 3


def test_search_text_output(invoke: Invoke, demo_db: Path) -> None:
    out = invoke(demo_db, "search", "pekerja", "migran", "--limit", "2")
    assert out.exit_code == 0, out.stderr
    first, snippet, *_, more = out.stdout.splitlines()
    assert (
        first
        == "     1  -           jpnn.com  Kemnaker Terus Tingkatkan Perlindungan Pekerja Migran"
    )
    assert snippet.startswith("        ") and "*pekerja* *migran*" in snippet
    assert more == "(the first 2; there may be more: --limit N)"
    out = invoke(demo_db, "search", "qwertyuiopzxcv")
    assert (out.exit_code, out.stdout) == (0, "no articles match\n")


@pytest.mark.parametrize(
    "query", ["'; DROP TABLE articles; --", '"unbalanced', "OR", "-", "😀", ":"]
)
def test_search_never_fails_on_odd_queries(invoke: Invoke, demo_db: Path, query: str) -> None:
    out = invoke(demo_db, "search", query, "--json")
    assert out.exit_code == 0, out.stderr
    assert isinstance(json.loads(out.stdout), list)
    assert json.loads(invoke(demo_db, "stats", "--json").stdout)["articles"] == 410


def test_a_query_may_start_with_an_exclusion(invoke: Invoke, demo_db: Path) -> None:
    out = invoke(demo_db, "search", "-pekerja", "--json", "--limit", "5")
    assert out.exit_code == 0, out.stderr
    hits = json.loads(out.stdout)
    assert hits and all("pekerja" not in h["title"].lower() for h in hits)
    both = json.loads(invoke(demo_db, "search", "migran", "-iom", "--json").stdout)
    assert both and all(h["source"] != "jpnn.com" for h in both)
    # A word that looks like an option is a word too; the search's own options still work.
    out = invoke(demo_db, "search", "-hukum", "migran", "--limit=1", "--json")
    assert out.exit_code == 0 and len(json.loads(out.stdout)) == 1


def test_relaxed_hits_say_so_in_json(invoke: Invoke, demo_db: Path) -> None:
    hits = json.loads(invoke(demo_db, "search", "pekerja migran calya", "--json").stdout)
    assert hits and all(hit["relaxed"] is True for hit in hits)
    assert (
        "relaxed" not in json.loads(invoke(demo_db, "search", "pekerja migran", "--json").stdout)[0]
    )
    out = invoke(demo_db, "search", "pekerja", "migran", "calya")
    assert lines(out.stdout)[0] == "no article has every word; closest matches (most words first):"


def test_show_json_contract(invoke: Invoke, demo_db: Path) -> None:
    article = json.loads(invoke(demo_db, "show", "1", "--json").stdout)
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


def test_show_text_output(invoke: Invoke, demo_db: Path) -> None:
    shown = lines(invoke(demo_db, "show", "1").stdout)
    assert shown[:3] == [
        "Kemnaker Terus Tingkatkan Perlindungan Pekerja Migran",
        "jpnn.com · JAKARTA · Senin (19/2)",
        "",
    ]
    assert shown[-7] == "Berita terkait:" and all(line.startswith("  [-] ") for line in shown[-6:])


def test_related_json_contract(invoke: Invoke, demo_db: Path) -> None:
    items = json.loads(invoke(demo_db, "related", "1", "--json").stdout)
    assert [i["reason"] for i in items[:6]] == ["link"] * 6
    for item in items:
        assert set(item) == {"id", "title", "url", "reason", "score"}
        assert item["reason"] in {"link", "same-story", "similar"}


def test_related_limit_is_a_limit(invoke: Invoke, demo_db: Path) -> None:
    items = json.loads(invoke(demo_db, "related", "1", "--limit", "2", "--json").stdout)
    assert [i["reason"] for i in items] == ["link", "link"]
    out = invoke(demo_db, "related", "1", "--limit", "2")
    assert [line[8:12] for line in out.stdout.splitlines()] == ["link", "link"]


def test_unknown_id_exit_1(invoke: Invoke, demo_db: Path) -> None:
    for command in ("show", "related"):
        for ident in ("123456", "99999999999999999999", "-1"):
            out = invoke(demo_db, command, ident)
            assert out.exit_code == 1
            assert out.stderr == f"kemnaker-reader: no article with id {ident}\n"


def test_stats(invoke: Invoke, demo_db: Path) -> None:
    stats = json.loads(invoke(demo_db, "stats", "--json").stdout)
    assert stats["articles"] == 410 and stats["sources"] == 10
    assert stats["related_links"] == 6
    text = invoke(demo_db, "stats").stdout
    assert f"{'articles':24} 410" in text and f"{'database':24} {demo_db}" in text
    assert f"{'top_sources':24} cnn indonesia 155, kumparan 66" in text
    assert stats["pending"] == 0 and f"{'pending':24} 0\n" in text
    assert "pending_work" not in text


def test_stats_say_what_an_import_left_waiting(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both steps in this process: what waits is the subject, not where it is done (three
    # helper processes started here before; tests/core/test_library.py and
    # test_catch_up_chunks.py test the helper and the second step beside the first).
    monkeypatch.setattr(prepare, "PARALLEL_PREPARE", False)
    with open_library(tmp_path / "articles.db") as library:
        articles = [Article(title=f"Berita {i}", body=f"Isi berita {i}.") for i in range(1234)]
        library.import_articles(articles, defer=True)
    figures = json.loads(invoke(tmp_path / "articles.db", "stats", "--json").stdout)
    assert figures["pending"] == 1234
    assert figures["pending_work"] == ["story grouping", "term statistics", "topics"]
    text = invoke(tmp_path / "articles.db", "stats").stdout
    line = "1,234 articles (story grouping, term statistics, topics)"
    assert f"{'pending':24} {line}\n" in text
    more = tmp_path / "more.jsonl"
    more.write_text('{"title": "Satu lagi", "body": "Isi satu lagi."}\n', encoding="utf-8")
    assert invoke(tmp_path / "articles.db", "import", str(more)).exit_code == 0  # finishes them
    assert json.loads(invoke(tmp_path / "articles.db", "stats", "--json").stdout)["pending"] == 0


def test_text_output_dates_are_wib_days(invoke: Invoke, demo_db: Path) -> None:
    hits = json.loads(invoke(demo_db, "search", "presiden", "--limit", "200", "--json").stdout)
    late = [h for h in hits if h["published_at"] and int(h["published_at"][11:13]) >= 17]
    assert late, "some articles were published after 17:00 UTC, the next day in WIB"
    hit = late[0]
    assert wib_day(hit["published_at"]) > hit["published_at"][:10]
    out = invoke(demo_db, "search", "presiden", "--limit", "200").stdout
    assert f"{hit['id']:>6}  {wib_day(hit['published_at'])}" in out
    shown = invoke(demo_db, "show", str(hit["id"])).stdout.splitlines()[1]
    day = int(wib_day(hit["published_at"])[8:10])
    assert f", {day} " in shown and shown.endswith("WIB")


def test_search_sort_newest(invoke: Invoke, demo_db: Path) -> None:
    every = json.loads(invoke(demo_db, "search", "presiden", "--json", "--limit", "500").stdout)
    out = invoke(demo_db, "search", "presiden", "--sort", "newest", "--json", "--limit", "5")
    assert out.exit_code == 0, out.stderr
    hits = json.loads(out.stdout)
    assert len(hits) == 5
    for hit in hits:  # the same JSON as by relevance
        assert set(hit) == {"id", "title", "url", "source", "published_at", "score", "snippet"}
    dates = [hit["published_at"] for hit in hits]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == max(hit["published_at"] for hit in every if hit["published_at"])
    assert [h["id"] for h in hits] != [h["id"] for h in every[:5]]  # relevance differs
    out = invoke(demo_db, "search", "presiden", "--sort", "oldest")
    assert out.exit_code == 2 and "'oldest' is not one of 'relevance', 'newest'" in out.stderr
