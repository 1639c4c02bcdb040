"""Many readers and one fetcher on one PostgreSQL archive (issue 14's load check).

    python bench/bench_postgres.py --store postgresql://.../b100k --fetch bench/out/new.jsonl

`--store` is an archive already filled (e.g. by `kemnaker-reader copy --from bench.db --to URL`).
While one fetcher process imports `--fetch` into it, `--readers` processes, each a person of
its own, loop for `--seconds`: search (a query from a fixed list), page (the next 50 headlines
by key after the reader's last page: from the top, and from the top again one time in ten, as
a person scrolls), open (an article and its related news) and mark (read or starred, toggled).
By default each reader acts again at once (a reader that never reads); `--think S` makes each
pause between its actions, S seconds on average (drawn from an exponential distribution), as a
person reading does.
`--fetcher-nice N` runs the fetcher at a lower CPU priority, as a team server would run a
background fetcher (`nice -n N kemnaker-reader fetch --every 5`): its process and import helpers
take nice N, and, where this bench may (PostgreSQL on this machine, run as root or as the
server's user), so do the server processes that serve the fetcher's connections (found by their
application_name); the report says which were lowered.
`--single` measures instead, with nothing else running, each query alone (the median of
`--rounds`, split into the index's ranking, reading the texts and cutting the snippets, with
the CPU of the server process and of this one) and a
page of the list at several depths, by offset and by key; no fetcher, no readers.
Each reader is a process of its own with its own connection (a person at a terminal), and
counts the CPU time each action took in its own process and in the server process that serves
it (read from /proc, when the server runs on this machine): the report splits an action's time
into the client's CPU, the server's CPU and the rest, mostly waiting for a core.
Every reader remembers the marks it set; at the end the archive must hold exactly those (no
mark lost, none of another person's). Prints per-operation p50/p95/max in ms, errors, the
fetcher's articles per second and the load average; first, search alone on a quiet archive.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUERIES = [
    "upah minimum",
    "pekerja migran",
    "banjir",
    "korupsi",
    "timnas indonesia",
    "harga beras",
    "pemilihan gubernur",
    "gempa bumi",
    "tenaga kerja asing",
    "bpjs ketenagakerjaan",
    "ekspor",
    "presiden jokowi",
    "kecelakaan",
    "pajak",
    "sekolah",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def server_seconds(pid: int) -> float | None:
    """CPU seconds the server process `pid` has used, None where unknown: from the scheduler's
    count in nanoseconds where the kernel keeps one (/proc/PID/schedstat), else user + system
    in clock ticks (10 ms, coarser than a search)."""
    try:
        with open(f"/proc/{pid}/schedstat") as schedstat:
            return int(schedstat.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reader(
    url: str, number: int, seconds: float, think: float, start: float, done: Any, out: mp.Queue
) -> None:
    from reader.core.library import open_library

    person = f"reader{number}"
    rng = random.Random(number)
    times: dict[str, list[float]] = {"search": [], "page": [], "open": [], "mark": []}
    # CPU ms of each kind, summed: this process's, and its server process's
    spent: dict[str, list[float]] = {kind: [0.0, 0.0] for kind in times}
    errors: list[str] = []
    marks: dict[int, tuple[bool, bool]] = {}
    last: int | None = None  # the last headline of the reader's last page
    with open_library(url, person=person) as library:
        total = library.count()
        backend = library._storage.connections.conn.raw.info.backend_pid  # type: ignore[union-attr]
        while time.time() < start:
            time.sleep(0.01)
        while time.time() < start + seconds and not done.is_set():
            kind = rng.choice(["search", "search", "page", "open", "mark"])
            server_before = server_seconds(backend)
            client_before = time.process_time()
            began = time.perf_counter()
            try:
                if kind == "search":
                    library.search(rng.choice(QUERIES), 50)
                elif kind == "page":
                    # The next page of the list by key, as a person scrolls (from the top, and
                    # again from the top one time in ten, or at the end).
                    if rng.random() < 0.1:
                        last = None
                    page = library.headlines_after(last, 50)
                    last = page[-1].id if page else None
                elif kind == "open":
                    article_id = rng.randrange(1, total + 1)
                    if library.get(article_id) is not None:
                        library.related(article_id, 12)
                else:
                    article_id = rng.randrange(1, total + 1)
                    flag = rng.choice(["read", "starred"])
                    headline = (
                        library.toggle_read(article_id)
                        if flag == "read"
                        else library.toggle_starred(article_id)
                    )
                    if headline is not None:
                        marks[article_id] = (headline.read, headline.starred)
            except Exception as error:  # counted and reported, not hidden
                errors.append(f"{kind}: {type(error).__name__}: {error}"[:200])
            times[kind].append((time.perf_counter() - began) * 1000)
            spent[kind][0] += (time.process_time() - client_before) * 1000
            server_after = server_seconds(backend)
            if server_before is not None and server_after is not None:
                spent[kind][1] += (server_after - server_before) * 1000
            if think:
                done.wait(rng.expovariate(1 / think))
        lost = 0
        for article_id, (read, starred) in marks.items():
            found = library.get(article_id)
            if found is None or (found.read, found.starred) != (read, starred):
                lost += 1
    out.put((number, times, errors, len(marks), lost, spent))


FETCHER_APP = "kemnaker-bench-fetcher"


def with_application_name(url: str, name: str) -> str:
    return url + ("&" if "?" in url else "?") + f"application_name={name}"


class Stopped(Exception):
    """The readers' time is up: the fetcher stops between two chunks of its import."""


