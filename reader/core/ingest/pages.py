"""Saved article pages (.html files and page URLs): title, main text, date, canonical URL.

Metadata comes from the page's own tags (canonical link, Open Graph, article:published_time,
a visible date line). The source is the name the article's lead gives ("jpnn.com, JAKARTA -",
as in plain text), else the site's name (`og:site_name`, `application-name`), else the host.
The main text of a page in jpnn.com's layout is read by jpnn's rules: the "(jpnn)" sign-off,
"Baca Juga" boxes, menus, ads and "Redaktur & Reporter" lines are dropped; the "BERITA TERKAIT"
list becomes the related headlines; `?page=N` continuations are joined by the caller with
`join_pages`. Any other page's main text comes from trafilatura.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urljoin, urlparse

from reader.core.clean import clean_line
from reader.core.dates import find_day_month, parse_date
from reader.core.errors import PageError
from reader.core.ingest.html_text import tree_to_text
from reader.core.ingest.urls import host_of
from reader.core.models import Article, RelatedHeadline

if TYPE_CHECKING:  # lxml is imported where it is used: a plain-text import should not pay for it
    from lxml.html import HtmlElement

MAX_PAGES = 20  # continuation pages followed for one article
MAX_RELATED = 20  # related headlines kept from one page
MAX_RELATED_HEADINGS = 5  # "BERITA TERKAIT" headings looked under, at most, in one page
MAX_NAME = 100  # characters kept of a source name (a feed's title, a site's name)
MAX_DATE_LINE = 80  # characters of a visible date line ("Senin, 19 Februari 2018 14:30 WIB")
# Pages up to this many characters of HTML go to trafilatura; its time grows faster than the
# page (1 MB 0.7 s, 4 MB 2.8 s, 8 MB 8.8 s), so a larger page's text is found by
# `_densest_body`, whose time grows with the page. Real article pages are far smaller.
MAX_TRAFILATURA_CHARS = 2_000_000

# Every walk over a page below is an element iteration (`iter`), never an XPath `//` search:
# libxml2 sorts the nodes such a search finds, and on a page of a few MB that costs seconds
# where the walk costs milliseconds (bench/bench_pages.py prints both kinds of growth).

_LEAD = re.compile(
    r"^(?P<source>[^,\s][^,]{1,60}?)\s*,\s*"
    r"(?P<dateline>[A-Z][A-Z .'/]{1,40}?)\s*[-–—]+\s+(?P<rest>.+)$",
    re.S,
)
_JPNN_LEAD = re.compile(r"^\s*jpnn\.com\s*,\s*[A-Z]", re.I)
_SIGN_OFF = re.compile(r"\s*\((?:[a-z]{2,5}/)*jpnn\)\s*$", re.I)
_DROP_LINE = re.compile(
    r"^(?:baca juga\b|redaktur\b|reporter\s*:|editor\s*:|advertisement$|iklan$|scroll to continue"
    r"|berita terkait$|halaman\s+\d|\d+(?:\s+\d+)*\s*(?:selanjutnya|next|»)?$)",
    re.I,
)
# Terminal escape sequences whole (CSI, OSC/DCS strings, two-byte escapes), then other controls.
_CONTROL_BYTES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]P^_X][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]"
    rb"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
)
_CONTROL_CHARS = re.compile(_CONTROL_BYTES.pattern.decode("latin-1"))
_META_CHARSET = re.compile(rb"<meta[^>]+charset", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DATE_CLASSES = re.compile(r"date|time|tanggal|publish", re.I)
_BOILERPLATE_CLASSES = re.compile(
    r"(?:^|[\s_-])(?:ads?|advert\w*|iklan|banner|baca-?juga|bacajuga|related|terkait|share|social|"
    r"menu|nav\w*|breadcrumb|comment\w*|tags?|footer|header|sidebar|pagination|paging|widget)(?:$|[\s_-])",
    re.I,
)


@dataclass
class Page:
    """One parsed page: the article it holds and the continuation pages it links to."""

    article: Article
    next_pages: list[str] = field(default_factory=list)
    number: int = 1  # 2 for "?page=2"


def _decode(html: bytes, charset: str | None) -> str | bytes:
    """The page as text when its encoding is known; bytes for lxml to read the <meta> charset.

    Without a header or a <meta> saying otherwise, UTF-8 is tried first: libxml2 would guess
    Latin-1 and garble every Indonesian page that does not declare its encoding.
    """
    if charset:
        try:
            return html.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    if _META_CHARSET.search(html[:4096]):
        return html
    try:
        return html.decode("utf-8-sig")
    except UnicodeDecodeError:
        return html


def source_name(text: str | None) -> str | None:
    """A feed's title or a site's name as a source: one clean line, at most MAX_NAME characters."""
    name = clean_line(text)
    if len(name) > MAX_NAME:
        name = name[: MAX_NAME - 1].rsplit(" ", 1)[0].rstrip(" -|:,") + "…"
    return name or None


def site_source(name: str | None, url: str | None) -> str | None:
    """The site's name as a source: `name` when the site gives one, else the host of `url`."""
    return source_name(name) or host_of(url or "") or None


