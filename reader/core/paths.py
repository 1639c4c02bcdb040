"""Where things live. Every path can be overridden (tests, --db, environment)."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir, user_state_dir

APP_NAME = "kemnaker-reader"
DB_ENV = "KEMNAKER_READER_DB"


PERSON_ENV = "KEMNAKER_READER_PERSON"


def default_person() -> str:
    """Whose read and starred marks a reader keeps: $KEMNAKER_READER_PERSON, else the login
    name (the config's `person` is given to open_library by the command line)."""
    override = os.environ.get(PERSON_ENV)
    if override:
        return override
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "reader"


def is_store_url(target: str) -> bool:
    """Whether --db or $KEMNAKER_READER_DB names a PostgreSQL database rather than a file."""
    return target.startswith(("postgresql://", "postgres://"))


def default_store() -> Path | str:
    """$KEMNAKER_READER_DB (a file, or a PostgreSQL URL), else articles.db in the user's data
    directory."""
    override = os.environ.get(DB_ENV)
    if override and is_store_url(override):
        return override
    return default_db_path()


def default_db_path() -> Path:
    """$KEMNAKER_READER_DB, else articles.db in the user's data directory."""
    override = os.environ.get(DB_ENV)
    if override:
        return Path(override).expanduser()
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "articles.db"


def config_path() -> Path:
    override = os.environ.get("KEMNAKER_READER_CONFIG")
    if override:
        return Path(override).expanduser()
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def state_dir() -> Path:
    """$KEMNAKER_READER_STATE, else the user's state directory: what the reader keeps between
    runs that is neither articles nor settings (the search history)."""
    override = os.environ.get("KEMNAKER_READER_STATE")
    if override:
        return Path(override).expanduser()
    return Path(user_state_dir(APP_NAME, appauthor=False))


def bundled_data_dir() -> Path | None:
    """The articles shipped with the reader: inside the wheel, or data/ in a source checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "bundled", package.parent / "data"):
        if candidate.is_dir():
            return candidate
    return None
