#!/usr/bin/env bash
# `make bench-tui`: the shared tuibench's compare.sh (kemnaker-reader against Newsboat 2.21 on
# one synthetic feed: import, first screen, Down x50, search, peak RSS; README beside it) run
# against the installed reader, with the machine's load average before and after, into a fresh
# results folder whose tables are printed at the end.
#   make bench-tui                                   # 1,000 / 10,000 / 100,000 items, 5 runs
#   make bench-tui SIZES="1000 10000" RUNS=3
#   make bench-tui TUIBENCH=/elsewhere/tuibench      # default: ../shared/tuibench
#   KR=/path/to/kemnaker-reader bench/compare_tui.sh # another build of the reader
# Without the tuibench folder it says so and exits 0 (nothing measured). Needs tmux and newsboat
# (compare.sh says so when they are missing).
# The shared scenarios/kemnaker.json waits for a title the reader no longer shows ("Headlines ·
# N": it opens on a topic now, and the list's title carries a weekly chart), and its README says
# to change the scenario with the texts. The shared folder is read-only, so compare.sh runs from
# a folder of links to it in which bench/tuibench/kemnaker.json (the same steps, today's titles,
# opening on All as Newsboat does) takes the shared one's place. bench/compare_views.sh uses the same TUIBENCH,
# DATA and cached feeds for the topic-view comparison; bench/bench_tui.py measures the reader
# alone (first screen and every key, no Newsboat).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TUIBENCH=${TUIBENCH:-$ROOT/../shared/tuibench}
if [ ! -x "$TUIBENCH/compare.sh" ]; then
  echo "bench-tui: no tuibench at $TUIBENCH (no compare.sh there): nothing measured." \
    "Set TUIBENCH=/path/to/tuibench to run it."
  exit 0
fi
export KR=${KR:-$ROOT/.venv/bin/kemnaker-reader} PY=${PY:-$ROOT/.venv/bin/python}
export DATA=${DATA:-/tmp/tuibench-data}
export OUT=${OUT:-$DATA/results-$(date -u +%Y%m%dT%H%M%SZ)}
export SIZES=${SIZES:-"1000 10000 100000"} RUNS=${RUNS:-5}
mkdir -p "$OUT"
# Bytecode for every module, as an installed package has: where PYTHONDONTWRITEBYTECODE is set
# (this machine sets it), a module changed since its .pyc was written is compiled again at
# every start of the reader (every module of the first screen: 40-60 ms of CPU), which an
# installed reader does not pay.
"$PY" -m compileall -q "$ROOT/reader" >/dev/null
SHADOW=$DATA/tuibench-with-project-scenario
rm -rf "$SHADOW" && mkdir -p "$SHADOW/scenarios"
for f in "$TUIBENCH"/*; do [ "$(basename "$f")" = scenarios ] || ln -s "$f" "$SHADOW/"; done
for f in "$TUIBENCH"/scenarios/*; do ln -s "$f" "$SHADOW/scenarios/"; done
ln -sf "$ROOT/bench/tuibench/kemnaker.json" "$SHADOW/scenarios/kemnaker.json"
printf '[ui]\nstart_view = "all"\n' > "$DATA/start-all.toml"
load() { echo "$1: $(uptime)" | tee -a "$OUT/load.txt"; }
echo "bench-tui: $TUIBENCH/compare.sh (scenario kemnaker.json from bench/tuibench), sizes $SIZES, $RUNS runs, reader $KR, results in $OUT"
load before
started=$(date +%s)
# compare.sh takes the project's files relative to the folder it runs in.
(cd "$ROOT" && "$SHADOW/compare.sh")
load after
echo "took $(( $(date +%s) - started )) s; the tables again:"
cat "$OUT/tables.md"
