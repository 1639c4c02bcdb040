"""The alias table's phrases held as tokens of their own in the PostgreSQL text vector.

A name of the alias table with several words ("tenaga kerja indonesia" for "pekerja migran")
is a phrase of common words. GIN finds a phrase's articles by its words, then reads each to
test that they stand next to each other: "tenaga kerja indonesia" at 1,200,000 articles had
about 2,000 articles to read with "pekerja" or "migran" (25-40 ms of a search), and matched
none. So each of those phrases that an article holds is also written into its text vector as
one token (PHRASE_MARK + its words), without a position (so no weight: the titles' index,
over ts_filter(doc, '{a}'), leaves it out, and no ts_rank of a word or phrase sees it), and a
search looks for the token, one short GIN list, where it matched the phrase.

A token is written exactly where PostgreSQL's phrase match finds the phrase in the vector:
`held` applies its rules to the positions the vector literal gives (text_index.tsvector: a
word's positions sorted and counted once each, the first 255 kept, none past 16383), so a
search finds the same articles either way. The phrases are those of the alias table when the
store was laid out (layout step 4), kept in meta `phrase_tokens`; a phrase added to the table
later stays a phrase.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from reader.core.aliases import aliases

PHRASE_MARK = "\ue002"  # Unicode private use, as REDUP_MARK: no surface word holds it
META_KEY = "phrase_tokens"
_KEPT = 255  # positions PostgreSQL keeps of a lexeme (MAXNUMPOS - 1)

Words = tuple[str, ...]


def alias_phrases() -> list[Words]:
    """The alias table's members of several words, sorted."""
    return sorted({member for member in aliases() if len(member) > 1})


def token(words: Words) -> str:
    return PHRASE_MARK + " ".join(words)


def encode(phrases: Iterable[Words]) -> str:
    return "\n".join(" ".join(words) for words in phrases)


def decode(text: str | None) -> tuple[Words, ...]:
    return tuple(tuple(line.split()) for line in (text or "").splitlines() if line.strip())


def kept(marks: Sequence[str]) -> list[int]:
    """The positions PostgreSQL keeps of a lexeme given `marks` ("12A", ...; ascending):
    each number once, the first 255."""
    found: list[int] = []
    for mark in marks:
        number = int(mark[:-1])
        if not found or found[-1] != number:
            found.append(number)
            if len(found) >= _KEPT:
                break
    return found


def held(positions: dict[str, list[str]], phrases: Sequence[Words]) -> list[str]:
    """The tokens of those `phrases` whose words stand next to each other (at positions p,
    p + 1, ...) in a vector of `positions` (word -> its marks, as text_index.tsvector gathers
    them), as PostgreSQL's `<->` finds them."""
    found: list[str] = []
    for words in phrases:
        if any(word not in positions for word in words):
            continue
        first = kept(positions[words[0]])
        others = [set(kept(positions[word])) for word in words[1:]]
        if any(
            all(start + step in others[step - 1] for step in range(1, len(words)))
            for start in first
        ):
            found.append(token(words))
    return found
