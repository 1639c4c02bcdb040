#!/usr/bin/env bash
# The reader opening on All and on a topic of a large store, against Newsboat on the same
# synthetic feed and an empty Textual app, interleaved in one run (../shared/tuibench; needs
# tmux and newsboat). Issue 9: a topic view must open as fast as All.
#   bench/compare_views.sh                     # 10,000 and 100,000 items, 3 runs each
#   SIZES=100000 RUNS=5 bench/compare_views.sh
# The topic is "Banjir" (query "banjir": every 100th synthetic title), saved in the store.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TB=${TB:-${TUIBENCH:-$ROOT/../shared/tuibench}}  # the same TUIBENCH as make bench-tui
KR=${KR:-$ROOT/.venv/bin/kemnaker-reader} PY=${PY:-$ROOT/.venv/bin/python}
DATA=${DATA:-/tmp/tuibench-data} RUNS=${RUNS:-3} SIZES=${SIZES:-"10000 100000"}
OUT=${OUT:-$DATA/results-views}
[ -x "$KR" ] || { echo "no $KR: run make run first, or set KR" >&2; exit 2; }
command -v newsboat >/dev/null || { echo "newsboat is not installed" >&2; exit 2; }
mkdir -p "$DATA/home" "$OUT"
printf '[ui]\nstart_view = "all"\n' > "$DATA/start-all.toml"
printf '[ui]\nstart_view = "Banjir"\n' > "$DATA/start-topic.toml"
for N in $SIZES; do
  [ -s "$DATA/feed-$N.xml" ] || python3 "$TB/make_feed.py" "$N" --rss "$DATA/feed-$N.xml"
  D=$DATA/nb-$N; mkdir -p "$D" "$DATA/kr-$N"
  if [ ! -s "$D/cache.db" ]; then
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    python3 -m http.server --bind 127.0.0.1 "$PORT" --directory "$DATA" > /dev/null 2>&1 &
    HTTP=$!; sleep 0.5
    echo "http://127.0.0.1:$PORT/feed-$N.xml" > "$D/urls"
    printf 'auto-reload no\nconfirm-exit no\ncleanup-on-quit no\n' > "$D/config"
    newsboat -x reload -c "$D/cache.db" -u "$D/urls" -C "$D/config"
    kill "$HTTP"
  fi
  if [ ! -s "$DATA/kr-$N/pristine.db" ]; then
    "$KR" --db "$DATA/kr-$N/pristine.db" import "$DATA/feed-$N.xml" > /dev/null
    "$KR" --db "$DATA/kr-$N/pristine.db" topics add Banjir banjir
    "$PY" -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()" "$DATA/kr-$N/pristine.db"
  fi
  echo "== views-$N" | tee -a "$OUT/tables.md"
  python3 "$TB/tuibench.py" --var data="$DATA" --var kr="$KR" --var py="$PY" --var tuibench="$TB" \
    --runs "$RUNS" --md --json "$OUT/views-$N.json" \
    "$TB/scenarios/newsboat.json,N=$N" \
    "$ROOT/bench/tuibench/kemnaker_view.json,N=$N,view=all,title=All" \
    "$ROOT/bench/tuibench/kemnaker_view.json,N=$N,view=topic,title=Banjir" \
    "$TB/scenarios/textual_empty.json" 2> "$OUT/views-$N.log" | tee -a "$OUT/tables.md"
done
echo "tables: $OUT/tables.md"
