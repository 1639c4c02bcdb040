"""Feeds: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed (1.0 and 1.1) parsed here.

feedparser 6.0 does not read JSON Feed, and JSON Feed is plain JSON with a short spec, so it
gets its own small reader. Every entry becomes an Article; HTML in entries becomes plain
paragraphs; dates keep the offset they were written with.

Every entry of a feed, whatever its format, has the same source: the feed's own title (one clean
line, the name `feeds list` shows once the feed is fetched), or, for a feed without a title, the
site's name: the host of the feed's home page (its link), else of the feed's URL, else of the
entry's. A "jpnn.com, JAKARTA - " lead inside an entry gives its dateline, not its source, so
one feed never shows two source names.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, BinaryIO, Literal, overload
from urllib.parse import urljoin

from reader.core.clean import clean_body, clean_line
from reader.core.dates import feed_date, find_day_month, parse_date
from reader.core.errors import EntryError
from reader.core.ingest import rss_stream
from reader.core.ingest.html_text import html_to_text, looks_like_html
from reader.core.ingest.pages import site_source, source_name, split_lead, year_in_url
from reader.core.ingest.urls import host_of
from reader.core.models import Article, ImportFailure, RelatedHeadline, Unbuilt

Item = Article | ImportFailure

log = logging.getLogger(__name__)


@overload
def parse_feed(
    data: bytes | BinaryIO,
    origin: str,
    base_url: str | None = None,
    info: dict[str, str | None] | None = None,
    content_type: str | None = None,
    lazy: Literal[False] = False,
) -> Iterator[Item]: ...
@overload
def parse_feed(
    data: bytes | BinaryIO,
    origin: str,
    base_url: str | None = None,
    info: dict[str, str | None] | None = None,
    content_type: str | None = None,
    lazy: bool = False,
) -> Iterator[Item | Unbuilt]: ...
def parse_feed(
    data: bytes | BinaryIO,
    origin: str,
    base_url: str | None = None,
    info: dict[str, str | None] | None = None,
    content_type: str | None = None,
    lazy: bool = False,
) -> Iterator[Item | Unbuilt]:
    """Articles from an RSS/Atom document; a document that is not a feed gives one failure.

    `data` is the document or a binary file holding it (a fetched feed's spooled body).
    `info`, when given, receives the feed's own "title". `content_type` is the HTTP header,
    passed on only when it names a charset (feedparser would read text/xml without one as ASCII).

    What is streamed and what is not (feedparser 6.0.14, read in its api.py, encodings.py and
    sanitizer.py): given a file, `feedparser.parse` calls its `read()` once and works on the
    whole document. It decodes it to text and encodes that back to UTF-8 (even a document that
    was UTF-8 already), cuts and rejoins the bytes around the DOCTYPE, and only then hands them
    to its SAX parser (or, for a broken document, the decoded text to its loose parser); every
    entry comes back at once in one result. So a fetched feed is never held in memory during
    the transfer (it waits in a spooled file), but it is parsed whole: while feedparser runs,
    the document is in memory a few times over, as bytes and as text, beside its entries.
    A file is also how feedparser must be given outside bytes: given `bytes`, it first tries to
    open them as the name of a local file.

    `lazy`: a streamed entry comes as an Unbuilt (its article made where the import prepares
    articles; see reader.core.models.Unbuilt).
    """
    skip = 0
    if rss_stream.streamable(rss_stream.head_of(data), content_type):
        try:
            yield from _streamed(data, origin, base_url, info, content_type, lazy)
            return
        except rss_stream.Fallback as stop:
            skip = stop.given  # entries already given, the same as feedparser's first ones
        if not isinstance(data, bytes):
            data.seek(0)
    yield from _whole_feed(data, origin, base_url, info, content_type, skip)


def _streamed(
    data: bytes | BinaryIO,
    origin: str,
    base_url: str | None,
    info: dict[str, str | None] | None,
    content_type: str | None,
    lazy: bool = False,
) -> Iterator[Item | Unbuilt]:
    """A plain RSS 2.0 document item by item (see reader.core.ingest.rss_stream); raises
    rss_stream.Fallback when it must be read by feedparser whole."""
    source: str | None = None
    base: str | None = None
    for number, (kind, value) in enumerate(rss_stream.rss_entries(rss_stream.as_file(data))):
        if kind == "feed":
            title = source_name(_entry_text(None, value.get("title"), one_line=True))
            if info is not None:
                info["title"] = title
            site = value.get("link") or base_url or ""
            source = title or site_source(None, site)
            base = base_url or site or None
            continue
        if kind == "item":
            entry = _one_entry(value, base_url, content_type)
            if entry is None:
                raise rss_stream.Fallback(number - 1)
        else:
            entry = value
        if lazy:
            yield Unbuilt(built_entry, (entry, origin, number, source, base))
        else:
            yield built_entry(entry, origin, number, source, base)


def built_entry(
    entry: Any, origin: str, number: int, source: str | None, base: str | None
) -> Article | ImportFailure:
    """A streamed entry's article, or why it has none. An error of the code that makes it
    costs this entry alone (an Unbuilt is built outside the parser's own guard)."""
    try:
        return _rss_entry(entry, origin, number, source, base)
    except EntryError as error:
        return ImportFailure(origin, None, f"entry {number}: {error}")
    except Exception as error:  # the libraries' edge cases, as reader.core.ingest's guard says
        log.warning("entry %s of %s failed", number, origin, exc_info=True)
        message = f"entry {number}: cannot read it ({type(error).__name__}: {error})"
        return ImportFailure(origin, None, message[:200])


def _one_entry(document: bytes, base_url: str | None, content_type: str | None) -> Any:
    """feedparser's entry for an item given alone; None when it does not read it cleanly."""
    import feedparser

    parsed = feedparser.parse(
        io.BytesIO(document), response_headers=_headers(base_url, content_type)
    )
    entries = parsed.get("entries") or []
    if _is_broken(parsed) or len(entries) != 1:
        return None
    return entries[0]


def _headers(base_url: str | None, content_type: str | None) -> dict[str, str]:
    """What feedparser is told of the response: where relative links start, and the charset
    when the server named one."""
    headers = {"content-location": base_url or ""}
    if content_type and "charset=" in content_type.lower():
        headers["content-type"] = content_type
    return headers


def _whole_feed(
    data: bytes | BinaryIO,
    origin: str,
    base_url: str | None,
    info: dict[str, str | None] | None,
    content_type: str | None,
    skip: int,
) -> Iterator[Item]:
    """feedparser's reading of a whole document; its first `skip` entries left out (given
    already by the streamed reading, which stopped there)."""
    import feedparser  # imported here: 70 ms that a plain-text import should not pay

    document = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        parsed = feedparser.parse(document, response_headers=_headers(base_url, content_type))
    except (ValueError, LookupError, TypeError) as error:  # e.g. an undecodable encoding name
        yield ImportFailure(origin, None, f"malformed feed ({type(error).__name__})")
        return
    entries = parsed.get("entries") or []
    broken = _is_broken(parsed)
    if not broken and not entries:
        if not parsed.get("version"):
            yield ImportFailure(origin, None, "not a feed (no RSS, Atom or JSON Feed found)")
        return  # a well-formed feed with no entries is simply empty
    feed = parsed.get("feed") or {}
    title = source_name(_entry_text(feed.get("title_detail"), feed.get("title"), one_line=True))
    if info is not None:
        info["title"] = title
    site = feed.get("link") or base_url or ""
    source = title or site_source(None, site)
    items: list[Item] = []
    for number, entry in enumerate(entries, start=1):
        if number <= skip:
            continue
        try:
            items.append(_rss_entry(entry, origin, number, source, base_url or site or None))
        except EntryError as error:
            if not broken:  # in a broken feed, the feed's own failure says it
                items.append(ImportFailure(origin, None, f"entry {number}: {error}"))
    if broken:
        # feedparser's lenient parser may still recover entries: they are kept, and the feed is
        # reported, because what was recovered may be cut short.
        kept = len(items) + min(skip, len(entries))  # those given before it broke count too
        note = f"; {kept} {'entry' if kept == 1 else 'entries'} recovered" if kept else ""
        yield ImportFailure(origin, None, f"malformed feed ({_reason(parsed)}){note}")
    yield from items


def _rss_entry(
    entry: Any, origin: str, number: int, source: str | None, base: str | None
) -> Article:
    title = _entry_text(entry.get("title_detail"), entry.get("title"), one_line=True)
    body = ""
    for detail in [*(entry.get("content") or []), entry.get("summary_detail")]:
        text = _entry_text(detail, None)
        if len(text) > len(body):
            body = text
    if not title and not body:
        raise EntryError("no title and no text")
    title = title or _title_from(body)
    if not body:
        raise EntryError(f"no text for {title[:60]!r}")
    url = entry.get("link") or None
    if url and base:
        url = joined(base, url)
    if url and not url.lower().startswith(("http://", "https://")):
        url = None
    # dict.get: FeedParserDict.get maps "published" to "updated" with a DeprecationWarning.
    raw_date = next(
        (dict.get(entry, k) for k in ("published", "updated", "created") if dict.get(entry, k)),
        None,
    )
    published = dict.get(entry, "published_iso") or feed_date(raw_date)  # streamed: read
    if published is None:
        parsed = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
        if parsed:  # feedparser understood a form we do not: it gives UTC
            year, month, day, hour, minute, second = parsed[:6]
            published = datetime(year, month, day, hour, minute, second, tzinfo=UTC).isoformat()
    tags = entry.get("tags") or []
    category = clean_line(tags[0].get("term") or tags[0].get("label")) if tags else ""
    related = [
        RelatedHeadline(clean_line(link.get("title")) or link["href"], link["href"])
        for link in entry.get("links") or []
        if link.get("rel") == "related" and link.get("href")
    ]
    return _article(
        title,
        body,
        url,
        source or host_of(url or ""),
        published,
        raw_date,
        category,
        origin,
        number,
        related,
    )


# An absolute http(s) URL that urljoin gives back as it is, against a base of the same kind:
# a lower-case scheme, a host name or address (and port), and a path without parameters, query
# or fragment; nothing urlsplit strips, splits or checks (spaces, controls, "[", "@", "\\").
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]*)?(?:/[A-Za-z0-9._~!$&'()*+,=:@%/-]*)?")


def joined(base: str, url: str) -> str:
    """urljoin(base, url); most feeds' links are absolute, told so without parsing both.

    Both plain: urljoin parses the base (which cannot fail then) and the URL, and gives the
    URL unchanged when its scheme differs, else the same URL put back together from its
    parts (scheme, host, path), which is the URL itself."""
    if _PLAIN_URL.fullmatch(url) and _PLAIN_URL.fullmatch(base):
        return url
    return urljoin(base, url)


def _entry_text(detail: Any, fallback: str | None, one_line: bool = False) -> str:
    if detail is None and fallback is None:
        return ""
    value = (detail or {}).get("value", fallback) or ""
    kind = (detail or {}).get("type", "text/plain")
    if "html" in kind or looks_like_html(value):
        text = html_to_text(value)
    else:
        text = clean_body(value)
    return " ".join(text.split()) if one_line else text


def parse_json_feed(
    text: str,
    origin: str,
    base_url: str | None = None,
    info: dict[str, str | None] | None = None,
) -> Iterator[Item]:
    """Articles from a JSON Feed document (https://jsonfeed.org/version/1.1)."""
    try:
        document = json.loads(text)
    except RecursionError:
        yield ImportFailure(origin, None, "malformed JSON Feed (nested too deeply)")
        return
    except json.JSONDecodeError as error:
        yield ImportFailure(
            origin, error.lineno, f"malformed JSON Feed ({error.msg}, column {error.colno})"
        )
        return
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        yield ImportFailure(origin, None, 'malformed JSON Feed (no "items" list)')
        return
    site = document.get("home_page_url") if isinstance(document.get("home_page_url"), str) else ""
    raw_title = document.get("title")
    raw_title = raw_title if isinstance(raw_title, str) else ""
    title = source_name(html_to_text(raw_title) if looks_like_html(raw_title) else raw_title)
    if info is not None:
        info["title"] = title
    source = title or site_source(None, site or base_url)
    for number, item in enumerate(document["items"], start=1):
        try:
            yield _json_item(item, origin, number, source, base_url or site or None)
        except EntryError as error:
            yield ImportFailure(origin, None, f"entry {number}: {error}")


def _json_item(
    item: Any, origin: str, number: int, source: str | None, base: str | None
) -> Article:
    if not isinstance(item, dict):
        raise EntryError(f"expected an object, got {type(item).__name__}")

    def string(key: str) -> str:
        value = item.get(key)
        return value if isinstance(value, str) else ""

    body = html_to_text(string("content_html")) if string("content_html") else ""
    if not body:
        body = clean_body(string("content_text") or string("summary"))
    title = clean_line(
        html_to_text(string("title")) if looks_like_html(string("title")) else string("title")
    )
    if not title and not body:
        raise EntryError("no title and no text")
    title = title or _title_from(body)
    if not body:
        body = clean_body(string("summary"))
    if not body:
        raise EntryError(f"no text for {title[:60]!r}")
    url = string("url") or string("external_url") or None
    if url and base:
        url = urljoin(base, url)
    if url and not url.lower().startswith(("http://", "https://")):
        url = None
    raw_date = string("date_published") or string("date_modified") or None
    raw_tags = item.get("tags")
    tags = raw_tags if isinstance(raw_tags, list) else []
    category = next((clean_line(t) for t in tags if isinstance(t, str) and t.strip()), "")
    return _article(
        title,
        body,
        url,
        source or host_of(url or ""),
        feed_date(raw_date),
        raw_date,
        category,
        origin,
        number,
        [],
    )


def _article(
    title: str,
    body: str,
    url: str | None,
    source: str | None,
    published: str | None,
    raw_date: str | None,
    category: str,
    origin: str,
    number: int,
    related: list[RelatedHeadline],
) -> Article:
    lead = split_lead(body.split("\n\n", 1)[0])
    dateline: str | None = None
    if lead:  # "jpnn.com, JAKARTA - ..." in the entry: its dateline; the feed names the source
        _, dateline, first = lead
        rest = body.split("\n\n", 1)[1] if "\n\n" in body else ""
        body = first + ("\n\n" + rest if rest else "")
    if published is None and not raw_date:
        # An undated entry saying "Senin (19/2)": dated only when its URL gives the year.
        raw_date = find_day_month(body)
        published = parse_date(raw_date, year_in_url(url)) if raw_date else None
    return Article(
        title=title,
        body=body,
        url=url,
        source=source or None,
        dateline=dateline,
        published_at=published,
        published_raw=clean_line(raw_date) or None,
        category=category or None,
        origin=origin,
        line=None,
        related=related,
    )


def _title_from(body: str) -> str:
    first = body.split("\n\n", 1)[0]
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    return sentence if len(sentence) <= 100 else sentence[:99].rsplit(" ", 1)[0] + "…"


def _is_broken(parsed: Any) -> bool:
    """Whether feedparser met XML it could not read (a wrong declared charset is no harm)."""
    if not parsed.get("bozo"):
        return False
    from feedparser.exceptions import (
        CharacterEncodingOverride,
        CharacterEncodingUnknown,
        NonXMLContentType,
    )

    harmless = (CharacterEncodingOverride, CharacterEncodingUnknown, NonXMLContentType)
    return not isinstance(parsed.get("bozo_exception"), harmless)


def _reason(parsed: Any) -> str:
    error = parsed.get("bozo_exception")
    text = " ".join(str(getattr(error, "getMessage", lambda: error)()).split()) if error else ""
    return text[:120] or "not well-formed XML"
