"""The reader screen's search state: one value from which the list, the titles and the
highlights follow (None on the screen: all headlines)."""

from __future__ import annotations

from reader.core.highlight import Matcher
from reader.core.models import Headline


class SearchState:
    """A search whose results the headline list shows.

    A plain class, not a dataclass: a dataclass compiles its methods when its module is
    imported, before the reader's first screen (issue 11). Compared by identity: every search
    is a new state, so running the same query again shows its results anew."""

    __slots__ = ("headlines", "matcher", "more", "query", "relaxed", "scope", "snippets", "sort")

    def __init__(
        self,
        query: str,
        headlines: list[Headline],  # the hits, in rank order
        matcher: Matcher,  # which words of a text the query matched (the article's highlights)
        snippets: dict[int, str] | None = None,  # article id -> «marked» snippet
        more: bool = False,  # the search stopped at its limit: there are more hits
        relaxed: bool = False,  # no article had every word: the closest ones are shown
        scope: str | None = None,  # the topic searched within (None: every article)
        sort: str = "relevance",  # or "newest": the matches newest first
    ) -> None:
        self.query = query
        self.headlines = headlines
        self.matcher = matcher
        self.snippets: dict[int, str] = {} if snippets is None else snippets
        self.more = more
        self.relaxed = relaxed
        self.scope = scope
        self.sort = sort

    @property
    def count(self) -> int:
        return len(self.headlines)

    def found(self) -> str:
        """'12 results', '200+ results', 'no article has every word · 5 closest'."""
        count = f"{self.count}+" if self.more else f"{self.count}"
        if self.relaxed:
            return f"no article has every word · {count} closest"
        return f"{count} {'result' if count == '1' else 'results'}"
