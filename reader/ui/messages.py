"""Messages that cross widgets: requests to open an article, changed flags, worker results.

A widget posts up; the reader screen decides. Worker results carry what tells them from stale
ones (a request number or the article asked for) so the screen can drop those.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from reader.core.models import PeriodCount, RelatedItem, StoredArticle
from reader.ui.state import SearchState
from reader.ui.views import Counted, View


@dataclass
class OpenArticle(Message):
    """Open a stored article and read it: from the list, the related sidebar or the palette."""

    article_id: int


@dataclass
class SearchFor(Message):
    """Search the store for these words: a linked headline that is not stored."""

    text: str


@dataclass
class FlagsChanged(Message, bubble=False):
    """An article's read and starred flags as the library now stores them.

    The screen posts it to each pane that shows flags; each applies it to itself.
    """

    article_id: int
    read: bool
    starred: bool


@dataclass
class ArticleLoaded(Message):
    """The article `article_id` read from the library (None: it is no longer stored)."""

    article_id: int
    article: StoredArticle | None


@dataclass
class WeeksCounted(Message):
    """The view's articles per week, for the list's chart (`request` tells stale ones)."""

    request: int
    periods: list[PeriodCount]


@dataclass
class HeadlinesCounted(Message):
    """How many headlines the library holds now, and where the cursor's article stands."""

    request: int
    total: int
    position: int | None  # of the article under the cursor when the count was asked for
    quiet: bool = False  # say nothing about new articles
    report_none: bool = False  # say so when there are none (the refresh key)
    no_feeds: bool = False  # an empty view of a store that follows no feed (offer some)


@dataclass
class UnreadFound(Message):
    """The next (or previous) unread article of the view and where it stands (None: none);
    `view`: found in another view, the next one on with unread articles."""

    request: int
    article_id: int | None
    position: int | None
    view: View | None = None


@dataclass
class ViewsCounted(Message):
    """Every view's counts, for the navigator; `request` tells stale counts from the newest."""

    request: int
    counts: list[Counted]


@dataclass
class StartViewFound(Message):
    """The view the config asked to open on (None: no view has that name)."""

    name: str
    view: View | None


@dataclass
class SearchFinished(Message):
    """A search worker's result; `request` tells stale results from the newest one."""

    request: int
    state: SearchState


@dataclass
class RelatedFound(Message):
    """Related news for `article_id`; dropped if another article was opened meanwhile."""

    article_id: int
    items: list[RelatedItem] | None
