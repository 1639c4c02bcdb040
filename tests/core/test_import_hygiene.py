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


def test_the_reader_starts_without_the_heavy_libraries():
    """What the first screen does not need is not loaded before it (issue 11): numpy (near
    duplicates), feedparser, trafilatura and lxml (feeds and pages), and the project's own
    readers of files, feeds and pages, load on first use."""
    code = (
        "import sys, reader.cli, reader.cli.root, reader.ui.app, reader.core.library\n"
        "heavy = {'numpy', 'feedparser', 'trafilatura', 'lxml', 'Sastrawi'}\n"
        "later = {'reader.core.ingest', 'reader.core.services.feeds'}\n"
        "loaded = (heavy & {n.split('.')[0] for n in sys.modules}) | (later & set(sys.modules))\n"
        "print(','.join(sorted(loaded)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"loaded before the first screen: {out.stdout.strip()}"
