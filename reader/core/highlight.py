"""Which words of a text a query matched: snippets for hit lists and highlights for the reader."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import field
from functools import cache

from reader.core.shapes import Plain, dataclass
from reader.core.text import Token, ascii_letters_only, fold, light_stem, word_groups


# The patterns are compiled when first used (a search's snippets or highlights), not when the
# reader imports this module for its first screen.
@cache
def _group() -> re.Pattern[str]:
    """A word group, as reader.core.text.word_groups finds them (letters and digits, parts
    joined by hyphens); tests check the two agree."""
    return re.compile(r"[^\W_]+(?:-[^\W_]+)*")


@cache
def _alnum() -> re.Pattern[str]:
    return re.compile(r"[^\W_]+")


@cache
def _non_ascii() -> re.Pattern[str]:
    return re.compile(r"[^\x00-\x7f]")


@cache
def _run() -> re.Pattern[str]:
    """A run of _Groups' symbols that are no space."""
    return re.compile(r"[^ ]+")


# An ASCII text as three symbols: a letter or digit "a", a hyphen "-", anything else " "
# (see _group_spans).
_SYMBOLS = bytes(
    ord("a") if chr(c).isalnum() else ord("-") if c == ord("-") else ord(" ") for c in range(128)
) + bytes([ord(" ")] * 128)

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
class Matcher(Plain):
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
        alnum = _alnum()
        if not heads or not all(h.isascii() and alnum.fullmatch(h) for h in heads):
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
        groups = _Groups(text)
        return groups.every(), self._marks(text, groups)

    def _marks(self, text: str, groups: _Groups) -> dict[int, Token]:
        """marked()'s matched groups, the others found only where they are needed."""
        if not self.active or not groups.size:
            return {}
        needles = self._needles()
        if needles is None:
            every = [Token(_parts(text, a, b), a, b) for a, b in groups.every()]
            flags = self.flags(every)
            return {i: every[i] for i, hit in enumerate(flags) if hit}
        places = self._heads_at(text, needles)
        if groups.symbols is None and not text.isascii():
            # (with symbols, a character outside ASCII is no part of a group)
            places += [m.start() for m in _non_ascii().finditer(text)]
        candidates = groups.indices(places)
        candidates.discard(-1)
        tokens: dict[int, Token] = {}

        def token(i: int) -> Token:
            found = tokens.get(i)
            if found is None:
                a, b = groups.span(i)
                found = tokens[i] = Token(_parts(text, a, b), a, b)
            return found

        hits = {i for i in candidates if self._word(token(i))}
        for phrase in self.phrases:
            size = len(phrase)
            for i in candidates:
                if i + size > groups.size or " ".join(token(i).parts) != phrase[0]:
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
        return marked

    def _heads_at(self, text: str, needles: re.Pattern[str]) -> list[int]:
        """Where `needles` match in `text`, or more places (a candidate costs a test, never a
        wrong mark): each place a head begins in the lower-cased text, not after a letter or
        digit, found by str.find in C instead of trying the pattern at every character. A
        match the find cannot see (a character that lower-cases to another length, or one
        outside ASCII that the pattern's IGNORECASE equates with a head's letter) lies in a
        group holding a character outside ASCII, which marked() tests anyway."""
        low = text.lower()
        if len(low) != len(text):
            return [m.start() for m in needles.finditer(text)]
        heads = {*self.forms, *self.prefixes}
        heads.update(stem.split(" ")[0] for stem in self.stems)
        heads.update(word.split(" ")[0] for phrase in self.phrases for word in phrase)
        found = []
        for head in heads:
            at = low.find(head)
            while at >= 0:
                if at == 0 or not text[at - 1].isalnum():
                    found.append(at)
                at = low.find(head, at + 1)
        return found

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
        marked = self._marks(text, _Groups(text))
        return [(marked[i].start, marked[i].end) for i in sorted(marked)]


