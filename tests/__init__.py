"""The tests. Importing this package (before tests/conftest.py and any test module) settles
whether bytecode is kept.

An environment that sets PYTHONDONTWRITEBYTECODE (or runs `python -B`) would have every run
compile every module of the reader again, and pytest rewrite the asserts of every test module
again: in each xdist worker and in each process a test starts (the import's helper, the
installed command). Here this process and the processes it starts write bytecode as Python
does by default, in __pycache__ folders beside the sources (ignored by git), and read the
bytecode pip and Python's installer compiled for the packages and the standard library.

(Before, the bytecode went under .pytest_cache/bytecode, a PYTHONPYCACHEPREFIX. Python then
reads no __pycache__ folder at all: on a fresh clone, as in CI, each of the four workers
compiled the standard library and every installed package it imported again, ~13 s of CPU
more than a run with its bytecode kept: 1,087 tests in 61.1 s against 51.6-53.1.)
"""

import os
import sys

if sys.dont_write_bytecode:
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False
