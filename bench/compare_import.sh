#!/usr/bin/env bash
# An import's first step (issue 11) at two commits against Newsboat, interleaved in one tuibench
# run (A B C A B C ...): `newsboat -x reload` of the synthetic feed over 127.0.0.1 (as the
# shared compare.sh runs it) and `kemnaker-reader import --defer FILE` of the same feed (stored
# and searchable; the second step, `catch_up`, left pending) into an empty store at OLD and NEW:
# wall time and peak RSS (the largest process of each, as tuibench's batch runs measure it), and
# the CPU time (user + sys) of each command's whole process tree, helpers included (/usr/bin/time).
# On a shared machine the medians of one run move together: compare them within the run, with
# its load average. STEP=all imports without --defer (both steps).
#   bench/compare_import.sh OLD [NEW]            # NEW defaults to HEAD; N=10000, RUNS=3
#   N=100000 RUNS=3 bench/compare_import.sh e427b12
# Each commit is checked out in a temporary git worktree (removed at the end) and run with the
# project's .venv from there (its PYTHONPATH too), bytecode compiled first in both. The feeds are
# those of make bench-tui ($DATA/feed-N.xml, made by the shared make_feed.py when missing).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TUIBENCH=${TUIBENCH:-$ROOT/../shared/tuibench}
DATA=${DATA:-/tmp/tuibench-data} N=${N:-10000} RUNS=${RUNS:-3} STEP=${STEP:-first}
OLD=${1:?usage: $0 OLD [NEW]} NEW=${2:-HEAD}
[ -f "$TUIBENCH/tuibench.py" ] || { echo "no tuibench at $TUIBENCH" >&2; exit 2; }
command -v newsboat >/dev/null || { echo "newsboat is not installed (apt-get install -y newsboat)" >&2; exit 2; }
[ -s "$DATA/feed-$N.xml" ] || python3 "$TUIBENCH/make_feed.py" "$N" --rss "$DATA/feed-$N.xml"
HTTP=
source "$ROOT/bench/worktrees.sh"
on_exit() { [ -z "$HTTP" ] || kill "$HTTP" 2>/dev/null; }
DEFER=--defer
[ "$STEP" = all ] && DEFER=
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 "$PORT" --directory "$DATA" > "$WORK/http.log" 2>&1 &
HTTP=$!
sleep 0.5
mkdir -p "$WORK/nb" "$WORK/cpu"
CPU="/usr/bin/time -a -f %U+%S -o $WORK/cpu"
echo "http://127.0.0.1:$PORT/feed-$N.xml" > "$WORK/nb/urls"
printf 'auto-reload no\nconfirm-exit no\ncleanup-on-quit no\n' > "$WORK/nb/config"
cat > "$WORK/newsboat.json" <<EOF
{"name": "newsboat-reload-{N}", "batch": true,
 "setup": "rm -f $WORK/nb/cache.db $WORK/nb/cache.db.lock",
 "cmd": "$CPU/nb.cpu newsboat -x reload -c $WORK/nb/cache.db -u $WORK/nb/urls -C $WORK/nb/config",
 "env": {"HOME": "{data}/home", "LANG": "C.UTF-8"}}
EOF
cat > "$WORK/kr.json" <<EOF
{"name": "kr-import-$STEP-{tag}-{N}", "batch": true, "cwd": "{pp}",
 "setup": "rm -f $WORK/{tag}.db $WORK/{tag}.db-wal $WORK/{tag}.db-shm",
 "cmd": "$CPU/{tag}.cpu env PYTHONPATH={pp} $ROOT/.venv/bin/python -m reader --db $WORK/{tag}.db import $DEFER {data}/feed-{N}.xml",
 "env": {"HOME": "{data}/home", "LANG": "C.UTF-8", "XDG_CONFIG_HOME": "{data}/home/.config",
         "XDG_DATA_HOME": "{data}/home/.local/share"}}
EOF
echo "old $(git -C "$ROOT" rev-parse --short "$OLD"), new $(git -C "$ROOT" rev-parse --short "$NEW"), N=$N, $RUNS runs, step $STEP"
echo "before: $(uptime)"
python3 "$TUIBENCH/tuibench.py" --var data="$DATA" --runs "$RUNS" --md \
  "$WORK/newsboat.json,N=$N" "$WORK/kr.json,N=$N,tag=old,pp=$WORK/old" \
  "$WORK/kr.json,N=$N,tag=new,pp=$WORK/new" 2> "$WORK/tuibench.log" \
  || { echo "some runs failed:"; tail -20 "$WORK/tuibench.log"; }
echo "after: $(uptime)"
for who in nb old new; do  # CPU seconds (user + sys) of each run's process tree: the median
  [ -s "$WORK/cpu/$who.cpu" ] || continue
  python3 - "$WORK/cpu/$who.cpu" "$who" <<'PY'
import statistics, sys
runs = [sum(map(float, line.split("+"))) for line in open(sys.argv[1]) if "+" in line]
print(f"CPU {sys.argv[2]}: median {statistics.median(runs):.2f} s, runs", *(f"{r:.2f}" for r in runs))
PY
done
