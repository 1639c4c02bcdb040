"""The `kemnaker-reader` command. Imports reader.ui only when the TUI starts.

Exit codes: 0 success; 1 when an input failed or an id is unknown; 2 for a usage error.
Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from reader import __version__
from reader.core.dates import long_date, wib_day
from reader.core.ingest import read_inputs
from reader.core.models import ImportResult
from reader.core.paths import bundled_data_dir, default_db_path
from reader.core.schema import SchemaTooNew
from reader.core.search import SNIPPET_CLOSE, SNIPPET_OPEN
from reader.core.store import Store, StoreError

PROG = "kemnaker-reader"


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, as argparse does, minus the usage dump
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="database file (default: $KEMNAKER_READER_DB or the user data dir)",
    )
    parser = Parser(
        prog=PROG,
        parents=[common],
        description="Read, search and connect Indonesian labour news offline.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", parser_class=Parser)

    p = commands.add_parser("import", parents=[common], help="import files, folders or URLs")
    p.add_argument("inputs", nargs="+", metavar="PATH|URL")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")

    p = commands.add_parser("search", parents=[common], help="search articles by keyword")
    p.add_argument(
        "query",
        nargs="+",
        help='words (ANDed), "a phrase", prefix*, -word, a OR b, source:, since:, until:, title:',
    )
    p.add_argument("--limit", type=_positive, default=20, help="most hits to print (default 20)")
    p.add_argument("--json", action="store_true", help="print the hits as JSON")

    p = commands.add_parser("show", parents=[common], help="print one article")
    p.add_argument("id", type=int, help="the article's id (search prints it)")
    p.add_argument("--json", action="store_true", help="print the article as JSON")

    p = commands.add_parser("related", parents=[common], help="related news for an article")
    p.add_argument("id", type=int, help="the article's id (search prints it)")
    p.add_argument("--limit", type=_positive, default=10, help="most entries (default 10)")
    p.add_argument("--json", action="store_true", help="print the entries as JSON")

    p = commands.add_parser("stats", parents=[common], help="what the database holds")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")

    p = commands.add_parser("feeds", parents=[common], help="the feeds that `fetch` follows")
    feeds = p.add_subparsers(
        dest="feeds_command",
        parser_class=Parser,
        required=True,
        metavar="{add,list,remove,import,export}",
    )
    q = feeds.add_parser("add", parents=[common], help="follow feeds (RSS, Atom, JSON Feed)")
    q.add_argument("urls", metavar="URL", nargs="+")
    q = feeds.add_parser("list", parents=[common], help="the feeds followed, with their state")
    q.add_argument("--json", action="store_true")
    q = feeds.add_parser("remove", parents=[common], help="stop following feeds")
    q.add_argument("urls", metavar="URL", nargs="+")
    q = feeds.add_parser("import", parents=[common], help="follow every feed of an OPML file")
    q.add_argument("file", metavar="OPML")
    q = feeds.add_parser("export", parents=[common], help="write the feeds as OPML")
    q.add_argument("file", metavar="FILE", nargs="?", help="default: standard output")

    p = commands.add_parser("fetch", parents=[common], help="fetch every feed now")
    p.add_argument("urls", nargs="*", metavar="URL", help="only these followed feeds")
    p.add_argument("--timeout", type=_seconds, default=20.0, help="seconds per feed (default 20)")
    p.add_argument("--workers", type=_positive, default=8, help="feeds fetched at once (default 8)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    return parser


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 3600 seconds: {text!r}")
    return value


MAX_LIMIT = 100_000


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 1 <= value <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_LIMIT:,}: {text!r}")
    return value


READ_ONLY = {"search", "show", "related", "stats"}


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(query_words_last(sys.argv[1:] if argv is None else argv))
    except UsageError as error:
        _error(f"{error} (see '{PROG} --help')")
        return 2
    db_path = Path(getattr(args, "db", None) or default_db_path())
    if args.command in READ_ONLY and not db_path.exists():
        _error(
            f"no database at {db_path}; import articles first ('{PROG} import PATH') "
            f"or open the reader ('{PROG}')"
        )
        return 1
    try:
        store = Store(db_path)
        return COMMANDS[args.command or "open"](store, args)
    except (StoreError, SchemaTooNew) as error:
        _error(str(error))
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # a bug: still one line, never a traceback
        _error(f"unexpected error ({type(error).__name__}: {error}); please report it")
        return 1


_SEARCH_OPTIONS = {"--limit": 1, "--json": 0, "--db": 1, "-h": 0, "--help": 0}


def query_words_last(argv: list[str]) -> list[str]:
    """`search -pekerja`: a word starting with "-" is an exclusion, not an unknown option.

    The search's own options are kept; every other word goes after "--", in its order.
    """
    position = next(
        (
            i
            for i, word in enumerate(argv)
            if word == "search" and (i == 0 or argv[i - 1] != "--db")
        ),
        None,
    )
    if position is None or "--" in argv[position:]:
        return argv
    options, words, rest = [], [], argv[position + 1 :]
    i = 0
    while i < len(rest):
        name = rest[i].split("=", 1)[0]
        if name in _SEARCH_OPTIONS:
            takes = _SEARCH_OPTIONS[name] if "=" not in rest[i] else 0
            options.extend(rest[i : i + 1 + takes])
            i += 1 + takes
        else:
            words.append(rest[i])
            i += 1
    return argv[: position + 1] + options + (["--", *words] if words else [])


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _error(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def _print(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def import_bundled(store: Store) -> ImportResult | None:
    """First launch: an empty database gets the bundled articles, so the reader is not empty."""
    folder = bundled_data_dir()
    if folder is None or store.count() > 0:
        return None
    seed_first = (
        [str(folder / "seed"), str(folder)] if (folder / "seed").is_dir() else [str(folder)]
    )
    return store.add_articles(read_inputs(seed_first))


def cmd_open(store: Store, args: argparse.Namespace) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        _error(
            f"the reader needs a terminal; without one, use a command such as "
            f"'{PROG} search QUERY' (see '{PROG} --help')"
        )
        return 2
    import_bundled(store)
    try:
        from reader.ui.app import run
    except ImportError:
        print(
            f"{PROG}: the reader's screen is not built yet; {store.count()} articles are in "
            f"{store.path}. Try '{PROG} search QUERY'."
        )
        return 0
    return run(store)


def cmd_import(store: Store, args: argparse.Namespace) -> int:
    def show_progress(so_far: ImportResult) -> None:
        done = so_far.added + so_far.updated + so_far.unchanged
        print(f"\r{done:,} articles read…", end="", file=sys.stderr, flush=True)

    live = sys.stderr.isatty()
    result = store.add_articles(read_inputs(args.inputs), show_progress if live else None)
    if live:
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    for failure in result.failed:
        _error(failure.message())
    if args.json:
        _print(
            {
                "added": result.added,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "failed": [asdict(f) for f in result.failed],
            }
        )
    else:
        print(
            f"{result.added} added, {result.updated} updated, {result.unchanged} unchanged, "
            f"{len(result.failed)} failed"
        )
    return 1 if result.failed else 0


def cmd_search(store: Store, args: argparse.Namespace) -> int:
    result = store.search(" ".join(args.query), args.limit)
    if args.json:
        _print(
            [
                {
                    "id": h.id,
                    "title": h.title,
                    "url": h.url,
                    "source": h.source,
                    "published_at": h.published_at,
                    "score": h.score,
                    "snippet": h.snippet,
                }
                | ({"relaxed": True} if h.relaxed else {})
                for h in result.hits
            ]
        )
        return 0
    if not result.hits:
        print("no articles match")
    elif result.relaxed:
        print("no article has every word; closest matches (most words first):")
    for hit in result.hits:
        date = wib_day(hit.published_at) or "-"
        print(f"{hit.id:>6}  {date:10}  {hit.source or '-'}  {hit.title}")
        text = hit.snippet.replace(SNIPPET_OPEN, "*").replace(SNIPPET_CLOSE, "*")
        print(f"        {text}")
    if len(result.hits) == args.limit:
        print(f"(the first {args.limit}; there may be more: --limit N)")
    return 0


def cmd_show(store: Store, args: argparse.Namespace) -> int:
    article = store.get(args.id)
    if article is None:
        _error(f"no article with id {args.id}")
        return 1
    related = [{"title": r.title, "url": r.url, "id": r.target_id} for r in article.related]
    if args.json:
        _print(
            {
                "id": article.id,
                "title": article.title,
                "url": article.url,
                "source": article.source,
                "dateline": article.dateline,
                "published_at": article.published_at,
                "category": article.category,
                "body": article.body,
                "related": related,
            }
        )
        return 0
    print(article.title)
    meta = [
        article.source,
        article.dateline,
        long_date(article.published_at) or article.published_raw,
    ]
    lines = [" · ".join(m for m in meta if m), article.url or ""]
    for line in lines:
        if line:
            print(line)
    print()
    print(article.body)
    if related:
        print("\nBerita terkait:")
        for item in related:
            marker = f"[{item['id']}]" if item["id"] else "[-]"
            print(f"  {marker} {item['title']}")
    return 0


def cmd_related(store: Store, args: argparse.Namespace) -> int:
    items = store.related(args.id, args.limit)
    if items is None:
        _error(f"no article with id {args.id}")
        return 1
    if args.json:
        _print(
            [
                {"id": i.id, "title": i.title, "url": i.url, "reason": i.reason, "score": i.score}
                for i in items
            ]
        )
        return 0
    if not items:
        print("no related articles")
    for item in items:
        ident = str(item.id) if item.id is not None else "-"
        print(f"{ident:>6}  {item.reason:10}  {item.title}")
    return 0


def cmd_stats(store: Store, args: argparse.Namespace) -> int:
    stats = store.stats()
    if args.json:
        _print(stats)
        return 0
    for key, value in stats.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items()) or "-"
        print(f"{key:24} {'-' if value is None else value}")
    return 0


def cmd_feeds(store: Store, args: argparse.Namespace) -> int:
    from reader.core import feeds

    action = args.feeds_command
    try:
        if action == "add":
            failed = False
            for url in args.urls:
                try:
                    added = feeds.add_feed(store, url)
                except feeds.FeedError as error:
                    _error(f"{url}: {error}")
                    failed = True
                    continue
                print(f"following {url}" if added else f"already following {url}")
            if not failed:
                print(f"'{PROG} fetch' brings their articles")
            return 1 if failed else 0
        elif action == "remove":
            missing = [url for url in args.urls if not feeds.remove_feed(store, url)]
            for url in missing:
                _error(f"not following {url} (see '{PROG} feeds list')")
            for url in args.urls:
                if url not in missing:
                    print(f"stopped following {url}; its articles stay")
            return 1 if missing else 0
        elif action == "list":
            return _list_feeds(feeds.list_feeds(store), args.json)
        elif action == "import":
            try:
                data = Path(args.file).read_bytes()
            except OSError as error:
                _error(f"{args.file}: cannot read ({error.strerror or error})")
                return 1
            added, known, problems = feeds.import_opml(store, data)
            for problem in problems:
                _error(f"{args.file}: {problem}")
            print(f"{added} feeds added, {known} already followed, {len(problems)} skipped")
            return 1 if problems else 0
        elif action == "export":
            text = feeds.export_opml(store)
            if args.file and args.file != "-":
                try:
                    Path(args.file).write_text(text, encoding="utf-8")
                except OSError as error:
                    _error(f"{args.file}: cannot write ({error.strerror or error})")
                    return 1
            else:
                sys.stdout.write(text)
    except feeds.FeedError as error:
        _error(f"{args.file}: {error}" if action == "import" else str(error))
        return 1
    return 0


def _list_feeds(items: list, as_json: bool) -> int:
    if as_json:
        _print([asdict(feed) for feed in items])
        return 0
    if not items:
        print(f"no feeds; add one with '{PROG} feeds add URL'")
    for feed in items:
        if feed.last_fetched_at is None:
            state = "never fetched"
        elif feed.last_error:
            state = f"failed {feed.last_fetched_at}: {feed.last_error}"
        else:
            state = f"fetched {feed.last_fetched_at}, " + (
                "not modified" if feed.last_status == 304 else f"{feed.last_added} new"
            )
        print(f"{feed.url}\n    {feed.title or '-'} · {state}")
    return 0


def cmd_fetch(store: Store, args: argparse.Namespace) -> int:
    from reader.core import feeds

    followed = {feed.url for feed in feeds.list_feeds(store)}
    if not followed:
        print(f"no feeds to fetch; add one with '{PROG} feeds add URL'")
        return 0
    unknown = [url for url in args.urls if url not in followed]
    for url in unknown:
        _error(f"{url}: not a followed feed (add it with '{PROG} feeds add URL')")
    if unknown:
        return 1
    live = sys.stderr.isatty()

    def progress(done: int, total: int, result) -> None:
        if result.failed:
            if live:
                sys.stderr.write("\r\x1b[K")
            _error(f"{result.url}: {result.error}")
        for failure in result.entry_failures:
            _error(failure.message())
        if result.moved_to:
            if live:
                sys.stderr.write("\r\x1b[K")
            print(
                f"{result.url}: a page; following the feed it announces, {result.moved_to}",
                file=sys.stderr,
            )
        if live and total > 1:
            sys.stderr.write(f"\rfetched {done}/{total} feeds")
            sys.stderr.flush()

    results = feeds.fetch_feeds(
        store, args.urls or None, workers=args.workers, timeout=args.timeout, progress=progress
    )
    if live and len(results) > 1:
        sys.stderr.write("\r\x1b[K")
    failed = [r for r in results if r.failed]
    bad_entries = sum(len(r.entry_failures) for r in results)
    if args.json:
        _print(
            [
                {
                    "url": r.url,
                    "moved_to": r.moved_to,
                    "status": r.status,
                    "http_status": r.http_status,
                    "added": r.added,
                    "updated": r.updated,
                    "unchanged": r.unchanged,
                    "error": r.error,
                    "entry_failures": [f.message() for f in r.entry_failures],
                }
                for r in results
            ]
        )
    else:
        added = sum(r.added for r in results)
        updated = sum(r.updated for r in results)
        not_modified = sum(r.status == "unchanged" for r in results)
        print(
            f"{_count(len(results), 'feed')}: {_count(added, 'article')} added, {updated} updated, "
            f"{not_modified} unchanged since the last fetch, {len(failed)} failed"
        )
    return 1 if failed or bad_entries else 0


COMMANDS = {
    "open": cmd_open,
    "import": cmd_import,
    "search": cmd_search,
    "show": cmd_show,
    "related": cmd_related,
    "stats": cmd_stats,
    "feeds": cmd_feeds,
    "fetch": cmd_fetch,
}
