"""Commands that keep a store in shape and take its articles elsewhere: `purge` (remove
articles) and `export` (write them out as Markdown, CSV or JSON Lines)."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reader.cli import output
from reader.cli.commands import Command, FilterCommand
from reader.cli.options import db_option, json_option, limit_option, with_library
from reader.core.files import write_whole
from reader.core.models import HeadlineFilter

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


@click.command(
    cls=FilterCommand,
    short_help="write articles as Markdown, CSV or JSON Lines",
    help="Write articles, newest first, to a file or standard output: every article, those of "
    "a topic, the unread or starred ones, and with QUERY only those that have all its words "
    "(as a topic does). md and jsonl carry the body; csv has id, title, url, source and "
    "published_at.",
)
@click.argument("query", nargs=-1)
@click.option("--topic", metavar="NAME", help="the articles of a topic (see 'topics list')")
@click.option("--unread", is_flag=True, help="only unread articles")
@click.option("--starred", is_flag=True, help="only starred articles")
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["md", "csv", "jsonl"]),
    help="Markdown, CSV or JSON Lines",
)
@click.option("-o", "--output", "file", metavar="FILE", help="write here (default: stdout)")
@limit_option(100_000, "most articles (default: all, up to 100,000)")
@db_option
@with_library(create=False)
def export(
    library: Library,
    query: tuple[str, ...],
    topic: str | None,
    unread: bool,
    starred: bool,
    fmt: str,
    file: str | None,
    limit: int,
) -> int:
    if unread and starred:
        raise click.UsageError("--unread and --starred cannot be used together")
    text = " ".join(query)
    view = HeadlineFilter(
        unread=unread,
        starred=starred,
        topic=library.topic(topic).id if topic is not None else None,
    )
    title = _title(text, topic, unread, starred)
    if not file or file == "-":
        library.export(sys.stdout, fmt, query=text, view=view, limit=limit, title=title)
        return 0
    count = _export_to(Path(file), library, fmt, text, view, limit, title)
    output.echo(f"wrote {output.count(count, 'article')} to {output.safe(file)}")
    return 0


def _title(query: str, topic: str | None, unread: bool, starred: bool) -> str:
    parts = [f"matching {query!r}"] if query.strip() else []
    if topic is not None:
        parts.append(f"in the topic {' '.join(topic.split())}")
    if unread or starred:
        parts.append("unread" if unread else "starred")
    return "Articles" + (" " + ", ".join(parts) if parts else "")


def _export_to(
    path: Path,
    library: Library,
    fmt: str,
    query: str,
    view: HeadlineFilter,
    limit: int,
    title: str,
) -> int:
    """Write the export beside `path` and move it there once it is whole: a failure leaves no
    half-written file (and an older file of that name as it was)."""
    if path.is_dir():
        raise click.ClickException(f"{path}: cannot write (it is a folder)")
    try:
        return write_whole(
            path,
            lambda out: library.export(out, fmt, query=query, view=view, limit=limit, title=title),
        )
    except OSError as error:
        raise click.ClickException(f"{path}: cannot write ({error.strerror or error})") from None
