"""The full-text index (FTS5) and the term statistics beside it.

The FTS5 table is contentless: tokens are computed in Python (one tokenizer for indexing and
querying, see reader.core.text) and stored as space-separated words, so deleting an article
must hand back exactly the values it was indexed with. Every query here uses raw sqlite3: this
is the search hot path.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any, NamedTuple

from reader.core.db.connection import Database
from reader.core.db.sqlite import sqlite3
from reader.core.errors import QueryError, StorageError
from reader.core.models import Candidate
from reader.core.query import Filters
from reader.core.terms import AllOf, AnyOf, Expression, Phrase, Weights
from reader.core.text import REDUP_MARK, stored_index_values

FTS_COLUMNS = ("title", "lead", "body", "title_x", "lead_x", "body_x")
_COLUMN_SETS = {
    "text": "{title lead body}",
    "stems": "{title_x lead_x body_x}",
    "title": "{title}",
    "title_stems": "{title_x}",
}
# The stem columns' words are indexed with this mark in front, a character of Unicode's private
# use area: unicode61 keeps it inside a token, and no surface word holds one (the tokenizer of
# reader.core.text takes letters and digits only). So a word and its stem-only occurrences are
# two terms of the index: a search for a word reads the doclist of its surface form alone (no
# column filter, which decodes every position list to test its columns) and the short one of
# its marked stem, instead of one doclist holding both, read twice and filtered. The scores are
# the same: each phrase's idf and frequencies come from the same columns as before. Stores from
# before the mark are rebuilt once on opening (meta `stems_marked`, see upgrade_index).
STEM_MARK = "\ue000"
# With the mark, a column set whose terms occur in no other column needs no filter.
_MARKED_SETS = {"text": "", "stems": "", "title": "{title} : ", "title_stems": "{title_x} : "}
_CANDIDATE_COLUMNS = "a.id, a.title, a.url, a.source, a.published_at, a.sort_key"
BATCH = 500
# A search sorted newest first walks the date index when at least this many articles match.
DATE_WALK_MATCHES = 2000


def render(expression: Expression, *, marked: bool = True, joined: bool = True) -> str:
    """The FTS5 MATCH syntax of an expression. Every word is quoted: no input is syntax.
    `marked`: the index holds its stem columns' words with STEM_MARK; `joined`: it holds
    reduplications as tokens of their own (REDUP_MARK). Every store once opened writable by
    this version holds both."""
    return _rendered(expression, marked, joined)


def _rendered(expression: Expression, marked: bool, joined: bool) -> str:
    if isinstance(expression, Phrase):
        words = expression.words
        if not marked:
            where = _COLUMN_SETS[expression.columns] + " : "
        else:
            where = _MARKED_SETS[expression.columns]
            if expression.columns in ("stems", "title_stems"):
                words = tuple(STEM_MARK + word for word in words)
        if expression.joined and joined and expression.columns in ("text", "title"):
            words = (REDUP_MARK + words[0],)
        quoted = '"' + " ".join(words).replace('"', '""') + '"'
        return where + quoted + (" *" if expression.prefix else "")
    joiner = " OR " if isinstance(expression, AnyOf) else " AND "
    assert isinstance(expression, AnyOf | AllOf)
    return "(" + joiner.join(_rendered(item, marked, joined) for item in expression.items) + ")"


def index_row(values: Sequence[str]) -> list[str]:
    """The six FTS5 values of an article's nine full-text values (text.stored_index_values):
    each surface column with its reduplication tokens after its words (so no phrase spans
    them), the stem columns' words marked."""
    stems = (" ".join(STEM_MARK + w for w in v.split()) for v in values[3:6])
    return [*surface_columns(values), *stems]


def surface_columns(values: Sequence[str]) -> list[str]:
    """Title, lead and body as the index holds them: each column's surface words, then its
    reduplication tokens (after the words, so that no phrase spans them)."""
    redups = [*values[6:9], "", "", ""][:3]
    return [
        f"{text} {extra}" if extra else text for text, extra in zip(values[:3], redups, strict=True)
    ]


