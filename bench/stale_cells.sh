#!/usr/bin/env bash
# Does `/` leave stale cells in a real terminal? The reader runs in tmux (120x40) on
# tuibench's 1,000-item store; the screen after `/` is compared with the screen after a resize
# and back, when the reader has drawn all of it again. Pilot's screenshots cannot see this:
# they draw the whole screen from the compositor's map, not what was written to the terminal.
#   bench/stale_cells.sh [KR]   # KR: the reader's command (default .venv/bin/kemnaker-reader)
# Needs tmux and /tmp/tuibench-data/kr-1000/pristine.db (made by make bench-tui).
set -euo pipefail
KR=${1:-$(cd "$(dirname "$0")/.." && pwd)/.venv/bin/kemnaker-reader}
STORE=${STORE:-/tmp/tuibench-data/kr-1000/pristine.db}
[ -f "$STORE" ] || { echo "stale_cells: no $STORE (run make bench-tui first)" >&2; exit 2; }
dir=$(mktemp -d); sock="$dir/tmux.sock"; t=(tmux -S "$sock")
trap '"${t[@]}" kill-server 2>/dev/null || true; rm -rf "$dir"' EXIT
cp "$STORE" "$dir/store.db"
"${t[@]}" new-session -d -s g -x 120 -y 40 "$KR --db $dir/store.db"
sleep 3; "${t[@]}" send-keys -t g '/'; sleep 0.7
shown=$("${t[@]}" capture-pane -t g -p)
"${t[@]}" resize-window -t g -x 121 -y 40; sleep 0.5
"${t[@]}" resize-window -t g -x 120 -y 40; sleep 1
redrawn=$("${t[@]}" capture-pane -t g -p)
if [ "$shown" == "$redrawn" ]; then
  echo "stale_cells: after / the screen is the one a full redraw gives"
else
  echo "stale_cells: STALE cells after / (first 3 lines; then after a full redraw):"
  head -3 <<<"$shown"; echo ---; head -3 <<<"$redrawn"; exit 1
fi