def split_lead(paragraph: str) -> tuple[str, str, str] | None:
    """("jpnn.com", "JAKARTA", rest) for a lead "jpnn.com, JAKARTA - rest"; None otherwise."""
    match = _LEAD.match(paragraph.strip())
    if not match:
        return None
    return match["source"].strip(), match["dateline"].strip(), match["rest"].strip()


def parse_page(
    html: str | bytes, origin: str, url: str | None = None, charset: str | None = None
) -> Page:
    """Parse one article page; raise PageError when it holds no article text.

    `charset` is the one an HTTP header gave, if any.
    """
    import lxml.etree
    import lxml.html

    # Control characters have no place in a page, and lxml refuses to move text holding them.
    if isinstance(html, bytes):
        html = _decode(_CONTROL_BYTES.sub(b"", html), charset)
    if isinstance(html, str):
        html = _XML_DECLARATION.sub("", _CONTROL_CHARS.sub("", html), count=1)
    try:
        tree = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError) as error:
        raise PageError(f"not an HTML page ({error})") from None
    canonical = _canonical(tree, url)
    base = url or canonical
    number = _page_number(url) or _page_number(_raw_canonical(tree)) or 1
    title = _title(tree)
    lead = _jpnn_lead(tree)
    raw_date, published = _date(tree, _article_scope(lead))
    related = _related(tree, base)
    container = _jpnn_container(lead)
    if container is not None:
        body = _jpnn_body(container)
    else:
        body = _generic_body(html, base, tree)
    if not _has_article(body):
        raise PageError("no article text found in the page")
    if not title:
        raise PageError("no title found in the page")
    first, _, rest = body.partition("\n\n")
    if rest and _key(first) == _key(title):  # the headline repeated as the first paragraph
        body = rest
    source = site_source(_meta(tree, "og:site_name", "application-name"), canonical or url)
    dateline = None
    first, _, rest = body.partition("\n\n")
    lead = split_lead(first)
    if lead:  # the article names its site itself, as the plain-text format does
        lead_source, dateline, first = lead
        source = source_name(lead_source) or source
        body = first + ("\n\n" + rest if rest else "")
    if not published:
        # "Senin (19/2)" in the text: complete it only with a year the page gives elsewhere.
        raw_date = raw_date or find_day_month(body)
        year = year_in_url(canonical or url)
        published = parse_date(raw_date, year) if raw_date else None
    article = Article(
        title=title,
        body=body,
        url=canonical or url,
        source=source,
        dateline=dateline,
        published_at=published,
        published_raw=raw_date,
        origin=origin,
        related=related,
    )
    return Page(article, _next_pages(tree, base) if container is not None else [], number)


_FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/rdf+xml",
    "application/json",
)


