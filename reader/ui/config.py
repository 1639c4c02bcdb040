"""The UI's part of the config file: the `[keys]` remapping and the `[ui]` table."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class UIConfig:
    """What the user (or a test) can change about the reader's screen."""

    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> keys, "j,down"
    theme: str | None = None
    cursor_blink: bool = True  # off in tests and screenshots, for stable pictures
    watch_interval: float = 2.0  # seconds between looks for articles stored from elsewhere; 0: off
    fetch_timeout: float = 20.0  # seconds per feed for "Fetch feeds" in the palette
    # The view the reader opens on: "all", "unread", "starred" or a topic's name.
    start_view: str = "Ketenagakerjaan"
    # A story stored from several sources shows once, as "n versions"; false lists each one.
    fold_stories: bool = True
    problem: str | None = None  # why the config file was ignored, shown once on start
    key_problems: list[str] = field(default_factory=list)  # `[keys]`/`[ui]` entries ignored
    path: Path | None = None  # the config file read, named in warnings about it


def load_config(path: Path) -> UIConfig:
    """The `[keys]` and `[ui]` tables of the config file; defaults when it is missing."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return UIConfig()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return UIConfig(problem=f"{path}: ignored ({error}); fix it or delete it")
    keys = data.get("keys", {})
    ui = data.get("ui", {})
    keymap: dict[str, str] = {}
    problems: list[str] = []
    if isinstance(keys, dict):
        for binding_id, value in keys.items():
            if isinstance(value, str) and value.strip():
                keymap[str(binding_id)] = value
            else:
                problems.append(f'[keys] "{binding_id}" = {value!r} ignored: not a key string')
    else:
        problems.append("[keys] ignored: it must be a table")
    if not isinstance(ui, dict):
        problems.append("[ui] ignored: it must be a table")
        ui = {}
    theme = ui.get("theme")
    start_view = ui.get("start_view", UIConfig.start_view)
    if not isinstance(start_view, str) or not start_view.strip():
        problems.append(f"[ui] start_view = {start_view!r} ignored: not a view's name")
        start_view = UIConfig.start_view
    fold_stories = ui.get("fold_stories", UIConfig.fold_stories)
    if not isinstance(fold_stories, bool):
        problems.append(f"[ui] fold_stories = {fold_stories!r} ignored: not true or false")
        fold_stories = UIConfig.fold_stories
    return UIConfig(
        keymap=keymap,
        fold_stories=fold_stories,
        theme=theme if isinstance(theme, str) else None,
        start_view=start_view,
        key_problems=problems,
        path=path,
    )
