"""`stats --by month|week [--topic NAME] [QUERY] [--json]`."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Invoke, lines


def test_stats_by_month_json(invoke: Invoke, demo_db: Path) -> None:
    out = invoke(demo_db, "stats", "--by", "month", "--json")
    assert out.exit_code == 0, out.output
    months = json.loads(out.stdout)
    assert all(set(m) == {"month", "count"} for m in months)
    assert sum(m["count"] for m in months) == 410
    assert months[-1] == {"month": None, "count": 1}  # the undated seed, apart
    dated = [m["month"] for m in months[:-1]]
    assert dated == sorted(dated) and dated[-1] == "2018-02"


def test_stats_by_month_of_a_topic_and_a_query(invoke: Invoke, demo_db: Path) -> None:
    out = invoke(demo_db, "stats", "--by", "month", "--topic", "PHK", "--json")
    phk = json.loads(out.stdout)
    topics = json.loads(invoke(demo_db, "topics", "list", "--json").stdout)
    assert sum(m["count"] for m in phk) == next(t["total"] for t in topics if t["name"] == "PHK")
    out = invoke(demo_db, "stats", "--by", "month", "pekerja", "migran", "-korea")
    assert out.exit_code == 0
    rows = lines(out.stdout)
    assert rows[-1].split()[:2] == ["undated", "1"]
    assert rows[0].split()[0] == "2017-04" and rows[0].endswith("#" * 40)
    weeks = json.loads(invoke(demo_db, "stats", "--by", "week", "--json").stdout)
    assert set(weeks[0]) == {"week", "count"} and weeks[0]["week"].startswith("2016-W")


def test_stats_usage_errors(invoke: Invoke, demo_db: Path) -> None:
    for args, reason in [
        (["--topic", "PHK"], "add --by month"),
        (["upah"], "add --by month"),
        (["--by", "year"], "'year' is not one of"),
    ]:
        out = invoke(demo_db, "stats", *args)
        assert out.exit_code == 2 and len(lines(out.stderr)) == 1 and reason in out.stderr
    out = invoke(demo_db, "stats", "--by", "month", "--topic", "nope")
    assert out.exit_code == 1 and "no topic called 'nope'" in out.stderr
    assert json.loads(invoke(demo_db, "stats", "--json").stdout)["articles"] == 410
