#!/bin/bash
# Lifecycle suite: backups that restore exactly (plain, custom, parallel
# directory dumps; into a cluster without ipto's roles) and the update from
# every released version, against the installed extension and
# $IPTO_BUILD_DIR/ipto-front. Clusters of its own, removed on exit. Prints
# "N passed, N failed".
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export IPTO_SOURCE_DIR=${IPTO_SOURCE_DIR:-$(dirname "$here")}
export IPTO_BUILD_DIR=${IPTO_BUILD_DIR:-$IPTO_SOURCE_DIR/build}
export PG_BINDIR=${PG_BINDIR:-$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)}

workdir=$(mktemp -d /tmp/ipto-lifecycle.XXXXXX)
chmod 755 "$workdir"
export E2E_WORKDIR=$workdir

cleanup() {
    local rc=$?
    for f in "$workdir"/*/*.pid "$workdir"/*/pg/*.pid; do
        [ -e "$f" ] || continue
        kill -KILL "$(cat "$f")" 2>/dev/null || true
    done
    for pidfile in "$workdir"/*/pg/data/postmaster.pid; do
        [ -e "$pidfile" ] || continue
        kill -QUIT "$(head -n 1 "$pidfile")" 2>/dev/null || true
    done
    sleep 0.5
    rm -rf "$workdir"
    exit $rc
}
trap cleanup EXIT

python3 "$here/lifecycle/run.py" "$@" &
suite=$!
trap 'kill -TERM $suite 2>/dev/null || true; wait $suite 2>/dev/null || true; exit 130' INT TERM
wait $suite
