"""The headline list measures and cuts its texts by their length when every character is one
cell wide (issue 11: Rich measures a text holding an ellipsis one grapheme at a time). The
results must be Rich's own, for narrow and wide text alike."""

from __future__ import annotations

import pytest
from rich.cells import cell_len, set_cell_size

from reader.ui.widgets.headline_list import NARROW, _fit, _fit_marked, _wrap, cells, cut

TEXTS = [
    "",
    "Banjir rendam pemukiman warga",
    "…sejumlah «pekerja» migran · jpnn.com",
    "Café · Ángel · ½ · ©",
    "日本語のニュース",  # two cells a character
    "Pekerja 日本 kembali…",
    "emoji 👷 helm",
    "soft\u00adhyphen",  # not in NARROW: Rich gives it no cell
    "a\u0301ccent",  # a combining mark
]


def test_every_narrow_character_is_one_cell_for_rich() -> None:
    assert all(cell_len(character) == 1 for character in NARROW)
    assert "\u00ad" not in NARROW and "日" not in NARROW


@pytest.mark.parametrize("text", TEXTS)
def test_cells_and_cut_are_richs_own(text: str) -> None:
    assert cells(text) == cell_len(text)
    for width in range(cell_len(text) + 3):
        assert cut(text, width) == set_cell_size(text, width)


@pytest.mark.parametrize("text", TEXTS)
def test_what_the_list_fits_to_a_width_never_passes_it(text: str) -> None:
    long = f"{text} {text} kata lain lagi"
    for width in range(1, 40):
        assert cell_len(_fit(long, width)) <= width
        assert all(cell_len(line) <= width for line in _wrap(long, width, 2))
        plain, spans = _fit_marked(f"«{text}» {long}", width)
        assert cell_len(plain) <= width
        assert all(0 <= start <= end <= len(plain) for start, end in spans)
