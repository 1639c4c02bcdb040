"""The feeds that `fetch` follows: `feeds add/list/remove/import/export`, and `fetch` itself."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from reader.cli import output
from reader.cli.commands import Command, Group
from reader.cli.options import (
    check_count,
    check_mib,
    check_minutes,
    check_seconds,
    db_option,
    json_option,
    with_library,
)
from reader.cli.output import PROG, Column, safe
from reader.core.errors import FeedError

if TYPE_CHECKING:
    from reader.core.library import FetchRound, Library
    from reader.core.models import Feed, FeedResult


@click.group(
    cls=Group,
    no_args_is_help=False,  # `feeds` alone is a usage error (exit 2), not a help page
    short_help="the feeds that `fetch` follows",
    help="The feeds (RSS, Atom, JSON Feed) that `fetch` follows.",
)
@db_option
def feeds() -> None:
    pass


@feeds.command(cls=Command, short_help="follow feeds (RSS, Atom, JSON Feed)")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@db_option
@with_library()
def add(library: Library, urls: tuple[str, ...]) -> int:
    """Follow feeds (RSS, Atom, JSON Feed); `fetch` brings their articles. A site's home
    page works too: its first fetch follows the feed it announces or, without one, the pages
    its sitemap lists."""
    failed = False
    for url in urls:
        try:
            added = library.add_feed(url)
        except FeedError as error:  # the other URLs are still added
            output.error(f"{url}: {error}")
            failed = True
            continue
        output.echo(f"following {safe(url)}" if added else f"already following {safe(url)}")
    if failed:
        return 1
    output.echo(f"'{PROG} fetch' brings their articles")
    return 0


@feeds.command("list", cls=Command, short_help="the feeds followed, with their state")
@json_option("print the feeds as JSON")
@db_option
@with_library()
def list_(library: Library, as_json: bool) -> int:
    """The feeds followed, with the state of their last fetch."""
    followed = library.feeds()
    if as_json:
        output.print_json([asdict(feed) for feed in followed])
    elif not followed:
        output.echo(f"no feeds; add one with '{PROG} feeds add URL'")
    elif output.stdout_is_terminal():
        rows = [[safe(f.url), safe(f.title or "-"), _state(f)] for f in followed]
        output.table([Column("feed"), Column("title"), Column("last fetch")], rows)
    else:
        for feed in followed:
            output.echo(f"{safe(feed.url)}\n    {safe(feed.title or '-')} · {_state(feed)}")
    return 0


def _state(feed: Feed) -> str:
    if feed.last_fetched_at is None:
        return "never fetched"
    if feed.last_error:
        via = " (read through its sitemap)" if feed.kind == "sitemap" else ""
        return f"failed {feed.last_fetched_at}{via}: {safe(feed.last_error)}"
    news = "not modified" if feed.last_status == 304 else f"{feed.last_added} new"
    if feed.kind == "sitemap":
        news += " pages, read through its sitemap (the site has no feed)"
    return f"fetched {feed.last_fetched_at}, {news}"


@feeds.command(cls=Command, short_help="stop following feeds")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@db_option
@with_library()
def remove(library: Library, urls: tuple[str, ...]) -> int:
    """Stop following feeds; the articles they brought stay."""
    missing = [url for url in urls if not library.remove_feed(url)]
    for url in missing:
        output.error(f"not following {url} (see '{PROG} feeds list')")
    for url in urls:
        if url not in missing:
            output.echo(f"stopped following {safe(url)}; its articles stay")
    return 1 if missing else 0


@feeds.command("import", cls=Command, short_help="follow every feed of an OPML file")
@click.argument("file", metavar="OPML")
@db_option
@with_library()
def import_opml(library: Library, file: str) -> int:
    """Follow every feed of an OPML file."""
    try:
        data = Path(file).read_bytes()
    except OSError as error:
        raise click.ClickException(f"{file}: cannot read ({error.strerror or error})") from None
    try:
        result = library.import_opml(data)
    except FeedError as error:
        raise click.ClickException(f"{file}: {error}") from None
    for problem in result.problems:
        output.error(f"{file}: {problem}")
    output.echo(
        f"{result.added} feeds added, {result.known} already followed, "
        f"{len(result.problems)} skipped"
    )
    return 1 if result.problems else 0


@feeds.command(cls=Command, short_help="suggested feeds of Indonesian news sites")
@click.option("--add", "follow", is_flag=True, help="follow every suggested feed")
@json_option("print the suggestions as JSON")
@db_option
@with_library()
def suggest(library: Library, follow: bool, as_json: bool) -> int:
    """Public feeds of Indonesian news sites (labour, economy and national news) that the
    reader suggests; --add follows them all. They are never followed by themselves."""
    if follow:
        result = library.follow_suggested()
        for problem in result.problems:
            output.error(problem)
    suggestions = library.suggested_feeds()
    if as_json:
        output.print_json([asdict(feed) for feed in suggestions])
    elif not suggestions:
        output.echo("no suggested feeds are installed")
    elif follow:
        output.echo(
            f"{result.added} feeds added, {result.known} already followed; "
            f"'{PROG} fetch' brings their articles"
        )
    else:
        for feed in suggestions:
            mark = "followed" if feed.followed else "-"
            output.echo(f"{mark:9} {safe(feed.url)}  {safe(feed.title or '')}".rstrip())
        if not all(feed.followed for feed in suggestions):
            output.echo(f"'{PROG} feeds suggest --add' follows them all")
    return 1 if follow and result.problems else 0


@feeds.command(cls=Command, short_help="write the feeds as OPML")
@click.argument("file", metavar="[FILE]", required=False)
@db_option
@with_library()
def export(library: Library, file: str | None) -> int:
    """Write the feeds as OPML to FILE (default: standard output)."""
    text = library.export_opml()
    if file and file != "-":
        try:
            Path(file).write_text(text, encoding="utf-8")
        except OSError as error:
            raise click.ClickException(
                f"{file}: cannot write ({error.strerror or error})"
            ) from None
    else:
        click.echo(safe(text, multiline=True), nl=False)
    return 0


@click.command(cls=Command, short_help="fetch every feed now")
@click.argument("urls", nargs=-1, metavar="[URL]...")
@click.option(
    "--timeout",
    default="20",
    callback=check_seconds,
    metavar="S",
    help="seconds per feed (default 20)",
)
@click.option(
    "--workers",
    default="8",
    callback=check_count,
    metavar="N",
    help="feeds fetched at once (default 8)",
)
@click.option(
    "--max-size",
    "max_size",
    default=None,
    callback=check_mib,
    metavar="MIB",
    help="the largest response accepted, in MiB (default: fetch_max_size in the config's [ui] "
    "table, else 50)",
)
@click.option(
    "--every",
    default=None,
    callback=check_minutes,
    metavar="MINUTES",
    help="keep fetching, a round every MINUTES, until stopped (Ctrl+C or SIGTERM); one line "
    "per round",
)
@json_option("print the results as JSON (with --every: one JSON object per round, per line)")
@db_option
@with_library()
def fetch(
    library: Library,
    urls: tuple[str, ...],
    timeout: float,
    workers: int,
    max_size: float | None,
    every: float | None,
    as_json: bool,
) -> int:
    """Fetch every followed feed now (or only the URLs given) and store the new articles.

    With --every, keep doing so until stopped: safe beside any number of open readers (each
    feed is stored in its own short transactions); a feed or a round that fails is said on the
    round's line and the next round still runs."""
    max_bytes = _max_bytes(max_size)
    followed = {feed.url for feed in library.feeds()}
    if not followed and every is None:
        output.echo(f"no feeds to fetch; add one with '{PROG} feeds add URL'")
        return 0
    unknown = [url for url in urls if url not in followed]
    for url in unknown:
        output.error(f"{url}: not a followed feed (add it with '{PROG} feeds add URL')")
    if unknown:
        return 1
    if every is not None:
        if not followed:
            output.error(
                f"no feeds followed yet; each round fetches those added ('{PROG} feeds add')"
            )
        return _fetch_every(library, urls, every, workers, timeout, max_bytes, as_json)
    total = len(set(urls)) if urls else len(followed)
    interrupted = threading.Event()
    with (
        _signals_set(interrupted, signal.SIGINT),
        output.progress("feeds fetched", total, show=total > 1) as bar,
    ):

        def report(done: int, of: int, result: FeedResult) -> None:
            if result.failed:
                bar.note(output.error_line(f"{result.url}: {result.error}"))
            for failure in result.entry_failures:
                bar.note(output.error_line(failure.message()))
            if result.moved_to:
                announced = f"a page; following the feed it announces, {result.moved_to}"
                bar.note(safe(f"{result.url}: {announced}"))
            if result.sitemap:
                found = f"announces no feed; following the site's sitemap, {result.sitemap}"
                bar.note(safe(f"{result.url}: {found}"))
            bar.update(done)

        results = library.fetch(
            urls or None,
            workers=workers,
            timeout=timeout,
            max_bytes=max_bytes,
            progress=report,
            cancel=interrupted,
        )
    if interrupted.is_set():  # Ctrl+C: what was stored stays, the rest is left as it was
        output.error(f"interrupted; {len(results)} of {output.count(total, 'feed')} fetched")
        return 130
    if as_json:
        output.print_json([_result_json(r) for r in results])
    else:
        added = sum(r.added for r in results)
        updated = sum(r.updated for r in results)
        not_modified = sum(r.status == "unchanged" for r in results)
        failed = sum(r.failed for r in results)
        output.echo(
            f"{output.count(len(results), 'feed')}: {output.count(added, 'article')} added, "
            f"{updated} updated, {not_modified} unchanged since the last fetch, {failed} failed"
        )
    bad_entries = any(r.entry_failures for r in results)
    return 1 if bad_entries or any(r.failed for r in results) else 0


