"""Commands that keep a store in shape: `purge` (remove articles)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import click

from reader.cli import output
from reader.cli.commands import Command
from reader.cli.options import db_option, json_option, with_library

if TYPE_CHECKING:
    from reader.core.library import Library

MAX_DAYS = 365_000


def _check_days(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        days = int(value)
    except ValueError:
        raise click.BadParameter(f"not a whole number of days: {value!r}") from None
    if not 0 <= days <= MAX_DAYS:
        raise click.BadParameter(f"must be between 0 and {MAX_DAYS:,} days: {value!r}")
    return days


@click.command(
    cls=Command,
    short_help="remove articles",
    help="Remove articles: the bundled demo articles (--demo), those of a source, those older "
    "than some days (undated ones: stored before then), or the articles of the IDs given. "
    "Every selector given narrows the choice; at least one is needed. Starred articles stay "
    "unless --include-starred.",
)
@click.argument("ids", nargs=-1, type=int, metavar="[ID]...")
@click.option("--demo", is_flag=True, help="the bundled demo articles of the first launch")
@click.option("--source", "sources", multiple=True, metavar="NAME", help="a source (repeatable)")
@click.option(
    "--older-than",
    "days",
    callback=_check_days,
    metavar="DAYS",
    help="published more than DAYS days ago",
)
@click.option("--include-starred", is_flag=True, help="remove starred articles too")
@json_option('print {"removed": N}')
@db_option
@with_library(create=False)
def purge(
    library: Library,
    ids: tuple[int, ...],
    demo: bool,
    sources: tuple[str, ...],
    days: int | None,
    include_starred: bool,
    as_json: bool,
) -> int:
    if not (ids or demo or sources or days is not None):
        raise click.UsageError("purge needs --demo, --source NAME, --older-than DAYS or IDs")
    result = library.purge(
        demo=demo,
        sources=sources,
        older_than=timedelta(days=days) if days is not None else None,
        ids=ids,
        include_starred=include_starred,
    )
    for article_id in result.unknown_ids:
        output.error(f"no article with id {article_id}")
    if as_json:
        output.print_json({"removed": result.removed})
    else:
        output.echo(f"removed {output.count(result.removed, 'article')}")
        if result.kept_starred:
            kept = output.count(result.kept_starred, "starred article")
            output.echo(f"kept {kept} (--include-starred removes them too)")
    return 1 if result.unknown_ids else 0
