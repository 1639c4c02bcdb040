"""Keyword search over the store: FTS5 with BM25, Indonesian-aware terms, snippets.

A query word matches its exact form, its light stem (pekerjanya ~ pekerja) and, through the
alias table, the domain's other names for it (PHK ~ pemutusan hubungan kerja). Exact forms
carry more weight than stems, so they rank first. Snippets are cut from the article's own text,
with every word that matched, however it matched, marked.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reader.core import stemmer
from reader.core.aliases import aliases, longest_member
from reader.core.models import SearchHit
from reader.core.query import Query, Term, parse_query
from reader.core.text import Token, light_stem, strip_nya, surface_string, word_groups

if TYPE_CHECKING:
    from reader.core.store import Store

SNIPPET_OPEN, SNIPPET_CLOSE = "«", "»"
SNIPPET_WORDS = 32
# bm25 weights: title, lead, body, then the same three for stem-only matches.
WEIGHTS = (10.0, 3.0, 1.0, 4.0, 1.2, 0.4)
RECENCY = 0.1  # at most +10% for the newest hit: a tie-break, not a ranking
RELAXED_CANDIDATES = 100
FEW_HITS = 5  # below this many hits, the full-stemming fallback (if installed) widens the query
FALLBACK_WEIGHT = 0.3
SURFACE, EXTRA = "{title lead body}", "{title_x lead_x body_x}"
TITLE_SURFACE, TITLE_EXTRA = "{title}", "{title_x}"


@dataclass
class Matcher:
    """Decides which words of a text a query matched; used for snippets and highlighting.

    Single words match by exact form, by light stem or by prefix; multi-word phrases (quoted
    phrases, alias names such as "pemutusan hubungan kerja") match only as a run of words.
    """

    forms: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    prefixes: tuple[str, ...] = ()
    phrases: set[tuple[str, ...]] = field(default_factory=set)
    is_word: Callable[[str], bool] = lambda word: False

    @property
    def active(self) -> bool:
        return bool(self.forms or self.stems or self.prefixes or self.phrases)

    def _word(self, token: Token) -> bool:
        for part in token.parts:
            if part in self.forms or (self.prefixes and part.startswith(self.prefixes)):
                return True
        return bool(self.stems) and light_stem(token.parts, self.is_word) in self.stems

    def flags(self, tokens: list[Token]) -> list[bool]:
        """For each token, whether it is part of a match."""
        flags = [self._word(t) for t in tokens]
        if self.phrases:
            words = [" ".join(t.parts) for t in tokens]
            for phrase in self.phrases:
                size = len(phrase)
                for i in range(len(words) - size + 1):
                    if words[i] == phrase[0] and tuple(words[i : i + size]) == phrase:
                        flags[i : i + size] = [True] * size
        return flags

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the matched words of `text`, in order."""
        if not self.active:
            return []
        tokens = list(word_groups(text))
        return [(t.start, t.end) for t, hit in zip(tokens, self.flags(tokens)) if hit]


@dataclass
class SearchResult:
    query: Query
    hits: list[SearchHit]
    matcher: Matcher
    relaxed: bool = False  # no article had every word; hits are ranked by words matched


@dataclass
class DocWords:
    """An article's words as sets, to test which parts of a query it matches."""

    surface: str  # " word word ... " with spaces at both ends, for phrase tests
    words: set[str]
    stems: set[str]

    @classmethod
    def of(cls, text: str, is_word: Callable[[str], bool]) -> DocWords:
        surface = surface_string(text)
        words = set(surface.split())
        stems = {strip_nya(w, is_word) for w in words if w.endswith("nya")}
        return cls(f" {surface} ", words, stems)


@dataclass
class Part:
    """One clause of a query: its FTS5 expression and the same test in Python."""

    expression: str
    test: Callable[[DocWords], bool]
    words: tuple[str, ...] = ()  # the query words it stands for (their rarity weighs it)


def _has_phrase(words) -> Callable[[DocWords], bool]:
    needle = " " + " ".join(words) + " "
    return lambda doc: needle in doc.surface


def _quote(words: list[str] | tuple[str, ...]) -> str:
    return '"' + " ".join(words).replace('"', '""') + '"'


