"""Cleaning text that comes from outside: escape sequences and control characters never pass."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# The patterns are compiled when first used, not when the reader imports this module for its
# first screen (which shows no text that needs them).


# ECMA-48: CSI sequences, OSC/DCS/APC/PM/SOS strings (ended by BEL or ST), and two-byte escapes.
@cache
def _escapes() -> re.Pattern[str]:
    return re.compile(
        r"""
    \x1b\[[0-?]*[ -/]*[@-~]              # CSI ... final byte
  | \x1b[\]P^_X][^\x07\x1b]*(?:\x07|\x1b\\)?   # OSC, DCS, PM, APC, SOS strings
  | \x1b[ -/]*[0-~]                      # other escapes (charset selection, RIS, ...)
  | \x9b[0-?]*[ -/]*[@-~]                # 8-bit CSI
  | \x1b                                 # a lone ESC
    """,
        re.VERBOSE,
    )


# Control characters, bidirectional embeddings and isolates, and the invisible characters that
# hide words from search or reorder a line on screen: zero-width spaces and joiners,
# direction marks, word joiners and invisible operators, the byte-order mark.
@cache
def _controls() -> re.Pattern[str]:
    return re.compile(
        "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
    )


def is_clean_line(text: str) -> bool:
    """Whether clean_line(text) is `text` itself, told cheaply for ASCII text (the import's hot
    path meets the same text cleaned twice or more: by the feed's reader, then by the import):
    printable characters only (nothing clean_text removes or changes: every escape starts
    with \x1b), one space between words. Other text is not told clean: it is cleaned."""
    return (
        text.isascii()
        and text.isprintable()
        and "  " not in text
        and text[:1] != " "
        and text[-1:] != " "
    )


def is_clean_body(text: str) -> bool:
    """Whether clean_body(text) is `text` itself, told cheaply for ASCII text: paragraphs of
    printable characters, one space between words, one blank line between paragraphs."""
    if not text.isascii():
        return False
    joined = text.replace("\n\n", " ")  # any other line break is left, and is not printable
    return joined.isprintable() and "  " not in joined and joined[:1] != " " and joined[-1:] != " "


# Every way of breaking a line, told as "\n" (a lone CR would move the cursor back over the line).
@cache
def _line_breaks() -> re.Pattern[str]:
    return re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def clean_text(text: str) -> str:
    """Return `text` with terminal escape sequences and control characters removed.

    Line breaks are normalised to "\\n", tabs become spaces, and the text is NFC-normalised so
    that a letter with an accent is one character.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _escapes().sub("", text)
    text = _controls().sub("", text)
    return unicodedata.normalize("NFC", text)


def safe_text(text: str | None, *, multiline: bool = False) -> str:
    """Any text about to be printed on a terminal or shown in the reader, made harmless.

    The one function every output path of the command line and the reader uses for text that
    came from outside (titles, URLs, file names, a server's reason phrase or headers, exception
    messages): escape sequences go whole, then C0 and C1 controls, bidi embeddings, overrides
    and isolates, and invisible characters. The result is one line (line breaks and tabs become
    spaces) unless `multiline`, which keeps line breaks and tabs. Unlike `clean_text`, it keeps
    the text's characters as they are (no normalisation): it is for showing, not for storing.
    """
    if not text:
        return ""
    if text.isprintable():  # no control, escape or line break (and no tab): nothing to remove
        return text
    text = _line_breaks().sub("\n", text)
    text = _controls().sub("", _escapes().sub("", text))
    if multiline:
        return text
    return text.replace("\n", " ").replace("\t", " ")


def clean_line(text: str | None) -> str:
    """Clean a one-line field (title, source...): no line breaks, single spaces."""
    if not text:
        return ""
    if is_clean_line(text):
        return text
    return " ".join(clean_text(text).split())


def clean_body(text: str) -> str:
    """Clean a body: paragraphs separated by exactly one blank line, spaces collapsed.

    A body with blank lines between paragraphs keeps those paragraphs; a body with none is
    read as one paragraph per line.
    """
    if is_clean_body(text):
        return text
    text = clean_text(text)
    if "\n\n" in text.strip():
        blocks = re.split(r"\n\s*\n", text)
        paragraphs = [" ".join(block.split()) for block in blocks]
    else:
        paragraphs = [" ".join(line.split()) for line in text.split("\n")]
    return "\n\n".join(p for p in paragraphs if p)
