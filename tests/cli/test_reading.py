"""The reader opened without click (reader.cli.reading): which command lines are only the
reader's, and that every other one is left to click."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.cli.reading import store_only


@pytest.mark.parametrize(
    ("args", "chosen"),
    [
        ([], None),
        (["--db", "a.db"], Path("a.db")),
        (["--db=a.db"], Path("a.db")),
        (["--db", "a.db", "--db", "b.db"], Path("b.db")),  # the last one wins, as in click
        (["--db", "a.db", "--db", ""], Path("a.db")),  # an empty one changes nothing
        (["--db", "postgresql://u@/news"], "postgresql://u@/news"),
    ],
)
def test_the_store_alone_opens_the_reader(args: list[str], chosen: Path | str | None) -> None:
    assert store_only(args) == (True, chosen)


@pytest.mark.parametrize(
    "args",
    [
        ["search", "pekerja"],
        ["--db", "a.db", "stats"],
        ["--db"],
        ["--db="],
        ["--db", "--help"],
        ["--help"],
        ["--version"],
        ["-h"],
        ["--dbx", "a.db"],
    ],
)
def test_any_other_command_line_is_clicks(args: list[str]) -> None:
    assert store_only(args)[0] is False