class QueryBuilder:
    """Turns a parsed Query into an FTS5 MATCH expression and a Matcher."""

    def __init__(self, store: Store, families: bool = False):
        self.store = store
        self.matcher = Matcher(is_word=store.is_word)
        self.families = families  # widen single words to their Sastrawi root family
        self.widened = False

    def term(self, term: Term) -> Part:
        """The FTS5 expression of one term, and the test of whether a document has it."""
        surface, extra = (TITLE_SURFACE, TITLE_EXTRA) if term.title_only else (SURFACE, EXTRA)
        if term.prefix:
            word = term.groups[0][0]
            self.matcher.prefixes += (word,)
            expression = f"({surface} : {_quote([word])} * OR {extra} : {_quote([word])} *)"
            return Part(expression, lambda doc: any(w.startswith(word) for w in doc.words), (word,))
        if term.phrase:
            self._add_phrase(tuple(term.words))
            words = tuple(term.words)
            return Part(f"{surface} : {_quote(words)}", _has_phrase(words), words)
        group = term.groups[0]
        self._add_phrase(group)
        stem = light_stem(group, self.store.is_word)
        self.matcher.stems.add(stem)
        options = [f"{surface} : {_quote(group)}"]
        if stem != " ".join(group):
            options.append(f"{surface} : {_quote(stem.split())}")
        options.append(f"{extra} : {_quote(stem.split())}")
        exact, stemmed = _has_phrase(group), _has_phrase(stem.split())
        relatives = (
            stemmer.family(self.store, group[0]) if self.families and len(group) == 1 else []
        )
        if relatives:
            self.widened = True
            self.matcher.forms.update(relatives)
            options += [f"{surface} : {_quote([word])}" for word in relatives]
        return Part(
            "(" + " OR ".join(options) + ")",
            lambda doc: (
                exact(doc)
                or stemmed(doc)
                or stem in doc.stems
                or any(word in doc.words for word in relatives)
            ),
            group,
        )

    def _add_phrase(self, words: tuple[str, ...]) -> None:
        if len(words) == 1:
            self.matcher.forms.add(words[0])
        else:
            self.matcher.phrases.add(words)

    def alias(self, member: tuple[str, ...], own: list[Part]) -> Part:
        """The user's own words (as terms) OR every other name of the same thing."""
        options = ["(" + " AND ".join(p.expression for p in own) + ")"]
        tests = [lambda doc: all(p.test(doc) for p in own)]
        for other in aliases()[member]:
            if other != member:
                options.append(f"{SURFACE} : {_quote(other)}")
                tests.append(_has_phrase(other))
                self._add_phrase(other)
        return Part(
            "(" + " OR ".join(options) + ")",
            lambda doc: any(t(doc) for t in tests),
            tuple(w for p in own for w in p.words),
        )

    def positive(self, query: Query) -> list[Part]:
        """One part per clause of the query (all must match, unless the search is relaxed)."""
        parts: list[Part] = []
        clauses = query.clauses
        plain = [self._plain_word(c) for c in clauses]
        i = 0
        while i < len(clauses):
            member = None
            if plain[i]:
                run = []
                for j in range(i, len(clauses)):
                    if not plain[j]:
                        break
                    run.append(plain[j])
                member = longest_member(run, 0)
            if member:
                own = [self.term(clauses[i + k][0]) for k in range(len(member))]
                parts.append(self.alias(member, own))
                i += len(member)
                continue
            options = [self.term(t) for t in clauses[i]]
            if len(options) == 1 and any(p.expression == options[0].expression for p in parts):
                i += 1
                continue  # a word said twice is one condition, not two
            parts.append(
                options[0]
                if len(options) == 1
                else Part(
                    "(" + " OR ".join(o.expression for o in options) + ")",
                    lambda doc, options=options: any(o.test(doc) for o in options),
                    tuple(w for o in options for w in o.words),
                )
            )
            i += 1
        return parts

    @staticmethod
    def _plain_word(clause: list[Term]) -> str | None:
        if len(clause) != 1:
            return None
        term = clause[0]
        if term.phrase or term.prefix or term.title_only or len(term.groups) != 1:
            return None
        group = term.groups[0]
        return group[0] if len(group) == 1 else None

    def excluded(self, query: Query) -> str:
        saved = self.matcher
        self.matcher = Matcher(is_word=self.store.is_word)  # excluded words are not highlighted
        try:
            return " OR ".join(self.term(t).expression for t in query.excluded)
        finally:
            self.matcher = saved


