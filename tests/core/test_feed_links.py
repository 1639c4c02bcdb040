"""A feed entry's link is joined to the feed's address (urljoin); an absolute plain link is
told so without parsing both (feeds.joined). The answer must be urljoin's, whatever the two
hold, an error included."""

from __future__ import annotations

import random
from collections.abc import Callable
from urllib.parse import urljoin

from reader.core.ingest import feeds
from reader.core.ingest.feeds import joined
from tests.conftest import SAMPLE_SEED, THOROUGH, sample_named

# The pieces the links are made of, plain ones first: half the draws take one of the first
# four, so that many links are plain but for a piece or two, where the shortcut's rule must
# draw its line. Hosts and segments are written with "|" between them (no piece holds one).
SCHEMES = ["http://", "https://", "HTTP://", "Https://", "ftp://", "//", ""]
HOSTS = "a|situs.id|127.0.0.1|x-y||:80|:|@|[|]|[::1]|é|ｘ| |%41|..".split("|")
SEGMENTS = "/|/a|//|/b.c|a|/%20|/%|/é|/ |/\t|/[|/..|/~-+(')&=:@|\\".split("|")
ENDS = ["", "?", "#", ";", "?q=1", "#f", ";p", "\n", " ", "\x00"]
FEED_ADDRESSES = ["http://127.0.0.1/synthetic", "https://situs.id/rss"]
# Cases the shortcut's rule is written around, tried in every run.
EXAMPLES = [
    ("http://127.0.0.1/x", "http://a/?"),  # an empty query goes
    ("http://127.0.0.1/x", "http://a/#"),  # an empty fragment goes
    ("http://127.0.0.1/x", "http://a/b;"),  # parameters are split off and put back
    ("http://127.0.0.1/x", "HTTP://a/"),  # the scheme is lower-cased
    ("https://situs.id/", "http://a/"),  # another scheme: the URL as it is
    ("http://127.0.0.1/x", "http://u@a/"),
    ("http://127.0.0.1/x", "http://[::1]/"),
    ("http://127.0.0.1/x", "http://[a/"),  # an error
    ("http://[a/", "http://a/"),  # the base's error
    ("http://127.0.0.1/x", " http://a/"),
    ("http://127.0.0.1/x", "http://a/\tb"),
    ("http://127.0.0.1/x", "http://a\\b/"),
    ("http://127.0.0.1/x", "http://a:/b"),
]
# Random pairs drawn from the pieces (a new seed each run: tests/conftest.py SAMPLE_SEED). A
# pair costs ~35 microseconds drawn and checked, where Hypothesis spent ~1.4 ms drawing one:
# every piece comes from a short list, so plain draws reach the inputs Hypothesis reached, ten
# times as many for a quarter of the CPU (it ran 1,000 examples; 19 rules the shortcut might
# be written with instead were caught as often, or more often, at 10,000 pairs).
PAIRS = 100_000 if THOROUGH else 10_000


def _piece(rng: random.Random, pieces: list[str]) -> str:
    return rng.choice(pieces[:4] if rng.random() < 0.5 else pieces)


def _url(rng: random.Random) -> str:
    """A scheme, one or two host pieces, up to three path segments and an ending."""
    hosts = [_piece(rng, HOSTS) for _ in range(rng.randint(1, 2))]
    segments = [_piece(rng, SEGMENTS) for _ in range(rng.randint(0, 3))]
    return _piece(rng, SCHEMES) + "".join(hosts) + "".join(segments) + _piece(rng, ENDS)


def _pairs(count: int, seed: int) -> list[tuple[str, str]]:
    """(feed address, link): the address a real feed's half of the time, else any URL."""
    rng = random.Random(seed)
    return [
        (rng.choice(FEED_ADDRESSES) if rng.random() < 0.5 else _url(rng), _url(rng))
        for _ in range(count)
    ]


def _outcome(join: Callable[[str, str], str], base: str, url: str) -> str:
    try:
        return "= " + join(base, url)
    except ValueError as error:
        return f"ValueError {error}"


def test_joined_is_urljoin() -> None:
    drawn = _pairs(PAIRS, SAMPLE_SEED)
    with sample_named(len(drawn)):
        for base, url in EXAMPLES + drawn:
            assert _outcome(joined, base, url) == _outcome(urljoin, base, url), (base, url)
    # The draws reach every piece, and the shortcut (~1.7% of them), whatever the seed.
    links = [url for _, url in drawn]
    for pieces in (SCHEMES, HOSTS, SEGMENTS, ENDS):
        assert all(any(piece in url for url in links) for piece in pieces)
    plain = feeds._PLAIN_URL.fullmatch
    assert sum(1 for base, url in drawn if plain(base) and plain(url)) > PAIRS // 200


def test_joined_examples() -> None:
    assert joined("http://127.0.0.1/synthetic", "http://127.0.0.1/synthetic/7") == (
        "http://127.0.0.1/synthetic/7"
    )
    assert joined("https://situs.id/rss", "/berita/1") == "https://situs.id/berita/1"
    assert joined("https://situs.id/rss", "HTTPS://situs.id/a?") == "https://situs.id/a"
    assert joined("https://situs.id/rss", "https://situs.id/a;b?c#d") == (
        "https://situs.id/a;b?c#d"
    )
