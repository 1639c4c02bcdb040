"""Followed feeds and what each one's last fetch learnt; plain rows, written with sqlite-utils."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from reader.core.db.connection import Database, RowTable
from reader.core.models import Feed

_SELECT = ", ".join(f.name for f in fields(Feed))


class Feeds:
    def __init__(self, connections: Database) -> None:
        self._db = connections

    def _table(self) -> RowTable:
        return self._db.table("feeds")

    def add(self, url: str, title: str | None, added_at: str) -> bool:
        """Follow `url`; False when it was followed already."""
        table = self._table()
        before = table.count_where("url = ?", [url])
        if before:
            return False
        table.insert({"url": url, "title": title, "added_at": added_at}, ignore=True)
        return True

    def remove(self, url: str) -> bool:
        table = self._table()
        if not table.count_where("url = ?", [url]):
            return False
        table.delete_where("url = ?", [url])
        return True

    def all(self) -> list[Feed]:
        """Every feed, in the order they were added."""
        rows = self._table().rows_where(order_by="id", select=_SELECT)
        return [Feed(**row) for row in rows]

    def get(self, url: str) -> Feed | None:
        rows = list(self._table().rows_where("url = ?", [url], select=_SELECT))
        return Feed(**rows[0]) if rows else None

    def rename(self, url: str, new_url: str) -> None:
        table = self._table()
        row = next(iter(table.rows_where("url = ?", [url], select="id")), None)
        if row is not None:
            table.update(row["id"], {"url": new_url})

    def set_kind(self, url: str, kind: str) -> None:
        table = self._table()
        row = next(iter(table.rows_where("url = ?", [url], select="id")), None)
        if row is not None:
            table.update(row["id"], {"kind": kind})

    def record_failure(self, url: str, fetched_at: str, status: int | None, error: str) -> None:
        """The feed failed as a whole: its validators stay, so the next fetch asks again."""
        self._update(
            url,
            {
                "last_fetched_at": fetched_at,
                "last_status": status,
                "last_error": error,
                "last_added": 0,
            },
            failed=True,
        )

    def record_fetch(
        self,
        url: str,
        *,
        fetched_at: str,
        status: int,
        etag: str | None,
        last_modified: str | None,
        error: str | None,
        added: int,
        title: str | None,
    ) -> None:
        values: dict[str, Any] = {
            "etag": etag,
            "last_modified": last_modified,
            "last_fetched_at": fetched_at,
            "last_status": status,
            "last_error": error,
            "last_added": added,
        }
        if title is not None:
            values["title"] = title
        self._update(url, values, failed=error is not None)

    def _update(self, url: str, values: dict[str, Any], failed: bool) -> None:
        table = self._table()
        row = next(iter(table.rows_where("url = ?", [url], select="id, failures")), None)
        if row is None:
            return
        values["failures"] = row["failures"] + 1 if failed else 0
        table.update(row["id"], values)
