"""No escape from outside reaches the terminal (issue 13): escape sequences, BEL, C1 controls and
bidi overrides sent through an HTTP reason phrase, a response header, a feed's title, a URL and
an exception message never come out of the command (in-process and as the installed script)
nor out of the reader (Pilot), whose every path goes through one function,
reader.core.clean.safe_text.

The core cleans what it stores; the second half stores hostile text behind its back, as an
older version or a bug could, to show that the output side is safe on its own.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from reader.cli import output
from reader.core.clean import safe_text
from reader.core.db.sqlite import sqlite3
from reader.core.library import open_library
from tests.cli.conftest import Invoke

# A clipboard write (OSC 52), a screen clear, an 8-bit CSI, a window title, BEL, a bidi override.
HOSTILE = "\x1b]52;c;aGk=\x07\x1b[2J\x9b31m\x1b]0;owned\x07\u202e"
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
COMMAND = shutil.which("kemnaker-reader", path=str(Path(sys.executable).parent))


def _clean(text: str, where: str) -> None:
    found = FORBIDDEN.search(text)
    assert found is None, f"{where}: {found.group()!r} in {text!r}"


def _rss(title: bytes, link: bytes) -> bytes:
    body = (
        b"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>"
        + title
        + b"</title><link>http://kabar.example/</link><item><title>Upah buruh naik tahun depan"
        b"</title><link>" + link + b"</link><description>Upah buruh naik tahun depan di seluruh"
        b" provinsi, kata menteri.</description></item></channel></rss>"
    )
    head = b"HTTP/1.0 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: %d\r\n\r\n"
    return head % len(body) + body


RAW = HOSTILE.encode("latin-1", "replace")  # as a server's bytes (http.client reads latin-1)
ANSWERS = {
    # the reason phrase
    "/reason.xml": b"HTTP/1.1 404 Not Found" + RAW + b"\r\nContent-Length: 0\r\n\r\n",
    # a header: a redirect's Location, quoted when it is refused
    "/moved.xml": b"HTTP/1.1 301 Moved\r\nLocation: file:///etc/" + RAW + b"\r\n\r\n",
    # an exception message quoting the server's bytes (a bad status line)
    "/status.xml": b"HTTTP/9 banana" + RAW + b"\r\n\r\n",
    # a feed's title, and an article's link (a URL)
    "/titled.xml": _rss(
        b"Kabar &#155;31m Buruh" + RAW.replace(b"\x9b", b"").replace(b"\xe2", b""),
        b"http://kabar.example/a" + RAW.replace(b"\x9b", b"").replace(b"\xe2", b""),
    ),
}


class RawServer:
    """Answers each path with fixed bytes, whatever HTTP forbids."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                request = conn.recv(65536).decode("latin-1")
                path = request.split(" ")[1] if request.count(" ") >= 2 else "/"
                conn.sendall(ANSWERS.get(path, b"HTTP/1.0 404 Not Found\r\n\r\n"))


@pytest.fixture(scope="module")
def fetched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, RawServer]]:
    """A store following the four hostile feeds, fetched once (their failures recorded)."""
    server = RawServer()
    db = tmp_path_factory.mktemp("hostile") / "articles.db"
    with open_library(db) as library:
        for path in ANSWERS:
            library.add_feed(server.base + path)
        library.fetch(timeout=5)
    yield db, server
    server.server.close()


