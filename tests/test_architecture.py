"""The layers hold: import-linter's contracts (pyproject.toml) pass, they fail when the core
imports textual, and no module of the reader imports itself back through others."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}  # before the editable install's path
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _copy_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("tree")
    shutil.copytree(ROOT / "reader", tree / "reader", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


@pytest.fixture(scope="module")
def copy_of_the_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _copy_tree(tmp_path_factory)


def test_the_layer_contracts_hold(copy_of_the_tree: Path) -> None:
    out = _lint_imports(copy_of_the_tree)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Contracts: 3 kept, 0 broken." in out.stdout


# A deliberate import into the copy for each contract, and the import chain the contract's
# report must name for it. All three go into one copy, checked by one lint-imports run (each a
# second or so of a worker); each contract's report is read apart, so each case still fails
# on its own, naming its import.
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
def broken_contracts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """lint-imports on a copy of the tree with every DELIBERATE import added: each contract
    it reports broken, with the part of its report that lists the imports breaking it."""
    tree = _copy_tree(tmp_path_factory)
    for module, line, _, _ in DELIBERATE:
        path = tree / "reader" / module
        path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # deliberate\n", "utf-8")
    out = _lint_imports(tree)
    assert out.returncode != 0, out.stdout + out.stderr
    summary, _, details = out.stdout.partition("Broken contracts")
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