def _fetch_every(
    library: Library,
    urls: tuple[str, ...],
    minutes: float,
    workers: int,
    timeout: float,
    max_bytes: int,
    as_json: bool,
) -> int:
    """`fetch --every`: rounds until Ctrl+C or SIGTERM, which end it with exit 0 (the round
    under way is cancelled at once and not reported)."""
    rounds = 0
    stop = threading.Event()

    def report(done: FetchRound) -> None:
        nonlocal rounds
        rounds = done.number
        if as_json:
            output.print_json_line(_round_json(done))
        else:
            output.echo(_round_line(done))

    try:
        with _signals_set(stop, signal.SIGINT, signal.SIGTERM):
            library.fetch_every(
                minutes,
                report,
                urls or None,
                workers=workers,
                timeout=timeout,
                max_bytes=max_bytes,
                stop=stop,
            )
    except KeyboardInterrupt:  # a second Ctrl+C while the first was being answered
        pass
    if not as_json:
        output.echo(f"stopped after {output.count(rounds, 'round')}")
    return 0


@contextmanager
def _signals_set(event: threading.Event, *signums: int) -> Iterator[None]:
    """While the block runs, each of `signums` sets `event` (which the work watches and ends
    on) instead of raising KeyboardInterrupt wherever the main thread happens to be: raised
    while it takes the locks of the pool's futures (concurrent.futures.wait does), it left a
    lock held that a pool thread then waited on for ever, and the exit waited for that thread.
    A second Ctrl+C raises KeyboardInterrupt at once, for when the first is not enough."""

    def answer(signum: int, frame: FrameType | None) -> None:
        if signum == signal.SIGINT and event.is_set():
            raise KeyboardInterrupt
        event.set()

    before: dict[int, Any] = {}
    try:
        for signum in signums:
            before[signum] = signal.signal(signum, answer)
    except ValueError:  # not the main thread (an embedding): the signals keep their meaning
        pass
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def _round_line(done: FetchRound) -> str:
    when = done.started.strftime("%Y-%m-%d %H:%M:%S")
    if done.error is not None:
        return f"{when}  round {done.number} failed: {safe(done.error)}"
    line = (
        f"{when}  round {done.number}: {output.count(done.feeds, 'feed')} fetched, "
        f"{done.added} new {'article' if done.added == 1 else 'articles'}, "
        f"{len(done.failures)} failed"
    )
    if done.failures:
        line += " (" + "; ".join(safe(f"{r.url}: {r.error}") for r in done.failures) + ")"
    return line


def _round_json(done: FetchRound) -> dict[str, object]:
    return {
        "round": done.number,
        "started": done.started.isoformat(timespec="seconds"),
        "feeds": done.feeds,
        "added": done.added,
        "failed": [{"url": r.url, "error": r.error} for r in done.failures],
        "error": done.error,
    }


def _max_bytes(option: float | None) -> int:
    """The size limit in bytes: --max-size, else the config file's fetch_max_size (a bad value
    there is named in a warning and the default used)."""
    if option is not None:
        return int(option * 1024 * 1024)
    from reader.core.paths import config_path
    from reader.ui.config import load_config

    config = load_config(config_path())
    for problem in config.key_problems:
        if "fetch_max_size" in problem:
            output.error(f"{config.path}: {problem}")
    return int(config.fetch_max_size * 1024 * 1024)


def _result_json(result: FeedResult) -> dict[str, object]:
    return {
        "url": result.url,
        "moved_to": result.moved_to,
        "sitemap": result.sitemap,
        "status": result.status,
        "http_status": result.http_status,
        "added": result.added,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "error": result.error,
        "entry_failures": [failure.message() for failure in result.entry_failures],
    }
