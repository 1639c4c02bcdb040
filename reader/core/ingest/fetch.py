"""Fetching one input over http(s) and telling which format it is in.

The transfer itself (timeouts, size limit, redirects, conditional GET) is `reader.core.ingest.http`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from reader.core.errors import FetchError
from reader.core.ingest.urls import MAX_BYTES, TIMEOUT

if TYPE_CHECKING:  # ingest.http is loaded when something is fetched (see ingest.urls)
    from reader.core.ingest.http import Response

__all__ = ["FORMATS", "detect_format", "fetch"]

# Formats the importers understand, by file suffix.
FORMATS = {
    ".txt": "text",
    ".jsonl": "jsonl",
    ".json": "json",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".rdf": "feed",
    ".html": "page",
    ".htm": "page",
}
_TYPES = {
    "application/json": "json",
    "application/feed+json": "jsonfeed",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/x-jsonlines": "jsonl",
    "text/plain": "text",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/xml": "feed",
    "text/xml": "feed",
    "text/html": "page",
    "application/xhtml+xml": "page",
}
_FEED_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!DOCTYPE[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b",
    re.S,
)
_JSON_FEED = re.compile(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/')


def detect_format(data: bytes, name: str, content_type: str | None = None) -> str | None:
    """The format of `data`: "text", "json", "jsonl", "jsonfeed", "feed" or "page" (None: unknown).

    The name's suffix decides first, then the content type; a feed served as HTML or as plain
    XML, and a JSON Feed in a .json file, are recognised by their first bytes.
    """
    path = urlparse(name).path if "://" in name else name
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    found = FORMATS.get(suffix) or _TYPES.get(content_type or "")
    head = data[:4096]
    if found in ("json", None) and _JSON_FEED.search(head):
        return "jsonfeed"
    if found in ("page", "text", None) and _FEED_START.match(head):
        return "feed"
    if found is None and head.lstrip()[:1] == b"<":
        return "page"
    return found


def fetch(
    url: str, *, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES
) -> tuple[Response, str]:
    """GET `url` and return the response with its format; raise FetchError when neither works."""
    from reader.core.ingest.http import get

    response = get(url, timeout=timeout, max_bytes=max_bytes)
    found = detect_format(response.head(), response.url, response.content_type)
    if found is None:
        response.close()
        raise FetchError(
            f"unsupported content type {response.content_type!r}; expected a feed, an HTML page, "
            "JSON, JSON Lines or plain text"
        )
    return response, found
