"""Where the suite's CPU goes, as a summary after the run: `pytest -p tests.cpu_report ...`
(works with xdist's -n). On this shared 2-core machine the wall time of a run says more about
the other sessions than about the tests; CPU does not.

It counts, in seconds of user + system CPU: each test's own (setup, call and teardown, in the
process that ran it), the processes a test started and waited for (subprocesses, an import's
helper processes), each process's start and collection, and the PostgreSQL test cluster's
server processes (a cluster of scripts/pg_cluster.sh named in KEMNAKER_READER_TEST_PG), whose
work a test only waits for. Then the modules and the tests that cost the most; with
KEMNAKER_READER_CPU_JSON=FILE, every test's CPU by phase (setup, call, teardown; the
processes it started counted in them and apart) in FILE. Not counted:
the processes' exits, and what scripts/with_pg.sh runs to make the cluster (initdb).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

_KEY = "cpu_report"
_mark: list[tuple[float, float]] = []
_tests: dict[str, tuple[float, float]] = {}  # nodeid -> (own, children), on the controller
_phases: dict[str, dict[str, float]] = {}  # nodeid -> {setup, call, teardown: own + children}
_started: list[float] = []  # this process's CPU once its tests were collected
_workers: list[list[float]] = []  # xdist's workers': [start, own CPU, their processes']


def _cpu() -> tuple[float, float]:
    times = os.times()
    return times.user + times.system, times.children_user + times.children_system


def pytest_collection_finish(session: pytest.Session) -> None:
    _started.append(_cpu()[0])


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """In an xdist worker: its start, and its CPU to the end, handed to the controller."""
    worker = getattr(session.config, "workeroutput", None)
    if worker is not None:
        worker[_KEY] = [sum(_started), *_cpu()]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logstart(nodeid: str, location: Any) -> None:
    _mark[:] = [_cpu()]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Any:
    outcome = yield
    now = _cpu()
    own, children = (now[0] - _mark[0][0], now[1] - _mark[0][1]) if _mark else (0.0, 0.0)
    _mark[:] = [now]
    outcome.get_result().user_properties.append((_KEY, (own, children, call.when)))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for name, value in report.user_properties:
        if name == _KEY:
            own, children = _tests.get(report.nodeid, (0.0, 0.0))
            pair: Any = value
            mine, theirs = float(pair[0]), float(pair[1])
            _tests[report.nodeid] = (own + mine, children + theirs)
            phases = _phases.setdefault(report.nodeid, {})
            phases[report.when] = phases.get(report.when, 0.0) + mine + theirs


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    ran = getattr(node, "workeroutput", {}).get(_KEY)
    if ran is not None:
        _workers.append(ran)


def _server_cpu() -> float | None:
    """The CPU of the test cluster's server processes so far: the postmaster's own, its
    ended backends' (reaped: counted in its children's times) and its running ones'."""
    found = re.search(r"host=([^&]+)", os.environ.get("KEMNAKER_READER_TEST_PG", ""))
    try:
        assert found is not None
        pid = (Path(found.group(1)) / "data" / "postmaster.pid").read_text().split()[0]
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ticks = 0
        for process in [pid, *children]:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += sum(int(field) for field in fields[11:15])  # utime stime cutime cstime
    except (AssertionError, OSError, IndexError, ValueError):
        return None
    return float(ticks) / os.sysconf("SC_CLK_TCK")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if getattr(terminalreporter.config, "workeroutput", None) is not None or not _tests:
        return
    write = terminalreporter.write_line
    own = sum(value[0] for value in _tests.values())
    children = sum(value[1] for value in _tests.values())
    here, here_children = _cpu()  # its children: xdist's workers are not ended yet
    if _workers:  # xdist: the workers ran the tests, this process handed them out
        start = sum(worker[0] for worker in _workers)
        ran = sum(worker[1] for worker in _workers)
        children = sum(worker[2] for worker in _workers)  # in tests or not
        other, control = ran - start - own, here
    else:
        start, other, control = sum(_started), here - sum(_started) - own, 0.0
        children = here_children
    server = _server_cpu()
    terminalreporter.section("CPU (user + system, seconds)")
    write(f"tests {own:.1f}, processes they started {children:.1f}")
    write(f"start and collection {start:.1f} (xdist's workers: {len(_workers)})")
    write(f"the test processes between tests {other:.1f} (pytest's and xdist's own work)")
    if control:
        write(f"xdist's controller {control:.1f}")
    if server is not None:
        write(f"PostgreSQL test cluster {server:.1f}")
    write(f"total {own + children + start + other + control + (server or 0.0):.1f}")
    modules: dict[str, float] = {}
    for nodeid, (mine, theirs) in _tests.items():
        module = nodeid.split("::")[0]
        modules[module] = modules.get(module, 0.0) + mine + theirs
    write("modules:")
    for module, spent in sorted(modules.items(), key=lambda entry: -entry[1])[:15]:
        write(f"  {spent:6.2f} {module}")
    dump = os.environ.get("KEMNAKER_READER_CPU_JSON")
    if dump:  # every test's CPU by phase, for a closer look than the summary's
        for nodeid, (_, theirs) in _tests.items():
            _phases.setdefault(nodeid, {})["of which in processes"] = theirs
        Path(dump).write_text(json.dumps(_phases, indent=1, sort_keys=True))
        write(f"every test's CPU by phase: {dump}")
    write("tests:")
    ranked = sorted(_tests.items(), key=lambda entry: -sum(entry[1]))
    for nodeid, (mine, theirs) in ranked[:15]:
        write(f"  {mine + theirs:6.2f} ({theirs:.2f} in processes) {nodeid}")
