"""The reader's topic keys: save the search as a topic (S), rename (R) and delete (D) one in
the navigator."""

from __future__ import annotations

from textual import work
from textual.content import Content

from reader.core.errors import TopicError
from reader.ui.screens.reader_base import ReaderBase
from reader.ui.text import one_line
from reader.ui.views import ALL, View, topic_view
from reader.ui.widgets.navigator import Navigator


class TopicActions(ReaderBase):
    """A part of the reader screen (reader.ui.screens.reader.ReaderScreen inherits it)."""

    # -- saving a search as a topic ------------------------------------------------------------

    def action_save_search(self) -> None:
        state = self.search
        if state is None:
            self.notify("Search first (/), then save the search as a topic.", timeout=3)
            return
        query = one_line(state.query)
        prompt = Content.assemble("A name for the topic “", (query, "bold"), "”:")

        def named(name: str | None) -> None:
            if name:
                self._save_topic(name, state.query)

        from reader.ui.screens.dialogs import NameScreen  # (loaded when first asked)

        self.app.push_screen(NameScreen("Save as topic", prompt, query), named)

    @work(thread=True, group="topics", exit_on_error=False)
    def _save_topic(self, name: str, query: str) -> None:
        try:
            topic = self.library.add_topic(name, query)
        except TopicError as error:
            self.notify(f"Not saved: {one_line(str(error))}", severity="warning", markup=False)
            return
        self.notify(
            f"Saved “{one_line(topic.name)}”: {topic.total} articles.", timeout=3, markup=False
        )
        self.app.call_from_thread(self.refresh_views)

    def on_navigator_topic_action(self, message: Navigator.TopicAction) -> None:
        """R or D on a topic in the navigator: ask for the new name, or whether to delete."""
        message.stop()
        view = message.view
        name = one_line(view.name)
        if message.action == "rename":

            def named(new_name: str | None) -> None:
                if new_name and new_name != view.name:
                    self._rename_topic(view, new_name)

            prompt = Content.assemble("A new name for “", (name, "bold"), "”:")
            from reader.ui.screens.dialogs import NameScreen  # (loaded when first asked)

            self.app.push_screen(NameScreen("Rename topic", prompt, view.name), named)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete_topic(view)

        question = Content.assemble(
            "Delete the topic ", (name, "bold"), "? Its articles stay in the store."
        )
        from reader.ui.screens.dialogs import ConfirmScreen  # (loaded when first asked)

        self.app.push_screen(ConfirmScreen("Delete topic", question), answered)

    @work(thread=True, group="topics", exit_on_error=False)
    def _rename_topic(self, view: View, new_name: str) -> None:
        try:
            topic = self.library.rename_topic(view.name, new_name)
        except TopicError as error:
            self.notify(f"Not renamed: {one_line(str(error))}", severity="warning", markup=False)
            return
        self.notify(f"Renamed to “{one_line(topic.name)}”.", timeout=3, markup=False)
        self.app.call_from_thread(self._topic_changed, view, topic_view(topic))

    @work(thread=True, group="topics", exit_on_error=False)
    def _delete_topic(self, view: View) -> None:
        try:
            self.library.remove_topic(view.name)
        except TopicError as error:
            self.notify(f"Not deleted: {one_line(str(error))}", severity="warning", markup=False)
            return
        self.notify(f"Deleted “{one_line(view.name)}”.", timeout=3, markup=False)
        self.app.call_from_thread(self._topic_changed, view, None)

    def _topic_changed(self, old: View, new: View | None) -> None:
        """A topic was renamed (`new`) or deleted (None): the navigator and, when the list
        shows that topic, its titles follow; a deleted topic's list gives way to All."""
        if self.view.key == old.key:
            if new is None:
                self.leave_search()
                self.view = ALL
            else:
                self._set_view_quietly(new)  # the same articles: no reload
                self._update_titles()
        self.refresh_views()
