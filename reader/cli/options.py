"""The options commands share (--db, --json, --limit, --timeout) and the library --db names."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import click

from reader.cli import output
from reader.cli.output import PROG
from reader.cli.reading import configured_person
from reader.core.errors import StoreMissing
from reader.core.paths import is_store_url

if TYPE_CHECKING:
    from reader.core.library import Library

P = ParamSpec("P")
R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])

MAX_LIMIT = 100_000


@dataclass
class Settings:
    """What the options of the root command and of its commands decided, shared by both."""

    db: Path | str | None = None  # a file, or a PostgreSQL URL


def _remember_db(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    # The last --db given wins, before or after the command's name.
    if value:
        ctx.ensure_object(Settings).db = value if is_store_url(value) else Path(value)


db_option = click.option(
    "--db",
    metavar="PATH|URL",
    expose_value=False,
    callback=_remember_db,
    help="database file, or a postgresql:// URL (default: $KEMNAKER_READER_DB or the user "
    "data dir)",
)


def json_option(help: str) -> Callable[[F], F]:
    return click.option("--json", "as_json", is_flag=True, help=help)


def check_count(ctx: click.Context, param: click.Parameter, value: str | int) -> int:
    """A count from 1 to MAX_LIMIT (an option's callback)."""
    try:
        number = int(value)
    except ValueError:
        raise click.BadParameter(f"not a number: {value!r}") from None
    if not 1 <= number <= MAX_LIMIT:
        raise click.BadParameter(f"must be between 1 and {MAX_LIMIT:,}: {value!r}")
    return number


def check_seconds(ctx: click.Context, param: click.Parameter, value: str | float) -> float:
    """A duration in seconds, more than 0 and at most an hour (an option's callback)."""
    try:
        number = float(value)
    except ValueError:
        raise click.BadParameter(f"not a number of seconds: {value!r}") from None
    if not 0 < number <= 3600:
        raise click.BadParameter(f"must be more than 0 and at most 3600 seconds: {value!r}")
    return number


def check_mib(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    """A size in MiB, more than 0 and at most 4,096 (an option's callback); None when not given."""
    from reader.ui.config import MAX_FETCH_MIB

    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise click.BadParameter(f"not a number of MiB: {value!r}") from None
    if not 0 < number <= MAX_FETCH_MIB:
        raise click.BadParameter(
            f"must be more than 0 and at most {MAX_FETCH_MIB:,} MiB: {value!r}"
        )
    return number


MAX_MINUTES = 7 * 24 * 60


def check_minutes(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    """Minutes between rounds, more than 0 and at most a week (an option's callback); None
    when not given."""
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise click.BadParameter(f"not a number of minutes: {value!r}") from None
    if not 0 < number <= MAX_MINUTES:  # (nan fails this too)
        raise click.BadParameter(
            f"must be more than 0 and at most {MAX_MINUTES:,} minutes (a week): {value!r}"
        )
    return number


def limit_option(default: int, help: str) -> Callable[[F], F]:
    return click.option(
        "--limit", default=str(default), callback=check_count, metavar="N", help=help
    )


def open_store(ctx: click.Context, *, create: bool) -> Library:
    """The library --db names, closed when the command ends.

    Without `create`, a missing database is an error (read-only commands never make one).
    """
    from reader.core.library import open_library
    from reader.core.paths import default_store

    path = ctx.ensure_object(Settings).db or default_store()
    try:
        library = open_library(path, create=create, person=configured_person(), notice=output.note)
    except StoreMissing:
        raise StoreMissing(
            f"no database at {path}; import articles first ('{PROG} import PATH') "
            f"or open the reader ('{PROG}')"
        ) from None
    return ctx.with_resource(library)


def with_library(
    *, create: bool = True
) -> Callable[[Callable[Concatenate[Library, P], R]], Callable[P, R]]:
    """Give the command the library as its first argument (see `open_store`)."""

    def decorate(command: Callable[Concatenate[Library, P], R]) -> Callable[P, R]:
        @functools.wraps(command)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            library = open_store(click.get_current_context(), create=create)
            return command(library, *args, **kwargs)

        return run

    return decorate
