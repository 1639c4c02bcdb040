"""A feed entry's link is joined to the feed's address (urljoin); an absolute plain link is
told so without parsing both (feeds.joined). The answer must be urljoin's, whatever the two
hold, an error included."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urljoin

from hypothesis import example, given, settings
from hypothesis import strategies as st

from reader.core.ingest.feeds import joined
from tests.conftest import examples

# The plain pieces first: Hypothesis tries the first ones most.
SCHEMES = st.sampled_from(["http://", "https://", "HTTP://", "Https://", "ftp://", "//", ""])
# Hosts and segments are written with "|" between them (no piece holds one), one line each.
HOSTS = st.sampled_from("a|situs.id|127.0.0.1|x-y||:80|:|@|[|]|[::1]|é|ｘ| |%41|..".split("|"))
SEGMENTS = st.sampled_from("/|/a|//|/b.c|a|/%20|/%|/é|/ |/\t|/[|/..|/~-+(')&=:@|\\".split("|"))
ENDS = st.sampled_from(["", "?", "#", ";", "?q=1", "#f", ";p", "\n", " ", "\x00"])
URLS = st.builds(
    lambda scheme, host, path, end: scheme + "".join(host) + "".join(path) + end,
    SCHEMES,
    st.lists(HOSTS, min_size=1, max_size=2),
    st.lists(SEGMENTS, max_size=3),
    ENDS,
)
BASES = st.sampled_from(["http://127.0.0.1/synthetic", "https://situs.id/rss"]) | URLS


def _outcome(join: Callable[[str, str], str], base: str, url: str) -> str:
    try:
        return "= " + join(base, url)
    except ValueError as error:
        return f"ValueError {error}"


@settings(max_examples=examples(3000), deadline=None)
@given(BASES, URLS)
@example("http://127.0.0.1/x", "http://a/?")  # an empty query goes
@example("http://127.0.0.1/x", "http://a/#")  # an empty fragment goes
@example("http://127.0.0.1/x", "http://a/b;")  # parameters are split off and put back
@example("http://127.0.0.1/x", "HTTP://a/")  # the scheme is lower-cased
@example("https://situs.id/", "http://a/")  # another scheme: the URL as it is
@example("http://127.0.0.1/x", "http://u@a/")
@example("http://127.0.0.1/x", "http://[::1]/")
@example("http://127.0.0.1/x", "http://[a/")  # an error
@example("http://[a/", "http://a/")  # the base's error
@example("http://127.0.0.1/x", " http://a/")
@example("http://127.0.0.1/x", "http://a/\tb")
@example("http://127.0.0.1/x", "http://a\\b/")
@example("http://127.0.0.1/x", "http://a:/b")
def test_joined_is_urljoin(base: str, url: str) -> None:
    assert _outcome(joined, base, url) == _outcome(urljoin, base, url)


def test_joined_examples() -> None:
    assert joined("http://127.0.0.1/synthetic", "http://127.0.0.1/synthetic/7") == (
        "http://127.0.0.1/synthetic/7"
    )
    assert joined("https://situs.id/rss", "/berita/1") == "https://situs.id/berita/1"
    assert joined("https://situs.id/rss", "HTTPS://situs.id/a?") == "https://situs.id/a"
    assert joined("https://situs.id/rss", "https://situs.id/a;b?c#d") == (
        "https://situs.id/a;b?c#d"
    )
