"""The `kemnaker-reader` command, on click: a module per command group.

root      the root group, the reader as its default command, errors to exit codes
reading   the reader opened without click (at most --db, in a terminal), errors to exit codes
articles  import, search, show, related, stats
feeds     feeds add/list/remove/import/export, fetch
options   the options commands share and the library --db names
commands  click's Command and Group adjusted to this command line (`search -word`)
output    one-line errors, JSON, plain text for pipes, rich tables and progress on a terminal

Commands call the core only through `reader.core.library.Library`, imported when a command
runs, so `import reader.cli` (and `--help`) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["cli", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """The command line (root.main), loaded when it runs: the processes an import starts run
    the `kemnaker-reader` script again to set themselves up, which imports this package, and
    then need no click. The reader itself, in a terminal with at most --db, needs no click
    either (reading.main)."""
    import sys

    from reader.cli import reading

    code = reading.main(sys.argv[1:] if argv is None else argv)
    if code is not None:
        return code
    from reader.cli.root import main as run

    return run(argv)


def __getattr__(name: str) -> Any:
    if name == "cli":
        from reader.cli.root import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
