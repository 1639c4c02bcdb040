"""Snippets with less client CPU (issue 14): highlight._Groups finds a text's word groups where
a snippet needs them, and they are the groups the pattern finds; snippets stay those of
testing every word (tests/core/test_fast_paths.py checks the demo corpus too)."""

from __future__ import annotations

import functools
import random
from bisect import bisect_right

from reader.core import highlight
from reader.core.highlight import Matcher, snippet, snippet_by_tokens
from reader.core.text import word_groups

# hyphens alone, doubled and at the ends of words; underscores; quotes and dashes outside
# ASCII (no letters: the symbols are used); letters outside ASCII (the pattern is); the Kelvin
# sign and a dotted capital I, which lower-case to ASCII or to two characters
ALPHABET = "ab1-- _.,\n“”–é\u212aİ"


def _random_text(rng: random.Random, alphabet: str, size: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(size)))


def test_groups_are_the_patterns_matches_in_any_order_they_are_asked_for():
    rng = random.Random(14)
    tried_symbols = tried_pattern = 0
    for _ in range(4000):
        alphabet = ALPHABET if rng.random() < 0.3 else ALPHABET[:-3]
        text = _random_text(rng, alphabet, 60)
        spans = [m.span() for m in highlight._group().finditer(text)]
        groups = highlight._Groups(text)
        tried_symbols += groups.symbols is not None
        tried_pattern += groups.symbols is None
        assert groups.size == len(spans) and groups.every() == spans, repr(text)
        places = [rng.randrange(len(text)) for _ in range(rng.randrange(4))] if text else []
        starts = [a for a, _ in spans]
        assert groups.indices(places) == {bisect_right(starts, at) - 1 for at in places}
        order = list(range(len(spans)))
        rng.shuffle(order)  # walked forward and back from the groups found so far
        assert [groups.span(i) for i in order] == [spans[i] for i in order], repr(text)
    assert tried_symbols > 2000 and tried_pattern > 200


def test_snippets_of_long_and_odd_texts_are_those_of_testing_every_word(monkeypatch):
    """Each text against four matchers. The reference (snippet_by_tokens) and the flags below
    split a text into word groups for every matcher: here they get the groups split once per
    text (`groups`, the same frozen Tokens: they depend on the text alone), half the test's
    CPU before. The fast paths under test (snippet, spans) do not use word_groups."""
    groups = functools.cache(lambda text: tuple(word_groups(text)))
    monkeypatch.setattr(highlight, "word_groups", lambda text: iter(groups(text)))
    rng = random.Random(141)
    words = ["pekerja", "migran", "kerja", "buruh", "dan", "yang", "anak-anak", "e-ktp", "tka"]
    matchers = [
        Matcher(forms={"pekerja", "migran"}, stems={"pekerja"}),
        Matcher(forms={"kerja"}, phrases={("pekerja", "migran"), ("anak", "anak")}),
        Matcher(forms={"dan", "buruh"}, prefixes=("mig",)),
        Matcher(forms={"e", "ktp", "tka"}),
    ]
    texts = [
        "Pekerja-migran--pekerja -kerja- kerja-",
        "“Pekerja migran,” kata—buruh… dan yang lain – PEKERJA-pekerja.",
        "Kafé dan pekerja: migran\u212a dan İstanbul pekerja migran",
    ]
    for _ in range(300):
        # a match far from the start (the window found from both sides), or none at all
        filler = " ".join(rng.choice(["lain", "hari", "x-y", "–", "“kata”"]) for _ in range(120))
        picked = " ".join(rng.choice(words) for _ in range(rng.randrange(1, 8)))
        texts.append(f"{filler} {picked}. {filler[: rng.randrange(len(filler))]}")
        texts.append(_random_text(rng, " pekrjamign-“”,.\n", 200))
    marked = 0
    for text in texts:
        for matcher in matchers:
            assert snippet(text, matcher) == snippet_by_tokens(text, matcher), text[:60]
            tokens = list(groups(text))
            flags = matcher.flags(tokens)
            spans = [(t.start, t.end) for t, hit in zip(tokens, flags, strict=True) if hit]
            assert matcher.spans(text) == spans
            marked += len(spans)
    assert marked > 1000
