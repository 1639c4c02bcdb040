"""The reader's keys for one article: read / unread (m), star (s), open or copy its URL
(o, y)."""

from __future__ import annotations

import os
from typing import Literal, Protocol, runtime_checkable

from textual import work

from reader.core.models import Headline
from reader.ui.messages import FlagsChanged
from reader.ui.screens.reader_base import ReaderBase
from reader.ui.text import one_line

Flag = Literal["read", "starred"]


@runtime_checkable
class OpensURLs(Protocol):
    """The app, as the `o` key needs it (the screen does not import the app that shows it)."""

    def open_in_browser(self, url: str) -> bool | None: ...


class ArticleActions(ReaderBase):
    """A part of the reader screen (reader.ui.screens.reader.ReaderScreen inherits it)."""

    # -- flags ---------------------------------------------------------------------------------

    def _target(self) -> Headline | None:
        """The article a key acts on: the list's cursor row when the list has focus, else the
        open article, else the cursor row."""
        current = self.headlines.current
        if self.focused is self.headlines and current is not None:
            return current
        shown = self.article.article
        if shown is not None:
            return Headline(
                shown.id,
                shown.title,
                shown.source,
                shown.published_at,
                shown.read,
                shown.starred,
                shown.url,
                stored_at=shown.imported_at,
            )
        return current

    def action_toggle_read(self) -> None:
        target = self._target()
        if target is not None:
            self._toggle_flag(target.id, "read")

    def action_toggle_star(self) -> None:
        target = self._target()
        if target is not None:
            self._toggle_flag(target.id, "starred")

    @work(thread=True, group="flags", exit_on_error=False)  # not exclusive: each press counts
    def _toggle_flag(self, article_id: int, flag: Flag) -> None:
        """Flip a flag in the library, the one place flags change; the panes then follow."""
        # The lock keeps the panes' messages in the order the toggles were made.
        with self._flags_lock:
            if flag == "read":
                headline = self.library.toggle_read(article_id)
            else:
                headline = self.library.toggle_starred(article_id)
            if headline is None:
                return
            self._flags_changed(article_id, headline.read, headline.starred)
        if flag == "read":
            said = "Marked read" if headline.read else "Marked unread"
        else:
            said = "Starred ★" if headline.starred else "Unstarred"
        self.notify(said, timeout=2)

    def _flags_changed(self, article_id: int, read: bool, starred: bool) -> None:
        """Tell each pane that shows flags; each applies the message to itself.

        Called from workers: post_message is thread-safe, and the panes were found on mount.
        """
        for pane in self._flag_panes:
            pane.post_message(FlagsChanged(article_id, read, starred))
        self.post_message(FlagsChanged(article_id, read, starred))  # the navigator's counts

    # -- the URL -------------------------------------------------------------------------------

    def _target_url(self) -> str | None:
        linked = self.related.highlighted_item if self.focused is self.related else None
        if linked is not None:  # a related entry, stored or not
            if not linked.url:
                self.notify("This headline has no URL.", severity="warning", timeout=2)
                return None
            return one_line(linked.url)
        target = self._target()
        if target is None:
            self.notify("No article is open.", severity="warning", timeout=2)
            return None
        if not target.url:
            self.notify("This article has no URL.", severity="warning", timeout=2)
            return None
        return one_line(target.url)

    def action_open_url(self) -> None:
        url = self._target_url()
        if not url:
            return
        app = self.app
        opened = app.open_in_browser(url) if isinstance(app, OpensURLs) else None
        if opened is False:
            self.notify(
                f"No web browser was found. The URL (y copies it):\n{url}",
                severity="warning",
                timeout=10,
                markup=False,
            )
        elif opened:
            self.notify(f"Asked the web browser to open {url}", timeout=3, markup=False)
        else:
            self.notify(f"Opening {url}", timeout=3, markup=False)

    def action_copy_url(self) -> None:
        url = self._target_url()
        if not url:
            return
        self.app.copy_to_clipboard(url)
        # The terminal is asked with OSC 52; whether it allows it cannot be known from here.
        hint = " (tmux needs set-clipboard on)" if os.environ.get("TMUX") else ""
        self.notify(
            f"Sent to the clipboard with OSC 52; your terminal must allow it{hint}:\n{url}",
            timeout=5,
            markup=False,
        )
