"""A site's sitemap: where it is (robots.txt, else /sitemap.xml or /sitemap_index.xml), and
which article pages it lists, newest first (by a news sitemap's publication date, else
<lastmod>).

Only the network and the XML are here; reading the pages themselves is the page importer's
work. Every request goes through the bounded GET of `ingest.http` (timeout, size limit,
redirects, http(s) only), and a sitemap on another site, or a redirect to one, is not followed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit
from xml.parsers import expat

from reader.core.errors import FetchError, SitemapError
from reader.core.ingest.http import get, gunzip
from reader.core.ingest.urls import MAX_BYTES, TIMEOUT, host_of

ROBOTS_MAX_BYTES = 512 * 1024  # what a crawler reads of a robots.txt
MAX_SITEMAPS = 8  # sitemap documents read in one round, an index's children included
MAX_CHILDREN = 3  # an index's newest sitemaps followed (one level down, never deeper)
WELL_KNOWN = ("/sitemap.xml", "/sitemap_index.xml")


@dataclass(frozen=True)
class SitemapEntry:
    """A <url> of a sitemap (an article page) or a <sitemap> of an index."""

    url: str
    modified: datetime | None = None  # the news publication date, else <lastmod> (UTC)


@dataclass
class Sitemap:
    kind: str  # "urlset" (pages) or "index" (other sitemaps)
    entries: list[SitemapEntry] = field(default_factory=list)


@dataclass
class Found:
    """What a round of discovery found on a site."""

    pages: list[SitemapEntry]  # the site's pages, newest first, each once
    sitemaps: list[str]  # the sitemaps read
    problems: list[str] = field(default_factory=list)  # sitemaps that could not be read


# -- the XML -----------------------------------------------------------------------------------

# Read with pyexpat's streaming callbacks rather than trafilatura's sitemap helpers: a sitemap
# is three elements deep, so no tree is built, and refusing entity declarations here keeps
# billion-laughs and external-entity documents out without another dependency.


# The elements kept, by the element they must sit in (an <image:loc> is not the page's <loc>).
_KEPT = {"loc": ("url", "sitemap"), "lastmod": ("url", "sitemap"), "publication_date": ("news",)}


def parse_sitemap(data: bytes, max_bytes: int = MAX_BYTES) -> Sitemap:
    """The entries of a sitemap or sitemap index (gzip-compressed or not).

    Raises SitemapError for anything else: bad XML, another root element, a document that
    declares entities.
    """
    if data[:2] == b"\x1f\x8b":
        try:
            data = gunzip(data, max_bytes)
        except FetchError as error:
            raise SitemapError(str(error).replace("cannot fetch (", "not a sitemap (")) from None
    parser = expat.ParserCreate(namespace_separator="}")
    stack: list[str] = []
    text: list[str] = []
    entries: list[SitemapEntry] = []
    current: dict[str, str] | None = None
    root: list[str] = []

    def start(name: str, attrs: object) -> None:
        nonlocal current
        local = name.rsplit("}", 1)[-1]
        stack.append(local)
        text.clear()
        if len(stack) == 1:
            if local not in ("urlset", "sitemapindex"):
                raise SitemapError(f"not a sitemap (the root element is <{local[:40]}>)")
            root.append(local)
        if len(stack) == 2 and local in ("url", "sitemap"):
            current = {}

    def end(name: str) -> None:
        nonlocal current
        local = stack.pop()
        parent = stack[-1] if stack else ""
        if current is not None:
            value = "".join(text).strip()
            if parent in _KEPT.get(local, ()):
                current.setdefault(local, value)
            elif local in ("url", "sitemap") and len(stack) == 1:
                loc = current.get("loc", "")
                if loc:
                    when = _date(current.get("publication_date")) or _date(current.get("lastmod"))
                    entries.append(SitemapEntry(loc, when))
                current = None
        text.clear()

    def refuse(*args: object) -> None:
        raise SitemapError("not a sitemap (it declares entities, which are refused)")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text.append
    parser.EntityDeclHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        reason = expat.ErrorString(error.code) if error.code else str(error)
        raise SitemapError(f"malformed sitemap ({reason}, line {error.lineno})") from None
    return Sitemap("index" if root == ["sitemapindex"] else "urlset", entries)


def _date(raw: str | None) -> datetime | None:
    """A W3C datetime (2026-11-28, 2026-11-28T10:00:00+07:00, ...Z) in UTC; None if not one."""
    if not raw:
        return None
    try:
        when = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)


def sitemaps_in_robots(data: bytes, base: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt, resolved against its URL, each once."""
    found: list[str] = []
    for raw in data.decode("utf-8", "replace").splitlines():
        name, _, value = raw.split("#", 1)[0].partition(":")
        if name.strip().lower() == "sitemap" and value.strip():
            url = urljoin(base, value.strip())
            if url not in found:
                found.append(url)
    return found


