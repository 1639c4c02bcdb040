"""Which words of a text a query matched: snippets for hit lists and highlights for the reader."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from reader.core.text import Token, fold, light_stem, word_groups

# A word group, as reader.core.text.word_groups finds them (letters and digits, parts joined
# by hyphens); tests check the two agree.
_GROUP = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_ALNUM = re.compile(r"[^\W_]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")

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

    def _needles(self) -> re.Pattern[str] | None:
        """A pattern that finds, case aside, every place a part of a word group begins with
        what a match needs there: a form, a prefix, a stem's first word (a light stem is a
        prefix of the word's first part) or a phrase's word. None when some of those are not
        plain ASCII words (the whole text is then tested token by token)."""
        heads = {*self.forms, *self.prefixes}
        heads.update(stem.split(" ")[0] for stem in self.stems)
        heads.update(word.split(" ")[0] for phrase in self.phrases for word in phrase)
        if not heads or not all(h.isascii() and _ALNUM.fullmatch(h) for h in heads):
            return None
        # Longest first (an alternation stops at its first match); any match is only a
        # candidate, so one found inside another word costs a test, never a wrong mark.
        alternatives = "|".join(sorted(heads, key=lambda h: (-len(h), h)))
        return re.compile(rf"(?<![^\W_])(?:{alternatives})", re.IGNORECASE)

    def marked(self, text: str) -> tuple[list[tuple[int, int]], dict[int, Token]]:
        """The spans of every word group of `text`, and the matched ones by their index.

        The same marks as flags() over word_groups(text), without folding and testing every
        word: only the groups where a needle begins, or that hold a character outside ASCII
        (whose folding the needles cannot foresee), are tested. An ASCII group is one whose
        lower case is its fold, so a group no needle begins in cannot match."""
        spans = [m.span() for m in _GROUP.finditer(text)]
        if not self.active or not spans:
            return spans, {}
        needles = self._needles()
        if needles is None:
            every = [Token(_parts(text, a, b), a, b) for a, b in spans]
            flags = self.flags(every)
            return spans, {i: every[i] for i, hit in enumerate(flags) if hit}
        starts = [a for a, _ in spans]
        candidates = {bisect_right(starts, m.start()) - 1 for m in needles.finditer(text)}
        candidates.update(bisect_right(starts, m.start()) - 1 for m in _NON_ASCII.finditer(text))
        candidates.discard(-1)
        tokens: dict[int, Token] = {}

        def token(i: int) -> Token:
            found = tokens.get(i)
            if found is None:
                a, b = spans[i]
                found = tokens[i] = Token(_parts(text, a, b), a, b)
            return found

        hits = {i for i in candidates if self._word(token(i))}
        for phrase in self.phrases:
            size = len(phrase)
            for i in candidates:
                if i + size > len(spans) or " ".join(token(i).parts) != phrase[0]:
                    continue
                if all(" ".join(token(i + k).parts) == phrase[k] for k in range(1, size)):
                    hits.update(range(i, i + size))
        ordered = sorted(hits)
        marked: dict[int, Token] = {}
        run: list[int] = []
        for i in [*ordered, -2]:  # runs of neighbouring hits; a stopword-only run is dropped
            if run and i != run[-1] + 1:
                if not all(_is_stopword(tokens[j]) for j in run):
                    marked.update((j, tokens[j]) for j in run)
                run = []
            run.append(i)
        return spans, marked

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
        _, marked = self.marked(text)
        return [(marked[i].start, marked[i].end) for i in sorted(marked)]


def _parts(text: str, start: int, end: int) -> tuple[str, ...]:
    """The folded parts of the word group text[start:end] (as word_groups gives them)."""
    return tuple(fold(part) for part in text[start:end].split("-"))


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
    spans, marked = matcher.marked(text)
    if not spans:
        return ""
    positions = sorted(marked)
    start = _best_window(positions, marked, words) if positions else 0
    end = min(len(spans), start + words)
    pieces, cursor = [], spans[start][0]
    for i in positions:
        if start <= i < end:
            a, b = spans[i]
            pieces.append(text[cursor:a])
            pieces.append(SNIPPET_OPEN + text[a:b] + SNIPPET_CLOSE)
            cursor = b
    stop = spans[end][0] if end < len(spans) else spans[end - 1][1]
    pieces.append(text[cursor:stop])
    out = "".join(pieces).strip()
    return ("… " if start > 0 else "") + out + (" …" if end < len(spans) else "")


def _best_window(positions: list[int], marked: dict[int, Token], width: int) -> int:
    """Start of the window with the most distinct matched words (then most matches)."""
    best, best_score = 0, (-1, -1)
    for first in positions:
        start = max(0, first - 3)
        window = [marked[i].parts for i in positions if start <= i < start + width]
        score = (len(set(window)), len(window))
        if score > best_score:
            best, best_score = start, score
    return best


def snippet_by_tokens(body: str, matcher: Matcher, words: int = SNIPPET_WORDS) -> str:
    """snippet() the plain way, every word folded and tested: the reference tests compare
    the fast path with."""
    text = body.replace("\n\n", " ")
    tokens = list(word_groups(text))
    if not tokens:
        return ""
    flags = matcher.flags(tokens) if matcher.active else [False] * len(tokens)
    marked = {i: t for i, (t, hit) in enumerate(zip(tokens, flags, strict=True)) if hit}
    positions = sorted(marked)
    start = _best_window(positions, marked, words) if positions else 0
    end = min(len(tokens), start + words)
    pieces, cursor = [], tokens[start].start
    for i in positions:
        if start <= i < end:
            pieces.append(text[cursor : tokens[i].start])
            pieces.append(SNIPPET_OPEN + text[tokens[i].start : tokens[i].end] + SNIPPET_CLOSE)
            cursor = tokens[i].end
    stop = tokens[end].start if end < len(tokens) else tokens[end - 1].end
    pieces.append(text[cursor:stop])
    out = "".join(pieces).strip()
    return ("… " if start > 0 else "") + out + (" …" if end < len(tokens) else "")
