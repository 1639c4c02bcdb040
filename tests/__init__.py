"""The tests. Importing this package (before tests/conftest.py and any test module) settles
where bytecode goes.

An environment that sets PYTHONDONTWRITEBYTECODE (or runs `python -B`) keeps __pycache__ out of
the source tree, but then every run compiled every module of the reader again, and pytest
rewrote the asserts of every test module again: in each xdist worker (~2.5 of its ~4 s of
start-up CPU) and in each process a test starts (the import's helper, the installed command).
Here the bytecode is written instead under .pytest_cache/bytecode (PYTHONPYCACHEPREFIX: still
nothing beside the sources), for this process and the processes it starts. A prefix someone
chose is kept. Python checks each cached file against its source's modification time and
size, as always.
"""

import os
import sys
from pathlib import Path

if sys.dont_write_bytecode:
    _prefix = os.environ.get("PYTHONPYCACHEPREFIX") or str(
        Path(__file__).resolve().parent.parent / ".pytest_cache" / "bytecode"
    )
    os.environ["PYTHONPYCACHEPREFIX"] = sys.pycache_prefix = _prefix
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False
