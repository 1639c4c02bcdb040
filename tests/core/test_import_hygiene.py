import subprocess
import sys


def test_core_imports_neither_textual_nor_rich():
    code = (
        "import sys, pkgutil, importlib, reader.core, reader.core.ingest\n"
        "for m in pkgutil.walk_packages(reader.core.__path__, 'reader.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "import reader.cli\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"reader.core pulled in: {out.stdout.strip()}"


# What the reader loads before its first screen, the commands' parser with it:
# tests/cli/test_startup_imports.py::test_the_reader_starts_without_the_heavy_libraries
# (read in the process that paints the first frame, which imports the same modules).
