"""`fetch --max-size` and the config's fetch_max_size (issue 11: a feed larger than the limit),
against a local HTTP server; and a large body waiting on disk, not in memory, while it arrives."""

from __future__ import annotations

import tracemalloc
import zlib
from pathlib import Path

import pytest

from reader.core.errors import FetchError
from reader.core.ingest.http import SPOOL_BYTES, get
from reader.core.library import Library
from tests.cli.conftest import Invoke, lines
from tests.localserver import LocalServer, Route

MIB = 1024 * 1024
ITEMS = 40


def _feed_parts(size: int, items: int, tag: str) -> tuple[bytes, int, bytes]:
    """feed_of_size's feed as what comes before its padding, the padding's length, and what
    comes after it."""
    entries = "".join(
        f"<item><title>Berita {tag}{n} tentang upah minimum</title>"
        f"<link>https://besar.example.id/{tag}{n}</link>"
        f"<description>Serikat pekerja membahas upah minimum ke-{n}.</description></item>"
        for n in range(items)
    )
    head = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Besar</title><link>https://besar.example.id/</link>{entries}"
    ).encode()
    tail = b"</channel></rss>\n"
    padding = size - len(head) - len(tail) - len(b"<!---->")
    assert padding >= 0
    return head + b"<!--", padding, b"-->" + tail


def feed_of_size(size: int, items: int = ITEMS, tag: str = "") -> bytes:
    """An RSS feed of `items` entries, padded with an XML comment to exactly `size` bytes."""
    head, padding, tail = _feed_parts(size, items, tag)
    return head + b"x" * padding + tail


def gzipped_feed_of_size(size: int) -> bytes:
    """feed_of_size(size), gzipped, compressed a mebibyte of padding at a time: a feed of tens
    of MiB is never held whole (building and copying it cost more than compressing it)."""
    head, padding, tail = _feed_parts(size, ITEMS, "")
    packer = zlib.compressobj(1, wbits=31)  # gzip's format, gzip.compress(compresslevel=1)
    parts = [packer.compress(head)]
    piece = b"x" * MIB
    for _ in range(padding // MIB):
        parts.append(packer.compress(piece))
    parts += [packer.compress(b"x" * (padding % MIB) + tail), packer.flush()]
    return b"".join(parts)


def _follow(invoke: Invoke, db: Path, url: str) -> None:
    assert invoke(db, "feeds", "add", url).exit_code == 0


def _config(tmp_path: Path, text: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("declare_length", [True, False])
def test_a_feed_over_the_limit_is_one_line_naming_the_option_and_the_key(
    invoke: Invoke, library: Library, server: LocalServer, tmp_path: Path, declare_length: bool
) -> None:
    url = server.serve("/big.xml", Route(feed_of_size(MIB + 100), declare_length=declare_length))
    _follow(invoke, library.path, url)
    out = invoke(
        library.path, "fetch", "--max-size", "1", KEMNAKER_READER_CONFIG=_config(tmp_path, "")
    )
    assert out.exit_code == 1
    assert lines(out.stderr) == [
        f"kemnaker-reader: {url}: response larger than 1 MiB; raise the limit with "
        "'fetch --max-size MIB' or fetch_max_size (MiB) in the [ui] table of the config file"
    ]
    assert library.count() == 0


def test_a_feed_just_under_the_limit_imports(
    invoke: Invoke, library: Library, server: LocalServer, tmp_path: Path
) -> None:
    url = server.serve("/big.xml", Route(feed_of_size(MIB - 100), declare_length=False))
    _follow(invoke, library.path, url)
    out = invoke(
        library.path, "fetch", "--max-size", "1", KEMNAKER_READER_CONFIG=_config(tmp_path, "")
    )
    assert (out.exit_code, out.stderr) == (0, "")
    assert f"{ITEMS} articles added" in out.stdout
    assert library.count() == ITEMS


def test_the_limit_comes_from_the_config_and_the_option_wins(
    invoke: Invoke, library: Library, server: LocalServer, tmp_path: Path
) -> None:
    url = server.serve("/big.xml", Route(feed_of_size(int(1.5 * MIB))))
    _follow(invoke, library.path, url)
    small = _config(tmp_path, "[ui]\nfetch_max_size = 1\n")
    out = invoke(library.path, "fetch", KEMNAKER_READER_CONFIG=small)
    assert out.exit_code == 1 and "response larger than 1 MiB" in out.stderr
    out = invoke(library.path, "fetch", "--max-size", "2", KEMNAKER_READER_CONFIG=small)
    assert (out.exit_code, out.stderr) == (0, "")
    assert library.count() == ITEMS
    # The config's value alone, large enough: the feed is fetched again (no validators here).
    server.serve("/big.xml", Route(feed_of_size(int(1.5 * MIB), tag="b")))
    larger = _config(tmp_path, "[ui]\nfetch_max_size = 1.75\n")
    out = invoke(library.path, "fetch", KEMNAKER_READER_CONFIG=larger)
    assert (out.exit_code, out.stderr) == (0, "")
    assert library.count() == 2 * ITEMS


def test_the_default_limit_is_50_mib_and_a_bad_config_value_is_named(
    invoke: Invoke, library: Library, server: LocalServer, tmp_path: Path
) -> None:
    # A gzipped body is measured unpacked: 51 MiB of feed in a few kB on the wire.
    body = gzipped_feed_of_size(51 * MIB)
    url = server.serve("/bomb.xml", Route(body, headers={"Content-Encoding": "gzip"}))
    _follow(invoke, library.path, url)
    config = _config(tmp_path, '[ui]\nfetch_max_size = "big"\n')
    out = invoke(library.path, "fetch", KEMNAKER_READER_CONFIG=config)
    assert out.exit_code == 1
    assert lines(out.stderr) == [
        f"kemnaker-reader: {config}: [ui] fetch_max_size = 'big' ignored: not a size in MiB "
        "(more than 0, at most 4,096)",
        f"kemnaker-reader: {url}: response larger than 50 MiB; raise the limit with "
        "'fetch --max-size MIB' or fetch_max_size (MiB) in the [ui] table of the config file",
    ]


@pytest.mark.parametrize("value", ["0", "-1", "lots", "5000"])
def test_a_bad_max_size_is_a_usage_error(invoke: Invoke, library: Library, value: str) -> None:
    out = invoke(library.path, "fetch", "--max-size", value)
    assert out.exit_code == 2
    assert len(lines(out.stderr)) == 1 and "--max-size" in out.stderr


def test_a_large_body_waits_on_disk_while_it_arrives(server: LocalServer) -> None:
    body = feed_of_size(12 * MIB)
    url = server.serve("/big.xml", Route(body))
    tracemalloc.start()
    try:
        response = get(url, max_bytes=16 * MIB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A bytes body held it whole, twice at the join; a spooled one holds at most SPOOL_BYTES.
    assert peak < 3 * SPOOL_BYTES
    assert response.head(5) == b"<?xml" and response.body == body
    response.close()
    with pytest.raises(FetchError, match="response larger than 8 MiB"):
        get(url, max_bytes=8 * MIB)
