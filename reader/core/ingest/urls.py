"""What reading an input needs to know of URLs and fetching without the fetching itself: the
transfer's limits and a URL's host. Importing a file (in the importing process and in its
helper process, which builds feed entries) then loads no networking: `ingest.http` brings
urllib.request, http.client, ssl and email, about a tenth of a second of each process's start.
"""

from __future__ import annotations

from urllib.parse import urlparse

TIMEOUT = 20.0
MAX_BYTES = 50 * 1024 * 1024


def host_of(url: str) -> str:
    """The host of a URL without a leading "www." ("jpnn.com"), or "" when there is none."""
    host = (urlparse(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host
