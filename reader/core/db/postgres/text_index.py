"""The full-text index on PostgreSQL: tsvector columns over the project's own tokens.

The tokens are the same as the SQLite store's (surface words, stems, root families, aliases:
reader.core.text and the services compute them), handed over as space-separated words. They
are written as tsvector literals, positions and weights included, never parsed by a text search
configuration, so PostgreSQL matches exactly the words the SQLite store matches. `doc` holds the
text columns (title A, lead B, body C) with their reduplication tokens (reader.core.text,
REDUP_MARK), `stems` the stem columns, each with a GIN index.

Ranking is BM25-like: each phrase's ts_rank (term frequency, column weights, length
normalisation) times its inverse document frequency from term_stats, summed, since ts_rank alone
knows nothing of how rare a word is.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple, overload

from reader.core.db.connection import Database
from reader.core.db.fts import BATCH, Layout, TextIndex, _filters, rebuilding, surface_columns
from reader.core.db.postgres.connection import PgConn
from reader.core.db.postgres.phrases import META_KEY, Words, decode, encode, held, token
from reader.core.models import Candidate
from reader.core.query import Filters
from reader.core.terms import AllOf, AnyOf, Expression, Phrase, Weights, all_of, any_of
from reader.core.text import REDUP_MARK, stored_index_values

MAX_POSITION = 16383  # PostgreSQL keeps positions up to this
MAX_POSITIONS = 255  # positions kept per lexeme and column
MAX_WORD_BYTES = 2046  # longer lexemes are refused: such a word is not indexed, so never found
_LETTERS = "ABC"
# A phrase whose rarest word at most this many articles hold: the title-first search reads
# all its matches (it scores them all at little cost), so the bound leaves it out.
RARE = 2000
NARROW_ABOVE = 8  # phrases of an "any of" query beyond which only the rarest pick the rows
# An "any of" whose words' articles (summed) are fewer is scored whole: its matches cost less
# than a second query when the shared-first one cannot answer (half of them at 100,000).
SHARED_FIRST_ABOVE = 1500
# An "all of" whose title matches (of its part read first) hold the other parts this seldom
# (their shares of the articles multiplied) is read as title matches AND the whole match
# together, which the planner reads from both GIN indexes: "presiden jokowi" at 1,000,000
# articles visited 18,900 articles with "jokowi" in the title to keep 2,250 (ranking 65 -> 34
# ms; "kpk tangkap" 50 -> 32, but "kpk korupsi", whose "korupsi" is seldom in a title, 35 ->
# 42). Where the other parts are common (the "indonesia" of "timnas indonesia", 55% of the
# articles), reading them from the index costs more than it saves (31 -> 51 ms).
JOINED_TITLES_BELOW = 0.2
# A search with stem phrases whose text-vector match reaches fewer articles (_reach) is scored
# in one read: two cost more there (at 100,000 articles "harga beras", 850 articles with
# "beras": 8 -> 10-14 ms of server CPU; at 1,100,000, 9,080: 25-35 -> 11-16).
TEXT_FIRST_ABOVE = 5000
# The other names' words that a query whose words are an alias name reads first
# (_alias_words_first) hold at most this many times the articles of its typed words' reach:
# at 1,200,000 articles "tenaga kerja indonesia" reads 35,028 against 31,983 with "tenaga"
# (12,462 articles ranked -> 4,921: the statement 202 -> 96 ms of server CPU), "menteri
# tenaga kerja" 10,635 against 31,983 (125-153 -> 47-67 ms); "menteri ketenagakerjaan" would
# read "tenaga" and "kerja", 146,934 against 2,903 with "ketenagakerjaan" (68 -> 108-135
# ms), "buruh migran" 50 times its 1,912.
ALIAS_READ_MOST = 2.0
_CANDIDATE_COLUMNS = "a.id, a.title, a.url, a.source, a.published_at, a.sort_key"
# The end of a ranked read: the best `limit` (?) of the scored ids, then their article rows.
_BEST_TAIL = (
    " OFFSET 0) s ORDER BY s.rank, s.id LIMIT ?) r JOIN articles a ON a.id = r.id "
    "ORDER BY r.rank, a.id"
)


def _quote(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(columns: Sequence[str], phrases: Sequence[Words] = ()) -> str:
    """A tsvector literal of up to three columns of space-separated words, weighted A, B, C,
    and the token of each of `phrases` that they hold (phrases.held), without a position.

    Words are numbered from 1 across the columns, one number skipped between two columns (no
    phrase spans them), numbers above MAX_POSITION kept at it; a word longer than PostgreSQL
    takes is left out (its number is still used). Written for speed: an import builds two a
    article."""
    positions: dict[str, list[str]] = {}
    position = 0
    keep = MAX_POSITIONS * 3
    long = MAX_WORD_BYTES // 4  # a word of fewer characters is short enough in any encoding
    for letter, text in zip(_LETTERS, columns, strict=False):
        words = text.split()
        for number, word in enumerate(words, position + 1):
            if len(word) > long and len(word.encode()) > MAX_WORD_BYTES:
                continue
            mark = f"{number if number < MAX_POSITION else MAX_POSITION}{letter}"
            found = positions.get(word)
            if found is None:
                positions[word] = [mark]
            elif len(found) < keep:
                found.append(mark)
        position = min(position + len(words) + 1, MAX_POSITION)
    literal = " ".join(f"{_quote(word)}:{','.join(found)}" for word, found in positions.items())
    tokens = held(positions, phrases) if phrases else []
    return " ".join([literal, *map(_quote, tokens)]) if tokens else literal


@dataclass(frozen=True)
class _Held(Phrase):
    """A phrase whose token the text vectors hold (phrases.py): matched by the token, one
    short GIN list with nothing to read again, and scored as the phrase."""

    token: str = ""


def _held(expression: Expression, phrases: frozenset[Words]) -> Expression:
    """The expression with each phrase of `phrases` over the text columns as a _Held."""
    if isinstance(expression, Phrase):
        if (
            expression.columns != "text"
            or expression.prefix
            or expression.joined
            or expression.words not in phrases
        ):
            return expression
        return _Held(expression.words, token=token(expression.words))
    items = tuple(_held(item, phrases) for item in expression.items)
    return AnyOf(items) if isinstance(expression, AnyOf) else AllOf(items)


def held_phrases(conn: PgConn) -> frozenset[Words]:
    """The phrases whose tokens the store's text vectors hold (meta, layout step 4)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
    return frozenset(decode(row[0] if row else None))


