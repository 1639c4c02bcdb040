"""Bad input fails alone, in one line, and never hangs (issue 13, the core's part)."""

from __future__ import annotations

import json
import os
import threading
from contextlib import closing
from pathlib import Path

import pytest

from reader.core.db.schema import MIGRATIONS
from reader.core.db.sqlite import sqlite3
from reader.core.errors import SchemaTooNew
from reader.core.library import Library, open_library
from reader.core.models import ImportResult

GOOD = json.dumps({"title": "Upah naik", "body": "Upah minimum naik tahun depan."})


@pytest.mark.parametrize(
    "query", ["since:0000", "until:0000", "since:0001", "until:0001", "since:9999", "until:9999"]
)
def test_dates_at_the_ends_of_the_calendar_never_raise(
    demo_library_ro: Library, query: str
) -> None:
    result = demo_library_ro.search(f"pekerja {query}", 500)
    assert isinstance(result.hits, list) and not result.fallback


def test_the_first_and_last_days_mean_everything_on_their_side(demo_library_ro: Library) -> None:
    every = {h.id for h in demo_library_ro.search("pekerja", 500).hits}
    assert {h.id for h in demo_library_ro.search("pekerja since:0001", 500).hits} == {
        h.id for h in demo_library_ro.search("pekerja since:0001-01-01", 500).hits
    }
    dated = {h.id for h in demo_library_ro.search("pekerja since:0001", 500).hits}
    assert dated and dated <= every
    assert {h.id for h in demo_library_ro.search("pekerja until:9999", 500).hits} == dated


@pytest.mark.sqlite_only  # reading the inputs, above the store: the same on both backends
def test_a_line_nested_too_deep_fails_alone(library: Library, tmp_path: Path) -> None:
    deep = tmp_path / "deep.jsonl"
    deep.write_text(
        GOOD + "\n" + "[" * 100_000 + "]" * 100_000 + "\n" + GOOD.replace("naik", "turun") + "\n"
    )
    whole = tmp_path / "deep.json"
    whole.write_text('{"articles": ' + "[" * 100_000 + "]" * 100_000 + "}")
    other = tmp_path / "other.jsonl"
    other.write_text(GOOD.replace("Upah", "Gaji") + "\n")
    result = library.import_inputs([str(deep), str(whole), str(other)])
    assert result.added == 3
    assert sorted(f.message() for f in result.failed) == [
        f"{whole}: invalid JSON (nested too deeply)",
        f"{deep}:2: invalid JSON (nested too deeply)",
    ]


