"""Saving the list as a Markdown file (the reader's E): written beside its place and moved there
when complete, so a failure never leaves half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from reader.core.library import Library
from reader.core.models import HeadlineFilter


def write_markdown(
    library: Library, path: Path, view: HeadlineFilter, query: str | None, title: str
) -> int:
    """The view's articles (only those with every word of `query`, when given) as Markdown at
    `path`; how many. Raises OSError when the file cannot be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            written = library.export(out, "md", query=query, view=view, title=title)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return written