def fetcher(
    url: str, path: str, start: float, done: Any, stop: Any, out: mp.Queue, nice: int
) -> None:
    from reader.core.library import open_library

    if nice:
        os.nice(nice)  # the import's helper processes inherit it
    with open_library(with_application_name(url, FETCHER_APP), person="fetcher") as library:
        before = library.count()
        while time.time() < start:
            time.sleep(0.01)
        began = time.perf_counter()

        def progress(_: object) -> None:
            if stop.is_set():
                raise Stopped

        try:
            result = library.import_inputs([path], progress)
            out.put(("fetcher", result.added, time.perf_counter() - began, None))
        except Stopped:
            added = library.count() - before  # stored (and searchable) so far
            took = time.perf_counter() - began
            out.put(("fetcher", added, took, "stopped when the readers' time was up"))
        except Exception as error:
            out.put(("fetcher", 0, time.perf_counter() - began, f"{type(error).__name__}: {error}"))
        finally:
            done.set()  # the readers stop with the fetcher


def lower_fetcher_backends(url: str, nice: int, done: Any, lowered: set[int]) -> None:
    """Give the server processes of the fetcher's connections nice `nice`, as they appear,
    until the fetcher ends (a thread of the bench's main process)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        while not done.is_set():
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (FETCHER_APP,)
            ).fetchall()
            for (pid,) in rows:
                if pid not in lowered:
                    try:
                        os.setpriority(os.PRIO_PROCESS, pid, nice)
                        lowered.add(pid)
                    except OSError as error:  # not on this machine, or not ours to lower
                        print(f"fetcher's server process {pid} not lowered: {error}")
                        return
            done.wait(0.5)


def quiet_search(url: str, rounds: int) -> list[float]:
    from reader.core.library import open_library

    found: list[float] = []
    with open_library(url, person="quiet") as library:
        for query in QUERIES:
            library.search(query, 50)  # warm
        for _ in range(rounds):
            for query in QUERIES:
                began = time.perf_counter()
                library.search(query, 50)
                found.append((time.perf_counter() - began) * 1000)
    return found


def single(url: str, rounds: int, queries: list[str]) -> None:
    """Each query alone, its time split by step and its server process's CPU, and pages at
    depths, by offset and by key."""
    from reader.core.library import open_library
    from reader.core.services import search

    spent: dict[str, float] = {}

    def timed(name: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + (time.perf_counter() - began) * 1000

        return wrapper

    search.snippet = timed("snippets", search.snippet)  # type: ignore[assignment]
    with open_library(url, person="quiet") as library:
        storage = library._storage  # the bench looks inside, to split the time
        index, articles = storage.index, storage.articles
        index.ranked = timed("ranking", index.ranked)  # type: ignore[method-assign]
        articles.texts = timed("texts", articles.texts)  # type: ignore[method-assign]
        backend = storage.connections.conn.raw.info.backend_pid  # type: ignore[attr-defined]

        def server() -> float:  # the server process's CPU ms so far (0 where unknown)
            return (server_seconds(backend) or 0.0) * 1000

        for query in queries:
            library.search(query, 50)  # warm
        print(
            f"each query alone, median of {rounds} (ms): total, ranking, texts, snippets, "
            "server CPU, client CPU; hits"
        )
        totals, servers, clients = [], [], []
        for query in queries:
            runs: dict[str, list[float]] = {}
            hits = 0
            for _ in range(rounds):
                spent.clear()
                before = server()
                client = time.process_time()
                began = time.perf_counter()
                hits = len(library.search(query, 50).hits)
                spent["total"] = (time.perf_counter() - began) * 1000
                spent["client"] = (time.process_time() - client) * 1000
                spent["server"] = server() - before
                for name in ("total", "ranking", "texts", "snippets", "server", "client"):
                    runs.setdefault(name, []).append(spent.get(name, 0.0))
            median = {name: statistics.median(values) for name, values in runs.items()}
            totals.append(median["total"])
            servers.append(median["server"])
            clients.append(median["client"])
            print(
                f"  {query:22s} {median['total']:7.1f} {median['ranking']:7.1f} "
                f"{median['texts']:6.1f} {median['snippets']:6.1f} {median['server']:7.1f} "
                f"{median['client']:6.1f}  {hits}"
            )
        print(
            f"  median {statistics.median(totals):.1f} ms, max {max(totals):.1f} ms; server CPU "
            f"median {statistics.median(servers):.1f} ms, max {max(servers):.1f} ms; client CPU "
            f"mean {statistics.mean(clients):.1f} ms, max {max(clients):.1f} ms"
        )
        total = library.count()
        rng = random.Random(1)
        opened, opened_server, opened_client = [], [], []
        # the statements an open sends (its connection's execute calls, counted)
        conn_type = type(storage.connections.conn)
        sent = [0]
        real_execute = conn_type.execute

        def counted(self: Any, *args: Any) -> Any:
            sent[0] += 1
            return real_execute(self, *args)

        setattr(conn_type, "execute", counted)  # noqa: B010 (put back below)
        for _ in range(max(rounds, 1) * 8):
            article_id = rng.randrange(1, total + 1)
            before = server()
            client = time.process_time()
            began = time.perf_counter()
            if library.get(article_id) is not None:
                library.related(article_id, 12)
            opened.append((time.perf_counter() - began) * 1000)
            opened_client.append((time.process_time() - client) * 1000)
            opened_server.append(server() - before)
        setattr(conn_type, "execute", real_execute)  # noqa: B010
        print(
            f"open (an article and its related news), {len(opened)} at random: median "
            f"{statistics.median(opened):.1f} ms, p95 {percentile(opened, 0.95):.1f} ms; server "
            f"CPU median {statistics.median(opened_server):.1f} ms, p95 "
            f"{percentile(opened_server, 0.95):.1f} ms, mean {statistics.mean(opened_server):.1f}; "
            f"client CPU median {statistics.median(opened_client):.1f} ms, mean "
            f"{statistics.mean(opened_client):.1f}; {sent[0] / len(opened):.2f} statements each"
        )
        print(f"a page of 50 headlines at a depth, median of {rounds} (ms): by offset, by key")
        for depth in sorted({0, total // 10, total // 2, max(total - 51, 0)}):
            by_offset, by_key = [], []
            for _ in range(rounds):
                began = time.perf_counter()
                window = library.headlines(depth, 51)
                by_offset.append((time.perf_counter() - began) * 1000)
            for _ in range(rounds):
                began = time.perf_counter()
                after = library.headlines_after(window[0].id, 50)
                by_key.append((time.perf_counter() - began) * 1000)
            same = [h.id for h in after] == [h.id for h in window[1:]]
            print(
                f"  {depth:>10,} {statistics.median(by_offset):8.1f} "
                f"{statistics.median(by_key):6.1f}{'' if same else '  DIFFERENT ROWS'}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", required=True, help="postgresql:// URL of a filled archive")
    parser.add_argument(
        "--fetch", help="JSON Lines the fetcher imports (required but with --single)"
    )
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument(
        "--seconds",
        type=float,
        default=3600,
        help="at most; the readers stop with the fetcher, and it stops (between two chunks of"
        " its import, saying how many articles it stored) when they are done",
    )
    parser.add_argument(
        "--think", type=float, default=0, help="mean pause in seconds between a reader's actions"
    )
    parser.add_argument(
        "--fetcher-nice",
        type=int,
        default=0,
        help="nice value of the fetcher and of its server processes (0: as the readers)",
    )
    parser.add_argument(
        "--single", action="store_true", help="each query and page alone instead (no load)"
    )
    parser.add_argument("--rounds", type=int, default=5, help="runs of each, with --single")
    parser.add_argument(
        "--query",
        action="append",
        help="with --single, this query instead of the fixed list (may be given again)",
    )
    parser.add_argument(
        "--also",
        action="append",
        default=[],
        help="with --single, this query after the fixed list (may be given again); the load"
        " run's list stays the fifteen",
    )
    args = parser.parse_args()
    from reader.core.library import open_library

    if not args.single and not args.fetch:
        parser.error("--fetch is required (but with --single)")
    if args.single:
        print(f"load average {os.getloadavg()}")
        single(args.store, args.rounds, [*(args.query or QUERIES), *args.also])
        print(f"load average {os.getloadavg()}")
        return

    with open_library(args.store, person="bench") as library:
        articles = library.count()
    print(f"archive: {articles:,} articles; load average {os.getloadavg()}")
    quiet = quiet_search(args.store, 5)
    print(
        f"search alone: p50 {statistics.median(quiet):.1f} ms, p95 {percentile(quiet, 0.95):.1f}"
        f" ms, max {max(quiet):.1f} ms ({len(quiet)} searches)"
    )
    context = mp.get_context("spawn")
    out: mp.Queue = context.Queue()
    done = context.Event()
    stop = context.Event()
    start = time.time() + 5
    workers = [
        context.Process(
            target=reader, args=(args.store, n, args.seconds, args.think, start, done, out)
        )
        for n in range(args.readers)
    ]
    workers.append(
        context.Process(
            target=fetcher,
            args=(args.store, args.fetch, start, done, stop, out, args.fetcher_nice),
        )
    )
    for worker in workers:
        worker.start()
    lowered: set[int] = set()
    if args.fetcher_nice:
        import threading

        threading.Thread(
            target=lower_fetcher_backends,
            args=(args.store, args.fetcher_nice, done, lowered),
            daemon=True,
        ).start()
    results = [out.get() for _ in workers[:-1]]  # the readers'
    stop.set()
    results.append(out.get())
    for worker in workers:
        worker.join()
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    errors: list[str] = []
    marked = lost = 0
    for result in results:
        if result[0] == "fetcher":
            _, added, took, error = result
            rate = added / took if took else 0
            print(f"fetcher: {added:,} articles in {took:.1f} s ({rate:,.0f}/s), error: {error}")
            continue
        _, kinds, errs, count, missing, spent = result
        for kind, values in kinds.items():
            times.setdefault(kind, []).extend(values)
            summed = cpu.setdefault(kind, [0.0, 0.0])
            summed[0] += spent[kind][0]
            summed[1] += spent[kind][1]
        errors += errs
        marked += count
        lost += missing
    pause = f"pausing {args.think:g} s on average" if args.think else "without pauses"
    if args.fetcher_nice:
        print(f"fetcher at nice {args.fetcher_nice}, and {len(lowered)} of its server processes")
    print(
        f"{args.readers} readers {pause}, until the fetcher ended or their time was up; "
        f"load average {os.getloadavg()}"
    )
    for kind, values in times.items():
        client, server = (spent / max(len(values), 1) for spent in cpu[kind])
        print(
            f"  {kind:6s} n={len(values):6,} p50 {statistics.median(values):7.1f} ms  "
            f"p95 {percentile(values, 0.95):7.1f} ms  max {max(values):8.1f} ms;  mean "
            f"{statistics.mean(values):6.1f} ms = CPU client {client:5.1f} + server {server:5.1f}"
            f" + waiting {statistics.mean(values) - client - server:6.1f}"
        )
    print(f"errors: {len(errors)}; marks kept: {marked - lost:,} of {marked:,} (lost {lost})")
    for line in errors[:10]:
        print("  ", line)
    with open_library(args.store, person="bench") as library:
        print(f"archive now: {library.count():,} articles")


if __name__ == "__main__":
    main()
