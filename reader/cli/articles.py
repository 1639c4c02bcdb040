"""Commands over the stored articles: import, search, show, related, stats."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import click

from reader.cli import output
from reader.cli.commands import Command, FilterCommand, QueryCommand
from reader.cli.options import db_option, json_option, limit_option, with_library
from reader.cli.output import Column, safe
from reader.core.models import HeadlineFilter

if TYPE_CHECKING:
    from reader.core.library import Library
    from reader.core.models import ImportResult, RelatedItem, SearchHit, StoredArticle


@click.command(
    "import",
    cls=Command,
    short_help="import files, folders or URLs",
    help="Import files, folders (walked recursively) or http(s) URLs: plain text in the seed's "
    "layout, JSON Lines or JSON, RSS, Atom or JSON Feed, saved article pages.",
)
@click.argument("inputs", nargs=-1, required=True, metavar="PATH|URL...")
@click.option(
    "--defer",
    is_flag=True,
    help="store the articles (searchable at once) and leave their story grouping, word "
    "counts and topics to the next import",
)
@json_option("print the summary as JSON")
@db_option
@with_library()
def import_(library: Library, inputs: tuple[str, ...], defer: bool, as_json: bool) -> int:
    def show_progress(so_far: ImportResult) -> None:
        bar.update(so_far.added + so_far.updated + so_far.unchanged)

    with output.progress("articles read") as bar:
        # Without --defer the second step runs beside the first, in a process of its own.
        result = library.import_inputs(inputs, show_progress, defer=True, beside=not defer)
    pending = int(library.stats()["pending"])
    if not defer and pending:
        # The second step, with its own progress: stories, word counts and topics.
        with output.progress("articles grouped", total=pending) as grouped:
            library.catch_up(lambda done, left: grouped.update(done))
        pending = 0
    for failure in result.failed:
        output.error(failure.message())
    if as_json:
        summary: dict[str, object] = {
            "added": result.added,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "failed": [asdict(failure) for failure in result.failed],
        }
        if defer:
            summary["pending"] = pending
        output.print_json(summary)
    else:
        output.echo(
            f"{result.added} added, {result.updated} updated, {result.unchanged} unchanged, "
            f"{len(result.failed)} failed"
        )
        if pending:
            output.echo(
                f"{output.count(pending, 'article')} wait for story grouping, word counts and "
                "topics (the next import does them)"
            )
    return 1 if result.failed else 0


@click.command(
    cls=QueryCommand,
    short_help="search articles by keyword",
    help='Search articles by keyword. QUERY: words (ANDed), "a phrase", prefix*, -word, '
    "a OR b, source:, since:, until:, title:. With --topic, only that topic's articles are "
    "searched, and with no QUERY they are listed newest first.",
)
@click.argument("query", nargs=-1)
@click.option("--topic", metavar="NAME", help="search within a topic (see 'topics list')")
@click.option(
    "--sort",
    type=click.Choice(["relevance", "newest"]),
    default="relevance",
    show_default=True,
    help="order of the hits: best match first, or the matching articles newest first",
)
@limit_option(20, "most hits to print (default 20)")
@json_option("print the hits as JSON")
@db_option
@with_library(create=False)
def search(
    library: Library,
    query: tuple[str, ...],
    topic: str | None,
    sort: str,
    limit: int,
    as_json: bool,
) -> int:
    if not query and topic is None:
        raise click.UsageError("Missing argument 'QUERY...'.")
    result = library.search(" ".join(query), limit, topic=topic, sort=sort)
    if as_json:
        output.print_json([_hit_json(hit) for hit in result.hits])
        return 0
    if not result.hits:
        output.echo("no articles match")
    elif result.relaxed:
        output.echo("no article has every word; closest matches (most words first):")
    _print_hits(result.hits)
    if len(result.hits) == limit:
        output.echo(f"(the first {limit}; there may be more: --limit N)")
    return 0


def _hit_json(hit: SearchHit) -> dict[str, Any]:
    fields = {
        "id": hit.id,
        "title": hit.title,
        "url": hit.url,
        "source": hit.source,
        "published_at": hit.published_at,
        "score": hit.score,
        "snippet": hit.snippet,
    }
    return fields | ({"relaxed": True} if hit.relaxed else {})


def _print_hits(hits: list[SearchHit]) -> None:
    from reader.core.dates import wib_day
    from reader.core.highlight import SNIPPET_CLOSE, SNIPPET_OPEN

    if hits and output.stdout_is_terminal():
        columns = [Column("id", "right", no_wrap=True), Column("date", no_wrap=True)]
        columns += [Column("source", style="dim"), Column("article")]
        output.table(
            columns,
            [
                [
                    str(hit.id),
                    wib_day(hit.published_at) or "-",
                    safe(hit.source or "-"),
                    [
                        (safe(hit.title), "bold"),
                        ("\n", ""),
                        *output.marked(safe(hit.snippet), SNIPPET_OPEN, SNIPPET_CLOSE),
                    ],
                ]
                for hit in hits
            ],
        )
        return
    for hit in hits:
        date = wib_day(hit.published_at) or "-"
        output.echo(f"{hit.id:>6}  {date:10}  {safe(hit.source or '-')}  {safe(hit.title)}")
        text = safe(hit.snippet).replace(SNIPPET_OPEN, "*").replace(SNIPPET_CLOSE, "*")
        output.echo(f"        {text}")


@click.command(
    cls=Command,
    short_help="print one article",
    help="Print one article. ID is the article's id (search prints it).",
)
@click.argument("article_id", metavar="ID", type=int)
@json_option("print the article as JSON")
@db_option
@with_library(create=False)
def show(library: Library, article_id: int, as_json: bool) -> int:
    article = library.get(article_id)
    if article is None:
        raise click.ClickException(f"no article with id {article_id}")
    if as_json:
        output.print_json(_article_json(article))
    else:
        _print_article(article)
    return 0


def _article_json(article: StoredArticle) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "source": article.source,
        "dateline": article.dateline,
        "published_at": article.published_at,
        "category": article.category,
        "body": article.body,
        "related": [{"title": r.title, "url": r.url, "id": r.target_id} for r in article.related],
    }


def _print_article(article: StoredArticle) -> None:
    from reader.core.dates import long_date

    output.echo(safe(article.title))
    date = long_date(article.published_at) or article.published_raw
    meta = " · ".join(safe(part) for part in (article.source, article.dateline, date) if part)
    for line in (meta, safe(article.url or "")):
        if line:
            output.echo(line)
    output.echo()
    output.echo(safe(article.body, multiline=True))
    if article.related:
        output.echo("\nBerita terkait:")
        for item in article.related:
            marker = f"[{item.target_id}]" if item.target_id else "[-]"
            output.echo(f"  {marker} {safe(item.title)}")


@click.command(
    cls=Command,
    short_help="related news for an article",
    help="Related news for an article: its own related headlines, the same story told "
    "elsewhere, and articles that share its terms. ID is the article's id (search prints it).",
)
@click.argument("article_id", metavar="ID", type=int)
@limit_option(10, "most entries (default 10)")
@json_option("print the entries as JSON")
@db_option
@with_library(create=False)
def related(library: Library, article_id: int, limit: int, as_json: bool) -> int:
    items = library.related(article_id, limit)
    if items is None:
        raise click.ClickException(f"no article with id {article_id}")
    if as_json:
        output.print_json(
            [
                {"id": i.id, "title": i.title, "url": i.url, "reason": i.reason, "score": i.score}
                for i in items
            ]
        )
    elif not items:
        output.echo("no related articles")
    else:
        _print_related(items)
    return 0


def _print_related(items: list[RelatedItem]) -> None:
    rows = [[str(i.id) if i.id is not None else "-", i.reason, safe(i.title)] for i in items]
    if output.stdout_is_terminal():
        columns = [Column("id", "right", no_wrap=True), Column("why", no_wrap=True)]
        output.table([*columns, Column("title")], rows)
        return
    for ident, reason, title in rows:
        output.echo(f"{ident:>6}  {reason:10}  {title}")


@click.command(
    cls=FilterCommand,
    short_help="what the database holds",
    help="What the database holds. With --by month (or week): how many articles each month "
    "holds, by publication date (undated ones apart), of a topic and of the articles that "
    "have every word of QUERY.",
)
@click.argument("query", nargs=-1)
@click.option(
    "--by",
    "period",
    type=click.Choice(["month", "week"]),
    help="count the articles per month (or ISO week)",
)
@click.option("--topic", metavar="NAME", help="with --by: the articles of a topic")
@json_option("print the figures as JSON")
@db_option
@with_library(create=False)
def stats(
    library: Library, query: tuple[str, ...], period: str | None, topic: str | None, as_json: bool
) -> int:
    if period is None:
        if query or topic is not None:
            raise click.UsageError("QUERY and --topic count articles per period: add --by month")
        return _figures(library, as_json)
    view = HeadlineFilter(topic=library.topic(topic).id) if topic is not None else None
    counts = library.per_period(view, " ".join(query), period)
    if as_json:
        output.print_json([{period: c.period, "count": c.count} for c in counts])
        return 0
    if not counts:
        output.echo("no articles")
        return 0
    widest = max(c.count for c in counts)
    for entry in counts:
        label = entry.period or "undated"
        bar = "#" * round(40 * entry.count / widest) if widest else ""
        output.echo(f"{label:8} {entry.count:>6}  {bar}".rstrip())
    return 0


def _pending(count: int, work: list[str]) -> str:
    """'12,345 articles (story grouping, term statistics, topics)', or '0'."""
    if not count:
        return "0"
    return f"{count:,} {'article' if count == 1 else 'articles'} ({', '.join(work)})"


def _figures(library: Library, as_json: bool) -> int:
    figures = library.stats()
    if as_json:
        output.print_json(figures)
        return 0
    rows = []
    work = figures.pop("pending_work", [])
    for key, value in figures.items():
        if key == "pending":
            rows.append([key, _pending(value, work)])
            continue
        if isinstance(value, dict):
            text = ", ".join(f"{k} {v}" for k, v in value.items()) or "-"
        else:
            text = "-" if value is None else str(value)
        rows.append([key, safe(text)])
    if output.stdout_is_terminal():
        output.table([Column("", style="bold", no_wrap=True), Column("")], rows)
        return 0
    for key, value in rows:
        output.echo(f"{key:24} {value}")
    return 0