def test_the_command_prints_no_escape_from_a_server(
    invoke: Invoke, fetched: tuple[Path, RawServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, server = fetched
    db = tmp_path / "articles.db"
    shutil.copy(source, db)
    # A URL given on the command line: refused in one line that shows no escape.
    out = invoke(db, "feeds", "add", server.base + "/u" + HOSTILE + ".xml")
    assert out.exit_code == 1
    [line] = out.stderr.splitlines()
    assert "not a URL (it holds spaces or control characters)" in line
    _clean(out.stderr, "feeds add")
    # Fetching again: one line per failed feed, each naming the server's words without escapes.
    out = invoke(db, "fetch", "--timeout", "5")
    assert out.exit_code == 1
    said = out.stderr
    _clean(said, "fetch")
    assert "/reason.xml: HTTP 404 Not Found" in said
    assert "/moved.xml: redirect to a non-http(s) URL refused" in said
    assert "/status.xml: cannot fetch (HTTTP/9 banana" in said
    for args in (["fetch", "--json"], ["feeds", "list", "--json"]):
        out = invoke(db, *args)
        _clean(out.stdout, " ".join(args))
        json.loads(out.stdout)  # escaped, still the data
    for terminal in (False, True):  # plain lines, then rich tables
        monkeypatch.setattr(output, "stdout_is_terminal", lambda terminal=terminal: terminal)
        for args in (["feeds", "list"], ["search", "upah", "buruh"], ["show", "1"]):
            out = invoke(db, *args)
            assert out.exit_code == 0, out.stderr
            _clean(out.stdout + out.stderr, " ".join(args))
        assert "Kabar" in invoke(db, "feeds", "list").stdout


@pytest.mark.skipif(COMMAND is None, reason="the console script is not installed")
def test_the_installed_command_prints_no_escape_from_a_server(
    fetched: tuple[Path, RawServer], tmp_path: Path
) -> None:
    source, _ = fetched
    db = tmp_path / "articles.db"
    shutil.copy(source, db)
    assert COMMAND is not None
    env = {k: v for k, v in os.environ.items() if k != "KEMNAKER_READER_DB"}
    done = subprocess.run(
        [COMMAND, "--db", str(db), "fetch", "--timeout", "5"],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    for stream in (done.stdout, done.stderr):
        _clean(stream.decode("utf-8"), "fetch")
    assert b"/reason.xml: HTTP 404 Not Found" in done.stderr
    assert b"/status.xml: cannot fetch (HTTTP/9 banana" in done.stderr


def _store_hostile_text(db: Path) -> None:
    """What the core would never store, stored anyway."""
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE feeds SET title = ?, last_error = ?", (f"Kabar{HOSTILE}", HOSTILE))
        conn.execute(
            "UPDATE articles SET title = ?, source = ?, url = ?",
            (f"Upah{HOSTILE} buruh", f"Kabar{HOSTILE}", f"http://kabar.example/{HOSTILE}"),
        )


def test_what_the_store_holds_is_shown_without_escapes_anyway(
    invoke: Invoke, fetched: tuple[Path, RawServer], tmp_path: Path
) -> None:
    source, _ = fetched
    db = tmp_path / "articles.db"
    shutil.copy(source, db)
    _store_hostile_text(db)
    for args in (["feeds", "list"], ["search", "upah"], ["show", "1"], ["related", "1"]):
        out = invoke(db, *args)
        assert out.exit_code == 0, out.stderr
        _clean(out.stdout + out.stderr, " ".join(args))
    assert "Upah buruh" in invoke(db, "show", "1").stdout


def test_the_reader_shows_no_escape_from_a_server_or_the_store(
    fetched: tuple[Path, RawServer], tmp_path: Path
) -> None:
    from reader.ui.app import make_app
    from reader.ui.config import UIConfig

    source, _ = fetched
    db = tmp_path / "articles.db"
    shutil.copy(source, db)
    _store_hostile_text(db)
    shown: list[str] = []

    async def scenario() -> None:
        with open_library(db) as library:
            app = make_app(library, UIConfig(start_view="all", cursor_blink=False))
            async with app.run_test(size=(160, 40)) as pilot:
                app.fetch_feeds()  # "Fetch feeds" of the palette: the failures are told
                for _ in range(200):
                    await pilot.pause(0.02)
                    if any("failed" in n.message for n in app._notifications):
                        break
                # An exception that is not the core's: its message is shown, escapes and all
                app.notify(f"Something failed: ValueError: {HOSTILE}", markup=False)
                await pilot.pause()
                shown.extend(n.message + n.title for n in app._notifications)
                strips = app.screen._compositor.render_strips()
                shown.append("\n".join(strip.text for strip in strips))
                shown.append(app.export_screenshot())

    asyncio.run(scenario())
    told = [text for text in shown[:-2] if text.startswith("4 feeds: 1 new article")]
    assert told and "reason.xml" in told[0] and "HTTP 404 Not Found" in told[0], shown[:-2]
    screen = shown[-2]
    assert "Kabar" in screen and "Upah buruh" in screen  # the navigator, the list, the article
    for text in shown:
        _clean(text, "the reader")


def test_safe_text_is_the_one_function_and_keeps_the_words() -> None:
    assert safe_text(f"Upah{HOSTILE} naik\r\nlagi\tya") == "Upah naik lagi ya"
    assert safe_text(f"satu{HOSTILE}\n\ndua\tkolom", multiline=True) == "satu\n\ndua\tkolom"
    assert output.safe is not None and output.safe("a\x1b[1mb") == safe_text("a\x1b[1mb")
