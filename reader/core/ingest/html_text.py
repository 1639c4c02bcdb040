"""HTML fragments (feed entries, page bodies) turned into plain paragraphs.

No tag survives, scripts and styles are dropped with their content, entities are decoded, and
block elements and <br><br> become paragraph breaks.
"""

from __future__ import annotations

from html.parser import HTMLParser

from reader.core.clean import clean_body

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
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "source", "wbr"}


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.skip_tag: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_depth:
            if tag == self.skip_tag:
                self.skip_depth += 1
            return
        if tag in _DROPPED and tag not in _VOID:
            self.skip_depth, self.skip_tag = 1, tag
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.skip_depth and tag == "br":
            self.parts.append("\n")
        elif not self.skip_depth and tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skip_depth:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if not self.skip_depth:
                    self.skip_tag = None
            return
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            # Newlines in the source are layout, not meaning: only tags make breaks.
            self.parts.append(data.replace("\r", " ").replace("\n", " "))


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: paragraphs separated by one blank line."""
    if not html:
        return ""
    parser = _TextParser()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # html.parser gives up on some broken markup
        pass
    text = "".join(parser.parts)
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


def looks_like_html(text: str) -> bool:
    """Whether a string carries markup (some feeds send HTML labelled as plain text)."""
    lowered = text.lower()
    return any(
        tag in lowered for tag in ("<p", "<br", "<div", "</", "<img", "<a ", "&lt;p", "&nbsp;")
    )
