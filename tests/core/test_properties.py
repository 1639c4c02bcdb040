"""Property tests (Hypothesis): whatever a person types or a file holds, the parsers and the
search answer, and never with a traceback."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.errors import InputError
from reader.core.ingest import parse_bytes
from reader.core.ingest.fetch import detect_format
from reader.core.ingest.jsonl import parse_jsonl
from reader.core.ingest.plaintext import parse_plaintext
from reader.core.library import Library
from reader.core.models import Article, ImportFailure
from reader.core.query import parse_query

# Query text: any characters, with the syntax's own pieces mixed in often.
SYNTAX = st.sampled_from(
    [
        '"',
        "*",
        "-",
        ":",
        "OR",
        "AND",
        "NOT",
        "NEAR(",
        "(",
        ")",
        "{title}",
        "title:",
        "source:",
        "since:",
        "until:",
        "2018",
        "pekerja",
        "upah",
        "PHK",
        "\x1b[31m",
        "\u200b",
        " ",
    ]
)
QUERIES = st.lists(st.one_of(SYNTAX, st.text(max_size=8)), max_size=12).map("".join)
FAST = settings(max_examples=100, deadline=None)


@FAST
@given(QUERIES)
def test_any_text_parses(text: str) -> None:
    query = parse_query(text)
    assert all(term.words for term in query.terms)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(QUERIES)
def test_any_text_searches_without_the_index_refusing_it(
    demo_library_ro: Library, text: str
) -> None:
    result = demo_library_ro.search(text, 5)
    assert not result.fallback
    assert len(result.hits) <= 5


@FAST
@given(
    st.lists(
        st.one_of(
            st.text(max_size=60),
            st.builds(
                json.dumps,
                st.dictionaries(
                    st.sampled_from(["title", "body", "url", "date", "related", "source"]),
                    st.one_of(
                        st.text(max_size=20),
                        st.integers(),
                        st.none(),
                        st.lists(st.text(max_size=5)),
                    ),
                ),
            ),
        ),
        max_size=6,
    )
)
def test_any_json_lines_give_articles_or_failures(lines: list[str]) -> None:
    for item in parse_jsonl(lines, "x.jsonl"):
        assert isinstance(item, Article | ImportFailure)


@FAST
@given(st.text(max_size=400))
def test_any_plain_text_is_an_article_or_one_input_error(text: str) -> None:
    try:
        article = parse_plaintext(text, "x.txt")
    except InputError:
        return
    assert article.title


@FAST
@given(st.binary(max_size=600), st.sampled_from([".txt", ".json", ".jsonl", ".xml", ".html"]))
def test_any_bytes_in_any_format_give_articles_or_failures(data: bytes, suffix: str) -> None:
    detect_format(data, "x" + suffix)
    for item in parse_bytes(data, "x" + suffix, suffix):
        assert item is not None


# RFC 822 dates as feeds write them, the edges of each field included (day 0 and 32, hour 24,
# second 60, zones past +2400).
RFC822_DATES = st.builds(
    "{}{} {} {} {:02d}:{:02d}:{:02d} {}".format,
    st.sampled_from(["", "Mon, ", "Tue, ", "Sun, "]),
    st.integers(0, 32),
    st.sampled_from(["Jan", "Feb", "Jun", "Sep", "Dec", "Mei", "jan"]),
    st.integers(1, 9999).map(lambda year: f"{year:04d}"),
    st.integers(0, 25),
    st.integers(0, 61),
    st.integers(0, 61),
    st.one_of(
        st.sampled_from(["GMT", "UT", "-0000", "+0000", "Z", "EST"]),
        st.builds(
            "{}{:02d}{:02d}".format, st.sampled_from("+-"), st.integers(0, 25), st.integers(0, 99)
        ),
    ),
)


@given(RFC822_DATES)
def test_the_common_feed_date_form_reads_as_the_email_package_reads_it(raw):
    """feed_date reads "Tue, 14 Nov 2023 22:13:20 +0700" itself, without the email package:
    the same ISO string that package's reading gives, or else it reads the long way."""
    from email.utils import parsedate_to_datetime

    from reader.core import dates

    try:
        value = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        value = None
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=dates.UTC)
    email_reading = value.isoformat() if value is not None else None
    common = dates._common_feed_date(raw)
    assert common is None or common == email_reading
    *_, month, year, _, zone = raw.split()
    common_form = month[0].isupper() and month != "Mei" and year >= "1000" and zone != "Z"
    if email_reading is not None and common_form and zone != "EST":
        assert common == email_reading  # the common form is read here, not the long way
