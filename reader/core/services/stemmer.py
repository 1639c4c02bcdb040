"""Root families: a low-weight recall step for a query that found too little.

A word's family is the set of words of the store that share one of its root keys. The keys come
from Snowball's Indonesian stemmer (PyStemmer: BSD, no dictionary, a normal dependency), plus a
few dictionary-free variants for the consonant that the nasal prefixes absorb, which Snowball
does not put back (menulis -> "ulis" while ditulis -> "tulis"):

    meng/peng + vowel   k + stem            mengirim: "irim" and "kirim"
    menge/penge         the stem less its e  pengeboman: "ebom" and "bom"
    men/pen + vowel     t or n + stem       menulis: "ulis", "tulis"; menanti: "anti", "nanti"
    mem/pem + vowel     m for Snowball's p   pemilik: "pilik" and "milik"
    meny/peny + vowel   ny for Snowball's s  penyanyi: "sanyi" and "nyanyi"

A wrong variant costs little: it only matters when another word of the store has it as a key.
When PySastrawi is installed (an optional extra: its root-word dictionary is CC BY-NC-SA), its
root joins the keys, so the family is the union of both stemmers' families.

Full stemming never decides what a word means in the index (Sastrawi maps pengangguran ->
anggur): it only widens a query, never through a protected word. Keys are computed in memory
and cached per word; a search never writes to the store.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol

import Stemmer

MIN_ROOT = 3
MAX_FAMILY = 30
CANDIDATES = 400  # words containing a key's core that are checked for sharing a key
VOWELS = frozenset("aeiou")

_snowball = Stemmer.Stemmer("indonesian")
_settings = {"sastrawi": True}


_sastrawi_loaded: list[Any] = []  # the stemmer (or None: not installed), once loaded
# Building Sastrawi's stemmer (its dictionary of 30,000 roots) takes 15-40 ms: a search that
# needs it while a warm-up builds it waits for that one rather than building a second.
_sastrawi_lock = threading.Lock()


def _sastrawi() -> Any:
    if not _sastrawi_loaded:
        with _sastrawi_lock:
            if not _sastrawi_loaded:
                _sastrawi_loaded.append(_load_sastrawi())
    return _sastrawi_loaded[0]


def _load_sastrawi() -> Any:
    try:
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
    except ImportError:
        return None
    return StemmerFactory().create_stemmer()


def warm() -> None:
    """Load the tables a first family search reads: the protected words and, when in use,
    Sastrawi's dictionary (see Searcher.warm)."""
    protected()
    if _settings["sastrawi"]:
        _sastrawi()


def sastrawi_installed() -> bool:
    """Whether the optional PySastrawi extra can be imported."""
    return _sastrawi() is not None


def sastrawi_in_use() -> bool:
    """Whether Sastrawi's roots join the families (installed, and not switched off)."""
    return _settings["sastrawi"] and sastrawi_installed()


def use_sastrawi(enabled: bool) -> None:
    """Let Sastrawi's roots join the families or not (the evaluation compares both)."""
    _settings["sastrawi"] = enabled
    keys.cache_clear()


@lru_cache(maxsize=1)
def protected() -> frozenset[str]:
    text = resources.files("reader.core").joinpath("data/protected.txt").read_text("utf-8")
    lines = (line.split("#", 1)[0] for line in text.splitlines())
    return frozenset(word for line in lines for word in line.split())


@lru_cache(maxsize=100_000)
def snowball(word: str) -> str:
    """Snowball's Indonesian stem of a folded word."""
    return str(_snowball.stemWord(word))


@lru_cache(maxsize=100_000)
def sastrawi_root(word: str) -> str:
    """Sastrawi's root of a folded word (the word itself when protected or not installed)."""
    stemmer = _sastrawi()
    if stemmer is None or word in protected() or not word.isalpha():
        return word
    return str(stemmer.stem(word) or word)


