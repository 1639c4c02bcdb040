"""HTML fragments (feed entries, page bodies) turned into plain paragraphs.

No tag survives, scripts and styles are dropped with their content, entities are decoded, and
block elements and <br><br> become paragraph breaks.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from reader.core.clean import clean_body

if TYPE_CHECKING:  # lxml is imported where it is used
    from lxml.html import HtmlElement

# Anything but plain text: markup, entities, and the characters libxml2 drops or replaces.
_PLAIN = re.compile("[<&\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_DROPPED = {
    "script",
    "style",
    "noscript",
    "iframe",
    "template",
    "svg",
    "head",
    "object",
    "embed",
    "canvas",
    "form",
    "button",
    "select",
    "textarea",
}
_BLOCKS = {
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "main",
    "nav",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "figure",
    "figcaption",
    "hr",
    "address",
    "caption",
    "tbody",
    "thead",
    "tfoot",
}


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: paragraphs separated by one blank line.

    lxml (libxml2) parses it: its time grows with the input whatever the input holds, where
    the standard library's HTMLParser rescans the rest of the text at every "<" that starts
    no tag ("<a " repeated: 20 KB took 5 s, 40 KB four times that).
    """
    if not html or not html.strip():
        return ""
    if _PLAIN.search(html) is None:
        # No markup, entity or character the parser treats apart: what the walk below makes
        # of it (one paragraph, its whitespace collapsed), without parsing.
        return clean_body(" ".join(html.split()))
    import lxml.etree
    import lxml.html

    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        # libxml2 would turn a NUL into U+FFFD; the other controls clean_body removes.
        data = html.replace("\x00", "").encode("utf-8", "replace")
        root = lxml.etree.fromstring(data, parser)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        return ""
    if root is None:
        return ""
    return tree_to_text(root)


def tree_to_text(root: HtmlElement) -> str:
    """Plain text of a parsed element, as `html_to_text` gives it for its markup."""
    import lxml.etree

    parts: list[str] = []
    walk = lxml.etree.iterwalk(root, events=("start", "end"))
    for event, node in walk:
        tag = node.tag if isinstance(node.tag, str) else ""
        dropped = tag in _DROPPED
        if event == "start":
            if dropped:
                walk.skip_subtree()
            elif tag == "br":
                parts.append("\n")
            elif tag in _BLOCKS:
                parts.append("\n\n")
            if node.text and tag and not dropped:
                parts.append(_layout(node.text))
            continue
        if tag in _BLOCKS:
            parts.append("\n\n")
        if node.tail and node is not root:
            parts.append(_layout(node.tail))
    text = "".join(parts)
    # One <br> is a line break inside a paragraph; two or more separate paragraphs.
    lines = [" ".join(line.split()) for line in text.split("\n")]
    blocks: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    return clean_body("\n\n".join(blocks))


def _layout(text: str) -> str:
    # Newlines in the source are layout, not meaning: only tags make breaks.
    return text.replace("\r", " ").replace("\n", " ")


def looks_like_html(text: str) -> bool:
    """Whether a string carries markup (some feeds send HTML labelled as plain text)."""
    lowered = text.lower()
    return any(
        tag in lowered for tag in ("<p", "<br", "<div", "</", "<img", "<a ", "&lt;p", "&nbsp;")
    )
