"""Indonesian words for indexing and querying: one tokenizer for both.

Layers (see design.md, Search): the surface form (lower case, diacritics removed) and the light
stem (clitic -nya stripped when the rest is a known word; reduplication collapsed). Full
stemming is deliberately not done here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

# A word group: letters/digits, possibly joined by hyphens (pekerja-pekerja, sehari-hari).
_GROUP = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_PART = re.compile(r"[^\W_]+")

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


def fold(word: str) -> str:
    """Lower-case a word and remove its diacritics (as FTS5's unicode61 remove_diacritics)."""
    word = word.lower()
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Token:
    """One word group of a text: its folded parts, where it stands, and its light stem."""

    parts: tuple[str, ...]
    start: int
    end: int


def word_groups(text: str) -> Iterator[Token]:
    """Split `text` into word groups with their character offsets."""
    for match in _GROUP.finditer(text):
        parts = tuple(fold(p) for p in match.group().split("-"))
        yield Token(parts, match.start(), match.end())


def surface_words(text: str) -> list[str]:
    """The folded words of `text`, hyphenated groups split, in order (what the index holds)."""
    return [fold(w) for w in _PART.findall(text)]


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


def index_columns(text: str, is_word: WordCheck) -> tuple[str, str]:
    """What the index stores for `text`: (surface words, extra stems).

    The second string holds only stems that differ from every surface part of their group, so
    the stem index stays small: a query for a stem matches the surface column or this one.
    """
    surface: list[str] = []
    extra: list[str] = []
    for token in word_groups(text):
        surface.extend(token.parts)
        stem = light_stem(token.parts, is_word)
        if stem not in token.parts and " " not in stem:
            extra.append(stem)
        elif " " in stem:
            extra.extend(s for s, p in zip(stem.split(" "), token.parts) if s != p)
    return " ".join(surface), " ".join(extra)


@lru_cache(maxsize=65536)
def _title_key(title: str) -> str:
    return " ".join(surface_words(title))


def title_key(title: str) -> str:
    """A title reduced for matching: folded words only (case, punctuation, accents gone)."""
    return _title_key(title)