def feed_links(html: bytes | str, base: str) -> list[str]:
    """The feeds a page announces (`<link rel="alternate" type="application/rss+xml">`...)."""
    import lxml.etree
    import lxml.html

    if isinstance(html, bytes):
        html = _CONTROL_BYTES.sub(b"", html)
    try:
        tree = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return []
    found = []
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in _FEED_TYPES and link.get("href") is not None:
            url = urljoin(base, link.get("href").strip())
            if url.lower().startswith(("http://", "https://")) and url not in found:
                found.append(url)
    return found


def join_pages(first: Page, later: list[Page]) -> Article:
    """One article from its pages, in order, with the lead each later page repeats removed."""
    article = first.article
    lead = _key(article.lead)
    paragraphs = list(article.paragraphs)
    for page in later:
        for paragraph in page.article.paragraphs:
            split = split_lead(paragraph)
            text = split[2] if split else paragraph
            if _key(text) == lead:
                continue
            paragraphs.append(text)
        for item in page.article.related:
            if all(_key(item.title) != _key(r.title) for r in article.related):
                article.related.append(item)
    article.body = "\n\n".join(paragraphs)
    return article


def year_in_url(url: str | None) -> int | None:
    """The year a news URL carries in its path ("/read/2018/02/19/..."), or None."""
    if not url:
        return None
    match = re.search(r"/((?:19|20)\d\d)/(?:0?[1-9]|1[0-2])/", urlparse(url).path + "/")
    return int(match[1]) if match else None


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


# -- metadata ----------------------------------------------------------------------------------


def _meta(tree: HtmlElement, *names: str) -> str | None:
    """The content of the first <meta> named by the first of `names` that the page has."""
    found: dict[str, str] = {}
    for node in tree.iter("meta"):
        value = (node.get("content") or "").strip()
        if value:
            for key in ("property", "name", "itemprop"):
                found.setdefault(node.get(key) or "", value)
    return next((found[name] for name in names if name in found), None)


def _canonical_hrefs(tree: HtmlElement) -> list[str]:
    return [
        link.get("href")
        for link in tree.iter("link")
        if link.get("rel") == "canonical" and link.get("href") is not None
    ]


def _raw_canonical(tree: HtmlElement) -> str | None:
    hrefs = _canonical_hrefs(tree)
    return hrefs[0] if hrefs else _meta(tree, "og:url")


def _page_number(url: str | None) -> int | None:
    if not url:
        return None
    numbers = parse_qs(urlparse(url).query).get("page")
    return int(numbers[0]) if numbers and numbers[0].isdigit() and int(numbers[0]) > 0 else None


def _canonical(tree: HtmlElement, url: str | None) -> str | None:
    for raw in [*_canonical_hrefs(tree), _meta(tree, "og:url") or ""]:
        href = raw.strip()
        if href:
            full = urljoin(url, href) if url else href
            if full.lower().startswith(("http://", "https://")):
                return _without_page(full)
    return _without_page(url) if url else None


def _without_page(url: str) -> str:
    """The article's URL without a `page=N` query (every page of it names the same article)."""
    parts = urlparse(url)
    if "page" not in parse_qs(parts.query):
        return url
    query = "&".join(q for q in parts.query.split("&") if not q.startswith("page="))
    return parts._replace(query=query).geturl()


def _title(tree: HtmlElement) -> str:
    for node in tree.iter("h1"):
        text = clean_line(node.text_content())
        if text:
            return text
    text = clean_line(_meta(tree, "og:title", "twitter:title") or tree.findtext(".//title") or "")
    # "Judul - JPNN.com": the site's name is not part of the headline; "Upah Naik - Ini
    # Rinciannya" keeps its second half (only a name with a dot or the og:site_name goes).
    site = (_meta(tree, "og:site_name") or "").lower()
    match = re.search(r"\s+[-|–—]\s+([^-|–—]{2,40})$", text)
    if match and ("." in match[1] or match[1].strip().lower() == site):
        text = text[: match.start()]
    return clean_line(text)


