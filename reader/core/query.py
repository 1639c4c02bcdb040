"""The search syntax, parsed into a structure that cannot fail.

Words are ANDed; `"exact phrase"`, `prefix*`, `-exclude`, `a OR b`, `source:jpnn.com`,
`since:2018-01-01`, `until:2018-12`, `title:word`. Whatever a person types is a valid query:
unbalanced quotes, lone operators and stray punctuation degrade to plain words.
"""

from __future__ import annotations

import re
from dataclasses import field
from functools import cache

from reader.core.dates import wib_day_bound
from reader.core.shapes import Plain, dataclass
from reader.core.text import word_groups

MIN_PREFIX = 3
CLITICS = frozenset({"nya", "lah", "kah", "pun", "tah", "ku", "mu"})
FIELDS = ("source", "since", "until", "title")


@cache
def _token() -> re.Pattern[str]:
    """A word, a phrase, a field: what parse_query reads, compiled when first used (a search),
    not when the reader imports this module for its first screen."""
    return re.compile(
        r"""
    (?P<neg>-)?
    (?:(?P<field>[A-Za-z]+):)?
    (?: "(?P<phrase>[^"]*)" | (?P<word>[^\s"]+) )  # a quote left open is just dropped
    """,
        re.VERBOSE,
    )


@dataclass
class Term(Plain):
    """One thing to match: the folded word groups of a word or phrase."""

    groups: list[tuple[str, ...]]  # each group: the folded parts of one hyphenated word
    phrase: bool = False
    prefix: bool = False
    title_only: bool = False
    text: str = ""  # as typed, for display

    @property
    def words(self) -> list[str]:
        return [part for group in self.groups for part in group]


@dataclass(frozen=True)
class Filters(Plain):
    """Which articles a search may return, besides its words: sources and a date range."""

    sources: tuple[str, ...] = ()  # lower-cased names or hosts; any of them
    since: str | None = None  # inclusive UTC sort-key bounds
    until: str | None = None
    topic: int | None = None  # only the articles a topic holds

    @property
    def any(self) -> bool:
        return bool(self.sources or self.since or self.until or self.topic is not None)


@dataclass
class Query(Plain):
    clauses: list[list[Term]] = field(default_factory=list)  # AND of OR-groups
    excluded: list[Term] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    since: str | None = None
    until: str | None = None
    text: str = ""
    topic: int | None = None  # search only the articles of this topic

    @property
    def filters(self) -> Filters:
        return Filters(tuple(self.sources), self.since, self.until, self.topic)

    @property
    def terms(self) -> list[Term]:
        return [term for clause in self.clauses for term in clause]

    @property
    def empty(self) -> bool:
        return (
            not self.clauses
            and not self.excluded
            and not self.sources
            and not (self.since or self.until)
            and self.topic is None
        )


# FTS5's own syntax, typed or pasted, means what it would mean there: `{title}:w` and
# `{title lead}: w` name columns, `body:w` a column, `NEAR(a b)` words near each other. The
# reader searches those words (in the title for a title column), instead of looking for the
# column names as words and finding nothing.
@cache
def _fts_syntax() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """FTS5's column sets, columns and NEAR, compiled when first used."""
    return (
        re.compile(r"\{\s*([A-Za-z_\s]*?)\s*\}\s*:\s*"),
        re.compile(r"(?<![\w:-])(?:lead|body|title_x|lead_x|body_x)\s*:\s*(?=\S)", re.I),
        re.compile(r"\bNEAR\s*\("),
    )


def _fts_syntax_as_words(text: str) -> str:
    def columns(match: re.Match[str]) -> str:
        names = match.group(1).lower().split()
        return "title:" if names == ["title"] else ""

    column_set, fts_column, near = _fts_syntax()
    text = column_set.sub(columns, text)
    text = fts_column.sub("", text)
    return near.sub(" ", text)


def parse_query(text: str) -> Query:
    """Parse a query string. Never raises."""
    query = Query(text=text)
    pending_or = False
    for match in _token().finditer(_fts_syntax_as_words(text or "")):
        negative = bool(match["neg"])
        name = (match["field"] or "").lower()
        value = match["phrase"] if match["phrase"] is not None else (match["word"] or "")
        is_phrase = match["phrase"] is not None
        if name and name not in FIELDS:
            value, name = f"{match['field']} {value}", ""  # "foo:bar" is just two words
        if name in ("since", "until", "source") and not negative:
            if _apply_filter(query, name, value):
                continue
            name = ""
        if value == "OR" and not is_phrase and not negative and not name:
            pending_or = bool(query.clauses)
            continue
        term = _term(value, is_phrase, title_only=(name == "title"))
        if term is None:
            continue
        if negative and not is_phrase and term.words[0] in CLITICS and len(term.words) == 1:
            continue  # "Strap -nya": pasted text with a detached clitic, not an exclusion
        if negative:
            query.excluded.append(term)
        elif pending_or:
            query.clauses[-1].append(term)
        else:
            query.clauses.append([term])
        pending_or = False
    return query


def _term(value: str, phrase: bool, title_only: bool) -> Term | None:
    prefix = not phrase and value.endswith("*")
    groups = [token.parts for token in word_groups(value)]
    if not groups:
        return None
    if prefix and (len(groups) != 1 or len(groups[0]) != 1 or len(groups[0][0]) < MIN_PREFIX):
        prefix = False  # "a*" or "x-y*": a plain word search is the honest fallback
    return Term(
        groups, phrase=phrase or len(groups) > 1, prefix=prefix, title_only=title_only, text=value
    )


def _apply_filter(query: Query, name: str, value: str) -> bool:
    value = value.strip()
    if not value:
        return False
    if name == "source":
        query.sources.append(value.lower())
        return True
    bound = _date_bound(value, end=(name == "until"))
    if bound is None:
        return False
    setattr(query, name, bound)
    return True


def _date_bound(value: str, end: bool) -> str | None:
    """'2018', '2018-02' or '2018-02-19' (a day in WIB) as a UTC sort-key bound, inclusive."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", value)
    if not match:
        return None
    year = int(match.group(1))
    if not 1 <= year <= 9999:
        return None
    month = int(match.group(2)) if match.group(2) else (12 if end else 1)
    if not 1 <= month <= 12:
        return None
    import calendar  # here: a search's date, not the first screen

    last = calendar.monthrange(year, month)[1]
    day = int(match.group(3)) if match.group(3) else (last if end else 1)
    if not 1 <= day <= last:
        return None
    bound = wib_day_bound(f"{year:04d}-{month:02d}-{day:02d}", end)
    if bound is None:  # the first or last hours of the calendar: everything on that side
        return "9999-12-31T23:59:59Z" if end else "0001-01-01T00:00:00Z"
    return bound
