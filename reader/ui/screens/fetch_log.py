"""The last fetch, feed by feed (Newsboat's error log is the model): every failed feed with its
reason first, then the others with what they brought."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.core.models import FeedResult
from reader.ui.text import one_line

CSS = """
FetchLogScreen { align: center middle; }
FetchLogScreen > VerticalScroll {
    width: 100; max-width: 100%; height: auto; max-height: 90%;
    border: round $accent; background: $panel; padding: 0 1;
    border-title-style: bold; border-subtitle-color: $text-muted;
}
FetchLogScreen Static { width: 1fr; height: auto; }
"""


def summary(results: list[FeedResult]) -> str:
    """One line for a notification: feeds, new articles, and every failure counted."""
    added = sum(result.added for result in results)
    failed = [result for result in results if result.failed]
    line = f"{len(results)} {'feed' if len(results) == 1 else 'feeds'}: "
    line += f"{added} new {'article' if added == 1 else 'articles'}"
    if failed:
        named = "; ".join(
            f"{one_line(r.url)} ({one_line(r.error or 'failed')})" for r in failed[:2]
        )
        more = f"; {len(failed) - 2} more" if len(failed) > 2 else ""
        line += f"; {len(failed)} failed: {named}{more} (Ctrl+P “Fetch log” lists them)"
    return line


def log_lines(results: list[FeedResult]) -> Content:
    """Failed feeds first, each with its reason; then what each other feed brought."""
    failed = [result for result in results if result.failed]
    others = [result for result in results if not result.failed]
    parts: list[Content] = []
    if failed:
        parts.append(Content.styled(f"Failed: {len(failed)}", "bold $text-error"))
        for result in failed:
            status = f"HTTP {result.http_status}: " if result.http_status else ""
            reason = one_line(result.error or "failed")
            parts.append(Content.assemble("  ", (one_line(result.url), "bold")))
            parts.append(Content(f"    {status}{reason}"))
    if others:
        if parts:
            parts.append(Content(""))
        parts.append(Content.styled(f"Fetched: {len(others)}", "bold"))
        for result in others:
            brought = f"{result.added} new" if result.status != "unchanged" else "unchanged"
            bad = len(result.entry_failures)
            if bad:
                brought += f", {bad} bad {'entry' if bad == 1 else 'entries'} skipped"
            parts.append(Content.assemble("  ", one_line(result.url), (f" · {brought}", "dim")))
    return Content("\n").join(parts) if parts else Content("No feed was fetched yet.")


class FetchLogScreen(ModalScreen[None], inherit_bindings=False):
    """Every feed of the last fetch; Esc or q closes it."""

    DEFAULT_CSS = CSS
    BINDINGS = [Binding("escape,q", "close", "Close", id="fetch_log.close")]

    def __init__(self, results: list[FeedResult], when: str) -> None:
        super().__init__()
        self.results = results
        self.when = when

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = f"Last fetch{f' · {self.when}' if self.when else ''}"
            box.border_subtitle = "Esc: close"
            yield Static(log_lines(self.results))

    def action_close(self) -> None:
        self.dismiss(None)
