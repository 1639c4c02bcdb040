#!/usr/bin/env bash
# Run a command with a throw-away PostgreSQL cluster named in KEMNAKER_READER_TEST_PG, stopped and
# removed afterwards whatever the command does. Where PostgreSQL is not installed the command runs
# without it (the PostgreSQL tests then skip, saying why).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -u /tmp/kemnaker-pg-XXXXXX)
if url=$("$here/pg_cluster.sh" start "$dir" 2>/tmp/kemnaker-pg-start.log); then
    trap '"$here/pg_cluster.sh" stop "$dir"' EXIT
    export KEMNAKER_READER_TEST_PG="$url"
    echo "PostgreSQL test cluster: $url"
else
    echo "no PostgreSQL test cluster: $(tail -n 1 /tmp/kemnaker-pg-start.log)"
    "$here/pg_cluster.sh" stop "$dir" 2>/dev/null
fi
"$@"
