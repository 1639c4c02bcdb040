"""Fetch benchmark: N local RSS feeds of M items each, served with a delay per request.

Usage: python bench/bench_fetch.py [FEEDS] [ITEMS] [DELAY_MS] [WORKERS] [STORE]
       (default 100 20 50 8, into an empty store; STORE: a database to copy and fetch into,
       e.g. bench/out/bench-100000.db from `make bench`)

Measures `fetch_feeds` into an empty store (every item new), then again (every feed answers
304 Not Modified to the conditional GET). Prints a table and a JSON line.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.core.library import open_library  # noqa: E402

WORDS = (
    "pekerja migran upah minimum pelatihan vokasi balai latihan kerja kementerian "
    "ketenagakerjaan jaminan sosial perlindungan buruh serikat pengusaha"
).split()


SYLLABLES = (
    "ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni "
    "no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu".split()
)


def _text(rng: random.Random, count: int) -> str:
    # Distinct texts: near-duplicates would measure the store's same-story checks instead.
    vocabulary = WORDS + ["".join(rng.choice(SYLLABLES) for _ in range(3)) for _ in range(count)]
    return " ".join(rng.choice(vocabulary) for _ in range(count))


def make_feed(feed: int, items: int) -> bytes:
    rng = random.Random(feed)
    entries = []
    for n in range(items):
        words = _text(rng, 60)
        entries.append(
            f"<item><title>Berita {feed}-{n} tentang {WORDS[(feed * 7 + n) % len(WORDS)]}</title>"
            f"<link>https://bench{feed}.example.id/{n}</link>"
            f"<pubDate>{formatdate(1500000000 + feed * 1000 + n * 60)}</pubDate>"
            f"<description>&lt;p&gt;{words} nomor {feed} {n}.&lt;/p&gt;&lt;p&gt;{words}.&lt;/p&gt;"
            "</description></item>"
        )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench {feed}</title>'
        f"<link>https://bench{feed}.example.id/</link>{''.join(entries)}</channel></rss>"
    ).encode()


def serve(bodies: dict[str, bytes], delay: float) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(delay)
            body = bodies.get(self.path)
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    return httpd


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    items = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    delay = (int(sys.argv[3]) if len(sys.argv) > 3 else 50) / 1000
    workers = int(sys.argv[4]) if len(sys.argv) > 4 else 8
    start_from = Path(sys.argv[5]) if len(sys.argv) > 5 else None
    bodies = {f"/feed{n}.xml": make_feed(n, items) for n in range(count)}
    httpd = serve(bodies, delay)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        if start_from is not None:
            shutil.copy(start_from, path)
        store = open_library(path)
        before = store.count()
        for path in bodies:
            store.add_feed(base + path)
        started = time.perf_counter()
        first = store.fetch(workers=workers)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        second = store.fetch(workers=workers)
        second_s = time.perf_counter() - started
        stored = store.count() - before
        store.close()
    httpd.shutdown()
    result = {
        "feeds": count,
        "items_per_feed": items,
        "delay_ms": delay * 1000,
        "workers": workers,
        "first_fetch_s": round(first_s, 3),
        "articles_added": sum(r.added for r in first),
        "failed": sum(r.failed for r in first) + sum(r.failed for r in second),
        "refetch_s": round(second_s, 3),
        "refetch_not_modified": sum(r.status == "unchanged" for r in second),
        "stored": stored,
        "store_articles_before": before,
    }
    print(
        f"{'feeds':24}{count} x {items} items, {delay * 1000:.0f} ms server delay, "
        f"{workers} workers"
    )
    print(f"{'store':24}{before:,} articles before")
    print(f"{'first fetch':24}{first_s:.2f} s, {result['articles_added']} articles added")
    print(
        f"{'fetch again (304s)':24}{second_s:.2f} s, {result['refetch_not_modified']} not modified"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
