"""The reader's first screen loads only what it shows (issue 11): `kemnaker-reader --db PATH`,
run in a terminal of its own (a pty) up to its first frame, has not imported the readers of
feeds and pages, the stemmer, search, related news, PostgreSQL's driver, nor the modules of the
commands it did not run. They come later, when a search, an article's related news or a
command asks for them.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from reader.core.library import Library

ROOT = Path(__file__).resolve().parent.parent.parent

# Run as `python -c PROBE OUT DB`: the command line's own entry, with a hook that writes the
# loaded modules out once the reader screen's first frame is painted, then quits. It then also
# imports the commands' parser (reader.cli.root) and the core's door, and writes what is loaded
# with them too (test_the_reader_starts_without_the_heavy_libraries).
PROBE = """
import gc, json, os, re, sys

# Every regular expression the reader's own code compiles or looks up (re.compile, re.match,
# ...) before the first frame, with the module that asked.
patterns = []
compile_pattern = re._compile
own = os.path.join(os.environ["PYTHONPATH"], "reader", "")

def recording(pattern, flags):
    caller = sys._getframe(2).f_code.co_filename
    if caller.startswith(own):
        patterns.append([os.path.relpath(caller, own), str(pattern)])
    return compile_pattern(pattern, flags)

re._compile = recording
from reader.ui.screens.reader import ReaderScreen

out, db = sys.argv[1], sys.argv[2]
mounted = ReaderScreen.on_mount

def on_mount(self):
    mounted(self)

    def first_frame():
        shown = self.headlines.current
        found = {
            "modules": sorted(sys.modules),
            "row": shown and shown.title,
            "collecting": gc.isenabled(),
            "frozen": gc.get_freeze_count(),
            "patterns": list(patterns),
        }
        import reader.cli.root, reader.core.library, reader.ui.app

        found["with_the_commands"] = sorted(sys.modules)
        with open(out, "w") as f:
            json.dump(found, f)
        self.app.exit()

    self.call_after_refresh(first_frame)

ReaderScreen.on_mount = on_mount
from reader.cli import main
sys.exit(main(["--db", db]))
"""

NOT_ON_THE_FIRST_SCREEN = [
    "feedparser",
    "trafilatura",
    "lxml",
    "numpy",
    "Stemmer",
    "Sastrawi",
    "psycopg",
    "email.utils",  # RFC 822 dates of feeds
    "webbrowser",
    "reader.core.ingest",
    "reader.core.minhash",
    "reader.core.aliases",
    "reader.core.services.search",
    "reader.core.services.stemmer",
    "reader.core.services.related",
    "reader.core.services.links",
    "reader.core.services.indexing",
    "reader.core.services.feeds",
    "reader.core.services.export",
    "reader.core.db.postgres",
    "click",  # the reader, at most --db given, opens without the command line's parser
    "reader.cli.root",
    "reader.cli.articles",
    "reader.cli.feeds",
    "reader.cli.topics",
    "reader.cli.keeping",
    "reader.cli.copying",
    "reader.ui.providers",
    "reader.ui.screens.fetch_log",
    "reader.ui.screens.dialogs",
    "reader.ui.screens.help",
]


def first_screen_modules(db: Path, home: Path, config: str) -> dict[str, object]:
    """Open the reader on `db` in a 120x40 pty; what it had loaded at its first frame."""
    out = home / "modules.json"
    config_file = home / "config.toml"
    config_file.write_text(config)
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "KEMNAKER_READER_CONFIG": str(config_file),
        "KEMNAKER_READER_DB": "",
        "PYTHONPATH": str(ROOT),
        "TERM": "xterm-256color",
    }
    primary, secondary = os.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    reader = subprocess.Popen(
        [sys.executable, "-c", PROBE, str(out), str(db)],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        cwd=home,
        start_new_session=True,
    )
    os.close(secondary)
    screen = b""
    try:
        deadline = time.monotonic() + 60
        while reader.poll() is None and time.monotonic() < deadline:
            # Read what it draws: a terminal nobody reads would stop the reader's writes.
            if select.select([primary], [], [], 0.1)[0]:
                try:
                    screen = (screen + os.read(primary, 65536))[-4000:]
                except OSError:
                    break
        assert reader.wait(timeout=10) == 0, screen.decode(errors="replace")
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()
        os.close(primary)
    found: dict[str, object] = json.loads(out.read_text())
    return found


def loaded(modules: list[str], name: str) -> bool:
    return any(module == name or module.startswith(name + ".") for module in modules)


@pytest.fixture(scope="module")
def on_all(_demo_db: Path | str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """What the reader opened on All (a copy of the demo store) had loaded and compiled at its
    first frame: one run of the probe for the module's tests that look at that screen."""
    home = tmp_path_factory.mktemp("on-all")
    assert isinstance(_demo_db, Path)
    db = home / "articles.db"
    shutil.copy(_demo_db, db)
    found = first_screen_modules(db, home, '[ui]\nstart_view = "all"\n')
    assert found["row"], "the first screen lists headlines"
    return found


