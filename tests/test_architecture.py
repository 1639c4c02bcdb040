"""The layers hold: import-linter's contracts (pyproject.toml) pass, they fail when the core
imports textual, and no module of the reader imports itself back through others."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent


# import-linter's command, run on each tree named in argv in turn, in one process (its import
# is most of a run's CPU): the package it analyses is the one found first on sys.path, so each
# tree goes in front while it runs.
LINT_EACH = """
import contextlib, io, json, os, sys
from importlinter.cli import lint_imports

reports = []
for tree in sys.argv[1:]:
    sys.path.insert(0, tree)
    os.chdir(tree)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = lint_imports(config_filename=os.path.join(tree, "pyproject.toml"), no_cache=True)
    sys.path.remove(tree)
    reports.append({"code": code, "out": out.getvalue()})
print(json.dumps(reports))
"""


def _copy_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("tree")
    shutil.copytree(ROOT / "reader", tree / "reader", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


# A deliberate import into the copy for each contract, and the import chain the contract's
# report must name for it. All three go into one copy, checked by one lint-imports run; each
# contract's report is read apart, so each case still fails on its own, naming its import.
DELIBERATE = [
    (
        "core/text.py",
        "import textual",
        "The core never imports textual or rich",
        "reader.core.text -> textual",
    ),
    (
        "core/db/fts.py",
        "from reader.core.services import search",
        "Layers",
        "reader.core.db.fts -> reader.core.services.search",
    ),
    (
        "ui/text.py",
        "from reader.core.db import SqliteStorage",
        "through its Library",
        "reader.ui.text -> reader.core.db",
    ),
]


@pytest.fixture(scope="module")
def lint_reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], ...]:
    """lint-imports on a copy of the tree, and on a copy with every DELIBERATE import added:
    {"code": its exit code, "out": what it printed} of each."""
    kept, broken = _copy_tree(tmp_path_factory), _copy_tree(tmp_path_factory)
    for module, line, _, _ in DELIBERATE:
        path = broken / "reader" / module
        path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # deliberate\n", "utf-8")
    done = subprocess.run(
        [sys.executable, "-c", LINT_EACH, str(kept), str(broken)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    reports: list[dict[str, Any]] = json.loads(done.stdout)
    return tuple(reports)


def test_the_layer_contracts_hold(lint_reports: tuple[dict[str, Any], ...]) -> None:
    kept = lint_reports[0]
    assert kept["code"] == 0, kept["out"]
    assert "Contracts: 3 kept, 0 broken." in kept["out"]


@pytest.fixture(scope="module")
def broken_contracts(lint_reports: tuple[dict[str, Any], ...]) -> dict[str, str]:
    """Each contract lint-imports reports broken on the copy with the DELIBERATE imports, with
    the part of its report that lists the imports breaking it."""
    out = lint_reports[1]
    assert out["code"] != 0, out["out"]
    summary, _, details = out["out"].partition("Broken contracts")
    names = [s.removesuffix(" BROKEN") for s in summary.splitlines() if s.endswith(" BROKEN")]
    starts = sorted((details.index(f"\n{name}\n"), name) for name in names)
    ends = [start for start, _ in starts[1:]] + [len(details)]
    return {name: details[start:end] for (start, name), end in zip(starts, ends, strict=True)}


@pytest.mark.parametrize(
    "module, line, broken, chain", DELIBERATE, ids=[f"{m}-{line}" for m, line, _, _ in DELIBERATE]
)
def test_a_forbidden_import_breaks_a_contract(
    broken_contracts: dict[str, str], module: str, line: str, broken: str, chain: str
) -> None:
    reports = [report for name, report in broken_contracts.items() if broken in name]
    assert reports, f"{broken!r} is not broken by {line!r} in {module}: {list(broken_contracts)}"
    assert f"{chain} (l." in reports[0], reports[0]


def test_no_import_cycles_not_even_type_only_ones() -> None:
    graph = grimp.build_graph("reader")  # TYPE_CHECKING imports are imports too
    imports = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for other in sorted(imports.get(module, ())):
            if state.get(other) == 1:
                cycles.append([*path[path.index(other) :], other])
            elif other not in state:
                visit(other)
        path.pop()
        state[module] = 2

    for module in sorted(imports):
        if module not in state:
            visit(module)
    assert cycles == []
