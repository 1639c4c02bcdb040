"""What the parts of the reader screen (topic_actions, list_actions, article_actions) may use of
the screen that inherits them: declared here for the type checker, defined in reader.py."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.widget import Widget

    from reader.core.library import Library
    from reader.core.models import Headline, HeadlineFilter
    from reader.ui.layout import Pane
    from reader.ui.state import SearchState
    from reader.ui.views import View
    from reader.ui.widgets.article_view import ArticleView
    from reader.ui.widgets.headline_list import HeadlineList
    from reader.ui.widgets.navigator import Navigator
    from reader.ui.widgets.related_panel import RelatedPanel

    _Base = Screen[None]
else:  # a mixin: Textual spends 0.3-0.8 ms of CPU on each Screen subclass made (at import)
    _Base = object


class ReaderBase(_Base):
    if TYPE_CHECKING:
        library: Library
        view: View
        search: SearchState | None
        _count_request: int
        _opening: int | None
        _known_count: int | None
        _unread_request: int
        _flags_lock: threading.Lock
        _flag_panes: tuple[Widget, ...]

        @property
        def headlines(self) -> HeadlineList: ...
        @property
        def article(self) -> ArticleView: ...
        @property
        def related(self) -> RelatedPanel: ...
        @property
        def nav(self) -> Navigator: ...
        def listed(self) -> HeadlineFilter: ...
        def _filter_of(self, view: View) -> HeadlineFilter: ...
        def _set_view_quietly(self, view: View) -> None: ...
        def _list_anew(self, keep: int | None = None) -> None: ...
        def _count(
            self,
            request: int,
            view: HeadlineFilter,
            keep: int | None,
            quiet: bool,
            report_none: bool,
        ) -> object: ...
        def _update_titles(self) -> None: ...
        def _show_pane(self, pane: Pane) -> None: ...
        def _target(self) -> Headline | None: ...
        def refresh_headlines(self, quiet: bool = False, report_none: bool = False) -> None: ...
        def refresh_views(self) -> None: ...
        def open_article(self, article_id: int, mark_read: bool = True) -> None: ...
        def run_search(self, text: str, everywhere: bool = False) -> None: ...
        def leave_search(self) -> None: ...
