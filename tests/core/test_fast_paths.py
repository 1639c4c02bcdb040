"""Search's fast paths give what the plain ways give, on the real demo corpus (IndoSum)."""

import functools

import pytest

from reader.core import highlight
from reader.core.highlight import Matcher, snippet, snippet_by_tokens
from reader.core.text import word_groups
from tests.conftest import sample_named, sampled, sql

# The module's tests on one worker (pytest -n with --dist loadgroup): the corpus's word groups
# (`_tokens`, ~1.2 s of CPU) are split once for the run instead of once in each worker.
pytestmark = pytest.mark.xdist_group("fast_paths")

QUERIES = [
    "pekerja migran",
    "presiden jokowi",
    "anak-anak",
    "pekerjanya",
    "PHK",
    "upah minimum",
    '"tindak pidana"',
    "migr*",
    "gempa OR banjir",
    "title:jokowi",
    "pekerja dan buruh",  # a stopword: marked only beside a word of substance
    "kementerian ketenagakerjaan",
    "menulis",  # root families when it finds too little
    "Jakarta",
]


def _texts(library):
    """Every article's title and body as one text, by id in id order."""
    rows = sql(library, "SELECT id, title, body FROM articles ORDER BY id").fetchall()
    return {article_id: title + "\n\n" + body for article_id, title, body in rows}


@functools.cache
def _tokens(text):
    """The word groups of a text, split once for all the queries (they depend on it alone)."""
    return tuple(word_groups(text))


@pytest.fixture(autouse=True)
def _texts_split_once(monkeypatch):
    """The reference (snippet_by_tokens) splits each text into word groups for every query:
    here it gets them from `_tokens`, the same groups split once. The fast paths under test
    (snippet, spans) do not use word_groups."""
    monkeypatch.setattr(highlight, "word_groups", lambda text: iter(_tokens(text)))


@pytest.fixture(autouse=True)
def _words_tested_once_per_text(monkeypatch):
    """The reference tests every word of a text twice for each query: in snippet_by_tokens
    (the text with its blank lines made spaces) and in `_check_fast_paths` (the text as it
    is), the same word groups both times. Here the second gets the first's answer: flags
    depend on the groups' words alone. The fast paths under test (marked, spans) do not call
    flags for plain-word needles."""
    flags = Matcher.flags
    answers = {}
    matchers = []  # kept alive: their ids key the answers

    def flags_once(matcher, tokens):
        key = (id(matcher), tuple(token.parts for token in tokens))
        if key not in answers:
            matchers.append(matcher)
            answers[key] = flags(matcher, tokens)
        return list(answers[key])

    monkeypatch.setattr(Matcher, "flags", flags_once)


@pytest.fixture(autouse=True)
def _each_group_tested_once(monkeypatch):
    """Whether a word group is a match's word depends on the matcher and the group's words
    alone (Matcher._word): the reference asks it of every group of every text for each query,
    and the fast paths of some. Here a matcher tests each group's words once and gives that
    answer again, to both: the same answers, so what they mark is compared as before."""
    word = Matcher._word
    answers = {}
    matchers = {}  # kept alive: their ids key the answers

    def word_once(matcher, token):
        key = (id(matcher), token.parts)
        found = answers.get(key)
        if found is None:
            matchers[id(matcher)] = matcher
            found = answers[key] = word(matcher, token)
        return found

    monkeypatch.setattr(Matcher, "_word", word_once)


def _check_fast_paths(matcher, texts):
    """The matcher's fast paths (snippet, spans) give what testing every word gives; the
    number of words marked."""
    marked = 0
    for text in texts:
        assert snippet(text, matcher) == snippet_by_tokens(text, matcher)
        tokens = list(_tokens(text))
        flags = matcher.flags(tokens)
        spans = matcher.spans(text)
        assert spans == [(t.start, t.end) for t, hit in zip(tokens, flags, strict=True) if hit]
        marked += len(spans)
    return marked


# The whole corpus for each query costs ~0.3 s of CPU a query (the reference tests every word):
# a run checks a rotating sample of it (tests/conftest.py: sampled), the same texts for every
# query so that only they are split into word groups, and always the texts its search shows.
@pytest.mark.sqlite_only  # the whole corpus once; each backend's own matchers just below
@pytest.mark.parametrize("query", QUERIES)
def test_snippets_and_marks_are_those_of_testing_every_word(demo_library_ro, query):
    result = demo_library_ro.search(query, 20)
    matcher = result.matcher
    assert matcher.active
    texts = _texts(demo_library_ro)
    ids = sampled(list(texts), [hit.id for hit in result.hits])
    assert len(ids) >= len(texts) // 4
    with sample_named(len(ids)):
        assert _check_fast_paths(matcher, [texts[i] for i in ids])  # marks words somewhere


def test_each_backends_matchers_mark_their_hits_as_testing_every_word(demo_library_ro):
    """The same check on the texts each query finds, with the matcher this backend's search
    built (its word checks ask the store)."""
    texts = _texts(demo_library_ro)
    for query in QUERIES:
        result = demo_library_ro.search(query, 20)
        assert result.matcher.active and result.hits, query
        assert _check_fast_paths(result.matcher, [texts[hit.id] for hit in result.hits]), query


def test_marks_in_words_outside_ascii_and_in_other_cases():
    matcher = Matcher(forms={"kafe", "pekerja"}, phrases={("hubungan", "kerja")})
    text = "Kafé milik PEKERJA-pekerja itu; Hubungan  KERJA baik. Kafe—pekerjaan hubungan."
    expected = ["Kafé", "PEKERJA-pekerja", "Hubungan", "KERJA", "Kafe"]
    assert [text[a:b] for a, b in matcher.spans(text)] == expected
    tokens = list(word_groups(text))
    assert sum(matcher.flags(tokens)) == len(expected)
    assert snippet(text, matcher) == snippet_by_tokens(text, matcher)


def test_a_matcher_with_a_needle_that_is_not_a_plain_word_tests_every_word():
    matcher = Matcher(forms={"naïve"}, prefixes=("ca",))
    text = "A naïve cat, a NAÏVE Car and caña."
    assert snippet(text, matcher) == snippet_by_tokens(text, matcher)
    assert [text[a:b] for a, b in matcher.spans(text)] == ["cat", "Car", "caña"]


def test_snippets_left_for_later_are_those_a_full_search_gives(demo_library_ro):
    full = demo_library_ro.search("presiden", 50)
    first = demo_library_ro.search("presiden", 50, snippets=10)
    assert [h.id for h in first.hits] == [h.id for h in full.hits]
    assert [h.snippet for h in first.hits[:10]] == [h.snippet for h in full.hits[:10]]
    assert all(h.snippet == "" for h in first.hits[10:]) and len(first.hits) == 50
    later = demo_library_ro.snippets(first, [h.id for h in first.hits[10:]])
    assert [later[h.id] for h in first.hits[10:]] == [h.snippet for h in full.hits[10:]]
    assert all(later.values())