def phrase_layout(phrases: Sequence[Words]) -> list[str]:
    """The statements of layout step 4: `phrases` noted in meta, and their tokens added to
    the text vectors of the articles whose vectors match them (PostgreSQL's own test, the one
    a search ran before; phrases.held writes them alike for new articles)."""

    def sql(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    note = (
        f"INSERT INTO meta (key, value) VALUES ({sql(META_KEY)}, {sql(encode(phrases))}) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    )
    if not phrases:
        return [note]
    values = ", ".join(
        f"({sql(' <-> '.join(map(_quote, words)))}, {sql(token(words))})" for words in phrases
    )
    return [
        note,
        "UPDATE articles_fts f SET doc = f.doc || t.tokens FROM (SELECT m.id, "
        "array_to_tsvector(array_agg(p.token)) AS tokens FROM (VALUES "
        f"{values}) AS p (query, token) JOIN articles_fts m ON m.doc @@ CAST(p.query AS tsquery) "
        "GROUP BY m.id) t WHERE f.id = t.id",
    ]


def _tsquery(phrase: Phrase, match: bool = False) -> str:
    """The phrase as tsquery text; `match`: to test whether a text vector holds it (a _Held
    phrase is then its token), else to rank it or test a title."""
    if match and isinstance(phrase, _Held):
        return _quote(phrase.token)
    weight = "A" if phrase.columns in ("title", "title_stems") else ""
    parts = []
    for number, word in enumerate(phrase.words):
        star = "*" if phrase.prefix and number == len(phrase.words) - 1 else ""
        suffix = f":{star}{weight}" if star or weight else ""
        parts.append(_quote(word) + suffix)
    return " <-> ".join(parts)


def _array(weights: list[float]) -> str:
    """ts_rank's weights, {D, C, B, A}: D (unused) 0."""
    return "{" + ",".join(["0"] + [f"{w:.4f}" for w in weights]) + "}"


def _indexable(phrase: Phrase) -> bool:
    return all(len(word.encode()) <= MAX_WORD_BYTES for word in phrase.words)


def _vector(phrase: Phrase) -> str:
    return "f.doc" if phrase.columns in ("text", "title") else "f.stems"


def _condition(expression: Expression, params: list[object]) -> str:
    """The expression as SQL over the row's tsvectors: the phrases of an "any of" or "all of"
    that test the same vector become one tsquery (one GIN test the planner estimates well; as
    separate tests ORed it chose to read the whole table)."""
    if isinstance(expression, Phrase):
        if not _indexable(expression):
            return "FALSE"
        params.append(_tsquery(expression, match=True))
        return f"{_vector(expression)} @@ CAST(? AS tsquery)"
    assert isinstance(expression, AnyOf | AllOf)
    any_of = isinstance(expression, AnyOf)
    joiner, operator = (" OR ", " | ") if any_of else (" AND ", " & ")
    grouped: dict[str, list[str]] = {}
    parts: list[str] = []
    for item in expression.items:
        if isinstance(item, Phrase) and _indexable(item):
            grouped.setdefault(_vector(item), []).append(f"({_tsquery(item, match=True)})")
        else:
            parts.append(_condition(item, params))
    for vector, queries in grouped.items():
        params.append(operator.join(queries))
        parts.append(f"{vector} @@ CAST(? AS tsquery)")
    if not parts:
        return "FALSE" if any_of else "TRUE"
    return "(" + joiner.join(parts) + ")"


def _one_vector(expression: Expression, vector: str) -> str | None:
    """The expression as one tsquery over `vector` ("f.doc" or "f.stems") with its phrases
    over the other vector taken as absent; None when it then matches nothing."""
    if isinstance(expression, Phrase):
        if _vector(expression) != vector or not _indexable(expression):
            return None
        return f"({_tsquery(expression, match=True)})"
    queries = [_one_vector(item, vector) for item in expression.items]
    if isinstance(expression, AllOf):
        if any(query is None for query in queries):
            return None
        return "(" + " & ".join(q for q in queries if q is not None) + ")"
    found = [query for query in queries if query is not None]
    return "(" + " | ".join(found) + ")" if found else None


def _match(expression: Expression, params: list[object]) -> str:
    """SQL for "the article matches `expression`", the same rows as _condition, read from
    the GIN indexes in one scan of each vector's index where the expression has an "all of".

    _condition tests each part of an "all of" on its own (a part is its word on the text vector
    OR its stem on the stem vector), and PostgreSQL reads each part's matches whole from the
    index to AND them: "timnas indonesia" read all 55,000 matches of "indonesia" at 100,000
    articles to keep 4,000 (25 ms of a 60 ms search). As one tsquery ('timnas' & 'indonesia'),
    GIN skips along the rarer word's list. An expression over the two vectors is, since it has
    no NOT, "it matches with its stem phrases taken as absent" (one tsquery over the text
    vector) OR "a stem phrase is there and it matches" (the stem index, which finds few).

    Only for an "all of" at the top (a query of several words): inside an "any of" (a name of
    the alias table among its other names) the stems of all its words, read as one, found
    thousands more rows to test than the part-by-part reading ("tenaga kerja asing": 7,200
    rows with one of the three stems, 72 -> 99 ms at 1,000,000 articles)."""
    if not isinstance(expression, AllOf):
        return _condition(expression, params)
    parts: list[str] = []
    doc = _one_vector(expression, "f.doc")
    if doc is not None:
        params.append(doc)
        parts.append("f.doc @@ CAST(? AS tsquery)")
    stems = [
        f"({_tsquery(phrase)})"
        for phrase in _phrases(expression)
        if _vector(phrase) == "f.stems" and _indexable(phrase)
    ]
    if stems:
        params.append(" | ".join(dict.fromkeys(stems)))
        parts.append(f"(f.stems @@ CAST(? AS tsquery) AND {_condition(expression, params)})")
    return "(" + " OR ".join(parts) + ")" if parts else "FALSE"


def _phrases(expression: Expression) -> list[Phrase]:
    if isinstance(expression, Phrase):
        return [expression]
    return [phrase for item in expression.items for phrase in _phrases(item)]


def upgrade_vectors(conn: PgConn, notice: Callable[[str], None] | None = None) -> bool:
    """Whether the text vectors hold the reduplication tokens, after rewriting them if they
    did not (meta `redups_joined` = 0, migration 12), in one transaction: a store killed
    half-way keeps its old vectors and is rewritten on its next opening. `notice` is told
    before the rewrite."""
    flagged = "SELECT 1 FROM meta WHERE key = 'redups_joined' AND value = '0'"
    if conn.execute(flagged).fetchone() is None:
        return True
    raw = conn.raw
    with raw.transaction():
        raw.execute("SELECT pg_advisory_xact_lock(7134453)")
        if raw.execute(flagged).fetchone() is None:
            return True  # another process did it meanwhile
        if notice is not None:
            row = raw.execute("SELECT count(*) FROM articles").fetchone()
            notice(rebuilding(int(row[0]) if row else 0))
        phrases = sorted(held_phrases(conn))
        with raw.cursor(name="redups") as rows:  # server-side: a batch at a time
            rows.execute("SELECT id, title, body, index_extra FROM articles ORDER BY id")
            while batch := rows.fetchmany(BATCH):
                with raw.cursor() as writer:
                    writer.executemany(
                        "UPDATE articles_fts SET doc = CAST(%s AS tsvector) WHERE id = %s",
                        [
                            (
                                tsvector(surface_columns(stored_index_values(t, b, x)), phrases),
                                i,
                            )
                            for i, t, b, x in batch
                        ],
                    )
        raw.execute("UPDATE meta SET value = '1' WHERE key = 'redups_joined'")
    return True


def _joined(expression: Expression, joined: bool) -> Expression:
    """The expression with each joined phrase (a reduplication) as its index token, or as the
    plain phrase when the vectors do not hold those tokens yet."""
    if isinstance(expression, Phrase):
        if not expression.joined:
            return expression
        words = (REDUP_MARK + expression.words[0],) if joined else expression.words
        return Phrase(words, expression.columns, expression.prefix)
    items = tuple(_joined(item, joined) for item in expression.items)
    return AnyOf(items) if isinstance(expression, AnyOf) else AllOf(items)


class _Term(NamedTuple):
    """A phrase that scores: `coefficient` * ts_rank(`weights` {C, B, A}, vector, phrase)."""

    phrase: Phrase
    coefficient: float
    weights: list[float]
    frequency: int = 0  # how many articles hold its rarest word (term_stats)


def _rank_sql(terms: list[_Term], params: list[object]) -> str:
    parts: list[str] = []
    for term in terms:
        params += [_array(term.weights), _tsquery(term.phrase)]
        parts.append(
            f"{term.coefficient:.6f} * ts_rank(CAST(? AS float4[]), {_vector(term.phrase)}, "
            "CAST(? AS tsquery), 32)"
        )
    return " + ".join(parts) if parts else "0"


def _normalised(rank: float) -> float:
    """ts_rank's normalisation 32: rank / (rank + 1)."""
    return rank / (rank + 1)


# ts_rank of one word over a vector (PostgreSQL's calc_rank_or): with w_j the weight of its
# j-th position (j from 0) and wm the largest, at j = m,
#     (wm + sum_j w_j / (j + 1)^2 - wm / (m + 1)^2) / (pi^2 / 6),
# so at most wm (1 + pi^2 / 6) / (pi^2 / 6) = 1.6079 wm, and at least 1 / (pi^2 / 6) = 0.6079
# times the title's weight (A) when the word is in the title (its first positions, since the
# title's words are numbered first). A phrase of several words (calc_rank_and) is at most 1.
_ONE_WORD_MOST = 1.0 + 6 / math.pi**2
_TITLE_LEAST = 6 / math.pi**2
# A word's positions are numbered title first, then lead, then body (tsvector() above; a
# position past MAX_POSITION is kept at it, and at one place PostgreSQL keeps the largest
# weight), so with weights title >= lead >= body its first position (j = 0) has the largest
# weight: m = 0, and the sum is at most wm * sum_j 1 / (j + 1)^2 / (pi^2 / 6) < wm.
_FIRST_WEIGHT_MOST = 1.0


def _word_most(term: _Term) -> float:
    """How far above its largest position weight a word's ts_rank can go (see above)."""
    body, lead, title = term.weights
    return _FIRST_WEIGHT_MOST if title >= lead >= body else _ONE_WORD_MOST


def _outside_titles(term: _Term) -> float | None:
    """The most `term` scores in an article whose title (weight A) lacks its phrase; None when
    no bound is known (a prefix matches several words, each scored)."""
    if term.phrase.prefix:
        return None
    if len(term.phrase.words) > 1:
        return term.coefficient * _normalised(_ONE_WORD_MOST)  # at most 1 here, or 1.6079
    return term.coefficient * _normalised(_word_most(term) * max(term.weights[:2]))


def _inside_titles(term: _Term) -> float:
    """The most `term` scores in any article, its phrase in the title or not."""
    if len(term.phrase.words) > 1:
        return term.coefficient * _normalised(_ONE_WORD_MOST)
    return term.coefficient * _normalised(_word_most(term) * max(term.weights))


def _title_floor(term: _Term) -> float:
    """The least `term` scores in an article with its phrase in the title (0 for a phrase of
    several words: no bound is known)."""
    if len(term.phrase.words) != 1:
        return 0.0
    return term.coefficient * _normalised(_TITLE_LEAST * term.weights[2])


def _without(expression: Expression, rare: set[Phrase]) -> Expression | None:
    """The expression with the phrases of `rare` taken as absent; None when it then matches
    nothing (every match holds a rare phrase)."""
    if isinstance(expression, Phrase):
        return None if expression in rare else expression
    items = [_without(item, rare) for item in expression.items]
    kept = [item for item in items if item is not None]
    if isinstance(expression, AllOf):
        return None if len(kept) < len(items) else all_of(kept)
    return any_of(kept) if kept else None


def _absences(expression: Expression, most: int = 64) -> list[frozenset[Phrase]] | None:
    """What an article matched by `expression` but not by its text-vector version
    (_one_vector(expression, "f.doc")) is sure to lack: one of these sets of single words of
    the text vector, each wholly absent from it (it is not known which set); None when there
    are more than `most` such sets.

    A word is absent when its text-vector version fails; a stem phrase's version always
    fails and says nothing ([empty set]); an "any of" fails when every item does (a set of
    each item's, joined); an "all of" when one item does (any item's set). A phrase of several
    words that fails may still hold its words apart, which ts_rank scores: it says nothing."""
    if isinstance(expression, Phrase):
        single = (
            _vector(expression) == "f.doc"
            and len(expression.words) == 1
            and not expression.prefix
            and _indexable(expression)
        )
        return [frozenset([expression]) if single else frozenset()]
    found = [_absences(item, most) for item in expression.items]
    if any(sets is None for sets in found):
        return None
    if isinstance(expression, AllOf):
        every = [one for sets in found if sets is not None for one in sets]
        return list(dict.fromkeys(every)) if len(every) <= most else None
    joined: list[frozenset[Phrase]] = [frozenset()]
    for sets in found:
        assert sets is not None
        joined = list(dict.fromkeys(a | b for a in joined for b in sets))
        if len(joined) > most:
            return None
    return joined


def _reach(expression: Expression, frequencies: dict[str, int]) -> int:
    """About how many articles the expression's text-vector phrases reach: a phrase its
    rarest word's, an "any of" its items' summed, an "all of" its rarest item's; a stem phrase
    none."""
    if isinstance(expression, Phrase):
        if _vector(expression) != "f.doc":
            return 0
        return min(frequencies.get(word.lstrip(REDUP_MARK), 0) for word in expression.words)
    reaches = [_reach(item, frequencies) for item in expression.items]
    if not reaches:
        return 0
    return sum(reaches) if isinstance(expression, AnyOf) else min(reaches)


class _Statistics(NamedTuple):
    frequencies: dict[str, int]  # document frequency of each word held (term_stats)
    total: int  # the articles' largest id, their count as the idf takes it


class _TitlePart(NamedTuple):
    chosen: list[_Term]  # the terms whose title matches are read first
    outside: float  # the most an article without one of them in its title can score
    hope: float  # the least the best of those title matches is sure to score
    parts: list[list[_Term]] | None  # an "all of": the terms of each of its parts


def _title_part(expression: Expression, terms: list[_Term]) -> _TitlePart | None:
    """Which title matches to read first, for the matches of `expression` (its phrases
    among `terms`), scored by `terms`; None when no bound is known.

    Any one phrase in the title, against the articles with none in the title, when the
    expression is not an "all of"; for an "all of", the part whose phrases weigh most (their
    best case over their worst), against the articles without a phrase of it in the title;
    the best case is an article with a phrase of each part in its title."""
    every = sum(_inside_titles(term) for term in terms)

    def saving(part: list[_Term]) -> float:
        return sum(_inside_titles(term) - (_outside_titles(term) or 0.0) for term in part)

    if not isinstance(expression, AllOf):
        phrases = _phrases(expression)
        chosen = [term for term in terms if term.phrase in phrases]
        if not chosen:
            return None
        floor = min(_title_floor(term) for term in chosen)
        return _TitlePart(chosen, every - saving(chosen), floor, None)
    parts: list[list[_Term]] = []
    for item in expression.items:
        phrases = _phrases(item)
        parts.append([term for term in terms if term.phrase in phrases])
    if any(not part for part in parts):  # a part that scores nothing (its stems alone)
        return None
    chosen = max(parts, key=saving)
    hope = sum(min(_title_floor(term) for term in part) for part in parts)
    return _TitlePart(chosen, every - saving(chosen), hope, parts)


def _others_share(plan: _TitlePart, statistics: _Statistics) -> float:
    """About how many of the articles with the plan's chosen part hold every other part too,
    as a share: the other parts' shares of all articles (a part's: its phrases' document
    frequencies summed) multiplied, as if the words were independent."""
    total = max(statistics.total, 1)
    share = 1.0
    for part in plan.parts or []:
        if part is not plan.chosen:
            share *= min(1.0, sum(term.frequency for term in part) / total)
    return share


def _beats(score: float, bound: float) -> bool:
    """Whether `score` is surely above `bound`, with room for the rounding of ts_rank."""
    return score > bound * 1.001 + 1e-9


def _above(rows: list[Candidate], limit: int, outside: float) -> bool:
    """Whether `rows` (ranked, best first) are `limit` and the last scores above `outside`."""
    return len(rows) >= limit and _beats(-float(rows[-1].rank), outside)


def _least(rows: list[Candidate], limit: int, floor: float) -> float:
    """The score that the bounds of the articles left out of `rows` (ranked, best first) are
    held against: the limit-th best's when there are `limit`, else 0; the floor if higher."""
    last = -float(rows[-1].rank) if len(rows) >= limit else 0.0
    return max(last, floor)


def _settled(rows: list[Candidate], limit: int, floor: float, outside: float) -> bool:
    """Whether `rows` hold the answer at or above `floor` when no article left out scores
    more than `outside`: the limit-th best scores above it, or the floor is above it."""
    return _above(rows, limit, outside) or (floor > 0 and _beats(floor, outside))


def _best_of(limit: int, *found: list[Candidate]) -> list[Candidate]:
    """The best `limit` of ranked reads that may share articles, in rank order, ties by id."""
    every = {row.id: row for rows in found for row in rows}
    return sorted(every.values(), key=lambda row: (row.rank, row.id))[:limit]


# ts_rank gives a phrase of several words that an article holds at most one of (no pair of
# positions to score: calc_rank_and) 1e-20, its floor for "nothing"; with room for float4.
_RANK_FLOOR = 1e-19


def _alias_group(expression: Expression) -> tuple[AllOf, list[Phrase]] | None:
    """The typed words and the other names of a query whose words are a name of the alias
    table ("tenaga kerja indonesia": the "all of" of its words, and "pmi", "tki", "pekerja
    migran" ...): an "any of" of one "all of" and phrases over the text columns; else None."""
    if not isinstance(expression, AnyOf):
        return None
    typed = [item for item in expression.items if isinstance(item, AllOf)]
    names = [item for item in expression.items if isinstance(item, Phrase)]
    if len(typed) != 1 or len(typed) + len(names) != len(expression.items):
        return None
    if any(name.columns != "text" or name.prefix or not _indexable(name) for name in names):
        return None
    return typed[0], names


def _first_words(names: list[Phrase], own: set[str], frequencies: dict[str, int]) -> frozenset[str]:
    """The words an article must hold one of to be read first, so that each of `names` scores
    nothing in an article left out: a name of one word, itself; of several, all but one (a
    phrase scores its words by pairs), the one left a typed word of `own` if it has one (every
    match holds it), else its commonest."""
    read: set[str] = set()
    for name in names:
        words = sorted(set(name.words))
        kept = max(
            words, key=lambda word: (word in own, frequencies.get(word.lstrip(REDUP_MARK), 0))
        )
        read |= {word for word in words if word != kept or len(words) == 1}
    return frozenset(read)


def _left_out_most(terms: list[_Term], read: frozenset[str], titles: frozenset[Phrase]) -> float:
    """The most `terms` (single words and phrases over the text vector, no prefix) score in an
    article whose text vector holds none of the words `read` and whose title holds none of the
    phrases `titles`: a word read scores 0; a phrase of several words with at most one of its
    words left unread, the floor (it holds no two of them); a word of `titles`, its
    _outside_titles bound; any other, its _inside_titles bound."""
    total = 0.0
    for term in terms:
        words = set(term.phrase.words)
        left = words - read
        if not left or (len(words) > 1 and len(left) == 1):
            total += term.coefficient * _RANK_FLOOR
        elif term.phrase in titles:
            total += _outside_titles(term) or math.inf
        else:
            total += _inside_titles(term)
    return total


def _single_words(expression: Expression) -> bool:
    """Whether the expression is "any of these words", each a word of the text (related
    news' more-like-this): then an article with one of them, in its title or anywhere,
    matches it."""
    return isinstance(expression, AnyOf) and all(
        isinstance(item, Phrase)
        and not isinstance(item, _Held)
        and item.columns == "text"
        and not item.prefix
        and len(item.words) == 1
        for item in expression.items
    )


def _title_condition(terms: list[_Term], params: list[object]) -> str:
    """SQL for "one of the phrases is in the title", over the title-only GIN indexes."""
    grouped: dict[str, list[str]] = {}
    for term in terms:
        grouped.setdefault(_vector(term.phrase), []).append(f"({_tsquery(term.phrase)})")
    parts: list[str] = []
    for vector, queries in grouped.items():
        params.append(" | ".join(queries))
        parts.append(f"ts_filter({vector}, '{{a}}') @@ CAST(? AS tsquery)")
    return " OR ".join(parts)


class _Kept(threading.local):
    """One thread's word statistics kept inside statistics_held: each word's document
    frequency as read (0: absent, or its count down to 0), and the article count."""

    frequencies: dict[str, int] | None = None
    total: int | None = None


class PostgresTextIndex(TextIndex):
    """tsvector rows and ranked matching; term statistics as on SQLite (the same table)."""

    def __init__(
        self, connections: Database, joined: bool = True, phrases: frozenset[Words] = frozenset()
    ) -> None:
        super().__init__(connections, Layout(joined=joined))
        self._phrases = phrases  # those whose tokens the text vectors hold (phrases.py)
        self._writing = sorted(phrases)
        self._kept = _Kept()

    # -- writing (inside the caller's transaction) -----------------------------------------

    def add_many(self, rows: Sequence[tuple[int, Sequence[str]]]) -> None:
        if not rows:
            return
        self._db.conn.executemany(
            "INSERT INTO articles_fts (id, doc, stems) "
            "VALUES (?, CAST(? AS tsvector), CAST(? AS tsvector))",
            [
                (
                    article_id,
                    tsvector(surface_columns(values), self._writing),
                    tsvector(values[3:6]),
                )
                for article_id, values in rows
            ],
        )

    def remove(self, article_id: int, values: Sequence[str]) -> None:
        self._db.conn.execute("DELETE FROM articles_fts WHERE id = ?", (article_id,))

    # Family widening's LIKE reads `term || ''`, which term_stats' trigram index holds
    # (schema.py, _TRIGRAMS) and the lookups of whole words (term IN ...) cannot take.
    contained_in = "(term || '')"

    # -- word statistics ---------------------------------------------------------------------

    @contextmanager
    def statistics_held(self) -> Iterator[None]:
        """Within the block, this thread reads each word's document frequency and the article
        count once, and every later step is given those: an open reads its distinctive words'
        frequencies (related news), then the eight rarest's for its own score (score_of) and
        again for its ranked read, three statements and round trips where one does. What the
        block sees is the statistics of its first read, though another process imports meanwhile
        (the own score and the ranked rows are then scored alike). A block inside one is the
        outer block's."""
        kept = self._kept
        if kept.frequencies is not None:
            yield
            return
        kept.frequencies, kept.total = {}, None
        try:
            yield
        finally:
            kept.frequencies, kept.total = None, None

    def document_frequencies(self, terms: list[str]) -> dict[str, int]:
        known = self._kept.frequencies
        if known is None:
            return super().document_frequencies(terms)
        self._keep(terms, known)
        return {term: known[term] for term in terms if known[term] > 0}

    def highest_id(self) -> int:
        """The article count as the idf takes it; inside statistics_held, the one kept (read
        with the first words' frequencies)."""
        if self._kept.frequencies is None:
            return super().highest_id()
        if self._kept.total is None:
            self._kept.total = super().highest_id()
        return self._kept.total

    def _keep(self, words: Sequence[str], known: dict[str, int]) -> None:
        """Read into `known` the frequencies of the `words` it lacks, and the article count
        with the first batch if it is not kept yet (one statement)."""
        missing = [word for word in dict.fromkeys(words) if word not in known]
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            total = self._kept.total is None
            rows = self._db.conn.execute(
                "SELECT term, df FROM term_stats "
                f"WHERE term IN ({','.join('?' * len(batch))}) AND df > 0"
                + (" UNION ALL SELECT NULL, coalesce(max(id), 0) FROM articles" if total else ""),
                batch,
            ).fetchall()
            known.update(dict.fromkeys(batch, 0))
            for term, df in rows:
                if term is None:
                    self._kept.total = int(df)
                else:
                    known[term] = int(df)

    # -- matching ----------------------------------------------------------------------------

    @overload
    def _tokens(self, expression: Expression) -> Expression: ...
    @overload
    def _tokens(self, expression: None) -> None: ...

    def _tokens(self, expression: Expression | None) -> Expression | None:
        if expression is None:
            return None
        expression = _joined(expression, self.layout.joined)
        return _held(expression, self._phrases) if self._phrases else expression

    def _statistics(self, expression: Expression) -> _Statistics:
        """The document frequencies of every word of the expression's phrases (as given, and
        without a reduplication mark) and the count of articles, read in one statement: a
        search's or an open's every step takes them from here instead of a statement each
        (a round trip waits for the server and the client to get a core in turn, which on a
        busy machine costs more than the statement)."""
        words = sorted(
            {
                form
                for phrase in _phrases(expression)
                for word in phrase.words
                for form in (word, word.lstrip(REDUP_MARK))
            }
        )
        if self._kept.frequencies is not None or len(words) > BATCH:
            # statistics_held (read from what is kept), or more than one statement's worth
            return _Statistics(self.document_frequencies(words), self.highest_id())
        rows = self._db.conn.execute(
            "SELECT term, df FROM term_stats "
            f"WHERE term IN ({','.join('?' * len(words)) or 'NULL'}) AND df > 0 "
            "UNION ALL SELECT NULL, coalesce(max(id), 0) FROM articles",
            words,
        ).fetchall()
        frequencies = {term: df for term, df in rows if term is not None}
        total = next(int(df) for term, df in rows if term is None)
        return _Statistics(frequencies, total)

    def _scored(
        self, expression: Expression, weights: Weights, statistics: _Statistics | None = None
    ) -> list[_Term]:
        """The phrases that score, each with its coefficient (idf times its columns' top
        weight) and ts_rank's weight array; `statistics` those of an expression that holds
        this one's phrases, else read."""
        phrases = _phrases(expression)
        text_top = max(weights[:3]) or 1.0
        stem_top = max(weights[3:6]) or 1.0
        text_weights = [w / text_top for w in reversed(weights[:3])]
        stem_weights = [w / stem_top for w in reversed(weights[3:6])]
        if statistics is None:
            statistics = self._statistics(expression)
        # A reduplication token counts the document frequency of its word, as its phrase did.
        frequencies = statistics.frequencies
        total = max(statistics.total, 1)
        terms: list[_Term] = []
        for phrase in phrases:
            stems = phrase.columns in ("stems", "title_stems")
            scale = stem_top if stems else text_top
            if scale == 0 or (stems and not any(weights[3:6])) or not _indexable(phrase):
                continue
            df = min(
                (frequencies.get(word.lstrip(REDUP_MARK), 0) for word in phrase.words), default=0
            )
            idf = math.log(1 + (total - df + 0.5) / (df + 0.5))
            terms.append(_Term(phrase, idf * scale, stem_weights if stems else text_weights, df))
        return terms

    def _rank(
        self,
        expression: Expression,
        weights: Weights,
        params: list[object],
        statistics: _Statistics | None = None,
    ) -> str:
        """SQL for a phrase-by-phrase BM25-like score (higher is better)."""
        return _rank_sql(self._scored(expression, weights, statistics), params)

    def _narrowed(self, expression: Expression, statistics: _Statistics) -> Expression:
        """A long "any of these words" query (related news' "more like this") as its rarest
        words alone, for matching and scoring. Ranking every article that holds any of thirty
        words reads most of the store, and ts_rank reads an article's vector once per word
        (4 s at 100,000 articles); the rarest words carry most of the score anyway.
        `statistics`: those of `expression`."""
        if not isinstance(expression, AnyOf) or len(expression.items) <= NARROW_ABOVE:
            return expression
        phrases = [item for item in expression.items if isinstance(item, Phrase)]
        if len(phrases) != len(expression.items):
            return expression
        frequencies = statistics.frequencies

        def rarity(phrase: Phrase) -> int:
            return min((frequencies.get(word, 0) for word in phrase.words), default=0)

        return AnyOf(tuple(sorted(phrases, key=rarity)[:NARROW_ABOVE]))

    def _where(
        self,
        expression: Expression | None,
        exclude: Expression | None,
        filters: Filters | None,
        params: list[object],
    ) -> list[str]:
        clauses: list[str] = []
        if expression is not None:
            clauses.append(_match(expression, params))
        if exclude is not None:
            excluded: list[object] = []
            test = _condition(exclude, excluded)
            clauses.append(
                f"NOT EXISTS (SELECT 1 FROM articles_fts f WHERE f.id = a.id AND {test})"
                if expression is None
                else f"NOT {test}"
            )
            params += excluded
        where, filter_params = _filters(filters)
        if where:
            clauses.append(where)
            params += filter_params
        return clauses

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
        """The best `limit` matches, best first; `rank` is the negated score, as bm25 gives.
        `floor`: the caller wants no match that scores below it, so the rows at or above it are
        the answer's and those below it may be left out or be other ones."""
        expression = self._tokens(expression)
        statistics = self._statistics(expression)
        expression = self._narrowed(expression, statistics)
        exclude = self._tokens(exclude)
        terms = self._scored(expression, weights, statistics)
        params: list[object] = []
        clauses = self._where(expression, exclude, None, params)
        where, filter_params = _filters(filters)
        params += filter_params
        # Scores are computed once a match, in a subquery the planner keeps apart (OFFSET 0),
        # which gives ids and scores alone; the best `limit` of those then read their article
        # rows. Left to itself, the planner sorted whole rows, each match's vector with them
        # (spilled to disk), and read the vector again after the join to give the score.
        # Filters are a semi-join inside, so only the matches that pass them are scored.
        inner = (
            f" WHERE {' AND '.join(clauses)}"
            + (f" AND f.id IN (SELECT a.id FROM articles a WHERE {where})" if where else "")
            + _BEST_TAIL
        )
        head = f"SELECT {_CANDIDATE_COLUMNS}, r.rank FROM (SELECT s.id, s.rank FROM (SELECT f.id, "
        # For "any of these words" (related news), the rows the title-first and shared-first
        # reads pick out each hold one of the words (in the title, or two of them), so they
        # match it already: without an excluded word or a filter, they are not tested for it
        # again (a tsquery of every word on each row's vector, 8% of the shared-first read's
        # server CPU at 1,600,000 articles).
        plain = exclude is None and not where
        bare = plain and _single_words(expression)
        tail, tail_params = (_BEST_TAIL, []) if bare else (inner, params)
        title_first = self._title_first(
            expression, terms, head, tail, tail_params, limit, statistics
        )
        if title_first is not None:
            return title_first
        shared_first = self._shared_first(expression, terms, head, tail, tail_params, limit, floor)
        if shared_first is not None:
            return shared_first
        lifted = self._lifted_phrases(
            expression, terms, head, inner, params, limit, statistics.frequencies
        )
        if lifted is not None:
            return lifted
        text_first = None
        # Not with a filter or an excluded word: they leave fewer of the first read's articles,
        # which then seldom prove the answer, and the second read costs as much as one read of
        # every match ("tenaga kerja asing -tka" at 1,100,000 articles: 67-86 -> 130 ms).
        if plain and _reach(expression, statistics.frequencies) >= TEXT_FIRST_ABOVE:
            text_first = self._names_first(expression, terms, head, inner, params, limit)
            if text_first is None:
                text_first = self._text_first(expression, terms, head, inner, params, limit)
            if text_first is None:
                text_first = self._alias_words_first(
                    expression, terms, head, inner, params, limit, statistics.frequencies
                )
        if text_first is not None:
            return text_first
        rank_params: list[object] = []
        rank = _rank_sql(terms, rank_params)
        sql = f"{head}-({rank}) AS rank FROM articles_fts f{inner}"
        rows = self._db.conn.execute(sql, [*rank_params, *params, limit]).fetchall()
        return [Candidate(*row) for row in rows]

    def _title_first(
        self,
        expression: Expression,
        terms: list[_Term],
        head: str,
        inner: str,
        params: list[object],
        limit: int,
        statistics: _Statistics,
    ) -> list[Candidate] | None:
        """The best `limit` matches found among those with a phrase in the title alone, when
        that is sure to give the same answer as scoring every match; else None. `statistics`:
        those of every word of `expression` (`_statistics`).

        A common word matches a tenth of the articles, and scoring a match reads its row
        (about 2.5 us each in memory: 6,700 matches of "korupsi" took 44 ms at 100,000
        articles, and ten times as many at 1,000,000). Ranking by columns (title 10, lead 3,
        body 1) puts a match in the title far above one in the body: a word in the title scores
        at least 0.378 of its coefficient, elsewhere at most 0.325 (see _ONE_WORD_MOST). So when
        the `limit`-th best of the title matches scores more than any article without a phrase
        in its title could, those are the best matches, in the same order, ties included. The
        title matches are found by their own GIN indexes (over ts_filter(vector, '{a}')).

        For an "all of" (two words or more), the title matches are those of its part that
        weighs most (the rarest word): an article without that part in its title scores at
        most 0.325 of that part's coefficients plus 0.617 of every other's (in its title or
        not), which the limit-th best of them must beat. For "any of these words" (_single_words)
        each row read holds one of the words, and `inner` need not test the match again."""
        if not terms or limit <= 0:
            return None
        frequencies = statistics.frequencies
        bounds = [_outside_titles(term) for term in terms]
        if any(bound is None for bound in bounds):
            return None
        rare = [term for term in terms if term.frequency <= RARE]
        common = [term for term in terms if term.frequency > RARE]
        # The phrases that do not score (the stems): those of a rare word are read whole too.
        scoring = {term.phrase for term in terms}
        quiet = [phrase for phrase in _phrases(expression) if phrase not in scoring]
        quiet = [
            phrase
            for phrase in quiet
            if _indexable(phrase) and min(frequencies.get(word, 0) for word in phrase.words) <= RARE
        ]
        rest = _without(expression, {term.phrase for term in rare} | set(quiet))
        if rest is None:  # every match holds a rare phrase: the title matches alone, as if
            rare, quiet, common, rest = [], [], terms, expression  # none were rare
        plan = _title_part(rest, common)
        if plan is None or plan.hope <= plan.outside * 1.001:
            return None
        # Where the other parts are common (their shares multiplied at JOINED_TITLES_BELOW or
        # more), the whole match holds a good share of the chosen part's articles: more than
        # its title matches, so reading those first costs little when it cannot answer, and it
        # often can with fewer than `limit` articles holding every part in the title (their
        # title word alone scores near the bound): "gubernur jakarta" at 1,100,000 articles,
        # 69 such titles, ranked 5,514 title matches instead of 47,124 (215 -> 22 ms).
        share = _others_share(plan, statistics) if plan.parts is not None else 0.0
        if (
            plan.parts is not None
            and share < JOINED_TITLES_BELOW
            and not self._titles_with_every_part(plan.parts, limit)
        ):
            return None
        outside = plan.outside
        title_params: list[object] = []
        candidates = [_title_condition(plan.chosen, title_params)]
        for vector in ("f.doc", "f.stems"):
            queries = [
                f"({_tsquery(phrase, match=True)})"
                for phrase in [*(term.phrase for term in rare), *quiet]
                if _vector(phrase) == vector
            ]
            if queries:
                title_params.append(" | ".join(dict.fromkeys(queries)))
                candidates.append(f"{vector} @@ CAST(? AS tsquery)")
        # Kept apart (OFFSET 0), the title matches are read alone and each tested for the
        # whole match; joined to it where the other parts are rare (JOINED_TITLES_BELOW).
        fence = " OFFSET 0"
        if plan.parts is not None and share < JOINED_TITLES_BELOW:
            fence = ""
        where = f"{' OR '.join(candidates)}{fence}"
        return self._best_if_above(terms, head, inner, where, title_params, params, limit, outside)

    def _shared_first(
        self,
        expression: Expression,
        terms: list[_Term],
        head: str,
        inner: str,
        params: list[object],
        limit: int,
        floor: float = 0.0,
    ) -> list[Candidate] | None:
        """For "any of these words" (related news' more-like-this: the eight rarest of an
        article's distinctive words), the best `limit` matches found among the articles that
        hold two of the words or more, or one in the title, when that is sure to give the same
        answer as scoring every match; else None.

        An article that holds one of the words alone, outside its title, scores that word's
        term alone, at most its _outside_titles bound. Such articles are most of the matches
        (8 words of 500-6,000 articles each at 1,000,000), and every match was scored; the
        articles alike hold several of the words. So when the `limit`-th best of the others
        scores more than any one word's bound, those are the best matches, in the same order,
        ties included. A GIN read of the text vectors (the pairs as one tsquery) finds those
        with two words or more, and ranks them; an article with one word alone, in its title,
        scores at most that word's _inside_titles bound, so the title matches of a word are read
        (a second read, of the titles' index) only where its bound is not below the limit-th
        best of the first: the rarest words', which have the fewest (at 1,100,000 articles, 24
        opens at random: 17,900 title matches to read of 36,600; none in 14 of them).

        The pairs are written as each word AND any of the words after it (w1 & (w2 | .. | w8) |
        w2 & (w3 | .. | w8) | ..), the same articles as the 28 pairs each written out: GIN tests
        every article of the rarer words' lists against the tsquery, and the shorter one took
        14 ms instead of 50 at 1,100,000 articles.

        Every row either read picks out holds one of the words, so it matches the expression:
        `inner` need not test it again (ranked gives the bare tail where nothing else is tested).

        With a `floor` (related news' similarity floor), an article left out need only be
        sure to score below the floor or below the `limit`-th best, whichever is higher: the
        rows at or above the floor are then the answer's."""
        if not isinstance(expression, AnyOf) or len(terms) < 2 or limit <= 0:
            return None
        if sum(term.frequency for term in terms) < SHARED_FIRST_ABOVE:
            return None
        if not _single_words(expression) or {term.phrase for term in terms} != set(
            expression.items
        ):
            return None
        bounds = [_outside_titles(term) for term in terms]
        if any(bound is None for bound in bounds):
            return None
        outside = max(bound for bound in bounds if bound is not None)
        words = [f"({_tsquery(term.phrase)})" for term in terms]
        pairs = " | ".join(
            f"({word} & ({' | '.join(words[number + 1 :])}))"
            for number, word in enumerate(words[:-1])
        )
        shared = self._best(
            terms, head, inner, "f.doc @@ CAST(? AS tsquery) OFFSET 0", [pairs], params, limit
        )
        inside = {term.phrase: _inside_titles(term) for term in terms}
        if _settled(shared, limit, floor, max([outside, *inside.values()])):
            return shared  # no article with one word alone, even in its title, scores as much
        # An article with one word alone, in its title, scores at most that word's
        # _inside_titles bound: only the words whose bound neither the limit-th best of those
        # sharing two words nor the floor beats need their title matches read.
        least = _least(shared, limit, floor)
        read = [term for term in terms if not _beats(least, inside[term.phrase])]
        left = [inside[term.phrase] for term in terms if term not in read]
        titles = " | ".join(f"({_tsquery(term.phrase)})" for term in read)
        where = "ts_filter(f.doc, '{a}') @@ CAST(? AS tsquery) OFFSET 0"
        found = self._best(terms, head, inner, where, [titles], params, limit) if read else []
        best = _best_of(limit, shared, found)
        return best if _settled(best, limit, floor, max([outside, *left])) else None

    def _lifted_phrases(
        self,
        expression: Expression,
        terms: list[_Term],
        head: str,
        inner: str,
        params: list[object],
        limit: int,
        frequencies: dict[str, int],
    ) -> list[Candidate] | None:
        """For "any of" with a phrase of common words among its items (an alias of the query's
        words: "tenaga kerja indonesia" of "pekerja migran"), the best `limit` matches found
        with that phrase read only where the article also holds a scoring phrase that is not an
        item of its own (a word of the query: "pekerja", "migran"), when that is sure to give
        the same answer as scoring every match; else None.

        GIN finds a phrase's articles by its words and then reads each to test that they are
        next to each other: "tenaga kerja indonesia" at 1,100,000 articles had 8,729 articles
        to test (42 ms) and matched none. An article left unread matches by such phrases
        alone and holds no other scoring phrase (those that are items match by themselves and
        are read), so it scores at most those phrases' _inside_titles bounds summed; when the
        `limit`-th best of the others scores more, those are the best matches, in the same
        order, ties included."""
        if not isinstance(expression, AnyOf) or limit <= 0:
            return None

        def common(item: Phrase) -> bool:
            return (
                len(item.words) > 1
                and not isinstance(item, _Held)  # its token is read instead, a short list
                and not item.prefix
                and item.columns == "text"
                and _indexable(item)
                and min(frequencies.get(word.lstrip(REDUP_MARK), 0) for word in item.words) > RARE
            )

        phrases = [item for item in expression.items if isinstance(item, Phrase) and common(item)]
        scoring = {term.phrase: term for term in terms}
        if not phrases or any(phrase not in scoring for phrase in phrases):
            return None
        items = [item for item in expression.items if item not in phrases]
        lifting = [term.phrase for term in terms if term.phrase not in expression.items]
        if not lifting or any(
            phrase.columns != "text" or not _indexable(phrase) for phrase in lifting
        ):
            return None
        outside = sum(_inside_titles(scoring[phrase]) for phrase in phrases)
        lifts = " | ".join(dict.fromkeys(f"({_tsquery(phrase, match=True)})" for phrase in lifting))
        read_params: list[object] = []
        candidates = [_condition(any_of(items), read_params)] if items else []
        read_params.append(" | ".join(f"(({_tsquery(phrase)}) & ({lifts}))" for phrase in phrases))
        candidates.append("f.doc @@ CAST(? AS tsquery)")
        where = f"{' OR '.join(candidates)} OFFSET 0"
        return self._best_if_above(terms, head, inner, where, read_params, params, limit, outside)

    def _names_first(
        self,
        expression: Expression,
        terms: list[_Term],
        head: str,
        inner: str,
        params: list[object],
        limit: int,
    ) -> list[Candidate] | None:
        """For "any of" one word or more (the other names of the alias table: "tka" of
        "tenaga kerja asing") and the query's own words, the best `limit` matches found among
        the articles with one of those words and those with one of its other scoring phrases
        in the title, when that is sure to give the same answer as scoring every match; else
        None.

        An article left out lacks each of those words (a word's ts_rank is then 0) and has no
        other scoring phrase in its title, so it scores at most the other terms'
        _outside_titles bounds summed. "tenaga kerja asing" at 1,200,000 articles matches
        6,765 articles; 3,713 hold "tka", 40 of the others one of its words in the title, and
        the 100th best scores 26.3 where those left out reach at most 22.0. One read: the
        words' GIN lists, and the titles' index with the whole match (by its text vector, or a
        stem phrase) for the rest. Tried where an article with one of the words (one that some
        article holds) in its title could beat that bound (at most _inside_titles):
        "kementerian ketenagakerjaan" (other names "kemnaker", in 1,271 articles, and
        "kemenaker", in none) is not, its bound 42.3 against 34.2."""
        if not isinstance(expression, AnyOf) or limit <= 0:
            return None
        scoring = {term.phrase: term for term in terms}
        names = [
            scoring[item]
            for item in expression.items
            if isinstance(item, Phrase)
            and item in scoring
            and len(item.words) == 1
            and not item.prefix
            and _vector(item) == "f.doc"
        ]
        others = [term for term in terms if term not in names]
        if not names or not others or sum(term.frequency for term in names) < limit:
            return None
        bounds = [_outside_titles(term) for term in others]
        if any(bound is None for bound in bounds):
            return None
        outside = sum(bound or 0.0 for bound in bounds)
        if outside >= max(_inside_titles(term) if term.frequency else 0.0 for term in names):
            return None  # an article with one of the words in its title cannot beat it
        text = _one_vector(expression, "f.doc")
        if text is None:
            return None
        stems = [
            f"({_tsquery(phrase)})"
            for phrase in _phrases(expression)
            if _vector(phrase) == "f.stems" and _indexable(phrase)
        ]
        where_params: list[object] = [" | ".join(f"({_tsquery(term.phrase)})" for term in names)]
        titles = _title_condition(others, where_params)
        where_params.append(text)
        whole = "f.doc @@ CAST(? AS tsquery)"
        if stems:
            where_params.append(" | ".join(dict.fromkeys(stems)))
            whole = f"({whole} OR f.stems @@ CAST(? AS tsquery))"
        where = f"f.doc @@ CAST(? AS tsquery) OR ({titles}) AND {whole} OFFSET 0"
        return self._best_if_above(terms, head, inner, where, where_params, params, limit, outside)

    def _text_first(
        self,
        expression: Expression,
        terms: list[_Term],
        head: str,
        inner: str,
        params: list[object],
        limit: int,
    ) -> list[Candidate] | None:
        """For an expression with stem phrases that do not score (a search: each word or its
        stem), its best `limit` matches read in two parts instead of one; None where it does
        not apply (no stem phrase, a prefix, a scoring stem phrase).

        First the articles it matches by the text vector alone (its stem phrases taken as
        absent) and those with a stem phrase and a scoring phrase in the title, which are the
        answer when the `limit`-th best of them is sure to score more than any article left
        out; else also the best `limit` of those left out (a stem phrase, no match by the text
        vector), the answer being the best of the two, in the same order, ties included.

        The stem phrases find few articles that the words do not ("tenaga kerja asing" at
        1,100,000 articles: 10 of 6,201), but reading them costs: the planner visits every
        article with one of the stems, or every one with the word of a part ("harga beras":
        9,080 articles with "beras" or its stem, to keep 46; "tenaga kerja asing": 7,899 with
        one of the three stems). An article left out matches only through a stem, so it lacks
        the words of one of _absences' sets, and has no scoring phrase in its title: it scores
        at most the _outside_titles bounds of the other terms. When the `limit`-th best of
        those read scores more, they are the best matches, in the same order, ties included.
        One GIN read of the text vectors (one tsquery), one of the titles' and one of the stems
        find them. Where that is not proven ("harga cabai": its 100th best scores 10.3, an
        article with "cabai" outside its title up to 13.0), the second read visits the articles
        with a stem phrase, as scoring every match would have, and those of the text vector
        are not read again."""
        if limit <= 0 or not terms or any(_vector(term.phrase) != "f.doc" for term in terms):
            return None
        stems = [
            f"({_tsquery(phrase)})"
            for phrase in _phrases(expression)
            if _vector(phrase) == "f.stems" and _indexable(phrase)
        ]
        text = _one_vector(expression, "f.doc")
        absences = _absences(expression)
        if not stems or text is None or not absences:
            return None  # no stem phrase: the text vector finds every match already
        bounds = {term.phrase: _outside_titles(term) for term in terms}
        if any(bound is None for bound in bounds.values()):
            return None
        outside = max(
            sum(bound or 0.0 for phrase, bound in bounds.items() if phrase not in absent)
            for absent in absences
        )
        if outside >= max(_title_floor(term) for term in terms):
            # Not even a query word in the title is sure to beat it (a phrase of several
            # words, which scores its words apart too: "upah minimum regional" of "upah
            # minimum", 123.7 against best scores near 11): the first read would be lost.
            return None
        stem_query = " | ".join(dict.fromkeys(stems))
        where_params: list[object] = [text]
        titles = _title_condition(terms, where_params)
        where_params.append(stem_query)
        where = (
            f"f.doc @@ CAST(? AS tsquery) OR ({titles}) AND f.stems @@ CAST(? AS tsquery) OFFSET 0"
        )
        found = self._best(terms, head, inner, where, where_params, params, limit)
        if _above(found, limit, outside):
            return found
        # Not proven: the matches left out hold a stem phrase and do not match by the text
        # vector. Their best `limit` and those found hold the best of every match.
        # Read as the whole match is (the planner reads the index of its rarest part: "cabai"
        # or its stem, 3,900 articles, where those with the stem of "harga" were 7,900).
        rest_params: list[object] = [text]
        where = f"NOT f.doc @@ CAST(? AS tsquery) AND {_match(expression, rest_params)}"
        rest = self._best(terms, head, inner, f"{where} OFFSET 0", rest_params, params, limit)
        return _best_of(limit, found, rest)

    def _alias_words_first(
        self,
        expression: Expression,
        terms: list[_Term],
        head: str,
        inner: str,
        params: list[object],
        limit: int,
        frequencies: dict[str, int],
    ) -> list[Candidate] | None:
        """For typed words that are a name of the alias table ("tenaga kerja indonesia", whose
        other names are "pmi", "tki", "pekerja migran", "buruh migran", "pekerja migran
        indonesia"), the best `limit` matches found among those whose text vector holds a word
        of the other names (each name's words but its commonest, or but a typed word), and
        then, where needed, those with a typed word in the title; None when that is not sure
        to give the same answer as scoring every match.

        The typed words match as words anywhere in an article ("indonesia" is in 55% of the
        articles at 1,200,000: 12,462 matches, each scored with eight ts_ranks, 160-200 ms of
        server CPU), while the best hold an other name. An article left out holds none of the
        words read, so each of those words scores 0 there and each other name of several words
        its floor (it holds no two of its words: ts_rank scores a phrase's words by pairs of
        positions); the typed words score at most their _inside_titles bounds, or, once their
        title matches are read, their _outside_titles bounds (_left_out_most). The first read
        (the other names' words AND the whole match by the text vector, one tsquery, and the
        stem-only matches holding such a word) answers when its `limit`-th best beats that
        bound with no title read; else the title matches of the typed words that weigh most,
        as few as bring the bound below that `limit`-th best, are read too, and the best of
        both answer when they beat it. The phrase token of the typed words (phrases.py) is
        not needed: holding the words side by side adds nothing to their scores."""
        if limit <= 0 or not terms:
            return None
        if any(
            term.phrase.columns != "text" or term.phrase.prefix or not _indexable(term.phrase)
            for term in terms
        ):
            return None
        group = _alias_group(expression)
        if group is None:
            return None
        typed, names = group
        own = {word for phrase in _phrases(typed) for word in phrase.words}
        read = _first_words(names, own, frequencies)
        if not read or read & own:
            return None  # nothing to read first, or a typed word: every match
        holding = sum(frequencies.get(word.lstrip(REDUP_MARK), 0) for word in read)
        if holding < limit or holding > ALIAS_READ_MOST * _reach(typed, frequencies):
            return None  # too few to answer, or as many as every match
        words_read = read
        singles = [
            term
            for term in terms
            if len(term.phrase.words) == 1 and term.phrase.words[0] not in read
        ]
        singles.sort(key=lambda term: (_outside_titles(term) or 0.0) - _inside_titles(term))
        every = frozenset(term.phrase for term in singles)
        hope = sum(_title_floor(term) for term in singles)
        if not _beats(hope, _left_out_most(terms, words_read, every)):
            return None  # even the typed words in the title would not beat it
        words_query = " | ".join(_quote(word) for word in sorted(read))
        text = _one_vector(expression, "f.doc")
        stems = [
            f"({_tsquery(phrase)})"
            for phrase in _phrases(expression)
            if _vector(phrase) == "f.stems" and _indexable(phrase)
        ]
        where_params: list[object] = []
        parts: list[str] = []
        if text is not None:
            where_params.append(f"{text} & ({words_query})")
            parts.append("f.doc @@ CAST(? AS tsquery)")
        if stems:
            where_params += [" | ".join(dict.fromkeys(stems)), words_query]
            parts.append("f.stems @@ CAST(? AS tsquery) AND f.doc @@ CAST(? AS tsquery)")
        if not parts:
            return None
        where = f"{' OR '.join(parts)} OFFSET 0"
        found = self._best(terms, head, inner, where, where_params, params, limit)
        if _above(found, limit, _left_out_most(terms, words_read, frozenset())):
            return found
        # The typed words' title matches, those that weigh most first, as few as bring the
        # bound below the limit-th best read (all of them when fewer than `limit` were read).
        least = -float(found[-1].rank) if len(found) >= limit else 0.0
        titles: list[_Term] = []
        for term in singles:
            titles.append(term)
            if _beats(
                least, _left_out_most(terms, words_read, frozenset(t.phrase for t in titles))
            ):
                break
        chosen = frozenset(term.phrase for term in titles)
        title_params: list[object] = []
        where = f"({_title_condition(titles, title_params)}) AND {_match(expression, title_params)}"
        more = self._best(terms, head, inner, f"{where} OFFSET 0", title_params, params, limit)
        best = _best_of(limit, found, more)
        return best if _above(best, limit, _left_out_most(terms, words_read, chosen)) else None

    def _best_if_above(
        self,
        terms: list[_Term],
        head: str,
        inner: str,
        where: str,
        where_params: list[object],
        params: list[object],
        limit: int,
        outside: float,
    ) -> list[Candidate] | None:
        """The best `limit` of the articles `where` picks out, ranked; None unless there are
        that many and the last of them scores above `outside`, the most an article it left out
        could score (then they are the answer over every match, else not proven)."""
        rows = self._best(terms, head, inner, where, where_params, params, limit)
        if not _above(rows, limit, outside):
            return None
        return rows

    def _best(
        self,
        terms: list[_Term],
        head: str,
        inner: str,
        where: str,
        where_params: list[object],
        params: list[object],
        limit: int,
    ) -> list[Candidate]:
        """The best `limit` of the matches among the articles `where` picks out, ranked."""
        rank_params: list[object] = []
        rank = _rank_sql(terms, rank_params)
        sql = (
            f"{head}-({rank}) AS rank FROM (SELECT f.id, f.doc, f.stems FROM articles_fts f "
            f"WHERE {where}) f{inner}"
        )
        rows = self._db.conn.execute(sql, [*rank_params, *where_params, *params, limit]).fetchall()
        return [Candidate(*row) for row in rows]

    def _titles_with_every_part(self, parts: list[list[_Term]], limit: int) -> bool:
        """Whether `limit` articles have a phrase of each part in their title: each of those
        scores at least the plan's hope, above every article outside, so the title-first
        search is sure to give the answer. Fewer, and it seldom does: scoring the title matches
        of the part read first (thousands for "jokowi" at 100,000 articles) would be lost
        work. One read of the title index, which skips along the rarest part's list."""
        query = " & ".join(
            "(" + " | ".join(f"({_tsquery(term.phrase)})" for term in part) + ")" for part in parts
        )
        vectors = {_vector(term.phrase) for part in parts for term in part}
        if len(vectors) != 1:
            return True  # not one tsquery; the search itself will tell
        row = self._db.conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM articles_fts f WHERE "
            f"ts_filter({vectors.pop()}, '{{a}}') @@ CAST(? AS tsquery) LIMIT ?) s",
            (query, limit),
        ).fetchone()
        return bool(row) and int(row[0]) >= limit

    def newest(
        self,
        limit: int,
        *,
        exclude: Expression | None = None,
        filters: Filters | None = None,
        expression: Expression | None = None,
        weights: Weights | None = None,
    ) -> list[Candidate]:
        """The newest articles that pass the filters, rank 0; with `expression`, the newest
        that match it, each with its rank by `weights`."""
        expression, exclude = self._tokens(expression), self._tokens(exclude)
        rank_params: list[object] = []
        rank = "0.0"
        source = "articles a"
        if expression is not None:
            rank = f"-({self._rank(expression, weights or Weights(1.0, 1.0, 1.0), rank_params)})"
            source = "articles_fts f JOIN articles a ON a.id = f.id"
        params: list[object] = []
        clauses = self._where(expression, exclude, filters, params)
        sql = (
            f"SELECT {_CANDIDATE_COLUMNS}, {rank} FROM {source} "
            + ("WHERE " + " AND ".join(clauses) if clauses else "")
            + " ORDER BY a.sort_key DESC, a.id DESC LIMIT ?"
        )
        rows = self._db.conn.execute(sql, [*rank_params, *params, limit])
        return [Candidate(*row) for row in rows]

    def matching(
        self,
        expression: Expression | None,
        *,
        exclude: Expression | None = None,
        filters: Filters | None = None,
        among: list[int] | None = None,
    ) -> list[int]:
        if among is not None and not among:
            return []
        expression, exclude = self._tokens(expression), self._tokens(exclude)
        params: list[object] = []
        clauses = self._where(expression, exclude, filters, params)
        source = "articles a" + (
            " JOIN articles_fts f ON f.id = a.id" if expression is not None else ""
        )
        batches = [among[i : i + BATCH] for i in range(0, len(among), BATCH)] if among else [None]
        found: list[int] = []
        for batch in batches:
            scope = list(clauses)
            args: list[Any] = list(params)
            if batch is not None:
                scope.append(f"a.id IN ({','.join('?' * len(batch))})")
                args += batch
            sql = f"SELECT a.id FROM {source}" + (" WHERE " + " AND ".join(scope) if scope else "")
            found += [row[0] for row in self._db.conn.execute(sql, args)]
        return found

    def score_of(self, expression: Expression, weights: Weights, article_id: int) -> float:
        expression = self._tokens(expression)
        statistics = self._statistics(expression)
        expression = self._narrowed(expression, statistics)  # as `ranked` scores it
        rank_params: list[object] = []
        rank = self._rank(expression, weights, rank_params, statistics)
        params: list[object] = []
        condition = _condition(expression, params)
        row = self._db.conn.execute(
            f"SELECT {rank} FROM articles_fts f WHERE f.id = ? AND {condition}",
            [*rank_params, article_id, *params],
        ).fetchone()
        return float(row[0]) if row and row[0] else 0.0