class _Groups:
    """The word groups of a text (the matches of _group), each found when it is asked for.

    A snippet needs the groups where a needle begins, their neighbours and the two ends of
    its window, not the hundreds of others: finding each group of a news text with the
    pattern was half of a snippet's time. A text in ASCII, or whose other characters are no
    letters or digits (curly quotes, dashes), is turned into symbols in C, a character for a
    character: a letter or digit "a", a hyphen between two of them "j" (it joins them), any
    other character " ". A group is then a run between spaces that begins where " a" does
    (one later): the groups before a place are counted with str.count, and the n-th group
    after or before one found is found with str.find or rfind. Another text is split by the
    pattern at once."""

    def __init__(self, text: str) -> None:
        self.symbols = _symbols(text)
        self.spans: dict[int, tuple[int, int]] = {}  # the groups found so far, by index
        if self.symbols is None:
            found = [m.span() for m in _group().finditer(text)]
            self.starts = [a for a, _ in found]
            self.spans = dict(enumerate(found))
            self.size = len(found)
        else:
            self.padded = " " + self.symbols  # a group begins where " a" does, one later
            self.size = self.padded.count(" a")

    def every(self) -> list[tuple[int, int]]:
        """The span of each group, in order."""
        if self.symbols is None:
            return [self.spans[i] for i in range(self.size)]
        return [m.span() for m in _run().finditer(self.symbols)]

    def indices(self, places: list[int]) -> set[int]:
        """The index of the last group that begins at or before each place (-1: none), as
        bisect over the groups' starts gives it."""
        if self.symbols is None:
            return {bisect_right(self.starts, at) - 1 for at in places}
        found: set[int] = set()
        counted, last = 0, -1
        for at in sorted(set(places)):
            # the groups that begin in (last, at]: " a" at padded[q], q in that range
            counted += self.padded.count(" a", last + 1, at + 2)
            last = at
            index = counted - 1
            found.add(index)
            if index >= 0 and index not in self.spans and self.symbols[at] != " ":
                start = self.symbols.rfind(" ", 0, at) + 1
                end = self.symbols.find(" ", at)
                self.spans[index] = (start, len(self.symbols) if end < 0 else end)
        return found

    def span(self, index: int) -> tuple[int, int]:
        """The (start, end) of group `index` (0 <= index < size), found from the nearest
        group found before it, above or below."""
        found = self.spans.get(index)
        if found is not None:
            return found
        symbols = self.symbols
        assert symbols is not None  # every group of a text without symbols is known
        below = max((i for i in self.spans if i < index), default=-1)
        above = min((i for i in self.spans if i > index), default=self.size)
        if above < self.size and above - index < index - below:
            start = self.spans[above][0]
            for _ in range(above - index):  # each group's start, back from `above`'s
                start = self.padded.rfind(" a", 0, start)
        else:
            at = self.spans[below][1] if below >= 0 else 0
            for _ in range(index - below):  # each group's start, on from `below`'s end
                start = self.padded.find(" a", at)
                at = start + 1
        end = symbols.find(" ", start)
        self.spans[index] = (start, len(symbols) if end < 0 else end)
        return self.spans[index]


def _symbols(text: str) -> str | None:
    """`text` as _Groups' symbols, one for each character; None when it holds a letter or
    digit outside ASCII (which folds, and may be part of a word)."""
    plain = ascii_letters_only(text)
    if plain is None:
        return None
    symbols = plain.encode("ascii").translate(_SYMBOLS).decode("ascii")
    # "a-a" joins; a hyphen after a group that no "a" follows ends it, as a space does
    symbols = symbols.replace("a-", "aj").replace("j ", "  ").replace("j-", " -")
    symbols = symbols.replace("-", " ")
    return symbols[:-1] + " " if symbols.endswith("j") else symbols


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
    groups = _Groups(text)
    marked = matcher._marks(text, groups)
    if not groups.size:
        return ""
    positions = sorted(marked)
    start = _best_window(positions, marked, words) if positions else 0
    end = min(groups.size, start + words)
    pieces, cursor = [], groups.span(start)[0]
    for i in positions:
        if start <= i < end:
            a, b = marked[i].start, marked[i].end
            pieces.append(text[cursor:a])
            pieces.append(SNIPPET_OPEN + text[a:b] + SNIPPET_CLOSE)
            cursor = b
    stop = groups.span(end)[0] if end < groups.size else groups.span(end - 1)[1]
    pieces.append(text[cursor:stop])
    out = "".join(pieces).strip()
    return ("… " if start > 0 else "") + out + (" …" if end < groups.size else "")


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
