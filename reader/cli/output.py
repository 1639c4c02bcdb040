"""How the command prints: one-line errors, JSON, plain text when the output is a pipe or a file,
rich tables and progress when a person is watching a terminal.

rich is imported only on the terminal path, so commands that print to a pipe never load it.
Every line printed here passes through `safe()` (the core's `safe_text`, the one function the
reader uses too): the commands make each piece of outside text (titles, URLs, file names, a
server's error message) one safe line, and `echo`, `error`, the tables and the progress notes
pass their whole text through it again, so nothing a command forgot reaches the terminal.
JSON escapes what it carries instead.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Literal, Protocol

import click

from reader.core.clean import safe_text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

PROG = "kemnaker-reader"

# JSON escapes C0 controls itself; these it would print raw (C1 controls such as the 8-bit CSI,
# bidi overrides, line separators), so they are written as \\uXXXX: the same data, safe to show.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

MATCH_STYLE = "bold yellow"


def safe(text: str | None, *, multiline: bool = False) -> str:
    """`text` from outside made harmless for a terminal (see reader.core.clean.safe_text).

    Escape sequences and control characters are removed; the result is one line unless
    `multiline` (an article's body keeps its paragraphs).
    """
    return safe_text(text, multiline=multiline)


def count(n: int, noun: str) -> str:
    """`1 feed`, `3 feeds`."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def echo(line: str = "") -> None:
    click.echo(safe(line, multiline=True))


def error_line(message: str) -> str:
    return f"{PROG}: {safe(message)}"


def error(message: str) -> None:
    """One line on stderr, prefixed with the program's name."""
    click.echo(error_line(message), err=True)


def note(message: str) -> None:
    """One line on stderr, prefixed with the program's name: what the program is doing that
    takes a while (not an error)."""
    click.echo(error_line(message), err=True)


def print_json(value: object) -> None:
    text = json.dumps(value, ensure_ascii=False, indent=2)
    click.echo(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def print_json_line(value: object) -> None:
    """One JSON document on one line (JSON Lines: a record per line as it happens)."""
    text = json.dumps(value, ensure_ascii=False)
    click.echo(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


def stop_writing_stdout() -> None:
    """The reader of stdout left (`kemnaker-reader search x | head`): what is still to be
    written goes nowhere, since Python flushes stdout at exit, which would fail again and print
    a warning."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def has_terminal() -> bool:
    """Whether a person can use a full-screen reader here (keyboard in, screen out)."""
    return _is_terminal(sys.stdin) and _is_terminal(sys.stdout)


def stdout_is_terminal() -> bool:
    """Whether a person reads standard output (tables) or a program does (plain lines)."""
    return _is_terminal(sys.stdout)


def stderr_is_terminal() -> bool:
    """Whether progress can be drawn on standard error."""
    return _is_terminal(sys.stderr)


def _console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    # No markup, emoji codes or highlighting: text from outside is shown as it is.
    return Console(
        file=sys.stderr if stderr else sys.stdout, markup=False, emoji=False, highlight=False
    )


# -- tables ---------------------------------------------------------------------------------

Piece = tuple[str, str]  # (text, rich style); the text is shown as is, never parsed
Cell = str | Sequence[Piece]


@dataclass(frozen=True)
class Column:
    header: str
    justify: Literal["left", "right"] = "left"
    no_wrap: bool = False
    style: str = ""


def marked(snippet: str, open_mark: str, close_mark: str) -> list[Piece]:
    """A snippet's pieces, the words between the marks styled as matches."""
    pieces: list[Piece] = []
    for n, part in enumerate(re.split(f"[{re.escape(open_mark + close_mark)}]", snippet)):
        if part:
            pieces.append((part, MATCH_STYLE if n % 2 else ""))
    return pieces


def table(columns: Sequence[Column], rows: Iterable[Sequence[Cell]]) -> None:
    """Rows as a rich table on standard output (call it only when `stdout_is_terminal()`).

    Each cell is made `safe()` here (again, when the command did already).
    """
    from rich import box
    from rich.table import Table
    from rich.text import Text

    show_header = any(column.header for column in columns)
    grid = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        header_style="bold",
        show_header=show_header,
    )
    for column in columns:
        grid.add_column(
            column.header, justify=column.justify, no_wrap=column.no_wrap, style=column.style
        )
    for row in rows:
        grid.add_row(
            *(
                Text(safe(cell))
                if isinstance(cell, str)
                else Text.assemble(*((safe(text), style) for text, style in cell))
                for cell in row
            )
        )
    _console().print(grid)


# -- progress -------------------------------------------------------------------------------


class Progress(Protocol):
    def update(self, done: int) -> None:
        """How many items are done so far."""

    def note(self, line: str) -> None:
        """A line for standard error (an error, a notice), shown above any progress bar."""


class _Silent:
    def update(self, done: int) -> None:
        pass

    def note(self, line: str) -> None:
        click.echo(safe(line, multiline=True), err=True)


class _Bar:
    def __init__(self, bar: RichProgress, task: TaskID) -> None:
        self._bar, self._task = bar, task

    def update(self, done: int) -> None:
        self._bar.update(self._task, completed=done)

    def note(self, line: str) -> None:
        from rich.text import Text

        self._bar.console.print(Text(safe(line, multiline=True)), soft_wrap=True)


@contextmanager
def progress(label: str, total: int | None = None, *, show: bool = True) -> Iterator[Progress]:
    """Progress on standard error while a person watches it (and `show`), nothing otherwise.

    With a `total`, a bar and "done/total label"; without, a spinner and "done label".
    The display is removed when the work ends.
    """
    if not (show and stderr_is_terminal()):
        yield _Silent()
        return
    from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, TextColumn

    columns: list[ProgressColumn]
    if total is None:
        columns = [SpinnerColumn(), TextColumn(f"{{task.completed:,.0f}} {label}", markup=False)]
    else:
        text = f"{{task.completed:.0f}}/{{task.total:.0f}} {label}"
        columns = [BarColumn(), TextColumn(text, markup=False)]
    with Progress(*columns, console=_console(stderr=True), transient=True) as bar:
        yield _Bar(bar, bar.add_task(label, total=total))
