"""`export`: each format parsed back (csv module, JSON lines, the Markdown's headings)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from reader.core.library import Library
from reader.core.models import Article, HeadlineFilter
from reader.core.text import surface_words
from tests.cli.conftest import Invoke, lines

FIELDS = ["id", "title", "url", "source", "published_at"]


def test_csv_parses_back_newest_first(invoke: Invoke, demo_db: Path, demo_library_ro) -> None:
    out = invoke(demo_db, "export", "--format", "csv", "--limit", "5")
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout, newline="")))
    assert list(rows[0]) == FIELDS
    newest = demo_library_ro.headlines(0, 5)
    assert [int(row["id"]) for row in rows] == [h.id for h in newest]
    assert [row["title"] for row in rows] == [h.title for h in newest]
    assert [row["published_at"] or None for row in rows] == [h.published_at for h in newest]


def test_jsonl_of_a_query_holds_the_articles_with_every_word(invoke: Invoke, demo_db: Path) -> None:
    out = invoke(demo_db, "export", "pekerja", "migran", "--format", "jsonl")
    assert out.exit_code == 0, out.output
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(records) >= 2
    for record in records:
        assert list(record) == [*FIELDS, "body"]
        words = set(surface_words(record["title"] + " " + record["body"]))
        assert {"pekerja", "migran"} <= words or "pmi" in words or "tki" in words
    dated = [r["published_at"] for r in records if r["published_at"]]
    assert dated == sorted(dated, reverse=True)
    excluded = invoke(demo_db, "export", "pekerja", "migran", "-korea", "--format", "jsonl")
    fewer = [json.loads(line)["title"] for line in excluded.stdout.splitlines()]
    assert len(fewer) < len(records) and not any("korea" in t.lower() for t in fewer)


def test_markdown_of_a_topic_to_a_file(invoke: Invoke, demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "phk.md"
    out = invoke(demo_db, "export", "--topic", "phk", "--format", "md", "-o", str(target))
    assert out.exit_code == 0, out.output
    topic = json.loads(invoke(demo_db, "topics", "list", "--json").stdout)
    total = next(t["total"] for t in topic if t["name"] == "PHK")
    assert out.stdout == f"wrote {total} articles to {target}\n"
    text = target.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# Articles in the topic phk"
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert len(headings) == total
    assert [p.name for p in tmp_path.iterdir()] == ["phk.md"]  # no part file left


def _hostile(library: Library) -> Path:
    library.import_articles(
        [
            Article(
                title='=HYPERLINK("http://x") # [klik](http://x) <b>tebal</b>',
                body="## Bukan judul\n\n1. bukan daftar\n\n> bukan kutipan\n\nteks \x1b[31mmerah",
                url="https://x.id/1",
                source="x",
            ),
            Article(title="Biasa", body="Berita biasa.", url="https://x.id/2", source="y"),
        ]
    )
    library.set_starred(2)
    return library.path


def test_outside_text_stays_text_in_every_format(invoke: Invoke, library: Library) -> None:
    db = _hostile(library)
    md = invoke(db, "export", "--format", "md").stdout
    assert [line for line in md.splitlines() if line.startswith("#")] == [
        "# Articles",
        "## Biasa",
        r'## \=HYPERLINK("http://x") # \[klik\](http://x) \<b\>tebal\</b\>',
    ]
    assert "\\## Bukan judul" in md and "1\\. bukan daftar" in md and "\\> bukan" in md
    assert "\x1b" not in md and "teks merah" in md
    rows = list(csv.reader(io.StringIO(invoke(db, "export", "--format", "csv").stdout)))
    assert rows[2][1].startswith("'=HYPERLINK(")  # a spreadsheet shows it, never runs it
    records = [json.loads(x) for x in invoke(db, "export", "--format", "jsonl").stdout.splitlines()]
    assert records[1]["title"].startswith("=HYPERLINK(") and "\x1b" not in records[1]["body"]
    starred = invoke(db, "export", "--starred", "--format", "jsonl").stdout
    assert [json.loads(x)["id"] for x in starred.splitlines()] == [2]
    unread = invoke(db, "export", "--unread", "--format", "csv", "--limit", "1").stdout
    assert len(lines(unread)) == 2
    assert library.count(HeadlineFilter(unread=True)) == 2  # exporting never marks read


def test_bad_export_requests_get_one_line(invoke: Invoke, library: Library, tmp_path) -> None:
    db = _hostile(library)
    cases = [
        (["--unread", "--starred", "--format", "md"], 2, "--unread and --starred"),
        (["--format", "pdf"], 2, "'pdf' is not one of"),
        ([], 2, "Missing option '--format'"),
        (["--topic", "nope", "--format", "md"], 1, "no topic called 'nope'"),
        (["--format", "md", "-o", str(tmp_path / "no" / "x.md")], 1, "cannot write"),
        (["--format", "md", "-o", str(tmp_path)], 1, "it is a folder"),
        (["--format", "md", "--bogus"], 2, "No such option '--bogus'"),
    ]
    for args, code, reason in cases:
        out = invoke(db, "export", *args)
        assert out.exit_code == code, (args, out.output)
        assert len(lines(out.stderr)) == 1 and reason in out.stderr, (args, out.stderr)
        assert out.stdout == ""