def _import_in_a_thread(library: Library, inputs: list[str]) -> ImportResult:
    box: list[ImportResult] = []
    worker = threading.Thread(target=lambda: box.append(library.import_inputs(inputs)))
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "the import hung"
    return box[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_at_once_alone_or_in_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.jsonl")
    (folder / "good.jsonl").write_text(GOOD + "\n")
    os.mkfifo(tmp_path / "alone.jsonl")
    with open_library(tmp_path / "a.db") as library:
        result = _import_in_a_thread(library, [str(folder), str(tmp_path / "alone.jsonl")])
    assert result.added == 1
    assert sorted(f.message() for f in result.failed) == [
        f"{tmp_path / 'alone.jsonl'}: not a regular file (a pipe, device or socket)",
        f"{folder / 'pipe.jsonl'}: not a regular file (a pipe, device or socket)",
    ]


@pytest.mark.sqlite_only  # reading the inputs, above the store: the same on both backends
def test_utf16_files_are_read_as_text(library: Library, tmp_path: Path) -> None:
    lines = tmp_path / "windows.jsonl"
    lines.write_bytes((GOOD + "\r\n" + GOOD.replace("Upah", "Gaji") + "\r\n").encode("utf-16"))
    document = tmp_path / "windows.json"
    document.write_bytes(json.dumps([json.loads(GOOD.replace("Upah", "THR"))]).encode("utf-16"))
    text = tmp_path / "windows.txt"
    text.write_bytes("Judul dari Windows\nIsi artikel dari Windows.\n".encode("utf-16"))
    result = library.import_inputs([str(lines), str(document), str(text)])
    assert (result.added, result.failed) == (4, [])
    assert {h.title for h in library.headlines(0, 10)} == {
        "Upah naik",
        "Gaji naik",
        "THR naik",
        "Judul dari Windows",
    }


def test_invisible_characters_are_removed(library: Library, tmp_path: Path) -> None:
    hidden = "\u200bPe\u200dker\u200cja\u2060 mig\ufeffran \u200e\u200fdi\u2066 luar\u2069 negeri"
    path = tmp_path / "hidden.jsonl"
    path.write_text(json.dumps({"title": hidden, "body": hidden + "."}) + "\n")
    library.import_inputs([str(path)])
    article = library.get(library.search("pekerja migran", 1).hits[0].id)
    assert article.title == "Pekerja migran di luar negeri"
    assert article.body == "Pekerja migran di luar negeri."


def test_a_newer_schema_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    with pytest.raises(SchemaTooNew, match=f"^{path}: database schema version"):
        open_library(path)


@pytest.mark.sqlite_only  # a full disk made with SQLite's max_page_count
def test_a_full_disk_says_so_and_what_was_saved(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.core.services.prepare as prepare
    from reader.core.errors import StorageError
    from reader.core.models import Article

    # Chunks of 25 instead of 500 (a chunk is what is saved whole), prepared in this process:
    # the same path in a twentieth of the time (tests/cli/test_full_disk.py fills a real disk).
    monkeypatch.setattr(prepare, "CHUNK", 25)
    monkeypatch.setattr(prepare, "PARALLEL_PREPARE", False)
    body = " ".join(f"kata{n}" for n in range(400))
    library.import_articles([Article(title=f"Awal {n}", body=body) for n in range(3)])
    # SQLite's own page limit fills "the disk" for this connection: SQLITE_FULL, for real.
    conn = library._storage.connections.conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 60}")  # room for one chunk of 25
    many = [Article(title=f"Berita {n}", body=f"{body} nomor{n}") for n in range(75)]
    with pytest.raises(StorageError) as failure:
        library.import_articles(many)
    message = str(failure.value)
    assert message.startswith(f"{library.path}: the disk is full; ")
    saved = int(message.split("; ")[1].split()[0])
    assert saved == 25 and message.endswith("of this import were saved before it")
    conn.execute("PRAGMA max_page_count = 1073741823")
    assert library.count() == 3 + saved  # exactly what it said: nothing half-written
    assert library.search("awal", 10).hits


@pytest.mark.parametrize(
    "query, same_as",
    [
        ("NEAR(pekerja", "pekerja"),
        ("NEAR(pekerja migran)", "pekerja migran"),
        ("body:pekerja", "pekerja"),
        ("lead: pekerja", "pekerja"),
        ("{title lead body}: pekerja", "pekerja"),
        ("{title}:pekerja", "title:pekerja"),
    ],
)
def test_fts_syntax_searches_its_words(demo_library_ro: Library, query: str, same_as: str) -> None:
    expected = [h.id for h in demo_library_ro.search(same_as, 500).hits]
    assert expected
    assert [h.id for h in demo_library_ro.search(query, 500).hits] == expected


def test_a_huge_article_is_refused_alone_and_at_once(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    huge = json.dumps({"title": "Besar", "body": "kata " * 2_000_000})  # 10 million characters
    path.write_text(
        GOOD + "\n" + huge + "\n" + json.dumps({"title": "x" * 5000, "body": "y"}) + "\n"
    )
    result = library.import_inputs([str(path)])
    assert result.added == 1
    assert [f.message() for f in result.failed] == [
        f"{path}:2: the text is 10,000,000 characters, more than the 2,000,000 an article may have",
        f"{path}:3: the title is longer than 2,000 characters",
    ]


class Trickle:
    """A server on 127.0.0.1 that answers every request by sending `head`, then `drip` one
    byte at a time every `pause` seconds, for as long as the client listens. `answering(n)`
    waits until n requests are being answered (the fetches are under way)."""

    def __init__(self, head: bytes, drip: bytes, pause: float = 0.2) -> None:
        import socket

        self.head, self.drip, self.pause = head, drip, pause
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}/feed.xml"
        self.stop = threading.Event()
        self._answered = 0
        self._counted = threading.Condition()
        threading.Thread(target=self._serve, daemon=True).start()

    def answering(self, count: int, timeout: float = 30) -> bool:
        """Whether `count` requests are being answered within `timeout` seconds."""
        with self._counted:
            return self._counted.wait_for(lambda: self._answered >= count, timeout)

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn) -> None:  # type: ignore[no-untyped-def]
        import itertools

        with self._counted:
            self._answered += 1
            self._counted.notify_all()
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(self.head)
                for byte in itertools.cycle(self.drip):
                    if self.stop.wait(self.pause):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return

    def close(self) -> None:
        self.stop.set()
        self.server.close()


