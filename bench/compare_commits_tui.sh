#!/usr/bin/env bash
# The reader at two commits, and an empty Textual app (the floor), interleaved in one tuibench
# run (A B C A B C ...): first screen, Down x50, search, peak RSS. On a shared machine the
# medians of one run move together; compare them within the run, with its load average.
#   bench/compare_commits_tui.sh OLD [NEW]        # NEW defaults to HEAD
#   N=10000 RUNS=6 bench/compare_commits_tui.sh a06077b
# Each commit is checked out in a temporary git worktree (removed at the end) and run with the
# project's .venv, its PYTHONPATH pointing there; bytecode is compiled first in both (see
# compare_tui.sh). The stores are those of make bench-tui: $DATA/kr-N/pristine.db.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TUIBENCH=${TUIBENCH:-$ROOT/../shared/tuibench}
DATA=${DATA:-/tmp/tuibench-data} N=${N:-1000} RUNS=${RUNS:-10}
OLD=${1:?usage: $0 OLD [NEW]} NEW=${2:-HEAD}
[ -s "$DATA/kr-$N/pristine.db" ] || { echo "no $DATA/kr-$N/pristine.db: run make bench-tui first" >&2; exit 2; }
source "$ROOT/bench/worktrees.sh"
# The project's scenario with a name per commit and the commit's code on PYTHONPATH. It runs
# in its own copy of the store ({data}/kr-{N}/run.db is copied fresh before each run).
python3 - "$ROOT/bench/tuibench/kemnaker.json" "$WORK/kr.json" <<'EOF'
import json, sys
scenario = json.load(open(sys.argv[1]))
scenario["name"] = "kr-{tag}-{N}"
scenario["cmd"] = "env PYTHONPATH={pp} " + scenario["cmd"]
json.dump(scenario, open(sys.argv[2], "w"), indent=1)
EOF
printf '[ui]\nstart_view = "all"\n' > "$DATA/start-all.toml"
echo "old $(git -C "$ROOT" rev-parse --short "$OLD"), new $(git -C "$ROOT" rev-parse --short "$NEW"), N=$N, $RUNS runs"
echo "before: $(uptime)"
export HOME=$DATA/home XDG_CONFIG_HOME=$DATA/home/.config XDG_DATA_HOME=$DATA/home/.local/share
python3 "$TUIBENCH/tuibench.py" --var data="$DATA" --var kr="$ROOT/.venv/bin/kemnaker-reader" \
  --var py="$ROOT/.venv/bin/python" --runs "$RUNS" --md \
  "$WORK/kr.json,N=$N,tag=old,pp=$WORK/old" "$WORK/kr.json,N=$N,tag=new,pp=$WORK/new" \
  "$TUIBENCH/scenarios/textual_empty.json" --json "$WORK/results.json" || status=$?
echo "after: $(uptime)"
# tuibench's table gives each key's time until the screen settled (no change for 30 ms): for
# Enter on a search, the hits and what follows them within 30 ms of each other (snippets, the
# first hit's article, its related news). The issue times the hits: the first capture that
# shows them, which its JSON holds.
python3 - "$WORK/results.json" <<'EOF'
import json, statistics, sys
for sc in json.load(open(sys.argv[1]))["scenarios"]:
    runs = [r for r in sc["runs"] if "error" not in r]
    for step in ("search", "down"):
        shown = [r["first"][step] for r in runs if step in r["first"]]
        firsts = sorted(x for v in shown for x in (v if isinstance(v, list) else [v]))
        if firsts:
            p95 = firsts[max(0, -(-95 * len(firsts) // 100) - 1)]
            print(f"{sc['name']}: {step}, first capture that shows it: median"
                  f" {statistics.median(firsts):.1f} p95 {p95:.1f} max {firsts[-1]:.1f} ms"
                  f" (n={len(firsts)})")
EOF
exit "${status:-0}"
