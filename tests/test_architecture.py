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


@pytest.fixture(scope="module")
def copy_of_the_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("tree")
    shutil.copytree(ROOT / "reader", tree / "reader", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_layer_contracts_hold(copy_of_the_tree: Path) -> None:
    out = _lint_imports(copy_of_the_tree)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Contracts: 3 kept, 0 broken." in out.stdout


@pytest.mark.parametrize(
    "module, line, broken",
    [
        ("core/text.py", "import textual", "The core never imports textual or rich"),
        ("core/db/fts.py", "from reader.core.services import search", "Layers"),
        ("ui/text.py", "from reader.core.db import SqliteStorage", "through its Library"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(
    copy_of_the_tree: Path, module: str, line: str, broken: str
) -> None:
    path = copy_of_the_tree / "reader" / module
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(original + f"\n{line}  # deliberate\n", encoding="utf-8")
        out = _lint_imports(copy_of_the_tree)
    finally:
        path.write_text(original, encoding="utf-8")
    assert out.returncode != 0
    assert next(s for s in out.stdout.splitlines() if broken in s).endswith("BROKEN")


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
