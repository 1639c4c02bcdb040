"""The one place the reader reports a failure of its background work: a notification.

Workers run with `exit_on_error=False` and do not catch anything: an error (a `ReaderError`
written for a person, or a bug named by its type) ends the worker, whose node hears of it as
`Worker.StateChanged` and hands it here.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.worker import Worker, WorkerState

from reader.ui.text import error_text

# What each worker group was doing, for the message.
TASKS = {
    "count": "Reading the headlines",
    "views": "Counting the views",
    "article": "Reading the article",
    "related": "Finding related news",
    "search": "Searching",
    "flags": "Changing a mark",
    "flags-all": "Marking all read",
    "unread": "Finding the next unread article",
    "topics": "Saving the topic",
    "fetch": "Fetching feeds",
    "listen": "Listening for new articles",
}


def failed(event: Worker.StateChanged) -> bool:
    return event.state is WorkerState.ERROR


def report(app: App[Any], worker: Worker[Any]) -> None:
    """Tell the user what failed and why, in one line; never as markup."""
    task = TASKS.get(worker.group, "Background work")
    app.notify(
        f"{task} failed: {error_text(worker.error or RuntimeError())}",
        severity="error",
        markup=False,
    )
