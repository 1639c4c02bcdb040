"""Writing articles out: Markdown, CSV or JSON Lines, to any text stream.

Every field passes through `safe_text` first (no escape sequence or control character from
outside reaches a file someone may `cat`), and each format keeps outside text as data:
Markdown escapes what would be markup, CSV guards cells a spreadsheet would run as formulas,
JSON escapes what it carries.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from typing import IO

from reader.core.clean import safe_text
from reader.core.models import StoredArticle

FORMATS = ("md", "csv", "jsonl")
FIELDS = ("id", "title", "url", "source", "published_at")

# Inline characters Markdown (CommonMark and GitHub's) would read as markup; a backslash before
# any ASCII punctuation makes it a plain character.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&~|!])")
# What makes a line a heading, quote, list item, rule or setext underline where it starts
# (">", "*" and the rest are escaped wherever they stand).
_MD_LINE_START = re.compile(r"^(\s*)([#+=-])")
_MD_ORDERED = re.compile(r"^(\s*\d+)([.)])(?=\s|$)")
# A cell a spreadsheet would take for a formula (OWASP's CSV injection rule).
_FORMULA = re.compile(r"^[=+\-@\t\r]")


def markdown_text(text: str) -> str:
    """Outside text as Markdown that shows it as it is (never as markup)."""
    lines = _MD_INLINE.sub(r"\\\1", text).split("\n")
    lines = [_MD_LINE_START.sub(r"\1\\\2", line) for line in lines]
    return "\n".join(_MD_ORDERED.sub(r"\1\\\2", line) for line in lines)


def _fields(article: StoredArticle) -> dict[str, object]:
    return {
        "id": article.id,
        "title": safe_text(article.title),
        "url": safe_text(article.url) or None,
        "source": safe_text(article.source) or None,
        "published_at": safe_text(article.published_at) or None,
    }


def write_articles(
    articles: Iterable[StoredArticle], fmt: str, out: IO[str], title: str | None = None
) -> int:
    """Write `articles` to `out` in `fmt` ("md", "csv" or "jsonl"); how many were written.

    Markdown: an optional `# title`, then per article a `## title` heading, a list of its id,
    URL, source and date, and its body. CSV: a header row and the fields without the body.
    JSON Lines: one object per article, the body included.
    """
    if fmt not in FORMATS:
        raise ValueError(f"not an export format: {fmt!r} (expected md, csv or jsonl)")
    count = 0
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(FIELDS)
        for article in articles:
            row = _fields(article)
            writer.writerow([_cell(row[name]) for name in FIELDS])
            count += 1
        return count
    if fmt == "md" and title:
        out.write(f"# {markdown_text(safe_text(title))}\n\n")
    for article in articles:
        body = safe_text(article.body, multiline=True)
        if fmt == "jsonl":
            record = _fields(article) | {"body": body}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            out.write(_markdown(_fields(article), body))
        count += 1
    return count


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if _FORMULA.match(text) else text


def _markdown(fields: dict[str, object], body: str) -> str:
    lines = [f"## {markdown_text(str(fields['title']))}", ""]
    for name in ("id", "url", "source", "published_at"):
        value = fields[name]
        if value is not None:
            lines.append(f"- {name}: {markdown_text(str(value))}")
    lines.append("")
    paragraphs = [markdown_text(p) for p in body.split("\n\n") if p.strip()]
    return "\n".join(lines) + "\n" + "\n\n".join(paragraphs) + "\n\n"
