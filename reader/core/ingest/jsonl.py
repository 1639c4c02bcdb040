"""JSON Lines and JSON articles.

Each object needs `title` and one of `body`/`content`/`text`; optional `url`, `source`,
`published`/`date`, `dateline`, `category`, `related` (strings or {title, url}).
A .json file holds one object, a list of them, or {"articles": [...]}.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from typing import Any, Literal, overload

from reader.core.dates import parse_date
from reader.core.errors import EntryError
from reader.core.models import Article, ImportFailure, RelatedHeadline, Unbuilt

BODY_KEYS = ("body", "content", "text")
DATE_KEYS = ("published", "published_at", "date")

log = logging.getLogger(__name__)


# json.loads recurses once per level: a line nested thousands deep is refused, not a crash.
TOO_DEEP = "invalid JSON (nested too deeply)"


@overload
def parse_jsonl(
    lines: Iterable[str | ImportFailure], origin: str, lazy: Literal[False] = False
) -> Iterator[Article | ImportFailure]: ...
@overload
def parse_jsonl(
    lines: Iterable[str | ImportFailure], origin: str, lazy: bool = False
) -> Iterator[Article | ImportFailure | Unbuilt]: ...
def parse_jsonl(
    lines: Iterable[str | ImportFailure], origin: str, lazy: bool = False
) -> Iterator[Article | ImportFailure | Unbuilt]:
    """One article per non-blank line; a bad line is reported and the rest still read.
    `lazy`: each line comes as an Unbuilt, decoded where the import prepares articles."""
    seen = False
    for number, line in enumerate(lines, start=1):
        if isinstance(line, ImportFailure):
            seen = True
            yield line
            continue
        if not line.strip():
            continue
        seen = True
        yield (
            Unbuilt(built_line, (line, origin, number))
            if lazy
            else built_line(line, origin, number)
        )
    if not seen:
        yield ImportFailure(origin, None, "no articles in the file (it is empty)")


def built_line(line: str, origin: str, number: int) -> Article | ImportFailure:
    """The article of one line of JSON Lines, or why it has none. An error of the code that
    makes it costs this line alone (an Unbuilt is built outside the parser's own guard)."""
    try:
        value = json.loads(line.rstrip("\r\n"))
    except json.JSONDecodeError as error:
        return ImportFailure(origin, number, f"invalid JSON ({error.msg}, column {error.colno})")
    except RecursionError:
        return ImportFailure(origin, number, TOO_DEEP)
    try:
        return _entry(value, origin, number)
    except Exception as error:  # the edge cases of the code below, as reader.core.ingest's guard
        log.warning("line %s of %s failed", number, origin, exc_info=True)
        return ImportFailure(
            origin, number, f"cannot read it ({type(error).__name__}: {error})"[:200]
        )


def parse_json(text: str, origin: str) -> Iterator[Article | ImportFailure]:
    """A whole JSON document: an object, a list of objects, or {"articles": [...]}."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        yield ImportFailure(
            origin, error.lineno, f"invalid JSON ({error.msg}, column {error.colno})"
        )
        return
    except RecursionError:
        yield ImportFailure(origin, None, TOO_DEEP)
        return
    if isinstance(value, dict) and isinstance(value.get("articles"), list):
        value = value["articles"]
    if isinstance(value, list):
        if not value:
            yield ImportFailure(origin, None, "no articles in the file (an empty list)")
        for number, entry in enumerate(value, start=1):
            failure_or_article = _entry(entry, origin, number)
            if isinstance(failure_or_article, ImportFailure):
                failure_or_article.error = f"entry {number}: {failure_or_article.error}"
                failure_or_article.line = None
            yield failure_or_article
    else:
        yield _entry(value, origin, None)


def _entry(value: Any, origin: str, line: int | None) -> Article | ImportFailure:
    try:
        return article_from_dict(value, origin, line)
    except EntryError as error:
        return ImportFailure(origin, line, str(error))


def article_from_dict(value: Any, origin: str | None = None, line: int | None = None) -> Article:
    """Build an Article from one JSON object; raise EntryError saying what is wrong."""
    if not isinstance(value, dict):
        raise EntryError(f"expected a JSON object, got {type(value).__name__}")
    title = _text(value, "title")
    if not title or not title.strip():
        raise EntryError('missing "title"')
    body = next((_text(value, key) for key in BODY_KEYS if value.get(key) is not None), None)
    if not body or not body.strip():
        raise EntryError('missing "body" (or "content" / "text")')
    raw_date = next((_text(value, key) for key in DATE_KEYS if value.get(key) is not None), None)
    url = _text(value, "url")
    if url and not url.lower().startswith(("http://", "https://")):
        raise EntryError(f'"url" is not an http(s) URL: {url[:60]!r}')
    return Article(
        title=title,
        body=body,
        url=url,
        source=_text(value, "source"),
        dateline=_text(value, "dateline"),
        published_at=parse_date(raw_date),
        published_raw=raw_date,
        category=_text(value, "category"),
        origin=origin,
        line=line,
        related=_related(value.get("related")),
    )


def _text(value: dict[str, Any], key: str) -> str | None:
    item = value.get(key)
    if item is None:
        return None
    if isinstance(item, (int, float)) and not isinstance(item, bool) and key in DATE_KEYS:
        return str(item)
    if not isinstance(item, str):
        raise EntryError(f'"{key}" must be a string, got {type(item).__name__}')
    return item


def _related(value: Any) -> list[RelatedHeadline]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise EntryError('"related" must be a list')
    related = []
    for item in value:
        if isinstance(item, str):
            related.append(RelatedHeadline(item))
        elif isinstance(item, dict) and isinstance(item.get("title"), str):
            url = item.get("url")
            related.append(RelatedHeadline(item["title"], url if isinstance(url, str) else None))
        else:
            raise EntryError('"related" entries must be strings or {"title", "url"} objects')
    return related
