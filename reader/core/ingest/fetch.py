"""Fetching one input over http(s), with a timeout, a size limit and bounded redirects."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlparse

TIMEOUT = 20
MAX_BYTES = 50 * 1024 * 1024
USER_AGENT = "kemnaker-reader/0.1 (+offline news reader)"

_TYPES = {
    "application/json": ".json",
    "application/x-ndjson": ".jsonl",
    "application/jsonl": ".jsonl",
    "application/x-jsonlines": ".jsonl",
    "text/plain": ".txt",
}


class FetchError(Exception):
    pass


def fetch(url: str) -> tuple[bytes, str]:
    """Return the body and the format suffix it is in (from the path, else the content type)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            data = response.read(MAX_BYTES + 1)
            content_type = response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        raise FetchError(f"HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise FetchError(f"cannot fetch ({error.reason})") from None
    except (TimeoutError, OSError) as error:
        raise FetchError(f"cannot fetch ({error})") from None
    if len(data) > MAX_BYTES:
        raise FetchError("response larger than 50 MiB")
    path = urlparse(url).path.lower()
    for suffix in (".jsonl", ".json", ".txt"):
        if path.endswith(suffix):
            return data, suffix
    if content_type in _TYPES:
        return data, _TYPES[content_type]
    raise FetchError(
        f"unsupported content type {content_type!r}; expected JSON, JSON Lines or plain text"
    )
