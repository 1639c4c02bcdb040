"""Which words of a text a query matched: snippets for hit lists and highlights for the reader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from reader.core.text import Token, light_stem, word_groups

SNIPPET_OPEN, SNIPPET_CLOSE = "«", "»"
SNIPPET_WORDS = 32

# Function words: a match of one of these alone (a relaxed query's `dan`) is not worth showing,
# so it is marked only inside a run of marked words that holds a word of substance.
STOPWORDS = frozenset(
    """
    ada adalah agar akan antara atas atau bagi bahwa bisa dalam dan dapat dari dengan di dia
    hingga ia ini itu jika juga karena ke kepada lagi maka masih namun nya oleh pada para pula
    pun saat sampai sebagai secara sedang sehingga sejak serta seperti sudah telah tentang
    terhadap tersebut tetapi tidak untuk yaitu yakni yang
    """.split()
)


def _never(word: str) -> bool:
    return False


@dataclass
class Matcher:
    """Decides which words of a text a query matched.

    Single words match by exact form, by light stem or by prefix; multi-word phrases (quoted
    phrases, alias names such as "pemutusan hubungan kerja") match only as a run of words.
    """

    forms: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    prefixes: tuple[str, ...] = ()
    phrases: set[tuple[str, ...]] = field(default_factory=set)
    is_word: Callable[[str], bool] = _never

    @property
    def active(self) -> bool:
        return bool(self.forms or self.stems or self.prefixes or self.phrases)

    def _word(self, token: Token) -> bool:
        for part in token.parts:
            if part in self.forms or (self.prefixes and part.startswith(self.prefixes)):
                return True
        return bool(self.stems) and light_stem(token.parts, self.is_word) in self.stems

    def flags(self, tokens: list[Token]) -> list[bool]:
        """For each token, whether it is part of a match (stopwords never alone)."""
        flags = [self._word(t) for t in tokens]
        if self.phrases:
            words = [" ".join(t.parts) for t in tokens]
            for phrase in self.phrases:
                size = len(phrase)
                for i in range(len(words) - size + 1):
                    if words[i] == phrase[0] and tuple(words[i : i + size]) == phrase:
                        flags[i : i + size] = [True] * size
        return _drop_stopword_runs(tokens, flags)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the matched words of `text`, in order."""
        if not self.active:
            return []
        tokens = list(word_groups(text))
        return [(t.start, t.end) for t, hit in zip(tokens, self.flags(tokens), strict=True) if hit]


def _is_stopword(token: Token) -> bool:
    return all(part in STOPWORDS for part in token.parts)


def _drop_stopword_runs(tokens: list[Token], flags: list[bool]) -> list[bool]:
    """Unmark every run of marked tokens that holds nothing but stopwords."""
    i = 0
    while i < len(flags):
        if not flags[i]:
            i += 1
            continue
        end = i
        while end < len(flags) and flags[end]:
            end += 1
        if all(_is_stopword(tokens[j]) for j in range(i, end)):
            flags[i:end] = [False] * (end - i)
        i = end
    return flags


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
    stop = tokens[end].start if end < len(tokens) else tokens[end - 1].end
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
