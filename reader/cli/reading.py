"""The reader, the default command, opened without click: `kemnaker-reader` and
`kemnaker-reader --db PATH|URL` in a terminal go straight to the reader's screen (root.main), so
its first screen does not wait for click and the command modules (20-45 ms of CPU to import and
parse, by the load). Every other command line, and the reader without a terminal (a usage
error), goes through click (root.py), which opens the reader with the same `open_reader`.

Nothing here imports click: an error is printed by reader.cli.output, loaded then.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from pathlib import Path

from reader.core.errors import Interrupted, ReaderError


def main(args: Sequence[str]) -> int | None:
    """The reader's exit code when `args` only choose the store and a person is at a terminal;
    None otherwise, for click (root.main) to run the command line."""
    only, chosen = store_only(args)
    if not only or not in_a_terminal():
        return None
    gc.disable()  # until the reader's first frame (see root.main)
    try:
        return open_reader(chosen)
    except (Exception, KeyboardInterrupt) as error:
        return failed(error)
    finally:
        gc.enable()


def store_only(args: Sequence[str]) -> tuple[bool, Path | str | None]:
    """Whether `args` are only --db options (`--db X`, `--db=X`, the last one winning, as
    click reads them), and the store they name (None: the default store)."""
    from reader.core.paths import is_store_url

    chosen: str | None = None
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--db" and rest and not rest[0].startswith("-"):
            value = rest.pop(0)
        elif arg.startswith("--db=") and len(arg) > len("--db="):
            value = arg[len("--db=") :]
        else:
            return False, None
        chosen = value or chosen  # (an empty --db changes nothing)
    if not chosen:
        return True, None
    return True, chosen if is_store_url(chosen) else Path(chosen)


def in_a_terminal() -> bool:
    """Whether a person can use a full-screen reader here (keyboard in, screen out)."""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


def open_reader(chosen: Path | str | None) -> int:
    """The reader on the store --db chose (None: the default store), on the bundled articles
    the first time it opens the default store with no articles and no feeds; a store named by
    --db elsewhere never gets them."""
    from reader.core.library import open_library
    from reader.core.paths import default_store

    path = chosen or default_store()
    with open_library(path, create=True, person=configured_person(), notice=_note) as library:
        if _is_default_store(chosen):
            library.import_bundled()
        from reader.ui.app import run

        code: int = run(library)
        return code


def configured_person() -> str | None:
    """The config file's `person` (whose marks to keep), or None for the default."""
    import os

    from reader.core.paths import PERSON_ENV, config_path
    from reader.ui.config import load_config

    if os.environ.get(PERSON_ENV):
        return None  # the environment's name wins
    return load_config(config_path()).person


def _note(message: str) -> None:
    from reader.cli import output

    output.note(message)


def _is_default_store(chosen: Path | str | None) -> bool:
    import os

    from reader.core.paths import DB_ENV, default_db_path, is_store_url

    if chosen is None:
        return not is_store_url(os.environ.get(DB_ENV, ""))
    if isinstance(chosen, str):
        return False  # a shared PostgreSQL archive gets no demo articles
    try:
        return chosen.resolve() == default_db_path().resolve()
    except OSError:
        return False


def failed(error: BaseException) -> int:
    """The exit code of a command line that raised `error` (not one of click's own), its one
    line printed on stderr: never a traceback."""
    from reader.cli import output

    if isinstance(error, Interrupted):  # Ctrl+C of an import: what was saved is said
        output.error(str(error))
        return 130
    if isinstance(error, ReaderError):
        output.error(str(error))
        return 1
    if isinstance(error, KeyboardInterrupt):
        return 130
    if isinstance(error, BrokenPipeError):  # `kemnaker-reader search x | head`: stdout left
        output.stop_writing_stdout()
        return 0
    # A bug: still one line.
    output.error(f"unexpected error ({type(error).__name__}: {error}); please report it")
    return 1