class Layout(NamedTuple):
    """What the index of a store holds: marked stems, reduplication tokens (see render)."""

    marked: bool = True
    joined: bool = True


# Flags of a store whose index was written before a change of what it holds (migrations 11
# and 12): its index is rebuilt on opening.
_FLAGS = "('stems_marked', 'redups_joined')"


def upgrade_index(
    conn: sqlite3.Connection,
    read_only: str | None,
    notice: Callable[[str], None] | None = None,
) -> Layout:
    """What the index holds, after rebuilding it as this version writes it if it can.

    Migrations 11 and 12 flag a store that holds articles indexed before the stem mark or the
    reduplication tokens (meta `stems_marked` / `redups_joined` = 0). Its index is rebuilt from
    the articles in one transaction (about 20-40 s at 100,000 articles; a store killed half-way
    is rebuilt on its next opening), and `notice` is told first. A read-only store is searched
    as it is."""
    flagged = f"SELECT key FROM meta WHERE key IN {_FLAGS} AND value = '0'"
    old = {row[0] for row in conn.execute(flagged)}
    if not old:
        return Layout()
    if read_only is not None:
        return Layout("stems_marked" not in old, "redups_joined" not in old)
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute(flagged).fetchone() is not None:
            if notice is not None:
                total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
                notice(rebuilding(total))
            conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')")
            rows = conn.execute("SELECT id, title, body, index_extra FROM articles ORDER BY id")
            while chunk := rows.fetchmany(BATCH):
                conn.executemany(
                    "INSERT INTO articles_fts (rowid, title, lead, body, title_x, lead_x, "
                    "body_x) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (i, *index_row(stored_index_values(title, body, extra)))
                        for i, title, body, extra in chunk
                    ],
                )
            conn.execute(f"UPDATE meta SET value = '1' WHERE key IN {_FLAGS}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return Layout()


def rebuilding(articles: int) -> str:
    """What a store says before its one-time rebuild of the search index."""
    return (
        f"rebuilding the search index of {articles:,} articles for this version, once "
        "(about half a minute per 100,000 articles)"
    )


def _filters(filters: Filters | None) -> tuple[str, list[object]]:
    if filters is None or not filters.any:
        return "", []
    clauses: list[str] = []
    params: list[object] = []
    if filters.sources:
        one = (
            "(lower(a.source) = ? OR lower(a.source) LIKE ? ESCAPE '\\' OR "
            + " OR ".join(["a.url LIKE ? ESCAPE '\\'"] * len(_SITES))
            + ")"
        )
        for source in filters.sources:
            like = _like(source)
            params += [source, like + "%", *(site + like + "/%" for site in _SITES)]
        clauses.append("(" + " OR ".join([one] * len(filters.sources)) + ")")
    if filters.since:
        clauses.append("a.sort_key >= ?")
        params.append(filters.since)
    if filters.until:
        clauses.append("a.sort_key <> '' AND a.sort_key <= ?")
        params.append(filters.until)
    if filters.topic is not None:
        clauses.append("a.id IN (SELECT article_id FROM topic_articles WHERE topic_id = ?)")
        params.append(filters.topic)
    return " AND ".join(clauses), params


def _like(text: str) -> str:
    """`text` as a LIKE pattern that matches itself (case aside) and nothing else."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# A source filter names a source (its name or the start of it) or a site: an article whose url
# is on that host, with or without www.
_SITES = ("http://", "https://", "http://www.", "https://www.")


# A url up to the slash after its host ("https://kumparan.com/"), or the whole url when it has
# no such slash; and the least string above every url that starts with that.
_URL_HEAD = (
    "CASE WHEN instr(u, '://') > 0 AND instr(substr(u, instr(u, '://') + 3), '/') > 0 "
    "THEN substr(u, 1, instr(u, '://') + 2 + instr(substr(u, instr(u, '://') + 3), '/')) "
    "ELSE u END"
)
_PAST_HEAD = (
    "CASE WHEN instr(p, '://') > 0 "
    "AND instr(substr(p, instr(p, '://') + 3), '/') = length(p) - instr(p, '://') - 2 "
    "THEN substr(p, 1, length(p) - 1) || '0' ELSE p || char(1) END"
)
# The distinct url heads of the store (scheme and host), one index seek each: a store holds
# articles of few sites.
_URL_HEADS = (
    f"WITH RECURSIVE h(p) AS (SELECT (SELECT {_URL_HEAD} FROM (SELECT min(url) AS u "
    "FROM articles)) UNION ALL "
    f"SELECT (SELECT {_URL_HEAD} FROM (SELECT min(url) AS u FROM articles "
    f"WHERE url >= {_PAST_HEAD})) FROM h WHERE p IS NOT NULL) "
    "SELECT p FROM h WHERE p IS NOT NULL"
)

# The distinct sources of the store, one index seek each (there are few, the articles many).
_SOURCES = (
    "WITH RECURSIVE s(v) AS (SELECT min(source) FROM articles UNION ALL "
    "SELECT (SELECT min(source) FROM articles WHERE source > s.v) FROM s WHERE s.v IS NOT NULL) "
    "SELECT v FROM s WHERE v IS NOT NULL"
)


def _filter_ids(filters: Filters) -> tuple[str, list[object]]:
    """A SELECT of the ids of the articles that pass `filters`, the same set as
    `SELECT a.id FROM articles a WHERE <_filters>`, built from index-only reads (the source
    names tested on the few distinct sources, urls on their index, dates on the sort index),
    so no article row is read: a filtered search then reads articles for its hits alone."""
    sets: list[str] = []
    params: list[object] = []
    if filters.sources:
        names, heads, urls = [], [], []
        for source in filters.sources:
            like = _like(source)
            names += [source, like + "%"]
            heads += [site + _like(source.split("/")[0]) + "/" for site in _SITES]
            urls += [site + like + "/%" for site in _SITES]
        name = "(lower(v) = ? OR lower(v) LIKE ? ESCAPE '\\')"
        head = "p LIKE ? ESCAPE '\\'"
        url = "a.url LIKE ? ESCAPE '\\'"
        # Urls by their head: the store's few url heads (scheme and host) are tested, and the
        # urls of each head that can match are one range of the url index, each tested as
        # _filters tests it (no other url is read).
        sets.append(
            "SELECT id FROM articles WHERE source IN "
            f"(SELECT v FROM ({_SOURCES}) WHERE {' OR '.join([name] * len(filters.sources))}) "
            f"UNION SELECT a.id FROM ({_URL_HEADS}) h JOIN articles a "
            "ON a.url >= h.p AND a.url < substr(h.p, 1, length(h.p) - 1) || '0' "
            f"WHERE ({' OR '.join([head] * len(heads))}) AND ({' OR '.join([url] * len(urls))})"
        )
        params += names + heads + urls
    dates: list[str] = []
    if filters.since:
        dates.append("sort_key >= ?")
        params.append(filters.since)
    if filters.until:
        dates.append("sort_key <> '' AND sort_key <= ?")
        params.append(filters.until)
    if dates:
        sets.append("SELECT id FROM articles WHERE " + " AND ".join(dates))
    if filters.topic is not None:
        sets.append("SELECT article_id FROM topic_articles WHERE topic_id = ?")
        params.append(filters.topic)
    return " INTERSECT ".join(f"SELECT * FROM ({one})" for one in sets), params


class TextIndex:
    """FTS5 rows, term document frequencies and ranked matching."""

    def __init__(self, connections: Database, layout: Layout | None = None) -> None:
        self._db = connections
        self._known: dict[str, bool] = {}
        self.layout = layout or Layout()  # what the index holds (see render)

    # -- writing (inside the caller's transaction) -----------------------------------------

    def add(self, article_id: int, values: Sequence[str]) -> None:
        self.add_many([(article_id, values)])

    def add_many(self, rows: Sequence[tuple[int, Sequence[str]]]) -> None:
        """add() of each (article id, values), in order, as one executemany."""
        if not rows:
            return
        self._db.conn.executemany(
            "INSERT INTO articles_fts (rowid, title, lead, body, title_x, lead_x, body_x) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(article_id, *index_row(values)) for article_id, values in rows],
        )

    def remove(self, article_id: int, values: Sequence[str]) -> None:
        """Take an article out of the index; `values` must be those it was added with."""
        self._db.conn.execute(
            "INSERT INTO articles_fts (articles_fts, rowid, title, lead, body, title_x, lead_x, "
            "body_x) VALUES ('delete', ?, ?, ?, ?, ?, ?, ?)",
            (article_id, *index_row(values)),
        )

    # Rows are written in the layout of this version: only a store opened writable writes,
    # and upgrade_index brought its index to that layout first. Queries follow the layout
    # the index holds (a read-only store may hold an older one).
    def _render(self, expression: Expression) -> str:
        return render(expression, marked=self.layout.marked, joined=self.layout.joined)

    def count_terms(self, added: Counter[str], removed: Counter[str]) -> None:
        """Update the document frequency of every surface word the write touched."""
        changes = Counter(added)
        changes.subtract(removed)
        self._db.conn.executemany(
            "INSERT INTO term_stats (term, df) VALUES (?, ?) "
            "ON CONFLICT (term) DO UPDATE SET df = term_stats.df + excluded.df",
            sorted((term, n) for term, n in changes.items() if n),  # key order: B-tree friendly
        )
        self._known.clear()

    # -- vocabulary --------------------------------------------------------------------------

    def is_word(self, word: str) -> bool:
        """Whether `word` occurs in some stored article (the -nya rule strips only to words)."""
        known = self._known.get(word)
        if known is None:
            row = self._db.conn.execute(
                "SELECT 1 FROM term_stats WHERE term = ? AND df > 0", (word,)
            ).fetchone()
            known = self._known[word] = row is not None
        return known

    def vocabulary(self) -> set[str]:
        return {row[0] for row in self._db.conn.execute("SELECT term FROM term_stats WHERE df > 0")}

    def document_frequencies(self, terms: list[str]) -> dict[str, int]:
        """How many articles hold each of `terms` (absent terms are left out, and so are the
        words of articles updated or removed since, whose count is down to 0)."""
        found: dict[str, int] = {}
        for start in range(0, len(terms), BATCH):
            batch = terms[start : start + BATCH]
            found.update(
                self._db.conn.execute(
                    "SELECT term, df FROM term_stats "
                    f"WHERE term IN ({','.join('?' * len(batch))}) AND df > 0",
                    batch,
                ).fetchall()
            )
        return found

    def highest_id(self) -> int:
        """The highest article id, the article count as an idf takes it (Articles.max_id)."""
        return int(self._db.conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])

    def statistics_held(self) -> AbstractContextManager[None]:
        """A block within which this thread's reads of the word statistics may be made once
        and kept (PostgreSQL's index keeps them); here each read is made as asked: FTS5 ranks
        with its own statistics."""
        return nullcontext()

    # The words' text as words_containing reads it (PostgreSQL names an expression that only
    # its trigram index holds).
    contained_in = "term"

    def words_containing(self, core: str, limit: int) -> list[str]:
        """Words of the store that contain `core`, most frequent first."""
        like = core.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._db.conn.execute(
            f"SELECT term FROM term_stats WHERE df > 0 AND {self.contained_in} LIKE ? "
            "ESCAPE '\\' ORDER BY df DESC LIMIT ?",
            (f"%{like}%", limit),
        )
        return [row[0] for row in rows]

    # -- matching ----------------------------------------------------------------------------

    def ranked(
        self,
        expression: Expression,
        weights: Weights,
        limit: int,
        *,
        exclude: Expression | None = None,
        filters: Filters | None = None,
        floor: float = 0.0,
    ) -> list[Candidate]:
        """The best `limit` matches by BM25, ranked inside FTS5 before any article is read.
        `floor` (a score under which the caller wants nothing) is not needed here: FTS5 ranks
        every match anyway."""
        match = self._render(expression)
        if exclude is not None:
            match = f"({match}) NOT ({self._render(exclude)})"
        bm25 = ", ".join(str(w) for w in weights)
        inner = (
            f"SELECT rowid, bm25(articles_fts, {bm25}) AS rank FROM articles_fts "
            "WHERE articles_fts MATCH ?"
        )
        args: list[object] = [match]
        if filters is not None and filters.any:
            # The filters as a set of ids, read from indexes once; each match is tested against
            # it (`+rowid`: a test, not a lookup FTS5 would run once per id). Only the best
            # `limit` matches then read their article row.
            ids, params = _filter_ids(filters)
            inner += f" AND +rowid IN ({ids})"
            args += params
        sql = (
            f"SELECT {_CANDIDATE_COLUMNS}, f.rank FROM ({inner} ORDER BY rank LIMIT ?) f "
            "JOIN articles a ON a.id = f.rowid ORDER BY f.rank"
        )
        args.append(limit)
        return [Candidate(*row) for row in self._query(sql, args, match)]

    def _query(self, sql: str, args: list[object], match: str) -> list[tuple[Any, ...]]:
        """Run a query that holds a MATCH expression; a rejected expression is a QueryError,
        any other failure a StorageError naming the file."""
        try:
            return self._db.conn.execute(sql, args).fetchall()
        except sqlite3.OperationalError as error:
            if _rejected(error):
                raise QueryError(f"the index rejected {match[:200]!r} ({error})") from error
            raise StorageError(f"{self._db.path}: search failed ({error})") from error

    def newest(
        self,
        limit: int,
        *,
        exclude: Expression | None = None,
        filters: Filters | None = None,
        expression: Expression | None = None,
        weights: Weights | None = None,
    ) -> list[Candidate]:
        """The newest articles that pass the filters (a query of filters only), rank 0.

        With `expression`, the newest that match it, each with its BM25 rank (by `weights`):
        newest first, whatever their relevance."""
        if expression is not None:
            return self._newest_matching(limit, expression, weights, exclude, filters)
        where, params = _filters(filters)
        clauses = [where] if where else []
        excluded = self._render(exclude) if exclude is not None else ""
        if excluded:
            clauses.append(
                "a.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
            )
            params = [*params, excluded]
        sql = (
            f"SELECT {_CANDIDATE_COLUMNS}, 0.0 FROM articles a "
            + ("WHERE " + " AND ".join(clauses) if clauses else "")
            + " ORDER BY a.sort_key DESC, a.id DESC LIMIT ?"
        )
        return [Candidate(*row) for row in self._query(sql, [*params, limit], excluded)]

    def _newest_matching(
        self,
        limit: int,
        expression: Expression,
        weights: Weights | None,
        exclude: Expression | None,
        filters: Filters | None,
    ) -> list[Candidate]:
        match = self._render(expression)
        if exclude is not None:
            match = f"({match}) NOT ({self._render(exclude)})"
        where, params = _filters(filters)
        # The newest `limit` matches: many matches are met soon walking the date index from
        # its newest end, each tested against the set of matches; few are read by id and
        # sorted (walking the index would read all of it to find them).
        (count,) = self._query(
            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [match], match
        )[0]
        walk = count >= DATE_WALK_MATCHES
        newest = (
            "SELECT a.id FROM articles a"
            + (" INDEXED BY articles_sort WHERE +a.id IN " if walk else " WHERE a.id IN ")
            + "(SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
            + (f" AND {where}" if where else "")
            + " ORDER BY a.sort_key DESC, a.id DESC LIMIT ?"
        )
        # Then BM25 for those alone: `+rowid` makes their ids a test on one pass over the
        # matches, so FTS5 computes the idf once.
        bm25 = ", ".join(str(w) for w in weights or (1.0,) * len(FTS_COLUMNS))
        sql = (
            f"SELECT {_CANDIDATE_COLUMNS}, f.rank FROM (SELECT rowid, "
            f"bm25(articles_fts, {bm25}) AS rank FROM articles_fts WHERE articles_fts MATCH ? "
            f"AND +rowid IN ({newest})) f JOIN articles a ON a.id = f.rowid "
            "ORDER BY a.sort_key DESC, a.id DESC"
        )
        return [Candidate(*row) for row in self._query(sql, [match, match, *params, limit], match)]

    def matching(
        self,
        expression: Expression | None,
        *,
        exclude: Expression | None = None,
        filters: Filters | None = None,
        among: list[int] | None = None,
    ) -> list[int]:
        """Every article that matches (no ranking), or every one among `among` that does.

        With no expression, the filters (and `exclude`) alone decide.
        """
        where, params = _filters(filters)
        clauses = [where] if where else []
        args: list[object] = []
        if expression is not None:
            match = self._render(expression)
            if exclude is not None:
                match = f"({match}) NOT ({self._render(exclude)})"
            clauses.insert(0, "a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
            args.append(match)
        elif exclude is not None:
            clauses.append(
                "a.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
            )
            params = [*params, self._render(exclude)]
        found: list[int] = []
        if among is not None and not among:
            return []
        batches = [among[i : i + BATCH] for i in range(0, len(among), BATCH)] if among else [None]
        if among and _is_range(among):
            # Every id of a range (an import's second step, a few chunks of new articles at
            # once): the range alone says which, however many; one query.
            batches = [among]
        for batch in batches:
            scope = list(clauses)
            scope_args = [*args, *params]
            if batch is not None:
                low, high = min(batch), max(batch)
                if expression is not None:
                    # The batch's id range inside FTS5: it reads only that part of each doclist
                    # instead of every match in the store (arriving articles have close ids).
                    scope[0] = (
                        "a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
                        "AND rowid BETWEEN ? AND ?)"
                    )
                    scope_args = [args[0], low, high, *params]
                if _is_range(batch):
                    scope.append("a.id BETWEEN ? AND ?")
                    scope_args += [low, high]
                else:
                    scope.append(f"a.id IN ({','.join('?' * len(batch))})")
                    scope_args += batch
            sql = "SELECT a.id FROM articles a" + (" WHERE " + " AND ".join(scope) if scope else "")
            found += [row[0] for row in self._query(sql, scope_args, sql)]
        return found

    def score_of(self, expression: Expression, weights: Weights, article_id: int) -> float:
        """The BM25 relevance (higher is better) of one article for `expression`; 0 if none."""
        bm25 = ", ".join(str(w) for w in weights)
        row = self._db.conn.execute(
            f"SELECT bm25(articles_fts, {bm25}) FROM articles_fts "
            "WHERE articles_fts MATCH ? AND rowid = ?",
            (self._render(expression), article_id),
        ).fetchone()
        return -float(row[0]) if row and row[0] else 0.0


def _rejected(error: sqlite3.OperationalError) -> bool:
    """Whether SQLite refused the MATCH expression itself (not a locked or broken database)."""
    message = str(error)
    return message.startswith("fts5:") or "syntax error" in message or "no such column" in message


def _is_range(ids: list[int]) -> bool:
    """Whether `ids` (not empty) are every id from the least to the greatest, once each."""
    return max(ids) - min(ids) + 1 == len(ids) == len(set(ids))
