"""Topics, saved searches shown as live views: `topics list/add/rename/remove`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from reader.cli import output
from reader.cli.commands import Command, Group, QueryCommand
from reader.cli.options import db_option, json_option, with_library
from reader.cli.output import PROG, Column, safe

if TYPE_CHECKING:
    from reader.core.library import Library


@click.group(
    cls=Group,
    short_help="saved searches shown as live views",
    help="Topics: saved searches, each a live view of the articles its query finds.",
)
@db_option
def topics() -> None:
    pass


@topics.command("list", cls=Command, short_help="every topic, with its unread and total counts")
@json_option("print the topics as JSON")
@db_option
@with_library()
def list_(library: Library, as_json: bool) -> int:
    """Every topic in order, with how many of its articles are unread, and in all."""
    saved = library.topics()
    if as_json:
        output.print_json(
            [
                {"name": t.name, "query": t.query, "unread": t.unread, "total": t.total}
                for t in saved
            ]
        )
    elif not saved:
        output.echo(f"no topics; save one with '{PROG} topics add NAME QUERY'")
    elif output.stdout_is_terminal():
        columns = [Column("topic"), Column("unread", "right"), Column("total", "right")]
        rows = [[safe(t.name), str(t.unread), str(t.total)] for t in saved]
        output.table(
            [*columns, Column("query", style="dim")],
            [[*r, safe(t.query)] for r, t in zip(rows, saved, strict=True)],
        )
    else:
        for t in saved:
            output.echo(f"{safe(t.name)}\t{t.unread} unread\t{t.total} total\t{safe(t.query)}")
    return 0


@topics.command(cls=QueryCommand, short_help="save a search as a topic")
@click.argument("name")
@click.argument("query", nargs=-1, required=True)
@db_option
@with_library()
def add(library: Library, name: str, query: tuple[str, ...]) -> int:
    """Save QUERY (the search syntax) as the topic NAME."""
    topic = library.add_topic(name, " ".join(query))
    output.echo(
        f"saved the topic {safe(topic.name)!r}: {topic.total} articles, {topic.unread} unread"
    )
    return 0


@topics.command(cls=Command, short_help="give a topic another name")
@click.argument("name")
@click.argument("new_name")
@db_option
@with_library()
def rename(library: Library, name: str, new_name: str) -> int:
    """Call the topic NAME NEW_NAME."""
    topic = library.rename_topic(name, new_name)
    output.echo(f"renamed the topic {safe(name)!r} to {safe(topic.name)!r}")
    return 0


@topics.command(cls=Command, short_help="delete a topic (its articles stay)")
@click.argument("name")
@db_option
@with_library()
def remove(library: Library, name: str) -> int:
    """Delete the topic NAME; its articles stay in the store."""
    library.remove_topic(name)
    output.echo(f"removed the topic {safe(name)!r}; its articles stay")
    return 0
