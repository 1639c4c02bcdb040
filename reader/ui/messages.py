"""Messages that cross widgets: requests to open an article, changed flags, worker results.

A widget posts up; the reader screen decides. Worker results carry what tells them from stale
ones (a request number or the article asked for) so the screen can drop those.

Plain classes with an __init__ each, not dataclasses: this module is on the first screen's path,
and making eleven dataclasses (their methods generated and compiled) cost 18M instructions,
some 4 ms of the first screen.
"""

from __future__ import annotations

from textual.message import Message

from reader.core.models import PeriodCount, RelatedItem, StoredArticle
from reader.ui.state import SearchState
from reader.ui.views import Counted, View


class OpenArticle(Message):
    """Open a stored article and read it: from the list, the related sidebar or the palette."""

    def __init__(self, article_id: int) -> None:
        self.article_id = article_id
        super().__init__()


class SearchFor(Message):
    """Search the store for these words: a linked headline that is not stored."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__()


class FlagsChanged(Message, bubble=False):
    """An article's read and starred flags as the library now stores them.

    The screen posts it to each pane that shows flags; each applies it to itself.
    """

    def __init__(self, article_id: int, read: bool, starred: bool) -> None:
        self.article_id = article_id
        self.read = read
        self.starred = starred
        super().__init__()


class ArticleLoaded(Message):
    """The article `article_id` read from the library (None: it is no longer stored)."""

    def __init__(self, article_id: int, article: StoredArticle | None) -> None:
        self.article_id = article_id
        self.article = article
        super().__init__()


class WeeksCounted(Message):
    """The view's articles per week, for the list's chart (`request` tells stale ones)."""

    def __init__(self, request: int, periods: list[PeriodCount]) -> None:
        self.request = request
        self.periods = periods
        super().__init__()


class HeadlinesCounted(Message):
    """How many headlines the library holds now, and where the cursor's article stands."""

    def __init__(
        self,
        request: int,
        total: int,
        position: int | None,
        quiet: bool = False,
        report_none: bool = False,
        no_feeds: bool = False,
    ) -> None:
        self.request = request
        self.total = total
        self.position = position  # of the article under the cursor when the count was asked for
        self.quiet = quiet  # say nothing about new articles
        self.report_none = report_none  # say so when there are none (the refresh key)
        self.no_feeds = no_feeds  # an empty view of a store that follows no feed (offer some)
        super().__init__()


class UnreadFound(Message):
    """The next (or previous) unread article of the view and where it stands (None: none);
    `view`: found in another view, the next one on with unread articles."""

    def __init__(
        self,
        request: int,
        article_id: int | None,
        position: int | None,
        view: View | None = None,
    ) -> None:
        self.request = request
        self.article_id = article_id
        self.position = position
        self.view = view
        super().__init__()


class ViewsCounted(Message):
    """Every view's counts, for the navigator; `request` tells stale counts from the newest."""

    def __init__(self, request: int, counts: list[Counted]) -> None:
        self.request = request
        self.counts = counts
        super().__init__()


class StartViewFound(Message):
    """The view the config asked to open on (None: no view has that name)."""

    def __init__(self, name: str, view: View | None) -> None:
        self.name = name
        self.view = view
        super().__init__()


class SearchFinished(Message):
    """A search worker's result; `request` tells stale results from the newest one."""

    def __init__(self, request: int, state: SearchState) -> None:
        self.request = request
        self.state = state
        super().__init__()


class RelatedFound(Message):
    """Related news for `article_id`; dropped if another article was opened meanwhile."""

    def __init__(self, article_id: int, items: list[RelatedItem] | None) -> None:
        self.article_id = article_id
        self.items = items
        super().__init__()
