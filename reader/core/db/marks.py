"""Read and starred marks belong to a person, not to the article: one row per person and article
in `marks`, for the articles that person marked.

The tests are SQL fragments with the person written in as a quoted literal rather than a
parameter: they sit inside column lists and view clauses whose parameters are numbered by
position, and a Library reads for one person all its life. The literal is quoted the standard
way ('' for '), which SQLite and PostgreSQL both read as data.
"""

from __future__ import annotations


def literal(person: str) -> str:
    """`person` as an SQL string literal."""
    if "\x00" in person:
        raise ValueError("a person's name cannot hold a NUL character")
    return "'" + person.replace("'", "''") + "'"


def marked(person: str, flag: str, alias: str = "articles") -> str:
    """SQL that is true when `person` set `flag` ("read" or "starred") on the row `alias`."""
    if flag not in ("read", "starred"):
        raise ValueError(f"not a flag: {flag!r}")
    return (
        f"EXISTS (SELECT 1 FROM marks mk WHERE mk.person = {literal(person)} "
        f"AND mk.article_id = {alias}.id AND mk.{flag} = 1)"
    )
