from reader.core.clean import clean_body, clean_text
from reader.core.dates import parse_date, to_utc_key
from reader.core.text import index_columns, light_stem, strip_nya, surface_words, title_key

KNOWN = {"pekerja", "anak", "karena", "tahun"}.__contains__


def test_surface_words_fold_case_and_accents_and_split_hyphens():
    assert surface_words("Pekerja-pekerja Café, 8.900 orang") == [
        "pekerja",
        "pekerja",
        "cafe",
        "8",
        "900",
        "orang",
    ]


def test_nya_is_stripped_only_to_a_known_word():
    assert strip_nya("pekerjanya", KNOWN) == "pekerja"
    assert strip_nya("karenanya", KNOWN) == "karena"
    assert strip_nya("hanya", KNOWN) == "hanya"  # "ha" is too short
    assert strip_nya("tanya", KNOWN) == "tanya"
    assert strip_nya("bunyinya", KNOWN) == "bunyinya"  # "bunyi" is not a known word here


def test_reduplication_collapses():
    assert light_stem(("pekerja", "pekerja"), KNOWN) == "pekerja"
    assert light_stem(("anak", "anaknya"), KNOWN) == "anak"
    assert light_stem(("sehari", "hari"), KNOWN) == "sehari hari"


def test_no_ku_mu_stripping():
    assert light_stem(("maluku",), KNOWN) == "maluku" and light_stem(("bangku",), KNOWN) == "bangku"


def test_index_columns_keep_surface_and_only_new_stems():
    surface, extra = index_columns("Pekerjanya dan pekerja-pekerja, anak-anak.", KNOWN)
    assert surface == "pekerjanya dan pekerja pekerja anak anak"
    assert extra == "pekerja"


def test_title_key_ignores_case_and_punctuation():
    assert title_key("Menaker: Upah Minimum 2025!") == title_key("menaker upah minimum 2025")


def test_clean_strips_escapes_keeps_paragraphs():
    assert clean_text("a\x1b[1;31mb\x1b[0m\x1bPq\x1b\\c\u202ed") == "abcd"
    assert clean_body("satu\n\n\n dua  tiga \n\nempat") == "satu\n\ndua tiga\n\nempat"
    assert clean_body("baris satu\nbaris dua") == "baris satu\n\nbaris dua"


def test_indonesian_dates():
    assert parse_date("Senin, 19 Februari 2018 14:30 WIB") == "2018-02-19T14:30:00+07:00"
    assert parse_date("Senin, 19 Februari 2018 – 14:30 WITA") == "2018-02-19T14:30:00+08:00"
    assert parse_date("Rabu, 7 Agu 2019 09.05 WIT") == "2019-08-07T09:05:00+09:00"
    assert parse_date("19/2/2018") == "2018-02-19"
    assert parse_date("2018-02-19T07:30:00Z") == "2018-02-19T07:30:00+00:00"
    assert parse_date("Senin (19/2)") is None
    assert parse_date("Senin (19/2)", year=2018) == "2018-02-19"
    assert parse_date("31 Februari 2018") is None
    assert parse_date("kemarin sore") is None
    assert to_utc_key("2018-02-19T14:30:00+07:00") == "2018-02-19T07:30:00Z"