# -- finding a site's pages (network) -------------------------------------------------------


def on_site(url: str, host: str) -> bool:
    """Whether `url` belongs to the site whose host (no "www.") is `host`: that host or a
    subdomain of it."""
    other = host_of(url)
    return bool(other) and (other == host or other.endswith("." + host))


def find_pages(
    site: str,
    *,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    cancel: threading.Event | None = None,
) -> Found:
    """The article pages that the sitemaps of `site` (a URL of the site) list, newest first.

    The `Sitemap:` lines of /robots.txt name the sitemaps; without any, /sitemap.xml and then
    /sitemap_index.xml are tried. An index is followed one level down, to its newest sitemaps.
    Raises SitemapError, one line, when no sitemap could be read, or when what was read lists
    only pages of other sites; FetchError when `cancel` was set.
    """
    host = host_of(site)
    problems: list[str] = []
    robots = urljoin(site, "/robots.txt")
    listed: list[str] = []
    try:
        response = get(robots, timeout=timeout, max_bytes=ROBOTS_MAX_BYTES, cancel=cancel)
    except FetchError as error:
        _stop_if_cancelled(cancel, error)
        problems.append(f"robots.txt: {error}")
    else:
        listed = sitemaps_in_robots(response.body, response.url)
        if not listed:
            problems.append("robots.txt names no sitemap")
    reader = _Reader(host, timeout, max_bytes, cancel, problems)
    tops: list[Sitemap] = []
    if listed:
        tops = [found for url in listed[:MAX_SITEMAPS] if (found := reader.read(url)) is not None]
    else:
        for path in WELL_KNOWN:  # the first one that reads is the site's
            found = reader.read(urljoin(site, path))
            if found is not None:
                problems.clear()  # no robots.txt, no /sitemap.xml: fine when this one answers
                tops.append(found)
                break
    pages: list[SitemapEntry] = []
    for sitemap in tops:
        if sitemap.kind == "urlset":
            pages += sitemap.entries
            continue
        for child in _newest(sitemap.entries)[:MAX_CHILDREN]:
            if len(reader.read_ok) >= MAX_SITEMAPS:
                break
            found = reader.read(child.url)
            if found is not None and found.kind == "index":
                problems.append(f"{_short(child.url, host)}: an index inside an index, not read")
            elif found is not None:
                pages += found.entries
    if not reader.read_ok:
        raise SitemapError("no sitemap could be read (" + "; ".join(problems) + ")")
    mine = [page for page in pages if on_site(page.url, host)]
    if pages and not mine:
        where = ", ".join(_short(url, host) for url in reader.read_ok)
        raise SitemapError(f"the sitemap ({where}) lists only pages of other sites")
    return Found(_unique(_newest(mine)), reader.read_ok, problems)


class _Reader:
    """Reads sitemap documents of one site, noting each one read and each failure."""

    def __init__(
        self,
        host: str,
        timeout: float,
        max_bytes: int,
        cancel: threading.Event | None,
        problems: list[str],
    ) -> None:
        self.host = host
        self.timeout, self.max_bytes, self.cancel = timeout, max_bytes, cancel
        self.read_ok: list[str] = []
        self.problems = problems

    def read(self, url: str) -> Sitemap | None:
        name = _short(url, self.host)
        if not on_site(url, self.host):
            self.problems.append(f"sitemap {name} is on another site, not followed")
            return None
        try:
            response = get(url, timeout=self.timeout, max_bytes=self.max_bytes, cancel=self.cancel)
        except FetchError as error:
            _stop_if_cancelled(self.cancel, error)
            self.problems.append(f"{name}: {error}")
            return None
        if not on_site(response.url, self.host):
            self.problems.append(f"sitemap {name} moved to another site, not followed")
            return None
        try:
            sitemap = parse_sitemap(response.body, self.max_bytes)
        except SitemapError as error:
            self.problems.append(f"{name}: {error}")
            return None
        self.read_ok.append(url)
        return sitemap


def _stop_if_cancelled(cancel: threading.Event | None, error: FetchError) -> None:
    if cancel is not None and cancel.is_set():
        raise error


def _newest(entries: list[SitemapEntry]) -> list[SitemapEntry]:
    """Dated entries newest first, then the undated ones in the sitemap's order."""
    return sorted(entries, key=lambda e: (e.modified is None, -(e.modified or _EPOCH).timestamp()))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _unique(entries: list[SitemapEntry]) -> list[SitemapEntry]:
    seen: set[str] = set()
    kept: list[SitemapEntry] = []
    for entry in entries:
        if entry.url not in seen:
            seen.add(entry.url)
            kept.append(entry)
    return kept


def _short(url: str, host: str) -> str:
    """A URL of the site by its path ("/sitemap.xml"); another site's whole."""
    parts = urlsplit(url)
    if host_of(url) == host and parts.path:
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return url
