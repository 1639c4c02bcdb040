"""A query of one part is ranked by the phrases of it that can score first (search's
_scoring_phrases): its phrases over the stem columns score 0, so when the others find as many
articles as the candidates asked for, they give the same hits, scores and order as the whole
part; when they find fewer, the whole part is asked."""

from __future__ import annotations

import pytest

from reader.core.services import search
from reader.core.terms import AllOf, AnyOf, Phrase

QUERIES = [
    "yang",
    "indonesia",
    "pemerintah",
    "presiden",
    "title:indonesia",
    "indonesia -jakarta",
    "indo*",
    "anak-anak",
    "pekerja",
    "kerjanya",
    "source:kumparan.com pemerintah",
]


def _found(library, limit):
    return {q: [(h.id, h.score, h.snippet) for h in library.search(q, limit).hits] for q in QUERIES}


@pytest.mark.parametrize("limit", [20, 100])
def test_one_part_ranks_the_same_as_its_whole_expression(demo_library_ro, monkeypatch, limit):
    chosen = []
    real = search._scoring_phrases

    def spy(parts):
        chosen.append(real(parts))
        return chosen[-1]

    monkeypatch.setattr(search, "_scoring_phrases", spy)
    fast = _found(demo_library_ro, limit)
    # some queries were asked without their stem phrases, and found enough that way
    assert sum(expression is not None for expression in chosen) >= 6
    assert len(fast["yang"]) == limit and len(fast["indonesia"]) == limit
    monkeypatch.setattr(search, "_scoring_phrases", lambda parts: None)
    assert _found(demo_library_ro, limit) == fast


def test_a_stem_only_article_is_found_when_the_words_find_too_few(library):
    from reader.core.models import Article

    library.import_articles(
        [
            Article("Pekerja pabrik", "Pekerja pabrik mogok.\n\nMereka menuntut upah."),
            Article("Kisah buruh", "Pekerjanya menuntut upah.\n\nBuruh lelah."),
        ]
    )
    hits = library.search("pekerja", 20).hits
    assert [h.id for h in hits] == [1, 2] and hits[1].score == 0.0


def _part(expression):
    return search.Part(expression, lambda doc: True)


def test_the_scoring_phrases_of_a_part():
    word, stem = Phrase(("kerja",), "text"), Phrase(("kerja",), "stems")
    titled = Phrase(("kerja",), "title_stems")
    assert search._scoring_phrases([_part(AnyOf((word, stem)))]) == word
    assert search._scoring_phrases([_part(AnyOf((word, Phrase(("x",)), titled)))]) == AnyOf(
        (word, Phrase(("x",)))
    )
    # nothing to leave out, or nothing left, or two parts: the whole query
    assert search._scoring_phrases([_part(AnyOf((word, Phrase(("x",)))))]) is None
    assert search._scoring_phrases([_part(AnyOf((stem, titled)))]) is None
    assert search._scoring_phrases([_part(word)]) is None
    both = _part(AnyOf((word, stem)))
    assert search._scoring_phrases([both, both]) is None
    assert search._scoring_phrases([_part(AllOf((word, stem)))]) is None
