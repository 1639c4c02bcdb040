"""The search history: the queries run, oldest first, kept in a file between runs.

Up and Down in the search box walk it (newest first); a query run again moves to the end. The
file is one query per line; losing it loses nothing else, so a file that cannot be read or
written leaves the history empty or unsaved and says why once.
"""

from __future__ import annotations

from pathlib import Path

from reader.core.files import write_whole


class SearchHistory:
    def __init__(self, path: Path | None, limit: int = 100) -> None:
        self.path = path
        self.limit = max(0, limit)
        self.queries: list[str] = []
        self.problem: str | None = None  # why the file could not be read or written
        self._step = 0  # how far back Up has gone: 0 is the box as typed
        self._typed = ""  # what was in the box before Up
        self._unsaved = False  # a query added since the file was last written

    def load(self) -> SearchHistory:
        if self.path is None or self.limit == 0:
            return self
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return self
        except (OSError, UnicodeDecodeError) as error:
            self.problem = f"search history {self.path}: not read ({error})"
            return self
        lines = [line.strip() for line in text.splitlines()]
        self.queries = [line for line in lines if line][-self.limit :]
        return self

    def add(self, query: str, save: bool = True) -> None:
        """Remember a query that was run (on one line), and save the history (or, with
        `save=False`, leave that to `flush`)."""
        query = " ".join(query.split())
        self.reset()
        if not query or self.limit == 0:
            return
        if query in self.queries:
            self.queries.remove(query)
        self.queries.append(query)
        del self.queries[: -self.limit]
        self._unsaved = True
        if save:
            self.flush()

    def flush(self) -> None:
        """Save the history if a query was added since it was last saved."""
        if self._unsaved:
            self._unsaved = False
            self._save()

    def reset(self) -> None:
        """Back to the box as typed (a new search begins)."""
        self._step = 0
        self._typed = ""

    def older(self, typed: str) -> str | None:
        """The query before the one shown (Up); None at the oldest."""
        if self._step >= len(self.queries):
            return None
        if self._step == 0:
            self._typed = typed
        self._step += 1
        return self.queries[-self._step]

    def newer(self) -> str | None:
        """The query after the one shown (Down), and at the end what was typed; None when
        nothing was gone back to."""
        if self._step == 0:
            return None
        self._step -= 1
        return self.queries[-self._step] if self._step else self._typed

    def _save(self) -> None:
        if self.path is None:
            return
        text = "".join(f"{query}\n" for query in self.queries)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_whole(self.path, lambda out: out.write(text))
        except OSError as error:
            self.problem = f"search history {self.path}: not saved ({error})"
            self.path = None  # said once; kept in memory for this run
