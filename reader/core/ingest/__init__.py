"""Importers: every input format yields the same Article model (or an ImportFailure).

`read_inputs` takes files, directories (walked recursively) and http(s) URLs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from reader.core.ingest.fetch import FetchError, fetch
from reader.core.ingest.jsonl import parse_json, parse_jsonl
from reader.core.ingest.plaintext import PlainTextError, parse_plaintext
from reader.core.models import Article, ImportFailure

SUFFIXES = {".txt", ".jsonl", ".json"}
MAX_FILE_BYTES = 256 * 1024 * 1024

Item = Article | ImportFailure


def read_inputs(inputs: Iterable[str]) -> Iterator[Item]:
    """Articles from each input in turn; what cannot be read becomes an ImportFailure."""
    for name in inputs:
        if name.lower().startswith(("http://", "https://")):
            yield from read_url(name)
            continue
        path = Path(name)
        if path.is_dir():
            for file in _walk(path):
                yield from read_file(file)
        elif path.exists():
            yield from read_file(path)
        else:
            yield ImportFailure(name, None, "no such file or directory")


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root, name)
            if path.suffix.lower() in SUFFIXES and not name.startswith("."):
                yield path


def read_file(path: Path) -> Iterator[Item]:
    origin = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield ImportFailure(origin, None, f"unsupported file type {suffix or '(none)'!r}; "
                            "expected .txt, .jsonl or .json")  # fmt: skip
        return
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            yield ImportFailure(origin, None, "file larger than 256 MiB")
            return
        if suffix == ".jsonl":  # streamed: a large file never sits in memory whole
            with path.open("rb") as handle:
                yield from parse_jsonl(_decoded_lines(handle, origin), origin)
            return
        data = path.read_bytes()
    except OSError as error:
        yield ImportFailure(origin, None, f"cannot read ({error.strerror or error})")
        return
    yield from parse_bytes(data, origin, suffix)


def _decoded_lines(handle, origin: str) -> Iterator[str | ImportFailure]:
    for number, raw in enumerate(handle, start=1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            yield ImportFailure(origin, number, f"not UTF-8 text (byte {error.start})")
            continue
        yield line


def parse_bytes(data: bytes, origin: str, suffix: str) -> Iterator[Item]:
    """Parse the contents of one input whose format is told by `suffix`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        yield ImportFailure(origin, None, f"not UTF-8 text (byte {error.start})")
        return
    if suffix == ".jsonl":
        yield from parse_jsonl(text.splitlines(), origin)
    elif suffix == ".json":
        yield from parse_json(text, origin)
    else:
        try:
            yield parse_plaintext(text, origin)
        except PlainTextError as error:
            yield ImportFailure(origin, None, str(error))


def read_url(url: str) -> Iterator[Item]:
    try:
        data, suffix = fetch(url)
    except FetchError as error:
        yield ImportFailure(url, None, str(error))
        return
    yield from parse_bytes(data, url, suffix)