def search(store: Store, text: str, limit: int = 20) -> SearchResult:
    """Search the store. Any string is a valid query; this never raises on its content.

    Every word must match (exact form, light stem or alias). Too few hits: the query widens to
    root families, if the stemmer is installed. None at all: it relaxes to any word.
    """
    query = parse_query(text)
    builder = QueryBuilder(store)
    result = SearchResult(query, [], builder.matcher)
    if query.empty or limit <= 0:
        return result
    plan = _Plan(store, query, builder, limit)
    try:
        scored = plan.run()
    except sqlite3.OperationalError:
        # Should not happen (every word is quoted), but a query must never crash the reader.
        return result
    result.matcher, result.relaxed = plan.builder.matcher, plan.relaxed
    result.hits = [_hit(store, row, score, plan.builder.matcher) for row, score in scored[:limit]]
    for hit in result.hits:
        hit.relaxed = plan.relaxed
    return result


class _Plan:
    """The steps of one search: strict, widened by root families, relaxed."""

    def __init__(self, store: Store, query: Query, builder: QueryBuilder, limit: int):
        self.store, self.query, self.builder = store, query, builder
        self.parts = builder.positive(query)
        self.negative = builder.excluded(query) if query.excluded else ""
        self.filters, self.params = _filters(query)
        self.candidates = max(limit * 4, 100)
        self.limit = limit
        self.relaxed = False

    def ranked(self, expression: str, candidates: int) -> list:
        return _rerank(
            _ranked(self.store, expression, self.negative, self.filters, self.params, candidates)
        )

    def run(self) -> list:
        if not self.parts:
            return _rerank(
                _filtered(self.store, self.negative, self.filters, self.params, self.limit)
            )
        scored = self.ranked(" AND ".join(p.expression for p in self.parts), self.candidates)
        if len(scored) < FEW_HITS and stemmer.available():
            scored = self.widen(scored)
        if not scored and len(self.parts) > 1:
            self.relaxed = True
            rows = self.ranked(" OR ".join(p.expression for p in self.parts), RELAXED_CANDIDATES)
            scored = _most_parts_first(self.store, rows, self.parts)
        return scored

    def widen(self, scored: list) -> list:
        wide = QueryBuilder(self.store, families=True)
        parts = wide.positive(self.query)
        if not wide.widened:
            return scored
        self.builder, self.parts = wide, parts
        more = self.ranked(" AND ".join(p.expression for p in parts), self.candidates)
        return _append_low(scored, more)


def _append_low(first: list, more: list) -> list:
    """Fallback hits after the hits proper, at a low weight, each article once."""
    seen = {row[0] for row, _ in first}
    floor = min((score for _, score in first), default=0.0)
    low = [
        (row, round(min(score * FALLBACK_WEIGHT, floor), 4))
        for row, score in more
        if row[0] not in seen
    ]
    return first + low


def _most_parts_first(store: Store, scored: list, parts: list[Part]) -> list:
    """Relaxed order: BM25 scaled by how much of the query an article covers, a rare word
    counting for more than a common one (a part weighs the idf of its words)."""
    words = sorted({w for p in parts for w in p.words})
    df = store.document_frequencies(words)
    total = max(store.max_id(), 1)
    weight = [sum(math.log(1 + total / df.get(w, 1)) for w in p.words) or 1.0 for p in parts]
    ranked = []
    for row, score in scored:
        title, body = store.conn.execute(
            "SELECT title, body FROM articles WHERE id = ?", (row[0],)
        ).fetchone()
        doc = DocWords.of(title + "\n" + body, store.is_word)
        covered = sum(w for p, w in zip(parts, weight) if p.test(doc)) / sum(weight)
        ranked.append((round(score * covered, 4), row))
    ranked.sort(key=lambda item: -item[0])
    return [(row, score) for score, row in ranked]


def _filters(query: Query) -> tuple[str, list[object]]:
    clauses, params = [], []
    if query.sources:
        one = (
            "(lower(a.source) = ? OR lower(a.source) LIKE ? ESCAPE '\\' "
            "OR a.url LIKE ? ESCAPE '\\' OR a.url LIKE ? ESCAPE '\\')"
        )
        ors = []
        for source in query.sources:
            like = source.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            ors.append(one)
            params += [source, like + "%", f"%://{like}/%", f"%://www.{like}/%"]
        clauses.append("(" + " OR ".join(ors) + ")")
    if query.since:
        clauses.append("a.sort_key >= ?")
        params.append(query.since)
    if query.until:
        clauses.append("a.sort_key <> '' AND a.sort_key <= ?")
        params.append(query.until)
    return " AND ".join(clauses), params


