"""Turning stored text into things safe to show: no markup, no control characters."""

from __future__ import annotations

from textual.content import Content

from reader.core.clean import safe_text
from reader.core.dates import in_wib
from reader.core.dates import long_date as long_date  # the article header's date
from reader.core.errors import ReaderError

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def visible(text: str | None) -> str:
    """Text with escape sequences and control characters removed (newlines kept): the core's
    `safe_text`, the one function the command line uses too. Newlines and tabs are the only
    controls article text may keep (the core cleans on import; this is defence in depth)."""
    return safe_text(text, multiline=True)


def one_line(text: str | None) -> str:
    """Visible text on a single line, for lists and titles."""
    return " ".join(visible(text).split())


def literal(text: str | None) -> Content:
    """A Content that shows `text` exactly: brackets stay brackets, never markup."""
    return Content(visible(text))


def short_date(iso: str | None) -> str:
    """'28 Feb 2018' for the headline list, '' when the date is unknown."""
    moment = in_wib(iso)
    if moment is None:
        return ""
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def error_text(error: BaseException) -> str:
    """An error on one line for a notification (shown with markup=False).

    A ReaderError's message is written for a person; anything else is a bug, named by its type.
    """
    text = one_line(str(error))
    if isinstance(error, ReaderError):
        return text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
