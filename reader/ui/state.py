"""The reader screen's search state: one value from which the list, the titles and the
highlights follow (None on the screen: all headlines)."""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.core.highlight import Matcher
from reader.core.models import Headline


# eq=False: every search is a new state, so running the same query again shows its results anew.
@dataclass(frozen=True, eq=False)
class SearchState:
    """A search whose results the headline list shows."""

    query: str
    headlines: list[Headline]  # the hits, in rank order
    matcher: Matcher  # which words of a text the query matched (the article's highlights)
    snippets: dict[int, str] = field(default_factory=dict)  # article id -> «marked» snippet
    more: bool = False  # the search stopped at its limit: there are more hits
    relaxed: bool = False  # no article had every word: the closest ones are shown
    scope: str | None = None  # the topic searched within (None: every article)
    sort: str = "relevance"  # or "newest": the matches newest first

    @property
    def count(self) -> int:
        return len(self.headlines)

    def found(self) -> str:
        """'12 results', '200+ results', 'no article has every word · 5 closest'."""
        count = f"{self.count}+" if self.more else f"{self.count}"
        if self.relaxed:
            return f"no article has every word · {count} closest"
        return f"{count} {'result' if count == '1' else 'results'}"
