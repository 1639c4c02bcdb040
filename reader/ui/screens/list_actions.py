"""The reader's keys for a whole list: next / previous unread (] [), across views, mark all
read (A), delete the article under the cursor (D), save the list as Markdown (E)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from textual import work
from textual.content import Content

from reader.core.files import write_whole
from reader.core.models import HeadlineFilter
from reader.ui.messages import FlagsChanged, UnreadFound
from reader.ui.screens.reader_base import ReaderBase
from reader.ui.state import SearchState
from reader.ui.text import one_line
from reader.ui.views import View


class ListActions(ReaderBase):
    """A part of the reader screen (reader.ui.screens.reader.ReaderScreen inherits it)."""

    # -- unread: next, previous, all read ----------------------------------------------------

    def action_next_unread(self, step: int) -> None:
        """Open the next (or previous) unread article of the list's view after the cursor."""
        if self.search is not None:
            self.notify("Esc first: next unread works in a view, not in search results.")
            return
        self._unread_request += 1
        current = self.headlines.current
        self._find_unread(
            self._unread_request, current.id if current else None, step, self._views_on(step)
        )

    def _views_on(self, step: int) -> list[View]:
        """Where `]` (or `[`) goes on to when a topic or a source has no more unread articles,
        as Newsboat goes to the next feed: the topics and sources after it (before it) in the
        navigator that have unread articles, nearest first."""
        if self.view.kind == "view":
            return []  # All and Unread hold every unread article; Starred stays itself
        counted = self.nav.counts
        keys = [c.view.key for c in counted]
        if self.view.key not in keys:
            return []
        here = keys.index(self.view.key)
        onward = counted[here + 1 :] if step > 0 else counted[:here][::-1]
        return [c.view for c in onward if c.unread > 0 and c.view.kind != "view"]

    @work(thread=True, exclusive=True, group="unread", exit_on_error=False)
    def _find_unread(self, request: int, after: int | None, step: int, onward: list[View]) -> None:
        view = self.listed()
        found = self.library.next_unread(after, view, step)
        if found is None:
            for other in onward:
                found = self.library.next_unread(None, self._filter_of(other), step)
                if found is not None:
                    self.post_message(UnreadFound(request, found.id, None, other))
                    return
        position = self.library.position(found.id, view) if found else None
        self.post_message(UnreadFound(request, found.id if found else None, position))

    def on_unread_found(self, message: UnreadFound) -> None:
        if message.request != self._unread_request or self.search is not None:
            return
        if message.view is not None and message.article_id is not None:
            # On to the next view with unread articles, its first (or last) one open.
            self._set_view_quietly(message.view)
            self.nav.show_current(message.view.key)
            self._list_anew(keep=message.article_id)
            self.open_article(message.article_id)
            self._show_pane("article")
            self.notify(f"On to {one_line(message.view.name)}.", timeout=2, markup=False)
            return
        if message.article_id is None or message.position is None:
            self.notify(f"No more unread articles in {one_line(self.view.name)}.", timeout=3)
            return
        self.headlines.cursor = message.position
        self.open_article(message.article_id)
        self._show_pane("article")

    def action_delete_article(self) -> None:
        """D: the list's cursor row (or the open article) out of the store, asked first."""
        if self.focused not in (self.headlines, self.article):
            return  # (D in the navigator is the topic's; elsewhere it means nothing)
        target = self._target()
        if target is None:
            return
        index = self.headlines.cursor if self.headlines.current == target else None
        star = " It is starred." if target.starred else ""
        question = Content.assemble(
            "Delete “", (one_line(target.title), "bold"), f"” from the store?{star}"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete_article(target.id, index)

        from reader.ui.screens.dialogs import ConfirmScreen  # (loaded when first asked)

        self.app.push_screen(ConfirmScreen("Delete article", question), answered)

    @work(thread=True, group="delete", exit_on_error=False)
    def _delete_article(self, article_id: int, index: int | None) -> None:
        # The row after it takes its place under the cursor (the row before, at the end).
        keep = None
        if index is not None and self.search is None:
            ids = [h.id for h in self.library.headlines(max(0, index - 1), 3, self.listed())]
            if article_id in ids:
                at = ids.index(article_id)
                keep = ids[at + 1] if at + 1 < len(ids) else (ids[at - 1] if at else None)
        removed = self.library.purge(ids=[article_id], include_starred=True).removed
        self.app.call_from_thread(self._article_deleted, article_id, keep, removed)

    def _article_deleted(self, article_id: int, keep: int | None, removed: int) -> None:
        if not removed:
            self.notify("That article was no longer in the store.", timeout=3)
        else:
            self.notify("Deleted.", timeout=2)
        if self.search is not None:
            self.run_search(self.search.query, everywhere=self.search.scope is None)
        else:
            self._known_count = None
            self._count_request += 1
            self._count(self._count_request, self.listed(), keep, True, False)
            self.refresh_views()
        shown = self.article.article
        if shown is not None and shown.id == article_id:
            self._opening = None  # the next count previews the row under the cursor

    def action_export_list(self) -> None:
        """E: the list's articles, with their text, to a Markdown file named in a box."""
        state = self.search
        name = one_line(self.view.name if state is None else f"{self.view.name} {state.query}")
        stem = "-".join("".join(c if c.isalnum() else " " for c in name).split()) or "articles"
        suggested = str(Path.cwd() / f"{stem}-{date.today().isoformat()}.md")
        prompt = Content.assemble("Save the articles of ", (name, "bold"), " as Markdown to:")

        def named(path: str | None) -> None:
            if path:
                self._export_list(Path(path).expanduser(), name, state)

        from reader.ui.screens.dialogs import NameScreen  # (loaded when first asked)

        self.app.push_screen(NameScreen("Save list", prompt, suggested), named)

    @work(thread=True, group="export", exit_on_error=False)
    def _export_list(self, path: Path, name: str, state: SearchState | None) -> None:
        # A search saves the articles that have every word of it (the search's strict
        # matches), within the view's topic when it searched one.
        view = self.listed() if state is None else self._filter_of(self.view)
        query = state.query if state is not None else None
        if state is not None and state.scope is None:
            view = replace(view, topic=None)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            written = write_whole(
                path, lambda out: self.library.export(out, "md", query=query, view=view, title=name)
            )
        except OSError as error:
            self.notify(
                f"Not saved: {path}: {error.strerror or error}", severity="warning", markup=False
            )
            return
        self.notify(f"Saved {written} articles to {path}", timeout=5, markup=False)

    def action_mark_all_read(self) -> None:
        name = one_line(self.view.name)
        question = Content.assemble(
            "Mark every article in ", (name, "bold"), " read? ", "(m marks one unread again.)"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                # Every version, not only the first of each story the folded list shows.
                self._mark_all_read(replace(self.listed(), fold_stories=False), name)

        from reader.ui.screens.dialogs import ConfirmScreen  # (loaded when first asked)

        self.app.push_screen(ConfirmScreen("Mark all read", question), answered)

    @work(thread=True, exclusive=True, group="flags-all", exit_on_error=False)
    def _mark_all_read(self, view: HeadlineFilter, name: str) -> None:
        marked = self.library.mark_all_read(view)
        self.notify(f"{marked} marked read in {name}.", timeout=3, markup=False)
        self.app.call_from_thread(self.refresh_headlines, True)
        self.app.call_from_thread(self._reload_open_article)

    def _reload_open_article(self) -> None:
        shown = self.article.article
        if shown is not None and not shown.read:
            self.article.post_message(FlagsChanged(shown.id, True, shown.starred))