_HIT_COLUMNS = "a.id, a.title, a.url, a.source, a.published_at, a.sort_key"


def _ranked(store, positive, negative, filters, params, candidates):
    """The best `candidates` matches: ranked inside FTS5 first, articles read only for those."""
    expression = f"({positive}) NOT ({negative})" if negative else positive
    weights = ", ".join(str(w) for w in WEIGHTS)
    ranked = (
        f"SELECT rowid, bm25(articles_fts, {weights}) AS rank FROM articles_fts "
        "WHERE articles_fts MATCH ?"
    )
    if filters:
        sql = (
            f"SELECT {_HIT_COLUMNS}, f.rank FROM ({ranked}) f "
            f"JOIN articles a ON a.id = f.rowid WHERE {filters} ORDER BY f.rank LIMIT ?"
        )
    else:
        sql = (
            f"SELECT {_HIT_COLUMNS}, f.rank FROM ({ranked} ORDER BY rank LIMIT ?) f "
            "JOIN articles a ON a.id = f.rowid ORDER BY f.rank"
        )
    args = [expression, *params, candidates] if filters else [expression, candidates]
    return store.conn.execute(sql, args).fetchall()


def _filtered(store, negative, filters, params, limit):
    where = [filters] if filters else []
    if negative:
        where.append("a.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params = [*params, negative]
    sql = (
        f"SELECT {_HIT_COLUMNS}, 0.0 AS rank FROM articles a "
        + ("WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY a.sort_key DESC, a.id DESC LIMIT ?"
    )
    return store.conn.execute(sql, [*params, limit]).fetchall()


def _rerank(rows: list[tuple]) -> list[tuple[tuple, float]]:
    """Relevance (-bm25), nudged by recency relative to the newest candidate."""
    newest = max((r[5] for r in rows if r[5]), default="")
    scored = []
    for row in rows:
        relevance = -row[6]
        bonus = 0.0
        if newest and row[5]:
            age_days = _days_between(row[5], newest)
            bonus = RECENCY / (1.0 + age_days / 365.0)
        scored.append((row, round(relevance * (1.0 + bonus), 4) if relevance else 0.0))
    if any(score for _, score in scored):
        scored.sort(key=lambda item: -item[1])
    return scored


def _days_between(older: str, newer: str) -> float:
    from datetime import datetime

    try:
        a = datetime.fromisoformat(older.replace("Z", "+00:00"))
        b = datetime.fromisoformat(newer.replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    return max(0.0, (b - a).total_seconds() / 86400.0)


def _hit(store, row, score, matcher: Matcher) -> SearchHit:
    article_id, title, url, source, published_at, _, _ = row
    body = store.conn.execute("SELECT body FROM articles WHERE id = ?", (article_id,)).fetchone()[0]
    return SearchHit(
        id=article_id,
        title=title,
        url=url,
        source=source,
        published_at=published_at,
        score=score,
        snippet=snippet(body, matcher),
    )


def snippet(body: str, matcher: Matcher, words: int = SNIPPET_WORDS) -> str:
    """The window of `body` with the most matched words, those words marked with « »."""
    text = body.replace("\n\n", " ")
    tokens = list(word_groups(text))
    if not tokens:
        return ""
    flags = matcher.flags(tokens) if matcher.active else []
    start = _best_window(flags, tokens, words) if any(flags) else 0
    end = min(len(tokens), start + words)
    pieces, cursor = [], tokens[start].start
    for i in range(start, end):
        token = tokens[i]
        if flags and flags[i]:
            pieces.append(text[cursor : token.start])
            pieces.append(SNIPPET_OPEN + text[token.start : token.end] + SNIPPET_CLOSE)
            cursor = token.end
    stop = tokens[end - 1].end
    if end < len(tokens):
        stop = tokens[end].start if end < len(tokens) else stop
    pieces.append(text[cursor:stop])
    out = "".join(pieces).strip()
    return ("… " if start > 0 else "") + out + (" …" if end < len(tokens) else "")


def _best_window(flags: list[bool], tokens: list[Token], width: int) -> int:
    """Start of the window with the most distinct matched words (then most matches)."""
    best, best_score = 0, (-1, -1)
    positions = [i for i, f in enumerate(flags) if f]
    for first in positions:
        start = max(0, first - 3)
        window = [tokens[i].parts for i in positions if start <= i < start + width]
        score = (len(set(window)), len(window))
        if score > best_score:
            best, best_score = start, score
    return best