@pytest.mark.parametrize(
    "head, drip",
    [
        # the body, one byte at a time, with a length, without one, and chunked
        (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n",
            b"<rss>",
        ),
        (b"HTTP/1.0 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n", b"<rss>"),
        (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"1\r\nx\r\n",
        ),
        # the headers, one line at a time
        (b"HTTP/1.1 200 OK\r\n", b"X-Slow: 1\r\n"),
    ],
)
def test_the_timeout_bounds_the_whole_request(head: bytes, drip: bytes) -> None:
    from reader.core.errors import FetchError
    from reader.core.ingest.http import get

    server = Trickle(head, drip)
    box: list[BaseException] = []

    def fetch() -> None:
        try:
            get(server.url, timeout=0.3)
        except BaseException as error:
            box.append(error)

    worker = threading.Thread(target=fetch)
    worker.start()
    worker.join(20)
    server.close()
    assert not worker.is_alive(), "the request outlived its timeout"
    assert isinstance(box[0], FetchError) and str(box[0]) == "timed out after 0.3 s"


def test_a_cancelled_fetch_ends_at_once_and_leaves_the_feed_as_it_was(library: Library) -> None:
    from reader.core.errors import FetchError
    from reader.core.ingest.http import get

    server = Trickle(b"HTTP/1.0 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n", b"<rss>")
    library.add_feed(server.url)
    cancel = threading.Event()
    box: list[object] = []
    worker = threading.Thread(target=lambda: box.append(library.fetch(timeout=60, cancel=cancel)))
    worker.start()
    worker.join(0.5)
    assert worker.is_alive()  # still trickling
    cancel.set()
    worker.join(10)  # a timeout of 60 s: ending now is the cancel's doing
    assert not worker.is_alive()
    assert box == [[]]
    assert library.feeds()[0].last_fetched_at is None and library.feeds()[0].failures == 0
    with pytest.raises(FetchError, match=r"^cancelled$"):
        get(server.url, timeout=60, cancel=cancel)
    server.close()