def _date(tree: HtmlElement, scope: HtmlElement | None = None) -> tuple[str | None, str | None]:
    """The page's date as written and as ISO 8601 with its offset.

    A visible date line inside the article (`scope`) is looked for first, so that the dates of
    a "latest news" box elsewhere on the page are not taken for the article's.
    """
    import lxml.etree

    meta = _meta(
        tree,
        "article:published_time",
        "datePublished",
        "pubdate",
        "publishdate",
        "date",
        "og:published_time",
    )
    for root in ([scope] if scope is not None else []) + [tree]:
        for node in root.iterdescendants("time"):
            visible = _short_text(node)
            if visible and parse_date(visible):
                return visible, parse_date(meta) or parse_date(visible)
            stamp = node.get("datetime")
            if stamp and not meta:
                meta = stamp
        for node in root.iterdescendants(lxml.etree.Element):
            if _DATE_CLASSES.search(node.get("class") or "") and len(node) <= 3:
                visible = _short_text(node)
                if visible and parse_date(visible):
                    return visible, parse_date(meta) or parse_date(visible)
    if meta and parse_date(meta):
        return meta, parse_date(meta)
    return None, None


def _short_text(node: HtmlElement, limit: int = MAX_DATE_LINE) -> str | None:
    """The node's text on one line when it is shorter than `limit`, else None, reading no more
    of it than that (a "date" box may hold the whole page)."""
    parts, size = [], 0
    for text in node.itertext():
        parts.append(text)
        size += len(text)
        if size > 4 * limit:  # room for the spaces a clean line drops
            return None
    line = clean_line("".join(parts))
    return line if len(line) < limit else None


def _own_text(node: HtmlElement) -> str:
    """The text directly inside `node`, not inside its children (XPath's `text()`)."""
    return (node.text or "") + "".join(child.tail or "" for child in node)


def _links(node: HtmlElement) -> Iterator[HtmlElement]:
    """The <a href> at or below `node`, in document order."""
    return (a for a in node.iter("a") if a.get("href") is not None)


def _related(tree: HtmlElement, base: str | None) -> list[RelatedHeadline]:
    """The links listed under a "BERITA TERKAIT" heading (the first few such headings)."""
    headings = (
        node
        for node in tree.iter("h2", "h3", "h4", "div", "span")
        if clean_line(_own_text(node)).lower() == "berita terkait"
    )
    for heading in islice(headings, MAX_RELATED_HEADINGS):
        # The list right after the heading; failing that, the heading's own box when it is a
        # box of links and not the whole page.
        links: list[HtmlElement] = []
        for sibling in heading.itersiblings():
            if sibling.tag in ("h1", "h2", "h3", "h4") or (links and sibling.tag == "div"):
                break
            links.extend(islice(_links(sibling), MAX_RELATED - len(links)))
            if len(links) >= MAX_RELATED:
                break
        if not links:
            box = heading.getparent()
            if box is not None and box.tag not in ("body", "html", "main", "article"):
                links = list(islice(_links(box), MAX_RELATED))
        items = []
        for link in links[:MAX_RELATED]:
            title = clean_line(link.text_content())
            if title and title.lower() != "berita terkait":
                href = urljoin(base, link.get("href")) if base else link.get("href")
                ok = href.lower().startswith(("http://", "https://"))
                items.append(RelatedHeadline(title, href if ok else None))
        if items:
            return items
    return []


def _next_pages(tree: HtmlElement, base: str | None) -> list[str]:
    """The `?page=N` continuations (N >= 2) the page links to, in order."""
    if not base:
        return []
    found: dict[int, str] = {}
    for link in _links(tree):
        full = urljoin(base, link.get("href"))
        numbers = parse_qs(urlparse(full).query).get("page")
        if not numbers or not numbers[0].isdigit() or int(numbers[0]) < 2:
            continue
        if _without_page(full) == _without_page(base):
            found.setdefault(int(numbers[0]), full)
    return [found[n] for n in sorted(found)][: MAX_PAGES - 1]