def test_the_first_screen_imports_only_what_it_shows(on_all: dict[str, object]) -> None:
    found = on_all
    modules = found["modules"]
    assert isinstance(modules, list)
    assert "reader.ui.screens.reader" in modules and "reader.core.db.storage" in modules
    assert [name for name in NOT_ON_THE_FIRST_SCREEN if loaded(modules, name)] == []
    # The collector, paused to start (reader.cli.root.main), runs again once the first frame
    # is painted, with what the start made (tens of thousands of objects) left out of it.
    assert found["collecting"] is True
    frozen = found["frozen"]
    assert isinstance(frozen, int) and frozen > 10_000


def test_the_reader_starts_without_the_heavy_libraries(on_all: dict[str, object]) -> None:
    """What the first screen does not need is not loaded before it (issue 11): numpy (near
    duplicates), feedparser, trafilatura and lxml (feeds and pages), and the project's own
    readers of files, feeds and pages, load on first use; nor with the commands' parser.
    (Read in the first frame's process, once it has also imported reader.cli.root,
    reader.ui.app and reader.core.library: a Python of its own for these imports cost a third
    of a second, as much as the probe.)"""
    modules = on_all["with_the_commands"]
    assert isinstance(modules, list)
    assert "reader.cli.root" in modules and "reader.ui.app" in modules
    heavy = {"numpy", "feedparser", "trafilatura", "lxml", "Sastrawi"}
    later = {"reader.core.ingest", "reader.core.services.feeds"}
    found = (heavy & {name.split(".")[0] for name in modules}) | (later & set(modules))
    assert sorted(found) == [], f"loaded before the first screen: {sorted(found)}"


def test_the_first_screen_compiles_none_of_the_readers_patterns(on_all: dict[str, object]) -> None:
    """The base modules the first screen imports (clean, dates, text, highlight, query) and
    the UI's config compile their regular expressions when they are first used, and the list's
    titles, plain printable text, are shown without them (reader.core.clean.safe_text)."""
    found = on_all
    # The related panel's word pattern, compiled on import still, is another session's file.
    assert found["patterns"] == [["ui/widgets/related_panel.py", r"\s*\S+\s*"]]


def test_a_topic_as_first_screen_loads_no_search(demo_library: Library, tmp_path: Path) -> None:
    """The default start view is a topic: its articles are read from the topic's table, and
    the search that fills that table is not loaded to show them."""
    found = first_screen_modules(demo_library.path, tmp_path, "")
    assert found["row"], "the first screen lists the topic's headlines"
    modules = found["modules"]
    assert isinstance(modules, list)
    assert [name for name in NOT_ON_THE_FIRST_SCREEN if loaded(modules, name)] == []


def test_every_command_loads_by_its_name() -> None:
    """The commands are listed by name and loaded on demand: each name gives that command."""
    import click

    from reader.cli.root import COMMANDS, cli

    context = click.Context(cli)
    assert cli.list_commands(context) == list(COMMANDS)
    for name in COMMANDS:
        command = cli.get_command(context, name)
        assert isinstance(command, click.Command) and command.name == name
