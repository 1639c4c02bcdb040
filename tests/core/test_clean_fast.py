"""clean_line and clean_body give clean ASCII text back as it is, told by is_clean_line and
is_clean_body without cleaning it (an import cleans the same text two or three times). Their answers must be
those of cleaning it the long way, whatever the text holds; the long way is written out here
as clean.py had it before the shortcut. safe_text gives printable text back as it is (the
reader's list shows its titles without compiling a pattern), the same as its patterns give."""

from __future__ import annotations

import random
import re
import sys
import unicodedata

from reader.core import clean
from reader.core.clean import (
    clean_body,
    clean_line,
    clean_text,
    is_clean_body,
    is_clean_line,
    safe_text,
)
from tests.conftest import SAMPLE_SEED, THOROUGH, sample_named


def _line_the_long_way(text: str | None) -> str:
    if not text:
        return ""
    return " ".join(clean_text(text).split())


def _body_the_long_way(text: str) -> str:
    text = clean_text(text)
    if "\n\n" in text.strip():
        paragraphs = [" ".join(block.split()) for block in re.split(r"\n\s*\n", text)]
    else:
        paragraphs = [" ".join(line.split()) for line in text.split("\n")]
    return "\n\n".join(p for p in paragraphs if p)


def _safe_the_long_way(text: str, multiline: bool) -> str:
    if not text:
        return ""
    text = clean._line_breaks().sub("\n", text)
    text = clean._controls().sub("", clean._escapes().sub("", text))
    return text if multiline else text.replace("\n", " ").replace("\t", " ")


# Every kind of character the rules tell apart, often; any character, now and then.
EDGES = [
    "a",
    "Z",
    "7",
    " ",
    " ",
    "\n",
    "\n\n",
    "\t",
    "\r",
    "\r\n",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1f",
    "\x1b",
    "\x1b[31m",
    "\x1b]0;x\x07",
    "\x9b",
    "\x85",
    "\xa0",
    "\u2028",
    "\u2029",
    "\u3000",
    "\u200b",
    "\u202e",
    "\ufeff",
    "\x00",
    "\x7f",
    "e\u0301",  # not NFC: é
    "\u0301",
    "é",
    "Å",
    "\u1100\u1161",  # Hangul jamo that NFC composes
    "ﬁ",
]
# ASCII pieces and how often each is drawn: mostly words, spaces and blank lines (the text a
# shortcut tells clean), now and then what makes a text unclean.
ASCII = {"a": 4, "Z": 2, " ": 4, "\n\n": 2, "\n": 1, "\t": 1, "\r": 1, "\x1b": 1}
# Plain ASCII next to what the shortcuts look at (seldom drawn: most texts hold other
# characters), tried in every run.
EXAMPLES = ["a ", " a", "a  b", "a\tb", "a\n\nb ", "a \n\nb", "a\n\n\nb", "a\nb"]
# Random texts (a new seed each run: tests/conftest.py SAMPLE_SEED, named on a failure): pieces
# of EDGES and single characters, half and half, as Hypothesis drew them, and ASCII ones. A
# text costs ~30 microseconds drawn and checked, where Hypothesis spent ~1.3 ms drawing one:
# ten times the texts of its 1,000 examples, for a fifth of the CPU. With the written cases
# taken out, 12 other ways of writing the shortcuts were each caught in 3 runs of 3; the
# Hypothesis property caught 7 of them every time.
TEXTS = 100_000 if THOROUGH else 10_000


def _character(rng: random.Random) -> str:
    """Any character but a surrogate, one below U+0100 four times in five (as Hypothesis's
    characters() draws them)."""
    if rng.random() < 0.8:
        return chr(rng.randrange(0x100))
    while True:
        code = rng.randrange(sys.maxunicode + 1)
        if not 0xD800 <= code <= 0xDFFF:
            return chr(code)


def _texts(count: int, seed: int) -> list[str]:
    """Up to 40 pieces each: a few (up to 7) half the time, else any number. A quarter of the
    texts are of ASCII pieces only, the shortcuts' ground, which the others seldom are."""
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        size = rng.randrange(8) if rng.random() < 0.5 else rng.randrange(41)
        if rng.random() < 0.25:
            texts.append("".join(rng.choices(list(ASCII), list(ASCII.values()), k=size)))
            continue
        pieces = [rng.choice(EDGES) if rng.random() < 0.5 else _character(rng) for _ in range(size)]
        texts.append("".join(pieces))
    return texts


def _check_cleaning(text: str) -> None:
    line, body = _line_the_long_way(text), _body_the_long_way(text)
    assert clean_line(text) == line
    assert clean_body(text) == body
    if is_clean_line(text):
        assert line == text
    if is_clean_body(text):
        assert body == text
    # What cleaning gives is told clean (ASCII text): the import's second cleaning is short.
    assert is_clean_line(line) or not line.isascii()
    assert is_clean_body(body) or not body.isascii()


def _check_safe_text(text: str) -> None:
    for multiline in (False, True):
        assert safe_text(text, multiline=multiline) == _safe_the_long_way(text, multiline)


def test_clean_line_body_and_safe_text_are_what_the_long_ways_give() -> None:
    """Each text goes through both checks: its cleaning, and safe_text in both modes."""
    texts = EXAMPLES + _texts(TEXTS, SAMPLE_SEED)
    with sample_named(len(texts)):
        for text in texts:
            _check_cleaning(text)
            _check_safe_text(text)


def test_clean_text_and_shortcuts_agree_on_examples() -> None:
    assert clean_line("Banjir  di\tJakarta ") == "Banjir di Jakarta"
    assert clean_line("Banjir di Jakarta") == "Banjir di Jakarta"
    assert clean_line("Cafe\u0301") == unicodedata.normalize("NFC", "Cafe\u0301")
    assert clean_body("satu\n\ndua tiga") == "satu\n\ndua tiga"
    assert clean_body("satu\n\n\n dua  tiga \n\nempat") == "satu\n\ndua tiga\n\nempat"
    assert clean_body("baris satu\nbaris dua") == "baris satu\n\nbaris dua"
    assert not is_clean_body("baris satu\nbaris dua")
    assert not is_clean_line("merah\x1b[31m")
    assert not is_clean_body("satu\n\n\ndua") and not is_clean_body("satu \n\ndua")
    assert is_clean_body("satu\n\ndua tiga") and not is_clean_line("kafé")


def test_no_printable_character_is_changed_by_safe_texts_patterns() -> None:
    """Every character str.isprintable() accepts, the whole of Unicode: the patterns leave
    them all, so safe_text's shortcut for printable text changes nothing."""
    printable = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isprintable())
    assert len(printable) > 100_000
    assert _safe_the_long_way(printable, multiline=False) == printable
    assert safe_text("Upah [b]minimum[/b] naik 5%") == "Upah [b]minimum[/b] naik 5%"
    assert safe_text("merah\x1b[31m\u202eterbalik\tkolom") == "merahterbalik kolom"
    assert safe_text("satu\r\ndua\tx", multiline=True) == "satu\ndua\tx"
