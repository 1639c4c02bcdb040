"""`copy`: move an archive between stores, SQLite and PostgreSQL, in either direction."""

from __future__ import annotations

from pathlib import Path

import click

from reader.cli import output
from reader.cli.commands import Command
from reader.cli.options import json_option
from reader.core.errors import StoreMissing
from reader.core.paths import is_store_url

NOUNS = {"articles": "article", "feeds": "feed", "topics": "topic", "marks": "mark"}


def _store(value: str) -> str | Path:
    return value if is_store_url(value) else Path(value)


@click.command(
    cls=Command,
    short_help="copy an archive to another store",
    help="Copy every article, story, link, feed, topic and every person's read and starred "
    "marks from one store to a new, empty one: a SQLite file or a PostgreSQL database "
    "(postgresql://...), in either direction. All of it is copied or nothing is.",
)
@click.option("--from", "source", required=True, metavar="STORE", help="the store to copy")
@click.option("--to", "target", required=True, metavar="STORE", help="the new store")
@json_option('print {"articles": N, "marks": N, ...}, the rows copied per table')
def copy(source: str, target: str, as_json: bool) -> int:
    from reader.core.library import open_library

    try:
        origin = open_library(_store(source), create=False, notice=output.note)
    except StoreMissing:
        raise StoreMissing(f"no database at {source}") from None
    with origin, open_library(_store(target), notice=output.note) as destination:
        copied = origin.copy_to(destination)
    if as_json:
        output.print_json(copied)
        return 0
    parts = [output.count(copied[table], noun) for table, noun in NOUNS.items()]
    output.echo(
        f"copied {', '.join(parts)} from {output.safe(str(origin.path))} "
        f"to {output.safe(str(destination.path))}"
    )
    return 0
