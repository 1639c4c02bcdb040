"""The reader screen: headline list, article and related sidebar. It owns the reading state."""

from __future__ import annotations

import os

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Input
from textual.worker import get_current_worker

from reader.core.changes import StoreWatch, headline_position
from reader.core.models import Headline
from reader.core.search import Matcher
from reader.core.store import Store
from reader.ui.messages import OpenArticle, RelatedFound, SearchFinished
from reader.ui.screens.help import HelpScreen, HelpSections
from reader.ui.text import one_line
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.footer import ReaderFooter
from reader.ui.widgets.headline_list import HeadlineList, ListedHeadlines, StoreHeadlines
from reader.ui.widgets.related_panel import RelatedPanel

SEARCH_LIMIT = 200
RELATED_LIMIT = 12

# Pane widths (columns, borders included). The article never gets fewer than ARTICLE_MIN.
WIDE = 100  # from here the related sidebar shows by default, beside the list
SINGLE_BELOW = 60  # below this, one pane at a time: the list, the article or the related news
ARTICLE_MIN = 36
LIST_WIDTH, LIST_MIN = 44, 24
RELATED_WIDTH = 34


class ReaderScreen(Screen, inherit_bindings=False):
    """Three panes. Widgets post messages up; the screen decides what to open and show."""

    BINDINGS = [
        Binding(
            "slash", "search", "Search", tooltip="Search the stored articles", id="reader.search"
        ),
        Binding(
            "escape,h",
            "back",
            "Back",
            tooltip="Back to the list / to all headlines",
            id="reader.back",
        ),
        Binding("tab", "cycle_pane(1)", "Next pane", show=False, id="reader.next_pane"),
        Binding(
            "shift+tab", "cycle_pane(-1)", "Previous pane", show=False, id="reader.previous_pane"
        ),
        Binding("space,pagedown", "page(1)", "Page down", show=False, id="reader.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="reader.page_up"),
        Binding(
            "n",
            "match(1)",
            "Next match",
            tooltip="Next search match in the article",
            id="reader.next_match",
        ),
        Binding("N", "match(-1)", "Previous match", show=False, id="reader.previous_match"),
        Binding(
            "m",
            "toggle_read",
            "Read/unread",
            tooltip="Toggle read / unread",
            id="reader.toggle_read",
        ),
        Binding("s", "toggle_star", "Star", tooltip="Star or unstar", id="reader.toggle_star"),
        Binding(
            "o",
            "open_url",
            "Browser",
            tooltip="Open the article's URL in a browser",
            id="reader.open_url",
        ),
        Binding(
            "y",
            "copy_url",
            "Copy URL",
            show=False,
            tooltip="Copy the article's URL",
            id="reader.copy_url",
        ),
        Binding(
            "r",
            "toggle_sidebar",
            "Related",
            tooltip="Show or hide the related sidebar",
            id="reader.toggle_sidebar",
        ),
        Binding("question_mark", "help", "Help", tooltip="All the keys", id="reader.help"),
        Binding(
            "ctrl+r",
            "refresh_headlines",
            "Refresh",
            show=False,
            tooltip="Show articles stored since the list was drawn (import, fetch)",
            id="reader.refresh",
        ),
        Binding(
            "ctrl+c,super+c",
            "screen.copy_text",
            "Copy selected text",
            show=False,
            id="reader.copy_text",
        ),
    ]

    mode = var("all")  # "all" headlines or "search" results
    search_query = var("")

    def __init__(self, store: Store, cursor_blink: bool = True) -> None:
        super().__init__()
        self.store = store
        self.cursor_blink = cursor_blink
        self.matcher: Matcher | None = None
        self.hit_count = 0
        self.more_hits = False  # the search stopped at SEARCH_LIMIT hits; there are more
        self.relaxed = False
        self._search_request = 0
        self._all_cursor = 0
        self._known_count = 0
        self._watch: StoreWatch | None = None
        self._sidebar: bool | None = None  # the user's choice (r); None: shown when wide
        self._active: Widget | None = None  # the pane shown when there is room for one only

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="≡")
        yield Input(
            placeholder='Search: words, "a phrase", source:jpnn.com, since:2018-01-01',
            id="search",
            compact=True,
        )
        with Horizontal(id="panes"):
            yield HeadlineList(StoreHeadlines(self.store), id="headlines")
            yield ArticleView(id="article")
            yield RelatedPanel(id="related")
        yield ReaderFooter()

    def on_mount(self) -> None:
        search = self.query_one("#search", Input)
        search.cursor_blink = self.cursor_blink
        search.display = False
        self.query_one(ArticleView).border_title = "Article"
        self.query_one(RelatedPanel).border_title = "Related"
        self._update_titles()
        headlines = self.query_one(HeadlineList)
        self._known_count = headlines.total
        self._watch = StoreWatch(self.store)
        headlines.focus()
        if headlines.current is not None:
            # A preview, not a reading: launching the reader must not mark anything read.
            self.open_article(headlines.current.id, mark_read=False)

    # -- panes ---------------------------------------------------------------------------------

    @property
    def headlines(self) -> HeadlineList:
        return self.query_one(HeadlineList)

    @property
    def article(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def related(self) -> RelatedPanel:
        return self.query_one(RelatedPanel)

    def _panes(self) -> list[Widget]:
        """The panes Tab cycles through, in order."""
        if self.size.width and self.size.width < SINGLE_BELOW:
            # One pane at a time: Tab brings the next one in.
            panes: list[Widget] = [self.headlines, self.article]
            return panes + [self.related] if self._sidebar_shown() else panes
        panes = [self.headlines, self.article, self.related]
        return [pane for pane in panes if pane.display and pane.styles.display != "none"]

    # -- layout --------------------------------------------------------------------------------

    def _sidebar_shown(self) -> bool:
        return self._sidebar if self._sidebar is not None else self.size.width >= WIDE

    def layout_panes(self) -> None:
        """Show the panes there is room for; the article keeps at least ARTICLE_MIN columns.

        - WIDE and up: list, article and (unless hidden with r) the related sidebar.
        - SINGLE_BELOW to WIDE: list and article; with r the related news take the list's place
          (going back to the list hides them again).
        - Below SINGLE_BELOW: one pane, the one in use: the list, or the article once opened.
        """
        width = self.size.width
        if not width:
            return
        headlines, article, related = self.headlines, self.article, self.related
        sidebar = self._sidebar_shown()
        if width < SINGLE_BELOW:
            active = self._active or headlines
            if active is related and not sidebar:
                active = article
            shown = {active}
            for pane in (headlines, article, related):
                pane.styles.width = "1fr"
        else:
            shown = {article, headlines}
            if sidebar:
                shown.add(related)
                if width < LIST_MIN + RELATED_WIDTH + ARTICLE_MIN:
                    shown.discard(headlines)
            if related in shown and headlines in shown:
                list_width = width - RELATED_WIDTH - ARTICLE_MIN
            else:
                list_width = width * 2 // 5 if width < WIDE else width - ARTICLE_MIN
            headlines.styles.width = max(LIST_MIN, min(LIST_WIDTH, list_width))
            related.styles.width = min(RELATED_WIDTH, width - ARTICLE_MIN)
            article.styles.width = "1fr"
        for pane in (headlines, article, related):
            pane.display = pane in shown
        self.set_class(width < SINGLE_BELOW, "-single")
        if self.focused in (headlines, article, related) and self.focused not in shown:
            # What had focus went away (r hid it, or the terminal shrank): focus what is shown.
            self._show_pane(article if article in shown else next(iter(shown)))

    def _show_pane(self, pane: Widget) -> None:
        self._active = pane
        self.set_focus(pane)

    def on_descendant_focus(self, event) -> None:
        pane = event.widget
        if pane not in (self.headlines, self.article, self.related):
            return
        self._active = pane
        if pane is self.related and not self._sidebar_shown():
            self._sidebar = True
        elif pane is self.headlines and not pane.display and self.size.width >= SINGLE_BELOW:
            self._sidebar = False  # back to the list: it takes its place from the related news
        self.layout_panes()

    def on_resize(self) -> None:
        self.layout_panes()

    def _update_titles(self) -> None:
        total = self.headlines.total
        if self.mode == "search":
            query = one_line(self.search_query)
            count = f"{self.hit_count}+" if self.more_hits else f"{self.hit_count}"
            found = f"{count} {'result' if count == '1' else 'results'}"
            if self.relaxed:
                found = f"no article has every word · {count} closest"
            self.headlines.border_title = Content.assemble(
                "Search “", (query, "bold"), f"” · {found}"
            )
            self.headlines.border_subtitle = Content("Esc: all headlines")
            self.sub_title = f"search “{query}” · {found}"  # the header shows it literally
        else:
            self.headlines.border_title = Content(f"Headlines · {total:,}")
            self.headlines.border_subtitle = None
            self.sub_title = f"{total:,} articles"

    # -- opening -------------------------------------------------------------------------------

    def open_article(self, article_id: int, mark_read: bool = True) -> bool:
        """Show an article, mark it read, and look for its related news in a worker."""
        article = self.store.get(article_id)
        if article is None:
            self.notify("That article is no longer in the store.", severity="warning")
            return False
        if mark_read and not article.read:
            self.store.set_read(article_id, True)
            article.read = True
            self.headlines.update_flags(article_id, read=True)
        spans = self.matcher.spans if self.mode == "search" and self.matcher else None
        self.article.show(article, spans)
        self.related.show_loading(article_id)
        self._find_related(article_id)
        return True

    @work(thread=True, exclusive=True, group="related", exit_on_error=False)
    def _find_related(self, article_id: int) -> None:
        try:
            items = self.store.related(article_id, RELATED_LIMIT)
        except Exception as error:  # a core failure must not take the reader down
            self.post_message(RelatedFound(article_id, None, str(error)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(RelatedFound(article_id, items))

    def on_related_found(self, message: RelatedFound) -> None:
        current = self.article.article
        if current is None or current.id != message.article_id:
            return  # stale: another article was opened meanwhile
        if message.error:
            self.related.show_note(f"Related news failed: {message.error}")
        else:
            self.related.show_items(message.article_id, message.items)

    @on(HeadlineList.Opened)
    def _opened_from_list(self, message: HeadlineList.Opened) -> None:
        if self.open_article(message.headline.id):
            self.article.focus()

    @on(RelatedPanel.Opened)
    def _opened_from_related(self, message: RelatedPanel.Opened) -> None:
        if self.open_article(message.article_id):
            self.article.focus()

    def on_open_article(self, message: OpenArticle) -> None:
        if self.open_article(message.article_id):
            self.article.focus()

    # -- search --------------------------------------------------------------------------------

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = True
        search.focus()

    @on(Input.Submitted, "#search")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.show_all()
            return
        self.run_search(text)
        self.headlines.focus()

    def run_search(self, text: str) -> None:
        """Start a search; only the newest request's results will be shown."""
        self._search_request += 1
        self.headlines.border_subtitle = Content(f"searching “{one_line(text)}”…")
        self._search(self._search_request, text)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, request: int, text: str) -> None:
        worker = get_current_worker()
        try:
            # One more than shown: whether the limit cut the results off, at no extra cost.
            result = self.store.search(text, SEARCH_LIMIT + 1)
            hits = result.hits[:SEARCH_LIMIT]
            headlines = []
            for hit in hits:
                if worker.is_cancelled:
                    return
                headline = self.store.get_headline(hit.id)
                if headline is not None:
                    headlines.append(headline)
        except Exception as error:
            self.post_message(SearchFinished(request, text, [], [], None, str(error)))
            return
        if not worker.is_cancelled:
            more = len(result.hits) > SEARCH_LIMIT
            self.post_message(
                SearchFinished(request, text, hits, headlines, result.matcher, more=more)
            )

    def on_search_finished(self, message: SearchFinished) -> None:
        if message.request != self._search_request:
            return  # stale: a newer search was started
        if message.error:
            self.headlines.border_subtitle = None
            self.notify(f"Search failed: {message.error}", severity="error", markup=False)
            return
        if self.mode == "all":
            self._all_cursor = self.headlines.cursor  # where Esc will return to
        self.mode = "search"
        self.search_query = message.query
        self.matcher = message.matcher
        self.hit_count = len(message.headlines)
        self.more_hits = message.more
        self.relaxed = any(hit.relaxed for hit in message.hits)
        snippets = {hit.id: hit.snippet for hit in message.hits if hit.snippet}
        self.headlines.set_source(ListedHeadlines(message.headlines, snippets))
        self._update_titles()
        first = self.headlines.current
        if first is not None:
            self.open_article(first.id)
        else:
            self.article.show_message(
                f"Nothing matches “{one_line(message.query)}”",
                "Try fewer words, another form of a word, or Esc for all headlines.",
            )
            self.related.show_note("No article open.")

    def show_all(self) -> None:
        """Leave search results: back to every headline, highlighting off."""
        self._search_request += 1  # any search still running is now stale
        self.mode = "all"
        self.search_query = ""
        self.matcher = None
        self.hit_count = 0
        self.more_hits = False
        self.relaxed = False
        search = self.query_one("#search", Input)
        search.value = ""
        search.display = False
        self.headlines.set_source(StoreHeadlines(self.store), cursor=self._all_cursor)
        self._update_titles()
        self.headlines.focus()
        current = self.article.article
        if current is not None:
            self.article.show(current)  # repaint without highlights
        elif self.headlines.current is not None:
            # The search found nothing and the pane was emptied: preview the row under the
            # cursor again (a preview, so it stays unread), with its related news.
            self.open_article(self.headlines.current.id, mark_read=False)
        else:
            self.related.show_note("No article open.")

    # -- articles stored by another process ----------------------------------------------------

    def check_store(self) -> None:
        """Called every few seconds: take in articles the command line stored meanwhile.

        Costs one `PRAGMA data_version` when nothing changed.
        """
        if self._watch is not None and self._watch.changed():
            self.refresh_headlines()

    def action_refresh_headlines(self) -> None:
        if self.refresh_headlines() == 0:
            self.notify("No new articles.", timeout=2)

    def refresh_headlines(self, quiet: bool = False) -> int:
        """Redraw the headline list from the store, keeping the cursor on the same article.

        Search results are left alone; all headlines are re-read when the search is left.
        Returns how many articles were added since the last look (`quiet`: say nothing).
        """
        count = self.store.count()
        added = count - self._known_count
        self._known_count = count
        if self.mode == "all":
            current = self.headlines.current
            position = headline_position(self.store, current.id) if current else None
            self.headlines.set_source(StoreHeadlines(self.store), cursor=position or 0)
            self._update_titles()
            if current is None and self.headlines.current is not None:
                self.open_article(self.headlines.current.id, mark_read=False)
        if added > 0 and not quiet:
            self.notify(f"{added} new {'article' if added == 1 else 'articles'}", timeout=3)
        return max(added, 0)

    # -- navigation ----------------------------------------------------------------------------

    def action_back(self) -> None:
        focused = self.focused
        search = self.query_one("#search", Input)
        if focused is search:
            if self.mode == "search":
                search.value = self.search_query
                self.headlines.focus()
            else:
                self.show_all()
        elif focused in (self.article, self.related):
            self.headlines.focus()
        elif self.mode == "search":
            self.show_all()

    def action_cycle_pane(self, step: int) -> None:
        panes = self._panes()
        if not panes:
            return
        focused = self.focused
        index = panes.index(focused) if focused in panes else -1 if step > 0 else 0
        panes[(index + step) % len(panes)].focus()

    def action_page(self, direction: int) -> None:
        self.article.page(direction)

    def action_match(self, step: int) -> None:
        if not self.article.next_match(step):
            self.notify("No search matches in this article.", timeout=2)

    # -- the current article -------------------------------------------------------------------

    def _target_id(self) -> int | None:
        """The article a key acts on: the list's cursor row when the list has focus."""
        if self.focused is self.headlines and self.headlines.current is not None:
            return self.headlines.current.id
        if self.article.article is not None:
            return self.article.article.id
        current = self.headlines.current
        return current.id if current is not None else None

    def action_toggle_read(self) -> None:
        headline = self._toggle_flag("read")
        if headline is not None:
            self.notify("Marked unread" if headline.read else "Marked read", timeout=2)

    def action_toggle_star(self) -> None:
        headline = self._toggle_flag("starred")
        if headline is not None:
            self.notify("Unstarred" if headline.starred else "Starred ★", timeout=2)

    def _toggle_flag(self, flag: str) -> Headline | None:
        """Flip `read` or `starred` of the target article in the store, the list and the
        article pane; return the headline as it was before, or None when there is none."""
        article_id = self._target_id()
        headline = self.store.get_headline(article_id) if article_id is not None else None
        if headline is None:
            return None
        value = not getattr(headline, flag)
        setter = self.store.set_read if flag == "read" else self.store.set_starred
        setter(headline.id, value)
        self.headlines.update_flags(headline.id, **{flag: value})
        shown = self.article.article
        if shown is not None and shown.id == headline.id:
            setattr(shown, flag, value)
            if flag == "starred":
                self.article.show_flags()
        return headline

    def _target_url(self) -> str | None:
        article_id = self._target_id()
        if article_id is None:
            self.notify("No article is open.", severity="warning", timeout=2)
            return None
        headline = self.store.get_headline(article_id)
        if headline is None or not headline.url:
            self.notify("This article has no URL.", severity="warning", timeout=2)
            return None
        return headline.url

    def action_open_url(self) -> None:
        url = self._target_url()
        if not url:
            return
        opened = self.app.open_url(url)
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

    def action_toggle_sidebar(self) -> None:
        shown = self._sidebar_shown()
        self._sidebar = not shown
        if shown and self.focused is self.related:
            self._show_pane(self.article if self.article.article else self.headlines)
        elif not shown and self.size.width < SINGLE_BELOW:
            self._show_pane(self.related)  # one pane at a time: show the related news now
        self.layout_panes()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.help_sections()))

    def help_sections(self) -> HelpSections:
        """The bindings as they are now (after the user's keymap), grouped by pane."""
        groups = [
            ("Anywhere", [self.app, self]),
            ("Headline list", [self.headlines]),
            ("Article", [self.article]),
            ("Related sidebar", [self.related]),
        ]
        keymap = self.app._keymap  # what App.set_keymap stored (normalised key names)
        sections: HelpSections = []
        for title, nodes in groups:
            rows: dict[str, tuple[list[str], str]] = {}
            for node in nodes:
                declared = node._bindings
                in_force = declared.copy()
                if keymap:
                    in_force.apply_keymap(keymap)
                # Rows in the order the bindings were declared; keys as the keymap left them.
                for bindings in declared.key_to_bindings.values():
                    for binding in bindings:
                        if binding.system or not binding.description or not binding.id:
                            continue
                        rows.setdefault(binding.id, ([], binding.description))
                for key, bindings in in_force.key_to_bindings.items():
                    for binding in bindings:
                        if binding.id not in rows:
                            continue
                        keys, _ = rows[binding.id]
                        display = self.app.get_key_display(Binding(key, binding.action))
                        if display not in keys:
                            keys.append(display)
            sections.append((title, [(", ".join(k), d) for k, d in rows.values() if k]))
        return sections
