"""The `kemnaker-reader` command, on click: a module per command group.

root      the root group, the reader as its default command, errors to exit codes
articles  import, search, show, related, stats
feeds     feeds add/list/remove/import/export, fetch
options   the options commands share and the library --db names
commands  click's Command and Group adjusted to this command line (`search -word`)
output    one-line errors, JSON, plain text for pipes, rich tables and progress on a terminal

Commands call the core only through `reader.core.library.Library`, imported when a command
runs, so `import reader.cli` (and `--help`) stays cheap.
"""

from reader.cli.root import cli, main

__all__ = ["cli", "main"]
