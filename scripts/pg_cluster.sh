#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests: `start DIR` makes one in DIR, listening on a Unix
# socket in DIR only (no TCP), and prints its URL; `stop DIR` stops it and removes DIR.
# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.
set -euo pipefail
action=${1:?usage: pg_cluster.sh start|stop DIR}
dir=${2:?usage: pg_cluster.sh start|stop DIR}

bindir() {
    local initdb
    initdb=$(command -v initdb 2>/dev/null || true)
    if [ -z "$initdb" ]; then
        initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
    fi
    [ -n "$initdb" ] || return 1
    dirname "$initdb"
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
start)
    bin=$(bindir) || { echo "PostgreSQL is not installed (no initdb found)" >&2; exit 3; }
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$dir"
        # the server (another user) must reach DIR through its parents
        as_owner test -x "$dir" || { echo "$dir: the postgres user cannot reach it" >&2; exit 1; }
    fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # Nothing here outlives the run, so nothing is made durable (fsync, synchronous_commit,
    # full_page_writes off) and the write-ahead log holds only what crash recovery needs
    # (wal_level minimal: no replicas, max_wal_senders 0). Autovacuum is off: its visits came at
    # times of their own (a worker a few seconds apart across the run's databases), so no
    # test could count on one, and the planner of a test's store sees no statistics but those
    # the test makes itself. Together they saved the cluster ~1.5 s of CPU a run.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off \
            -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 \
            -c wal_level=minimal -c max_wal_senders=0 -c autovacuum=off" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql://postgres@/postgres?host=$dir"
    ;;
stop)
    bin=$(bindir) || exit 0
    if [ -d "$dir/data" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: pg_cluster.sh start|stop DIR" >&2
    exit 2
    ;;
esac
