"""Writing a whole file, or none of it: what the command line's `export -o`, the reader's saved
list, its search history and its config file share."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, TypeVar

_T = TypeVar("_T")


def write_whole(path: Path, write: Callable[[IO[str]], _T]) -> _T:
    """Call `write` on a new file beside `path`, then move it over `path`: a failure (or a
    crash) never leaves half a file, and an older file of that name stays as it was. Made as
    any new file is (0666 less the umask). Raises OSError when it cannot be written."""
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as out:
            result = write(out)
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return result
