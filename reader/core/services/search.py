"""Keyword search: BM25 over the full-text index, Indonesian-aware terms, snippets.

A query word matches its exact form, its light stem (pekerjanya ~ pekerja) and, through the
alias table, the domain's other names for it (PHK ~ pemutusan hubungan kerja). Exact forms
carry more weight than stems, so they rank first. Snippets are cut from the article's own text,
with every word that matched, however it matched, marked.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from reader.core.aliases import aliases, longest_member
from reader.core.errors import QueryError
from reader.core.highlight import Matcher, snippet
from reader.core.models import Candidate, SearchHit, SearchResult
from reader.core.query import Filters, Query, Term, parse_query
from reader.core.services import stemmer
from reader.core.terms import AnyOf, Columns, Expression, Phrase, Weights, all_of, any_of
from reader.core.text import (
    is_reduplication,
    light_stem,
    strip_nya,
    surface_string,
    surface_words,
)

log = logging.getLogger(__name__)

# bm25 weights: title, lead, body, then the same three for stem-only matches. The stem columns
# hold only the stems the surface lacks, so they are sparse and FTS5 would give their phrases an
# inflated idf (an article with "membuatnya" outranking one with "membuat"): they match, but
# score nothing; the article's other words rank it.
WEIGHTS = Weights(10.0, 3.0, 1.0, 0.0, 0.0, 0.0)
RELAXED_CANDIDATES = 100
# A hit found only through root families counts this share of its score. The score already
# carries the family's idf (that of its most common form), well below a rare exact form's, so
# the share is larger than the 0.3 that suits per-form FTS5 scores. Chosen on the corpus
# (bench/eval_search.py, no Sastrawi): 0.3 -> two words 0.802, root only 0.232; 0.7 -> 0.796,
# 0.255; 1.0 -> 0.757, 0.275.
FAMILY_WEIGHT = 0.7
# Snippets and Python-side tests read at most this much of a body: bounded work per article.
TEXT_CHARS = 100_000
RESCORED = 100  # family hits scored with whole families as terms (the rest are not shown)
BM25_K1, BM25_B = 1.2, 0.75  # FTS5's bm25() constants
# Fewer strict hits than a page: the words widen to their root families. A constant, not the
# caller's limit, so the first hits of a search are the same whatever number is asked for.
PAGE = 20
# How hits are ordered: by relevance (BM25), or newest first (a choice the person makes:
# recency is never mixed into relevance).
SORTS = ("relevance", "newest")
# What Searcher.warm searches: a word no article is likely to hold (it has no vowel), so the
# search goes through every step (none finds anything) and costs little.
WARM_QUERY = "zqxwvk"


class SearchIndex(Protocol):
    def is_word(self, word: str) -> bool: ...
    def document_frequencies(self, terms: list[str]) -> dict[str, int]: ...
    def words_containing(self, core: str, limit: int) -> list[str]: ...
    def ranked(
        self,
        expression: Expression,
        weights: Weights,
        limit: int,
        *,
        exclude: Expression | None = None,
        filters: Filters | None = None,
    ) -> list[Candidate]: ...
    def newest(
        self,
        limit: int,
        *,
        exclude: Expression | None = None,
        filters: Filters | None = None,
        expression: Expression | None = None,
        weights: Weights | None = None,
    ) -> list[Candidate]: ...
    def matching(
        self,
        expression: Expression | None,
        *,
        exclude: Expression | None = None,
        filters: Filters | None = None,
        among: list[int] | None = None,
    ) -> list[int]: ...


class ArticleTexts(Protocol):
    def texts(self, ids: list[int], chars: int | None = None) -> dict[int, tuple[str, str]]: ...
    def max_id(self) -> int: ...


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
    """One clause of a query: what to ask the index, and the same test in Python."""

    expression: Expression
    test: Callable[[DocWords], bool]
    words: tuple[str, ...] = ()  # the query words it stands for (their rarity weighs it)
    forms: frozenset[str] = frozenset()  # a single word's accepted forms, family included


def _has_phrase(words: tuple[str, ...] | list[str]) -> Callable[[DocWords], bool]:
    needle = " " + " ".join(words) + " "
    return lambda doc: needle in doc.surface


def _either(options: list[Part]) -> Part:
    """`a OR b`: one part that any of its options satisfies."""
    return Part(
        any_of([o.expression for o in options]),
        lambda doc: any(o.test(doc) for o in options),
        tuple(w for o in options for w in o.words),
    )


class QueryBuilder:
    """Turns a parsed Query into index expressions and a Matcher."""

    def __init__(self, index: SearchIndex, families: bool = False) -> None:
        self.index = index
        self.matcher = Matcher(is_word=index.is_word)
        self.families = families  # widen single words to their root family
        self.widened = False

    def term(self, term: Term) -> Part:
        """The expression of one term, and the test of whether a document has it."""
        text: Columns = "title" if term.title_only else "text"
        stems: Columns = "title_stems" if term.title_only else "stems"
        if term.prefix:
            word = term.groups[0][0]
            self.matcher.prefixes += (word,)
            expression = any_of(
                [Phrase((word,), text, prefix=True), Phrase((word,), stems, prefix=True)]
            )
            return Part(expression, lambda doc: any(w.startswith(word) for w in doc.words), (word,))
        if term.phrase:
            words = tuple(term.words)
            self._add_phrase(words)
            return Part(Phrase(words, text), _has_phrase(words), words)
        group = term.groups[0]
        self._add_phrase(group)
        stem = light_stem(group, self.index.is_word)
        self.matcher.stems.add(stem)
        # A word said twice with its hyphen (anak-anak) is one token of the index.
        options: list[Expression] = [Phrase(group, text, joined=is_reduplication(group))]
        if stem != " ".join(group):
            options.append(Phrase(tuple(stem.split()), text))
        options.append(Phrase(tuple(stem.split()), stems))
        exact, stemmed = _has_phrase(group), _has_phrase(stem.split())
        relatives: list[str] = []
        if self.families and len(group) == 1:
            relatives = stemmer.family(self.index, group[0])
        if relatives:
            self.widened = True
            self.matcher.forms.update(relatives)
            options += [Phrase((word,), text) for word in relatives]
        return Part(
            any_of(options),
            lambda doc: (
                exact(doc)
                or stemmed(doc)
                or stem in doc.stems
                or any(word in doc.words for word in relatives)
            ),
            group,
            frozenset([*group, stem, *relatives]) if len(group) == 1 else frozenset(),
        )

    def _add_phrase(self, words: tuple[str, ...]) -> None:
        if len(words) == 1:
            self.matcher.forms.add(words[0])
        else:
            self.matcher.phrases.add(words)

    def alias(self, member: tuple[str, ...], own: list[Part]) -> Part:
        """The user's own words (as terms) OR every other name of the same thing."""
        options = [all_of([p.expression for p in own])]
        tests: list[Callable[[DocWords], bool]] = [lambda doc: all(p.test(doc) for p in own)]
        for other in aliases()[member]:
            if other != member:
                options.append(Phrase(other, "text"))
                tests.append(_has_phrase(other))
                self._add_phrase(other)
        return Part(
            any_of(options),
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
                run: list[str] = []
                for j in range(i, len(clauses)):
                    word = plain[j]
                    if not word:
                        break
                    run.append(word)
                member = longest_member(run, 0)
            if member:
                own = [self.term(clauses[i + k][0]) for k in range(len(member))]
                parts.append(self.alias(member, own))
                i += len(member)
                continue
            options = [self._word_or_alias(t) for t in clauses[i]]
            if len(options) == 1 and any(p.expression == options[0].expression for p in parts):
                i += 1
                continue  # a word said twice is one condition, not two
            if len(options) == 1:
                parts.append(options[0])
            else:
                parts.append(_either(options))
            i += 1
        return parts

    def _word_or_alias(self, term: Term) -> Part:
        """A term of an `a OR b` group; an unquoted word that names something of the alias
        table also finds its other names (PHK OR pesangon finds pemutusan hubungan kerja)."""
        words = tuple(term.words)
        if not (term.phrase or term.prefix or term.title_only) and words in aliases():
            return self.alias(words, [self.term(term)])
        return self.term(term)

    @staticmethod
    def _plain_word(clause: list[Term]) -> str | None:
        if len(clause) != 1:
            return None
        term = clause[0]
        if term.phrase or term.prefix or term.title_only or len(term.groups) != 1:
            return None
        group = term.groups[0]
        return group[0] if len(group) == 1 else None

    def excluded(self, query: Query) -> Expression | None:
        if not query.excluded:
            return None
        saved = self.matcher
        self.matcher = Matcher(is_word=self.index.is_word)  # excluded words are not highlighted
        try:
            return any_of([self.term(t).expression for t in query.excluded])
        finally:
            self.matcher = saved


@dataclass(frozen=True)
class Strict:
    """A query's strict matching: its index expression, what it excludes and its filters."""

    expression: Expression | None
    exclude: Expression | None
    filters: Filters


class Searcher:
    """Search over a full-text index and the article texts (for snippets)."""

    def __init__(self, index: SearchIndex, articles: ArticleTexts) -> None:
        self.index = index
        self.articles = articles

    def matching_ids(self, text: str, among: list[int] | None = None) -> list[int]:
        """Every article the query matches strictly (all its words; no relaxing or widening),
        or those of `among` that it matches. An empty query matches nothing."""
        return self.matching_strict(self.strict(text), among)

    def strict(self, text: str) -> Strict | None:
        """What `matching_ids(text)` asks of the index, as the store's words stand now (a
        word's light stem depends on them); None for an empty query. Two equal ones match the
        same articles while the index holds the same rows."""
        query = parse_query(text)
        if query.empty:
            return None
        builder = QueryBuilder(self.index)
        parts = builder.positive(query)
        expression = all_of([p.expression for p in parts]) if parts else None
        return Strict(expression, builder.excluded(query), query.filters)

    def matching_strict(self, strict: Strict | None, among: list[int] | None = None) -> list[int]:
        """The articles (of `among`, when given) that a `strict()` matches."""
        if strict is None:
            return []
        return self.index.matching(
            strict.expression, exclude=strict.exclude, filters=strict.filters, among=among
        )

    def search(
        self,
        text: str,
        limit: int = 20,
        topic: int | None = None,
        sort: str = "relevance",
        snippets: int | None = None,
    ) -> SearchResult:
        """Search the store. Any string is a valid query; its content never raises.

        Every word must match (exact form, light stem or alias). Fewer hits than a page: the
        words widen to their root families. None at all: it relaxes to any word.
        Should the index still reject the query, its plain words are searched instead. With a
        topic, only its articles are searched; an empty query then lists them newest first.
        `sort` "newest": the articles that have every word, newest first (when fewer than a
        page do, the hits relevance would give, newest first); each keeps its BM25 score.
        Any other `sort` is a caller's mistake (ValueError). `snippets`: only the first that
        many hits get their snippet ("" for the rest, see `snippets()`); None: every hit.
        """
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
        query = parse_query(text)
        query.topic = topic
        try:
            return self._search(query, limit, sort, snippets)
        except QueryError as error:
            plain = parse_query(" ".join(surface_words(text)))
            plain.topic = topic
            log.warning("search %r fell back to its plain words: %s", text, error)
            result = self._search(plain, limit, sort, snippets)
            result.fallback = True
            return result

    def warm(self) -> None:
        """Do now, once, what a process's first search would pay for: the alias table, the
        stemmers' tables (PySastrawi's dictionary when in use) and the protected words, and a
        search through every step of a plan (ranked, widened by root families) for a word no
        store holds, which prepares the calling thread's statements and reads the index's
        pages. A reader calls it off its first screen, so that the first Enter on a search
        does not wait for it: the first search of "banjir" in a 1,000-article store took
        18-80 ms (by the load), the same search after the warm-up 1-8 ms."""
        aliases()
        stemmer.warm()
        self.search(WARM_QUERY, 1, snippets=1)

    def snippets(self, matcher: Matcher, ids: list[int]) -> dict[int, str]:
        """The snippets of the articles `ids` for a search's matcher (hits that `search` left
        without one); an unknown id is left out."""
        texts = self.articles.texts(ids, TEXT_CHARS)
        return {i: snippet(texts[i][1], matcher) for i in ids if i in texts}

    def _search(
        self, query: Query, limit: int, sort: str = "relevance", snippets: int | None = None
    ) -> SearchResult:
        builder = QueryBuilder(self.index)
        result = SearchResult(query, [], builder.matcher)
        if query.empty or limit <= 0:
            return result
        plan = _Plan(self, query, builder, limit)
        scored = plan.newest_first() if sort == "newest" else plan.run()
        matcher = plan.builder.matcher
        result.matcher, result.relaxed = matcher, plan.relaxed
        chosen = scored[:limit]
        shown = chosen if snippets is None else chosen[: max(snippets, 0)]
        texts = self.articles.texts([row.id for row, _ in shown], TEXT_CHARS)
        result.hits = [
            SearchHit(
                id=row.id,
                title=row.title,
                url=row.url,
                source=row.source,
                published_at=row.published_at,
                score=score,
                snippet=snippet(texts[row.id][1], matcher) if row.id in texts else "",
                relaxed=plan.relaxed,
            )
            for row, score in chosen
        ]
        return result


Scored = list[tuple[Candidate, float]]


class _Plan:
    """The steps of one search: strict, widened by root families, relaxed."""

    def __init__(self, searcher: Searcher, query: Query, builder: QueryBuilder, limit: int):
        self.searcher, self.index = searcher, searcher.index
        self.query, self.builder = query, builder
        self.parts = builder.positive(query)
        self.negative = builder.excluded(query)
        self.filters = query.filters
        # The best `limit` by BM25 are all a search shows, and the index ranks them itself
        # (strict hits are never ranked again in Python): asking it for four times as many
        # read and returned three rows in four for nothing (at 100,000 articles, "banjir":
        # 804 rows for 201 hits, about half of the search's time).
        self.candidates = max(limit, 100)
        self.limit = limit
        self.relaxed = False

    def ranked(self, expression: Expression, candidates: int) -> Scored:
        rows = self.index.ranked(
            expression, WEIGHTS, candidates, exclude=self.negative, filters=self.filters
        )
        return _rerank(rows)

    def run(self) -> Scored:
        if not self.parts:
            newest = self.index.newest(self.limit, exclude=self.negative, filters=self.filters)
            return _rerank(newest)
        # One part: its phrases that can score first (see _scoring_phrases); when they find
        # fewer than the candidates, the whole part.
        scoring = _scoring_phrases(self.parts)
        scored = self.ranked(scoring, self.candidates) if scoring is not None else []
        if len(scored) < self.candidates:
            scored = self.ranked(all_of([p.expression for p in self.parts]), self.candidates)
        if len(scored) < PAGE:
            scored = self.widen(scored)
        if not scored and len(self.parts) > 1:
            self.relaxed = True
            rows = self.ranked(any_of([p.expression for p in self.parts]), RELAXED_CANDIDATES)
            scored = self._most_parts_first(rows)
        return scored

    def newest_first(self) -> Scored:
        """Every article that has every word, newest first, each with its relevance score.
        Fewer than a page: the hits relevance gives (widened or relaxed), newest first."""
        if not self.parts:
            return self.run()  # filters alone list articles newest first already
        rows = self.index.newest(
            max(self.limit, PAGE),
            exclude=self.negative,
            filters=self.filters,
            expression=all_of([p.expression for p in self.parts]),
            weights=WEIGHTS,
        )
        if len(rows) >= PAGE:
            return [(row, round(-row.rank, 4) if row.rank else 0.0) for row in rows]
        best = self.run()[: self.limit]
        return sorted(best, key=lambda item: (item[0].sort_key, item[0].id), reverse=True)

    def widen(self, scored: Scored) -> Scored:
        """Fewer hits than a page: the words also find their root families. A hit found that way
        is ranked among the others at FAMILY_WEIGHT of its score (below them all, a strong
        family hit would sit under weak exact ones; at full weight, families would crowd out
        the exact forms)."""
        wide = QueryBuilder(self.index, families=True)
        parts = wide.positive(self.query)
        if not wide.widened:
            return scored
        self.builder, self.parts = wide, parts
        more = self.ranked(all_of([p.expression for p in parts]), max(self.candidates, RESCORED))
        seen = {row.id for row, _ in scored}
        family = [row for row, _ in more if row.id not in seen][:RESCORED]
        return _mix_in(scored, self._family_scores(family))

    def _family_scores(self, rows: list[Candidate]) -> Scored:
        """BM25 of family hits with each word's family counted as one term.

        FTS5 scores every form of a family as a term of its own, so an article with one rare
        form (penegasan) outranks one that uses the common form eight times (menegaskan). Here
        a word's forms share one count and one document frequency, as a stemmed index would
        have them; the formula and the column weights are FTS5's, so the scale stays
        comparable with the strict hits'.
        """
        if not rows:
            return []
        texts = self.searcher.articles.texts([row.id for row in rows], TEXT_CHARS)
        total = max(self.searcher.articles.max_id(), 1)
        forms = sorted({form for part in self.parts for form in part.forms})
        df = self.index.document_frequencies(forms)
        idf = []
        for part in self.parts:
            hits = min(max((df.get(form, 0) for form in part.forms), default=0) or 1, total)
            idf.append(max(math.log((total - hits + 0.5) / (hits + 0.5)), 1e-6))
        counted = []
        for row in rows:
            title, body = texts.get(row.id, ("", ""))
            lead, _, rest = body.partition("\n\n")
            columns = [surface_words(title), surface_words(lead), surface_words(rest)]
            doc = (
                DocWords.of(title + "\n" + body, self.index.is_word)
                if any(not part.forms for part in self.parts)
                else None
            )
            weights = []
            for part in self.parts:
                if part.forms:
                    tf = [sum(1 for w in words if w in part.forms) for words in columns]
                    weights.append(sum(w * n for w, n in zip(WEIGHTS[:3], tf, strict=True)))
                else:
                    weights.append(1.0 if doc is not None and part.test(doc) else 0.0)
            counted.append((row, sum(len(words) for words in columns), weights))
        average = sum(size for _, size, _ in counted) / len(counted) or 1.0
        scored = []
        for row, size, weights in counted:
            norm = BM25_K1 * (1.0 - BM25_B + BM25_B * size / average)
            score = sum(
                i * w * (BM25_K1 + 1.0) / (w + norm) for i, w in zip(idf, weights, strict=True)
            )
            scored.append((row, round(score, 4)))
        return scored

    def _most_parts_first(self, scored: Scored) -> Scored:
        """Relaxed order: BM25 scaled by how much of the query an article covers, a rare word
        counting for more than a common one (a part weighs the idf of its words)."""
        parts = self.parts
        words = sorted({w for p in parts for w in p.words})
        df = self.index.document_frequencies(words)
        total = max(self.searcher.articles.max_id(), 1)
        weight = [sum(math.log(1 + total / df.get(w, 1)) for w in p.words) or 1.0 for p in parts]
        texts = self.searcher.articles.texts([row.id for row, _ in scored], TEXT_CHARS)
        ranked = []
        for row, score in scored:
            title, body = texts.get(row.id, ("", ""))
            doc = DocWords.of(title + "\n" + body, self.index.is_word)
            covered = sum(w for p, w in zip(parts, weight, strict=True) if p.test(doc))
            ranked.append((round(score * covered / sum(weight), 4), row))
        ranked.sort(key=lambda item: -item[0])
        return [(row, score) for score, row in ranked]


def _scoring_phrases(parts: list[Part]) -> Expression | None:
    """A query of one part without its phrases over the stem columns, or None when it has
    no such phrase (or more than one part).

    Those phrases score 0 (WEIGHTS), so an article that only they match scores 0, and every
    article the other phrases match scores above 0, the same score with them or without
    (FTS5 and the PostgreSQL index score each phrase by its own frequencies and idf). So
    when the other phrases match at least as many articles as the candidates asked for, their
    best are the whole part's best, in the same order; and FTS5 reads and scores one phrase
    less for every match (a common word: 13,000 matches, about a tenth of the query). With two
    parts or more, an article can match one part by its stem alone and still score by the
    other: no phrase can be left out."""
    if len(parts) != 1 or any(WEIGHTS[3:]):
        return None
    expression = parts[0].expression
    if not isinstance(expression, AnyOf):
        return None
    scoring = [
        item
        for item in expression.items
        if not (isinstance(item, Phrase) and item.columns in ("stems", "title_stems"))
    ]
    if not scoring or len(scoring) == len(expression.items):
        return None
    return any_of(scoring)


def _mix_in(first: Scored, more: Scored) -> Scored:
    """The hits proper with the family hits mixed in at FAMILY_WEIGHT, each article once."""
    seen = {row.id for row, _ in first}
    mixed = first + [
        (row, round(score * FAMILY_WEIGHT, 4)) for row, score in more if row.id not in seen
    ]
    mixed.sort(key=lambda item: -item[1])
    return mixed


def _rerank(rows: list[Candidate]) -> Scored:
    """Relevance (-bm25), best first. Recency is not mixed in: a bonus of a few percent is
    larger than many BM25 gaps, so it would reorder hits rather than break ties."""
    scored = [(row, round(-row.rank, 4) if row.rank else 0.0) for row in rows]
    if any(score for _, score in scored):
        scored.sort(key=lambda item: -item[1])
    return scored
