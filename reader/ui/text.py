"""Turning stored text into things safe to show: no markup, no control characters."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from textual.content import Content

from reader.core.clean import clean_text

# Anything that could move the cursor or change the terminal's state; newlines and tabs are
# the only controls article text may keep (the core cleans on import; this is defence in depth).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

WIB = timezone(timedelta(hours=7), "WIB")
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
_MONTHS_LONG = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip
_DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


def visible(text: str | None) -> str:
    """Text with escape sequences and control characters removed (newlines kept)."""
    if not text:
        return ""
    return _CONTROLS.sub("", clean_text(text) if "\x1b" in text else text)


def one_line(text: str | None) -> str:
    """Visible text on a single line, for lists and titles."""
    return " ".join(visible(text).split())


def literal(text: str | None) -> Content:
    """A Content that shows `text` exactly: brackets stay brackets, never markup."""
    return Content(visible(text))


def _parse(iso: str | None) -> datetime | None:
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(WIB)


def short_date(iso: str | None) -> str:
    """'28 Feb 2018' for the headline list, '' when the date is unknown."""
    moment = _parse(iso)
    if moment is None:
        return ""
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def long_date(iso: str | None) -> str:
    """'Rabu, 28 Februari 2018 15:20 WIB' for the article header (times shown in WIB)."""
    moment = _parse(iso)
    if moment is None:
        return ""
    text = f"{_DAYS[moment.weekday()]}, {moment.day} {_MONTHS_LONG[moment.month - 1]} {moment.year}"
    if moment.hour or moment.minute:
        text += f" {moment:%H:%M}"
        if moment.tzinfo is not None:
            text += " WIB"
    return text
