"""The root command: options, usage errors, exit codes, the reader as the default command, and
what reaches the terminal."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest

from reader.cli import output
from reader.core.errors import QueryError
from reader.core.library import Library
from reader.core.models import SearchHit
from tests.cli.conftest import Invoke, lines
from tests.conftest import SEED

HELP_HINT = " (see 'kemnaker-reader --help')"


@pytest.mark.parametrize(
    "args, message",
    [
        (["search"], "Missing argument 'QUERY...'."),
        (["show", "abc"], "Invalid value for 'ID': 'abc' is not a valid integer."),
        (["frobnicate"], "No such command 'frobnicate'."),
        (["search", "x", "--limit", "0"], "Invalid value for '--limit': must be between 1"),
        (["search", "x", "--limit", "99999999999999999999"], "must be between 1 and 100,000"),
        (["fetch", "--timeout", "0"], "Invalid value for '--timeout': must be more than 0"),
        (["fetch", "--workers", "many"], "Invalid value for '--workers': not a number: 'many'"),
        (["stats", "--bogus"], "No such option '--bogus'."),
        (["feeds"], "Missing command."),
        (["feeds", "add"], "Missing argument 'URL...'."),
    ],
)
def test_usage_errors_exit_2_in_one_line(
    invoke: Invoke, demo_db: Path, args: list[str], message: str
) -> None:
    out = invoke(demo_db, *args)
    assert out.exit_code == 2, args
    [line] = lines(out.stderr)
    assert line.startswith("kemnaker-reader: ") and line.endswith(HELP_HINT)
    assert message in line
    assert out.stdout == ""


def test_help_and_version(invoke: Invoke) -> None:
    out = invoke(None, "--help")
    assert out.exit_code == 0 and "Read, search and connect Indonesian labour news" in out.stdout
    commands = [
        "import",
        "search",
        "show",
        "related",
        "stats",
        "feeds",
        "fetch",
        "topics",
        "purge",
        "export",
        "copy",
    ]
    listed = [line.split()[0] for line in out.stdout.split("Commands:")[1].strip().splitlines()]
    assert listed == commands
    assert invoke(None, "search", "-h").stdout == invoke(None, "search", "--help").stdout
    assert "-word" in invoke(None, "search", "--help").stdout
    out = invoke(None, "--version")
    assert (out.exit_code, out.stdout) == (0, "kemnaker-reader 0.1.0\n")


def test_db_before_or_after_the_command(invoke: Invoke, demo_db: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.db"
    out = invoke(None, "--db", str(elsewhere), "stats", "--db", str(demo_db), "--json")
    assert json.loads(out.stdout)["articles"] == 410, "the last --db wins"
    out = invoke(None, "search", "--db", str(demo_db), "migran", "--json")
    assert out.exit_code == 0 and json.loads(out.stdout)
    out = invoke(None, "feeds", "--db", str(elsewhere), "add", "https://a.example.id/rss")
    assert out.exit_code == 0
    out = invoke(None, "feeds", "list", f"--db={elsewhere}", "--json")
    assert [feed["url"] for feed in json.loads(out.stdout)] == ["https://a.example.id/rss"]


def test_environment_variable_names_the_database(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "env.db"
    out = invoke(None, "import", str(SEED), KEMNAKER_READER_DB=str(path))
    assert out.exit_code == 0 and path.exists()


def test_read_only_commands_never_create_a_database(invoke: Invoke, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "x.db"
    for args in (["stats"], ["search", "x"], ["show", "1"], ["related", "1"]):
        out = invoke(missing, *args)
        assert out.exit_code == 1
        assert out.stderr == (
            f"kemnaker-reader: no database at {missing}; import articles first "
            "('kemnaker-reader import PATH') or open the reader ('kemnaker-reader')\n"
        )
    assert not missing.parent.exists()


def test_a_database_that_is_not_one_gives_one_line(invoke: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "not.db"
    bad.write_text("this is not sqlite" * 100)
    out = invoke(bad, "stats")
    assert out.exit_code == 1
    assert out.stderr.startswith(f"kemnaker-reader: {bad}: ") and len(lines(out.stderr)) == 1


@pytest.mark.parametrize(
    "raised, code, stderr",
    [
        (QueryError("the index rejected 'x'"), 1, "kemnaker-reader: the index rejected 'x'\n"),
        (
            RuntimeError("boom\x1b[2J"),
            1,
            "kemnaker-reader: unexpected error (RuntimeError: boom); please report it\n",
        ),
        (KeyboardInterrupt(), 130, ""),
        (BrokenPipeError(), 0, ""),
    ],
)
def test_every_error_ends_as_one_line_and_an_exit_code(
    invoke: Invoke,
    demo_db: Path,
    monkeypatch: pytest.MonkeyPatch,
    raised: BaseException,
    code: int,
    stderr: str,
) -> None:
    def fail(self: Library, query: str, *args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr(Library, "search", fail)
    out = invoke(demo_db, "search", "pekerja")
    assert (out.exit_code, out.stderr) == (code, stderr)


def test_the_reader_without_a_terminal_says_so(invoke: Invoke, tmp_path: Path) -> None:
    out = invoke(tmp_path / "t.db")
    assert out.exit_code == 2
    assert out.stderr == (
        "kemnaker-reader: the reader needs a terminal; without one, use a command such as "
        "'kemnaker-reader search QUERY' (see 'kemnaker-reader --help')\n"
    )
    assert not (tmp_path / "t.db").exists()


def test_the_reader_is_the_default_command_and_first_launch_imports_once(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    launches: list[int] = []

    def run(library: Library) -> int:
        launches.append(library.count())
        if launches[-1]:
            first = library.headlines(0, 1)[0]
            assert library.get(first.id).source  # type: ignore[union-attr]  # real articles
        return 0

    monkeypatch.setattr(output, "has_terminal", lambda: True)
    monkeypatch.setitem(sys.modules, "reader.ui.app", types.SimpleNamespace(run=run))
    default = tmp_path / "default.db"  # the default store: no --db
    assert invoke(None, KEMNAKER_READER_DB=str(default)).exit_code == 0
    assert invoke(default, "search", "pekerja", "--limit", "1", "--json").exit_code == 0
    assert invoke(None, KEMNAKER_READER_DB=str(default)).exit_code == 0
    assert invoke(default, KEMNAKER_READER_DB=str(default)).exit_code == 0  # --db naming it
    assert launches == [410, 410, 410], "the bundled articles are imported once, on first launch"
    assert invoke(default, "purge", "--demo", "--json").stdout == '{\n  "removed": 410\n}\n'
    assert invoke(None, KEMNAKER_READER_DB=str(default)).exit_code == 0
    assert launches[-1] == 0, "a store emptied by purge --demo is not filled again"
    elsewhere = tmp_path / "elsewhere.db"  # a store of its own: never the demo articles
    assert invoke(elsewhere).exit_code == 0
    assert launches[-1] == 0


def _hit(title: str, snippet: str = "kata «pekerja» lain") -> SearchHit:
    return SearchHit(
        1, title, "https://x.example/\x1b]8;;evil\x07", "src\x9b31m", None, 1.0, snippet
    )


def test_text_from_outside_reaches_the_terminal_without_escapes(
    invoke: Invoke, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = _hit("Judul \x1b[31mmerah\x1b[0m\r\x1b[2K[bold]palsu[/bold]")
    result = types.SimpleNamespace(hits=[hostile], relaxed=False)
    monkeypatch.setattr(Library, "search", lambda self, query, *args, **kwargs: result)
    for terminal in (False, True):
        monkeypatch.setattr(output, "stdout_is_terminal", lambda terminal=terminal: terminal)
        out = invoke(demo_db, "search", "pekerja")
        assert out.exit_code == 0
        assert not any(c in out.stdout for c in "\x1b\x07\x9b\r"), repr(out.stdout)
        assert "merah" in out.stdout and "[bold]palsu[/bold]" in out.stdout
    # JSON keeps the data, with every control character escaped.
    out = invoke(demo_db, "search", "pekerja", "--json")
    assert not any(c in out.stdout for c in "\x1b\x07\x9b\r")
    assert json.loads(out.stdout)[0]["source"] == "src\x9b31m"
    # A file name is text from outside too.
    name = tmp_path / "feed\x1b]0;owned\x07.jsonl"
    name.write_text("{broken\n", encoding="utf-8")
    out = invoke(tmp_path / "x.db", "import", str(name))
    assert out.exit_code == 1
    [line] = lines(out.stderr)  # the whole OSC string is dropped, title and all
    assert line.startswith(f"kemnaker-reader: {tmp_path}/feed.jsonl:1: invalid JSON")


def test_safe_keeps_text_and_drops_controls() -> None:
    assert output.safe("Kemnaker \x1b[1mbold\x1b[0m\tdan\x07 ") == "Kemnaker bold dan "
    assert output.safe("satu\r\ndua") == "satu dua"
    assert output.safe("satu\n\ndua", multiline=True) == "satu\n\ndua"


def test_tables_on_a_terminal(
    invoke: Invoke, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    out = invoke(demo_db, "search", "pekerja", "migran", "--limit", "3")
    assert out.exit_code == 0, out.stderr
    assert "article" in lines(out.stdout)[0] and "Kemnaker Terus Tingkatkan" in out.stdout
    assert "«" not in out.stdout and "*pekerja*" not in out.stdout
    assert out.stdout.rstrip().endswith("(the first 3; there may be more: --limit N)")
    assert "why" in invoke(demo_db, "related", "1").stdout
    assert "database_bytes" in invoke(demo_db, "stats").stdout


def test_progress_on_a_terminal_keeps_errors_on_their_own_lines(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output, "stderr_is_terminal", lambda: True)
    path = tmp_path / "feed.jsonl"
    path.write_text('{"title": "Satu", "body": "Isi satu."}\n{broken\n', encoding="utf-8")
    out = invoke(tmp_path / "p.db", "import", str(path), str(SEED))
    assert out.exit_code == 1
    assert f"kemnaker-reader: {path}:2: invalid JSON" in out.stderr
    assert out.stdout == "2 added, 0 updated, 0 unchanged, 1 failed\n"


def test_ctrl_c_of_an_import_says_what_was_saved_and_exits_130(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.core.errors import Interrupted

    def interrupted(self: Library, inputs: object, *args: object, **options: object) -> None:
        raise Interrupted("interrupted; 500 articles of this import were saved")

    monkeypatch.setattr(Library, "import_inputs", interrupted)
    out = invoke(tmp_path / "x.db", "import", str(tmp_path))
    assert out.exit_code == 130
    assert lines(out.stderr) == [
        "kemnaker-reader: interrupted; 500 articles of this import were saved"
    ]
