"""Plain RSS 2.0 read as a stream, item by item, for what feedparser would make of it.

feedparser works on a whole document at once and costs about a millisecond an item (10,000
items: 9.6 s of an 11 s import, and the document several times over in memory). Most large
feeds are plain RSS 2.0: items of a title, a link, a date, a category and a text. This reader
walks such a document with lxml's iterparse, a few items in memory at a time, and gives for
each item the same fields feedparser would (the entry dict `feeds._rss_entry` reads), where it
can be sure they are the same:

- the document is UTF-8 (declared so or not declared), has no DOCTYPE (feedparser rewrites
  entities declared there), and its root is a `<rss>` without namespace;
- the channel's title comes before its first item (every entry carries it as its source), and
  nothing that feedparser would read as the channel's title or link comes after that item;
- an item is read here when each of its children is a plain RSS element it knows (title,
  link, guid, pubDate, description, category, author, comments), without attributes that
  change their meaning, holding text only, that text without markup, entities or the
  Windows-1252 control range (which feedparser maps to other characters); its link is an
  absolute http(s) URL and its date one `feed_date` reads.

Any other item (content:encoded, HTML in its description, a relative link...) is handed to
feedparser alone, in a one-item document, so it comes out exactly as feedparser makes it. Any
other document, or one that turns out broken part-way, is feedparser's whole (`Fallback`), the
items already given skipped.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from reader.core.dates import feed_date

_ITEM_FIELDS = {"title", "link", "guid", "pubDate", "description", "category", "author", "comments"}
_ALLOWED_ATTRIBUTES = {"guid": frozenset({"isPermaLink"}), "category": frozenset({"domain"})}
_NONE: frozenset[str] = frozenset()
# Characters after which the text is not what feedparser hands on unchanged: markup and
# entities (it sanitizes and unescapes HTML), and U+0080-U+009F (read as Windows-1252).
_UNSAFE = re.compile("[<&\x80-\x9f]")
_SPACE = re.compile(r"\s")
_HEAD = 2048
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_CHANNEL_NAMES = {"title", "link"}  # what the feed's dict gives parse_feed


class Fallback(Exception):
    """The document needs feedparser (whole): `given` items were already handed out."""

    def __init__(self, given: int) -> None:
        super().__init__(given)
        self.given = given


def streamable(head: bytes, content_type: str | None) -> bool:
    """Whether a document that starts with `head` may be read here (checked before reading)."""
    if content_type and "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
        if charset not in ("utf-8", "utf8"):
            return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    text = head.removeprefix(b"\xef\xbb\xbf")
    declared = _DECLARED.match(text)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return False
    return b"<!doctype" not in text.lower() and b"<rss" in text


def rss_entries(document: BinaryIO) -> Iterator[tuple[str, Any]]:
    """("feed", {"title", "link"}) once, then ("entry", dict) or ("item", xml bytes) per item.

    An "item" is one this reader does not take on: the caller gives it to feedparser alone, in
    a document of its own. Raises Fallback when the whole document must go to feedparser.
    """
    import lxml.etree

    given = 0
    feed: dict[str, str] = {}
    seen_items = False
    depth = 0
    root_checked = False
    parser = lxml.etree.iterparse(
        document,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        remove_comments=False,
        huge_tree=False,
    )
    try:
        for event, element in parser:
            if event == "start":
                depth += 1
                if not root_checked:
                    root_checked = True
                    if element.tag != "rss" or set(element.attrib) - {"version"}:
                        raise Fallback(given)
                elif depth == 2 and element.tag != "channel":
                    raise Fallback(given)
                continue
            depth -= 1
            if depth != 2:  # only the channel's children are read, once each is complete
                continue
            tag = element.tag
            if tag == "item":
                if not seen_items:
                    seen_items = True
                    if not feed.get("title"):
                        raise Fallback(given)  # its source would come from elsewhere
                    yield "feed", feed
                entry = _plain_entry(element)
                if entry is None:
                    yield "item", _item_document(element)
                else:
                    yield "entry", entry
                given += 1
            else:
                _channel_child(element, feed, seen_items, given)
            element.clear()
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
        if not seen_items:
            raise Fallback(given)  # no item: feedparser says what the document is
    except lxml.etree.XMLSyntaxError:
        raise Fallback(given) from None


def _channel_child(element: Any, feed: dict[str, str], seen_items: bool, given: int) -> None:
    tag = element.tag
    if not isinstance(tag, str):
        return  # a comment or processing instruction between the channel's elements
    if "{http://www.w3.org/XML/1998/namespace}base" in element.attrib:
        raise Fallback(given)
    local = tag.rsplit("}", 1)[-1]
    if tag.startswith("{"):
        # dc:title, atom:link...: may be the feed's title or link (an atom:link that is not
        # "alternate", such as the common rel="self", is not).
        other_link = (
            tag == "{http://www.w3.org/2005/Atom}link"
            and element.get("rel", "alternate") != "alternate"
        )
        if local in _CHANNEL_NAMES and not other_link:
            raise Fallback(given)
        return
    if tag not in _CHANNEL_NAMES:
        return
    if seen_items or tag in feed or len(element) or element.attrib:
        raise Fallback(given)
    text = (element.text or "").strip()
    if _UNSAFE.search(text) or (tag == "link" and not _is_http(text)):
        raise Fallback(given)
    feed[tag] = text


def _plain_entry(item: Any) -> dict[str, Any] | None:
    """The entry feedparser would give for a plain item, or None when it must decide."""
    if item.attrib:
        return None
    fields: dict[str, str] = {}
    for child in item:
        tag = child.tag
        if tag not in _ITEM_FIELDS or tag in fields or len(child):  # a comment's tag: a function
            return None
        attributes = child.attrib
        if attributes and not _ALLOWED_ATTRIBUTES.get(tag, _NONE).issuperset(attributes):
            return None
        fields[tag] = (child.text or "").strip()
    if _UNSAFE.search("".join(fields.values())):
        return None
    link = fields.get("link")
    if not link or not _is_http(link):
        return None
    raw_date = fields.get("pubDate")
    entry: dict[str, Any] = {"link": link, "links": []}
    if raw_date is not None:
        entry["published_iso"] = feed_date(raw_date)  # read once (feeds._rss_entry uses it)
        if entry["published_iso"] is None:
            return None  # feedparser may still read it: its parsed date then counts
    if "title" in fields:
        entry["title"] = fields["title"]
        entry["title_detail"] = {"value": fields["title"], "type": "text/plain"}
    if "description" in fields:
        entry["summary"] = fields["description"]
        entry["summary_detail"] = {"value": fields["description"], "type": "text/html"}
    if raw_date:
        entry["published"] = raw_date
    if "category" in fields:
        entry["tags"] = [{"term": fields["category"], "label": None}]
    return entry


def _is_http(url: str) -> bool:
    return url.lower().startswith(("http://", "https://")) and _SPACE.search(url) is None


def _item_document(item: Any) -> bytes:
    import lxml.etree

    body: bytes = lxml.etree.tostring(item, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>' + (
        body + b"</channel></rss>"
    )


def head_of(data: bytes | BinaryIO) -> bytes:
    """The first bytes of a document, the file (if one) put back at its start."""
    if isinstance(data, bytes):
        return data[:_HEAD]
    start = data.read(_HEAD)
    data.seek(0)
    return start


def as_file(data: bytes | BinaryIO) -> BinaryIO:
    return io.BytesIO(data) if isinstance(data, bytes) else data
