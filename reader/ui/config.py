"""The UI's part of the config file: the `[keys]` remapping and the `[ui]` table."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.files import write_whole
from reader.core.models import Plain

MAX_FETCH_MIB = 4096  # the largest fetch_max_size (and `fetch --max-size`) accepted: 4 GiB


@dataclass(eq=False, repr=False)
class UIConfig(Plain):
    """What the user (or a test) can change about the reader's screen."""

    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> keys, "j,down"
    theme: str | None = None
    cursor_blink: bool = True  # off in tests and screenshots, for stable pictures
    watch_interval: float = 2.0  # seconds between looks for articles stored from elsewhere; 0: off
    fetch_timeout: float = 20.0  # seconds per feed for "Fetch feeds" in the palette
    # The largest response a fetch accepts, in MiB; `kemnaker-reader fetch` reads it too (its
    # --max-size overrides it).
    fetch_max_size: float = 50.0
    # The view the reader opens on: "all", "unread", "starred" or a topic's name.
    start_view: str = "Ketenagakerjaan"
    # A story stored from several sources shows once, as "n versions"; false lists each one.
    fold_stories: bool = True
    search_history: int = 100  # queries kept for Up / Down in the search box; 0: none
    # Whose read and starred marks the reader keeps (a team's shared archive has a set per
    # person); None: $KEMNAKER_READER_PERSON, else the login name.
    person: str | None = None
    fetch_every: float = 30.0  # minutes between fetches of the followed feeds; 0: never
    problem: str | None = None  # why the config file was ignored, shown once on start
    key_problems: list[str] = field(default_factory=list)  # `[keys]`/`[ui]` entries ignored
    path: Path | None = None  # the config file read, named in warnings about it
    state_dir: Path | None = None  # where the search history is kept (None: not kept)


def load_config(path: Path) -> UIConfig:
    """The `[keys]` and `[ui]` tables of the config file; defaults when it is missing."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return UIConfig(path=path)  # (a theme chosen in the reader will be saved there)
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
    if theme is not None and not isinstance(theme, str):
        problems.append(f"[ui] theme = {theme!r} ignored: not a theme's name")
    start_view = ui.get("start_view", UIConfig.start_view)
    if not isinstance(start_view, str) or not start_view.strip():
        problems.append(f"[ui] start_view = {start_view!r} ignored: not a view's name")
        start_view = UIConfig.start_view
    history = ui.get("search_history", UIConfig.search_history)
    if isinstance(history, bool) or not isinstance(history, int) or not 0 <= history <= 10_000:
        problems.append(f"[ui] search_history = {history!r} ignored: not a number of queries")
        history = UIConfig.search_history
    fetch_every = ui.get("fetch_every", UIConfig.fetch_every)
    if (
        isinstance(fetch_every, bool)
        or not isinstance(fetch_every, int | float)
        or not (0 <= fetch_every <= 7 * 24 * 60)
    ):
        problems.append(f"[ui] fetch_every = {fetch_every!r} ignored: not a number of minutes")
        fetch_every = UIConfig.fetch_every
    max_size = ui.get("fetch_max_size", UIConfig.fetch_max_size)
    if (
        isinstance(max_size, bool)
        or not isinstance(max_size, int | float)
        or not (0 < max_size <= MAX_FETCH_MIB)
    ):
        problems.append(
            f"[ui] fetch_max_size = {max_size!r} ignored: not a size in MiB "
            f"(more than 0, at most {MAX_FETCH_MIB:,})"
        )
        max_size = UIConfig.fetch_max_size
    person = ui.get("person")
    if person is not None and (not isinstance(person, str) or not person.strip()):
        problems.append(f"[ui] person = {person!r} ignored: not a name")
        person = None
    fold_stories = ui.get("fold_stories", UIConfig.fold_stories)
    if not isinstance(fold_stories, bool):
        problems.append(f"[ui] fold_stories = {fold_stories!r} ignored: not true or false")
        fold_stories = UIConfig.fold_stories
    return UIConfig(
        keymap=keymap,
        fold_stories=fold_stories,
        search_history=history,
        fetch_every=float(fetch_every),
        fetch_max_size=float(max_size),
        person=person.strip() if isinstance(person, str) else None,
        theme=theme if isinstance(theme, str) else None,
        start_view=start_view,
        key_problems=problems,
        path=path,
    )


def save_ui_value(path: Path, key: str, value: str) -> None:
    """Set `key = "value"` in the `[ui]` table of the config file, changing nothing else in it
    (comments and other settings stay); the file is made when there is none. Raises OSError
    when it cannot be written, ValueError when the file is not TOML (it is left alone)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    tomllib.loads(text)  # a broken file is not edited (TOMLDecodeError is a ValueError)
    import json  # (only here: the first screen does not load it)

    line = f"{key} = {json.dumps(value, ensure_ascii=False)}\n"
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    # Compiled here, as json is imported: the first screen does not save a setting.
    ui_table, any_table = re.compile(r"^\s*\[\s*ui\s*\]\s*(#.*)?$"), re.compile(r"^\s*\[")
    start = next((i for i, text_line in enumerate(lines) if ui_table.match(text_line)), None)
    if start is None:
        lines += ["\n" if lines else "", "[ui]\n", line]
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if any_table.match(lines[i])), len(lines)
        )
        own = re.compile(rf"^\s*{re.escape(key)}\s*=")
        found = next((i for i in range(start + 1, end) if own.match(lines[i])), None)
        if found is None:
            lines.insert(start + 1, line)
        else:
            lines[found] = line
    new = "".join(lines)
    if tomllib.loads(new).get("ui", {}).get(key) != value:
        raise ValueError(f"{path}: could not set [ui] {key} without changing the file's meaning")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_whole(path, lambda out: out.write(new))
