"""The streamed RSS reading gives what feedparser gives, item for item (reader/core/ingest/
rss_stream.py): plain items read as a stream, odd items through feedparser alone, odd documents
through feedparser whole."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from reader.core.ingest import feeds, rss_stream
from reader.core.ingest.html_text import html_to_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
    b'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    b'xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T &amp; co</title>'
    b"<link>https://ex.id/</link>"
)
PLAIN = (
    b"<item><title>Upah naik</title><link>https://ex.id/a</link>"
    b"<description>Upah minimum naik tahun ini.</description>"
    b"<pubDate>Mon, 19 Feb 2018 14:30:00 +0700</pubDate><category>Kerja</category></item>"
)
ITEMS = [
    PLAIN,
    b"<item><title>A &amp; B</title><link>https://ex.id/b</link>"
    b"<description>x &lt;b&gt;y&lt;/b&gt; z</description></item>",
    b"<item><title>A</title><guid>https://ex.id/g</guid><description>no link</description></item>",
    b"<item><title>A</title><link>/rel</link><description>relative</description></item>",
    b"<item><title>A</title><link>https://ex.id/c</link><description>d</description>"
    b"<category></category><category>Two</category></item>",
    b"<item><title>A</title><link>https://ex.id/d</link><description>d</description>"
    b"<pubDate>Senin, 19 Februari 2018 14:30 WIB</pubDate></item>",
    b"<item><title>A</title><link>https://ex.id/e</link><description>d</description>"
    b"<pubDate>no date at all</pubDate></item>",
    b"<item><title>A</title><link>https://ex.id/f</link>"
    b"<content:encoded><![CDATA[<p>Para 1</p><p>Para 2</p>]]></content:encoded></item>",
    "<item><title>  u\u3000x\n y </title><link> https://ex.id/g </link><description>\n a\u2029b"
    "\u3000c\u200bd \u00ad e\xa0f\n\n g </description></item>".encode(),
    b"<item><title>A</title><link>https://ex.id/h</link>"
    b"<description>jpnn.com, JAKARTA - Lead here.</description></item>",
    b"<item><title></title><link>https://ex.id/i</link><description>Only body. Two.</description>"
    b"</item>",
    b"<item><link>https://ex.id/j</link><description>No title. Yes.</description></item>",
    b"<item><title>t</title><link>https://ex.id/k</link></item>",
    b"<item><title>t</title><link>https://ex.id/l</link>"
    b'<atom:link rel="related" href="https://ex.id/r" title="R"/><description>d</description></item>',
    b'<item><title>t</title><link>HTTPS://EX.ID/M</link><guid isPermaLink="false">x</guid>'
    b'<description><![CDATA[cdata plain]]></description><category domain="d">Kat</category></item>',
    b"<item><title>t</title><!-- a comment --><link>https://ex.id/n</link><description>d"
    b"</description></item>",
    b'<item><title xml:lang="id">t</title><link>https://ex.id/o</link><description>d'
    b"</description></item>",
    b"<item><title>t \xc2\x85 u</title><link>https://ex.id/p</link><description>d</description>"
    b'<guid isPermaLink="false" extra="1">g</guid></item>',
]
# How each of the last four items is read: plain (an "entry") or by feedparser alone.
LAST_KINDS = ["entry", "item", "item", "item"]


def _both(document: bytes, base_url: str | None = None) -> tuple[list[object], list[object]]:
    streamed = list(feeds.parse_feed(document, "f.xml", base_url))
    whole = list(feeds._whole_feed(document, "f.xml", base_url, None, None, 0))
    return streamed, whole


@pytest.mark.parametrize("base_url", [None, "https://base.example.id/feed.xml"])
@pytest.mark.parametrize("item", ITEMS, ids=range(len(ITEMS)))
def test_each_kind_of_item_comes_out_as_feedparser_makes_it(item: bytes, base_url: str | None):
    document = HEAD + PLAIN.replace(b"/a<", b"/z<") + item + b"</channel></rss>"
    streamed, whole = _both(document, base_url)
    assert streamed == whole and len(whole) == 2


@pytest.mark.parametrize(
    "document",
    [
        HEAD + PLAIN + PLAIN.replace(b"/a<", b"/b<"),  # cut short
        HEAD + PLAIN + b"<item><title>x</title><description>a & b</description></item>",
        b'<rss version="2.0"><channel>' + PLAIN + b"<title>Late</title></channel></rss>",
        b'<rss version="2.0"><channel><link>https://ex.id/</link>' + PLAIN + b"</channel></rss>",
        b'<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>T\xe9'
        b"</title>" + PLAIN + b"</channel></rss>",
        HEAD + b'<atom:link rel="self" href="https://ex.id/f"/>' + PLAIN + b"</channel></rss>",
        b'<rss version="2.0"><channel><title>Empty</title></channel></rss>',
    ],
)
def test_odd_and_broken_documents_end_as_feedparser_reads_them(document: bytes):
    streamed, whole = _both(document)
    assert streamed == whole


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.xml")))
def test_the_fixture_feeds_read_the_same(name: str):
    streamed, whole = _both((FIXTURES / name).read_bytes())
    assert streamed == whole and whole


def test_an_item_is_plain_only_with_known_children_attributes_and_text():
    items = b"".join(ITEMS[-4:])
    document = HEAD.replace(b"T &amp; co", b"T") + items + b"</channel></rss>"
    kinds = [kind for kind, _ in rss_stream.rss_entries(io.BytesIO(document))]
    assert kinds == ["feed", *LAST_KINDS]


def test_plain_items_are_read_without_feedparser_and_odd_ones_alone():
    document = HEAD.replace(b"T &amp; co", b"T") + PLAIN + ITEMS[7] + b"</channel></rss>"
    kinds = [kind for kind, _ in rss_stream.rss_entries(io.BytesIO(document))]
    assert kinds == ["feed", "entry", "item"]


@pytest.mark.parametrize(
    "text",
    ["", "  ", "plain words", " a\tb\r\nc ", "a\xa0b\u3000c\u2028d", "x > y", "\ufeffz", "é😀"],
)
def test_plain_text_becomes_the_text_the_html_parser_gives(text: str):
    # html_to_text skips the parser for text without markup; an empty tag makes it parse.
    parsed = html_to_text(text + "<i></i>")
    assert html_to_text(text) == parsed
