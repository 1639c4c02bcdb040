"""The seed's plain-text layout (.txt).

Line 1 is the title; the lead starts with "<source>, <DATELINE> - "; then one paragraph per line
(blank lines between paragraphs are accepted too); trailing lines starting with "- " are the
article's related headlines; a lead repeated at the end is dropped.
"""

from __future__ import annotations

import re

from reader.core.clean import clean_line, clean_text
from reader.core.dates import find_day_month, parse_date
from reader.core.errors import InputError
from reader.core.models import Article, RelatedHeadline

_LEAD = re.compile(
    r"^(?P<source>[^,\s][^,]{1,60}?)\s*,\s*"
    r"(?P<dateline>[A-Z][A-Z .'/]{1,40}?)\s*[-–—]+\s+(?P<rest>.+)$"
)
_HEADLINE = re.compile(r"^[-–•*]\s+(?P<title>.+)$")


def parse_plaintext(text: str, origin: str | None = None) -> Article:
    """Parse one article in the seed's layout; raise InputError when there is none."""
    lines = [clean_line(line) for line in clean_text(text).split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        raise InputError("empty file")
    title, rest = lines[0], lines[1:]
    related: list[RelatedHeadline] = []
    while rest and (headline := _HEADLINE.match(rest[-1])):
        related.insert(0, RelatedHeadline(headline["title"].strip()))
        rest.pop()
    if not rest:
        raise InputError("no body text after the title")
    source = dateline = None
    match = _LEAD.match(rest[0])
    if match:
        source, dateline = match["source"].strip(), match["dateline"].strip()
        rest[0] = match["rest"].strip()
    if len(rest) > 1 and _same(rest[-1], rest[0]):
        rest.pop()
    body = "\n\n".join(rest)
    raw = find_day_month(body)
    return Article(
        title=title,
        body=body,
        source=source,
        dateline=dateline,
        published_at=parse_date(raw) if raw else None,
        published_raw=raw,
        origin=origin,
        related=related,
    )


def _same(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())