def _after(word: str, prefix: str) -> bool:
    """Whether `word` is `prefix` followed by a vowel."""
    return word.startswith(prefix) and len(word) > len(prefix) and word[len(prefix)] in VOWELS


def nasal_variants(word: str, stem: str) -> list[str]:
    """The roots a nasal prefix may have absorbed, given the word and its Snowball stem."""
    if not stem:
        return []
    head = word[:4]
    if head in ("meng", "peng") and _after(word, head) and stem[0] in VOWELS:
        return ["k" + stem] + ([stem[1:]] if stem[0] == "e" else [])
    if head in ("meny", "peny") and _after(word, head) and stem[0] == "s":
        return ["ny" + stem[1:]]
    if head[:3] in ("mem", "pem") and _after(word, head[:3]) and stem[0] == "p":
        return ["m" + stem[1:]]
    if head[:3] in ("men", "pen") and _after(word, head[:3]) and stem[0] in VOWELS:
        return ["t" + stem, "n" + stem]
    return []


def _stems(word: str) -> list[str]:
    """Snowball's stem of the word, and of the readings of its ending Snowball cannot see:
    a final -ku/-mu/-kah/-lah/-pun that is the root's (pelaku: laku, not pela), a final -i that
    is the root's (dinilai: nilai, not nila), -kan that is -k + -an (kritikan: kritik), and the
    prefix se- (sebanyak: banyak), which Snowball leaves on."""
    stems = [snowball(word)]
    if word.endswith(("ku", "mu", "kah", "lah", "pun")):
        stems.append(snowball(word + "nya"))  # one clitic is stripped: -nya goes, the end stays
    if word.endswith("i"):
        stems.append(snowball(word + "kan"))  # one suffix is stripped: -kan goes, the -i stays
    if word.endswith("kan"):
        stems.append(snowball(word[:-2]))
    if word.startswith("se") and len(word) >= 6:
        stems.append(snowball(word[2:]))
    return stems


def _nasal_left(stem: str) -> list[str]:
    """A stem that still starts with the nasal of a stripped pe-/di-pe- (dipengaruhi: ngaruh)."""
    if len(stem) > 3 and stem.startswith("ng") and stem[2] in VOWELS:
        return [stem[2:], "k" + stem[2:]]
    return []


def _own_syllable(word: str, stem: str) -> list[str]:
    """Snowball strips pe-, be-, ke- and te- even when they begin the root (peluang: luang,
    kendaraan: ndara); the stem with the syllable the word has before it is a key too."""
    return [p + stem for p in ("pe", "be", "ke", "te") if p + stem in word]


@lru_cache(maxsize=100_000)
def keys(word: str) -> frozenset[str]:
    """The root keys of a folded word; two words are of one family when their keys meet."""
    if word in protected() or not word.isalpha():
        return frozenset({word})
    found: set[str] = set()
    for stem in _stems(word):
        found.update(
            (stem, *nasal_variants(word, stem), *_nasal_left(stem), *_own_syllable(word, stem))
        )
    if sastrawi_in_use():
        found.add(sastrawi_root(word))
    return frozenset(key for key in found if len(key) >= MIN_ROOT)


def _core(key: str) -> str:
    """What every written form of a root contains: a prefix may melt its first letter."""
    return key[1:] if len(key) > 4 else key


class WordIndex(Protocol):
    def words_containing(self, core: str, limit: int) -> list[str]: ...


def family(index: WordIndex, word: str) -> list[str]:
    """Words of the store that share a root key with `word`, most frequent first; [] if none."""
    if word in protected() or not word.isalpha():
        return []
    own = keys(word)
    cores = sorted({_core(key) for key in own})
    # A core that holds another core finds nothing that one does not.
    cores = [c for c in cores if not any(o != c and o in c for o in cores)]
    found: dict[str, None] = {}
    for core in cores:
        for term in index.words_containing(core, CANDIDATES):
            if term != word and term not in protected() and keys(term) & own:
                found[term] = None
    return list(found)[:MAX_FAMILY]
