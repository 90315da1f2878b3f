#!/bin/bash
# End-to-end suite: a throwaway PostgreSQL cluster (run as `postgres` when we
# are root), the installed ipto extension, and $IPTO_BUILD_DIR/ipto-front
# (or $IPTO_FRONT_BINARY when set, e.g. /usr/bin/ipto-front from the package),
# exercised over HTTP by tests/e2e/*.py. Prints "N passed, N failed"; exits
# non-zero on any failure. Everything it starts is stopped and removed on exit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export IPTO_SOURCE_DIR=${IPTO_SOURCE_DIR:-$(dirname "$here")}
export IPTO_BUILD_DIR=${IPTO_BUILD_DIR:-$IPTO_SOURCE_DIR/build}
export PG_BINDIR=${PG_BINDIR:-$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)}

if [ -n "${IPTO_FRONT_BINARY:-}" ]; then
    if [ ! -x "$IPTO_FRONT_BINARY" ]; then
        echo "run-e2e.sh: IPTO_FRONT_BINARY=$IPTO_FRONT_BINARY is not an executable" >&2
        exit 1
    fi
    export IPTO_FRONT_BINARY
elif [ ! -x "$IPTO_BUILD_DIR/ipto-front" ]; then
    echo "run-e2e.sh: $IPTO_BUILD_DIR/ipto-front is missing; build the ipto-front target first" >&2
    exit 1
fi

workdir=$(mktemp -d /tmp/ipto-e2e.XXXXXX)
chmod 755 "$workdir"  # the cluster runs as postgres and lives below here
export E2E_WORKDIR=$workdir

cleanup() {
    local rc=$?
    # Processes the suite started, found through their pid files, never by name.
    for f in "$workdir"/*.pid; do
        [ -e "$f" ] || continue
        kill -KILL "$(cat "$f")" 2>/dev/null || true
    done
    # The single server in pg/, or each node of a Citus cluster.
    for f in "$workdir"/*/data/postmaster.pid; do
        [ -f "$f" ] || continue
        pid=$(head -n 1 "$f")
        kill -QUIT "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    done
    if [ "${E2E_KEEP:-}" = "1" ]; then
        echo "run-e2e.sh: kept $workdir" >&2
    else
        rm -rf "$workdir"
    fi
    exit $rc
}
trap cleanup EXIT

# In the background, so that a signal to this script (ctest's timeout,
# Ctrl-C) is handled now, not when the suite would have finished.
python3 "$here/e2e/run_all.py" "$@" &
suite=$!
trap 'kill -TERM $suite 2>/dev/null || true; wait $suite 2>/dev/null || true; exit 130' INT TERM
wait $suite
