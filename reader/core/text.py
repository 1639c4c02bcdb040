"""Indonesian words for indexing and querying: one tokenizer for both.

Layers (see design.md, Search): the surface form (lower case, diacritics removed) and the light
stem (clitic -nya stripped when the rest is a known word; reduplication collapsed). Full
stemming is deliberately not done here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache, lru_cache

from reader.core.shapes import Plain, dataclass

# The patterns are compiled when first used (an import, a search, a snippet), not when the
# reader imports this module for its first screen.


@cache
def _group() -> re.Pattern[str]:
    """A word group: letters/digits, possibly joined by hyphens (pekerja-pekerja, sehari-hari)."""
    return re.compile(r"[^\W_]+(?:-[^\W_]+)*")


@cache
def _part() -> re.Pattern[str]:
    """One part of a word group: letters and digits."""
    return re.compile(r"[^\W_]+")


MIN_NYA_BASE = 3

# Words too common to describe an article; used by "more like this", never by the index.
FUNCTION_WORDS = frozenset(
    """
    ada adalah agar akan aku anda antara apa apakah atas atau bagi bahkan bahwa baik banyak
    baru belum beberapa begitu bersama besar bisa bukan cukup dalam dan dapat dari demikian
    dengan di dia diri dua hal hanya harus hari hingga ia ini itu jadi jika juga kali kami
    kamu karena kata ke kemudian kepada ketika kini kita lagi lain lalu lebih maka masih mereka
    meski misalnya mulai namun nya oleh pada para per pula pun saat saja salah sama sampai
    sangat satu saya sebagai sebelum sedang sehingga sejak sekitar selain seluruh semua
    sementara sendiri seperti serta setelah sudah tak tahun tanpa telah tengah tentang terhadap
    terjadi tersebut tetapi tidak tiga untuk usai waktu yaitu yakni yang ujar ucap katanya
    mengatakan menjelaskan menurut kemarin senin selasa rabu kamis jumat sabtu minggu pukul wib
    com www http https
    """.split()
)


@cache
def _non_ascii() -> re.Pattern[str]:
    return re.compile(r"[^\x00-\x7f]")


def ascii_letters_only(text: str) -> str | None:
    """`text` with each character outside ASCII made a space, when none of them is a letter or
    digit (curly quotes, dashes: they part words as any punctuation does, and the places of
    the others stay); None when one is (it folds, and may be part of a word). The fast ASCII
    paths of snippets and same-story checks start from it."""
    if text.isascii():
        return text
    non_ascii = _non_ascii()
    if any(char.isalnum() for char in set(non_ascii.findall(text))):
        return None
    return non_ascii.sub(" ", text)


def fold(word: str) -> str:
    """Lower-case a word and remove its diacritics (as FTS5's unicode61 remove_diacritics)."""
    word = word.lower()
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Token(Plain):
    """One word group of a text: its folded parts, where it stands, and its light stem."""

    parts: tuple[str, ...]
    start: int
    end: int


def word_groups(text: str) -> Iterator[Token]:
    """Split `text` into word groups with their character offsets."""
    for match in _group().finditer(text):
        parts = tuple(fold(p) for p in match.group().split("-"))
        yield Token(parts, match.start(), match.end())


def surface_string(text: str) -> str:
    """The folded words of `text`, space-separated, hyphenated groups split (what the index holds).

    Equal to joining fold() of every word, but lower-cases the whole string at once: this is
    the import's hot path, and most news text is ASCII once punctuation is gone.
    """
    joined = " ".join(_part().findall(text)).lower()
    if joined.isascii():
        return joined
    return " ".join(w if w.isascii() else fold(w) for w in joined.split(" "))


def surface_words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    joined = surface_string(text)
    return joined.split(" ") if joined else []


WordCheck = Callable[[str], bool]


def strip_nya(word: str, is_word: WordCheck) -> str:
    """pekerjanya -> pekerja when "pekerja" is a known word; otherwise the word unchanged."""
    if word.endswith("nya") and len(word) - 3 >= MIN_NYA_BASE:
        base = word[:-3]
        if is_word(base):
            return base
    return word


def light_stem(parts: tuple[str, ...], is_word: WordCheck) -> str:
    """The light stem of a word group.

    Reduplication collapses (pekerja-pekerja, anak-anaknya -> anak); -nya is stripped when the
    rest is a known word. Groups that are not a reduplication stem to their first part's stem
    only when they have one part; otherwise the parts are kept joined by spaces.
    """
    stems = [strip_nya(p, is_word) for p in parts]
    if len(stems) == 2 and stems[0] == stems[1]:
        return stems[0]
    return " ".join(stems)


@cache
def _nya() -> re.Pattern[str]:
    return re.compile(rf"\b[^\W_]{{{MIN_NYA_BASE},}}nya\b")


def nya_words(surface: str) -> list[str]:
    """The words of a surface string that may carry the clitic -nya, in order."""
    return _nya().findall(surface) if "nya" in surface else []  # most titles and leads: none


def extra_stems(surface: str, is_word: WordCheck, candidates: list[str] | None = None) -> str:
    """Stems the surface words do not already hold: pekerjanya adds "pekerja".

    Reduplication needs nothing here: "pekerja-pekerja" is indexed as "pekerja pekerja".
    `candidates` are nya_words(surface) when already known.
    """
    extra = []
    for word in nya_words(surface) if candidates is None else candidates:
        stem = strip_nya(word, is_word)
        if stem != word:
            extra.append(stem)
    return " ".join(extra)


# A reduplication whose two parts are the same word (anak-anak, orang-orang, kupu-kupu) is
# indexed, besides its two words, as one token of its own: the word behind this mark, a
# character of Unicode's private use area that no surface word holds (see STEM_MARK in
# reader.core.db.fts). A query "anak-anak" then reads that token's short doclist instead of the
# phrase "anak anak", which decodes the positions of every article that holds "anak". Other
# hyphenated words (sehari-hari, anak-anaknya) stay phrases: their rarer part bounds the work.
REDUP_MARK = "\ue001"


def is_reduplication(parts: tuple[str, ...]) -> bool:
    """Whether folded parts are a word said twice (anak-anak), indexed as one token."""
    return len(parts) == 2 and parts[0] == parts[1]


def reduplications(text: str) -> str:
    """The reduplication tokens of `text` (REDUP_MARK + the word), one per occurrence: each
    word group of word_groups(text) whose parts are a reduplication.

    Runs on the import's hot path, so it visits the hyphens alone (a regex over every word
    took longer than the whole surface string)."""
    found = []
    at = text.find("-")
    if at == -1:
        return ""
    group_at = _group().match
    while at != -1:
        start = at
        while start and text[start - 1].isalnum():  # [^\W_], as _group's letters
            start -= 1
        group = group_at(text, start) if start < at else None
        if group is None or group.end() <= at:
            at = text.find("-", at + 1)
            continue
        first, _, second = group.group().partition("-")
        if "-" not in second and (first.lower() == second.lower() or fold(first) == fold(second)):
            found.append(REDUP_MARK + fold(first))
        at = text.find("-", group.end())
    return " ".join(found)


def stored_index_values(title: str, body: str, index_extra: str) -> list[str]:
    """The nine full-text values a stored article was indexed with: its title, lead and rest of
    the body as surface words, the extra stems it keeps (tab-separated, in index_extra), and the
    reduplication tokens of title, lead and rest (indexed with the surface words)."""
    lead, _, rest = body.partition("\n\n")
    surfaces = [surface_string(text) for text in (title, lead, rest)]
    extras = index_extra.split("\t") if index_extra else ["", "", ""]
    return surfaces + [*extras, "", "", ""][:3] + [reduplications(t) for t in (title, lead, rest)]


def index_columns(text: str, is_word: WordCheck) -> tuple[str, str]:
    """What the index stores for `text`: (surface words, extra stems)."""
    surface = surface_string(text)
    return surface, extra_stems(surface, is_word)


@lru_cache(maxsize=65536)
def _title_key(title: str) -> str:
    return " ".join(surface_words(title))


def title_key(title: str) -> str:
    """A title reduced for matching: folded words only (case, punctuation, accents gone)."""
    return _title_key(title)
