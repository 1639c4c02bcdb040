"""The root command: its options, the reader as the default command, and the one place where an
error becomes a line on stderr and an exit code.

Exit codes: 0 success; 1 when an input failed, an id is unknown or the store cannot be used;
2 for a usage error; 130 on Ctrl+C. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Sequence
from typing import Any

import click

from reader import __version__
from reader.cli import output, reading
from reader.cli.commands import Group
from reader.cli.options import Settings, db_option
from reader.cli.output import PROG

# Each command, in the order --help lists them, and the module:name that defines it. A command's
# module is imported when that command runs (or --help lists it): opening the reader, the
# default command, loads none of them.
COMMANDS = {
    "import": "reader.cli.articles:import_",
    "search": "reader.cli.articles:search",
    "show": "reader.cli.articles:show",
    "related": "reader.cli.articles:related",
    "stats": "reader.cli.articles:stats",
    "feeds": "reader.cli.feeds:feeds",
    "fetch": "reader.cli.feeds:fetch",
    "topics": "reader.cli.topics:topics",
    "purge": "reader.cli.keeping:purge",
    "export": "reader.cli.keeping:export",
    "copy": "reader.cli.copying:copy",
}


class RootGroup(Group):
    """The root group, run without click's own error handling (a usage dump, "Aborted!"), whose
    commands are loaded by name when first asked for (COMMANDS)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, _, name = COMMANDS[cmd_name].partition(":")
            self.add_command(getattr(importlib.import_module(module), name), cmd_name)
        return self.commands.get(cmd_name)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        code = self.run(list(sys.argv[1:] if args is None else args), **extra)
        if standalone_mode:
            sys.exit(code)
        return code

    def run(self, args: list[str], **extra: Any) -> int:
        """Run one command line; every error of every command ends here."""
        try:
            with self.make_context(PROG, args, obj=Settings(), **extra) as ctx:
                result = self.invoke(ctx)
            return result if isinstance(result, int) else 0
        except click.exceptions.Exit as done:  # --help, --version
            return done.exit_code
        except click.UsageError as error:
            output.error(f"{error.format_message()} (see '{PROG} --help')")
            return 2
        except click.ClickException as error:
            output.error(error.format_message())
            return error.exit_code
        except click.Abort:
            return 130
        except (Exception, KeyboardInterrupt) as error:
            return reading.failed(error)


@click.group(
    PROG,
    cls=RootGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Read, search and connect Indonesian labour news offline.",
)
@db_option
@click.version_option(__version__, "--version", prog_name=PROG, message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context) -> int | None:
    if ctx.invoked_subcommand is not None:
        gc.enable()  # (see main) a command collects as usual
        return None
    return open_reader(ctx)


def open_reader(ctx: click.Context) -> int:
    """The default command: the reader, on the bundled articles the first time it opens the
    default store (no --db, or --db naming that same file) with no articles and no feeds; a
    store named by --db elsewhere never gets them."""
    if not output.has_terminal():
        raise click.UsageError(
            f"the reader needs a terminal; without one, use a command such as '{PROG} search QUERY'"
        )
    return reading.open_reader(ctx.ensure_object(Settings).db)


def main(argv: Sequence[str] | None = None) -> int:
    """The `kemnaker-reader` console script: run `argv` (default: sys.argv[1:])."""
    # Until the reader's first frame (reader.ui.app enables it again then) or the choice of
    # another command, Python's cyclic collector is off: starting the reader creates some
    # 80,000 objects that live as long as it does (modules, classes, CSS rules, widgets), and
    # about 200 collections walked them again and again for almost no garbage (40-45 ms of its
    # first screen, against 18 ms for an empty Textual app).
    gc.disable()
    try:
        code: int = cli.main(argv, standalone_mode=False)
    finally:
        gc.enable()
    return code