# -- main text ---------------------------------------------------------------------------------


def _jpnn_lead(tree: HtmlElement) -> HtmlElement | None:
    """The paragraph that starts "jpnn.com, JAKARTA -", or None."""
    for paragraph in tree.iter("p"):
        if _JPNN_LEAD.match(paragraph.text_content()):
            return paragraph
    return None


def _article_scope(lead: HtmlElement | None) -> HtmlElement | None:
    """The element around the article that holds `lead`: its <article>, or its grandparent."""
    if lead is None:
        return None
    for ancestor in lead.iterancestors():
        if ancestor.tag == "article":
            return ancestor
    parent = lead.getparent()
    return parent.getparent() if parent is not None and parent.getparent() is not None else parent


def _jpnn_container(lead: HtmlElement | None) -> HtmlElement | None:
    """The element holding a jpnn article's paragraphs: the parent of its lead.

    What comes before the lead in it (headline, date line, share buttons) is removed.
    """
    if lead is None:
        return None
    container = lead.getparent()
    for earlier in list(lead.itersiblings(preceding=True)):
        container.remove(earlier)
    container.text = None
    return container


def _jpnn_body(container: HtmlElement) -> str:
    for node in list(container.iter()):
        if not isinstance(node.tag, str) or node is container:
            continue
        if node.tag in ("script", "style", "iframe", "ins", "noscript", "nav", "aside", "form") or (
            _BOILERPLATE_CLASSES.search(node.get("class", "") + " " + node.get("id", ""))
        ):
            _drop(node)
    return _filter_lines(tree_to_text(container))


def _drop(node: HtmlElement) -> None:
    """Empty a boilerplate element in place: its content goes, the text after it stays.

    It becomes an empty <span>, which adds no break; removing it instead would append its
    tail to the text before it, copying that text again for every element dropped in a row.
    """
    node.clear(keep_tail=True)
    node.tag = "span"


def _densest_body(tree: HtmlElement) -> str:
    """The main text of a page too large for trafilatura, in time that grows with the page:
    the element whose own paragraphs hold the most text, without its boilerplate."""
    weight: dict[HtmlElement, int] = {}
    for paragraph in tree.iter("p"):
        parent = paragraph.getparent()
        if parent is not None:
            weight[parent] = weight.get(parent, 0) + len(paragraph.text_content())
    if not weight:
        return ""
    return _jpnn_body(max(weight, key=weight.__getitem__))


def _generic_body(html: str | bytes, url: str | None, tree: HtmlElement) -> str:
    if len(html) > MAX_TRAFILATURA_CHARS:
        return _densest_body(tree)
    import trafilatura

    text = trafilatura.extract(
        html,
        url=url,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        deduplicate=False,
    )
    if not text:
        return ""
    return _filter_lines("\n\n".join(line for line in text.split("\n")))


def _has_article(body: str) -> bool:
    """Some real prose: a menu or a "not found" notice is not an article."""
    return any(len(paragraph.split()) >= 8 for paragraph in body.split("\n\n"))


def _filter_lines(text: str) -> str:
    paragraphs = []
    for raw in text.split("\n\n"):
        paragraph = " ".join(raw.split())
        if not paragraph or _DROP_LINE.match(paragraph) or paragraph.lower().startswith("redaktur"):
            continue
        paragraphs.append(paragraph)
    if paragraphs:
        paragraphs[-1] = _SIGN_OFF.sub("", paragraphs[-1]).strip()
        if not paragraphs[-1]:
            paragraphs.pop()
    if len(paragraphs) > 1:  # a lead repeated after the text (as jpnn's pages do) is dropped
        first = split_lead(paragraphs[0])
        if _key(paragraphs[-1]) in (_key(paragraphs[0]), _key(first[2]) if first else None):
            paragraphs.pop()
    return "\n\n".join(paragraphs)
