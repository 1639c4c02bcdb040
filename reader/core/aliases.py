"""The domain's names and acronyms (data/aliases.txt), expanded at query time."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from reader.core.text import surface_words

Member = tuple[str, ...]


def parse_aliases(text: str) -> dict[Member, list[Member]]:
    """Map each member (folded words) to every member of every group it belongs to."""
    table: dict[Member, list[Member]] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        members = [tuple(surface_words(m)) for m in line.split("|")]
        members = [m for m in members if m]
        for member in members:
            known = table.setdefault(member, [member])
            for other in members:
                if other not in known:
                    known.append(other)
    return table


@lru_cache(maxsize=1)
def aliases() -> dict[Member, list[Member]]:
    text = resources.files("reader.core").joinpath("data/aliases.txt").read_text("utf-8")
    return parse_aliases(text)


def longest_member(words: list[str], start: int) -> Member | None:
    """The longest alias member starting at words[start], if any (up to 6 words)."""
    table = aliases()
    for length in range(min(6, len(words) - start), 0, -1):
        candidate = tuple(words[start : start + length])
        if candidate in table:
            return candidate
    return None