def test_ctrl_c_in_an_import_says_what_was_saved(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.core.services.prepare as prepare
    from reader.core.errors import Interrupted
    from reader.core.models import Article

    # Chunks of 25 instead of 500 (only this process cuts them; the helper process prepares
    # what it is sent): the same path, with the helper, for a twentieth of the articles.
    monkeypatch.setattr(prepare, "CHUNK", 25)

    def articles():  # type: ignore[no-untyped-def]
        for n in range(200):
            if n == 160:
                raise KeyboardInterrupt
            yield Article(title=f"Berita {n}", body=f"Isi berita nomor {n}.")

    with pytest.raises(Interrupted) as stopped:
        library.import_articles(articles())
    message = str(stopped.value)
    assert message.startswith("interrupted; ")
    saved = int(message.split()[1])
    assert saved > 0 and saved % 25 == 0  # whole chunks only
    assert library.count() == saved  # exactly what it says
    # Stored and searchable; their stories, word counts and topics wait (and say so).
    assert message.endswith(
        f" articles of this import were saved; {saved} articles wait for story grouping, "
        "term statistics, topics (the next import finishes them)"
    )
    assert library.stats()["pending"] == saved


# Its helper process runs this file again as its main module, up to the __main__ block: the
# imports are inside it, so the helper loads only what it works with (as the console script's
# helper does), not the library.
IMPORT_FOREVER = """
import sys

if __name__ == "__main__":
    import reader.core.services.prepare as prepare
    from reader.core.library import open_library
    from reader.core.models import Article

    prepare.CHUNK = 50  # whole chunks sooner than with 500 (only this process cuts them)

    def articles():
        n = 0
        while True:
            n += 1
            yield Article(title=f"Berita {n}", body=f"Isi berita nomor {n} tentang upah buruh.")

    with open_library(sys.argv[1]) as library:
        library.import_articles(articles())
"""


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _stored(db: Path) -> int:
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:  # not created yet
        return 0


def _running(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGTERM"])
def test_a_killed_import_leaves_no_process_behind_and_a_whole_store(
    tmp_path: Path, signal_name: str
) -> None:
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "forever.py"
    script.write_text(IMPORT_FOREVER)
    db = tmp_path / "a.db"
    root = Path(__file__).resolve().parent.parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    importer = subprocess.Popen([sys.executable, str(script), str(db)], env=env)
    helpers: list[int] = []
    for _ in range(300):  # until the helper process (and its resource tracker) run
        helpers = _children(importer.pid)
        if helpers and db.exists():
            break
        time.sleep(0.1)
    assert helpers, "the import never started its helper process"
    for _ in range(300):  # until a chunk is written
        if db.exists() and _stored(db) >= 50:
            break
        time.sleep(0.05)
    helpers = _children(importer.pid)  # the helper and multiprocessing's resource tracker
    importer.send_signal(getattr(signal, signal_name))
    importer.wait(30)
    for _ in range(100):
        if not any(_running(pid) for pid in helpers):
            break
        time.sleep(0.1)
    assert not any(_running(pid) for pid in helpers), "a helper outlived the import"
    with open_library(db) as library:
        count = library.count()
        assert count >= 50 and count % 50 == 0  # whole chunks only
        if count:
            assert len(library.search("upah buruh", 10).hits) == 10


# The fetcher's handling of a broken answer, above the store (feeds fetched into PostgreSQL:
# test_feeds' [postgres] cases).
@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "answer, reason",
    [
        (
            b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: 1\r\n" % n for n in range(150)) + b"\r\n",
            "cannot fetch (got more than 100 headers)",
        ),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nxx\r\n", "cannot fetch ("),
        (b"HTTTP/9 banana\r\n\r\n", "cannot fetch ("),
        (
            b"HTTP/1.1 404 Not Found\x1b]52;c;aGk=\x07\x1b[2J\r\nContent-Length: 0\r\n\r\n",
            "HTTP 404 Not Found",
        ),
    ],
)
def test_broken_http_is_one_failure_and_the_other_feeds_arrive(
    library: Library, answer: bytes, reason: str
) -> None:
    from tests.localserver import LocalServer, serve_standard_feeds

    broken = Trickle(answer, b"", pause=0.05)
    with LocalServer() as server:
        served = serve_standard_feeds(server)
        good = [served["rss"], served["atom"], served["json"]]
        for url in [*good, broken.url]:
            library.add_feed(url)
        results = {r.url: r for r in library.fetch(timeout=5)}
    broken.close()
    failure = results[broken.url]
    assert failure.failed and failure.error.startswith(reason), failure.error
    assert "\x1b" not in failure.error and "\x07" not in failure.error
    assert all(not results[url].failed and results[url].added for url in good)
