#!/usr/bin/env bash
# The distributed suite, on throwaway Citus clusters (a coordinator and two
# workers): (a) the end-to-end suite (run-e2e.sh with IPTO_E2E_DISTRIBUTED=1),
# (b) pg_regress over tests/sql, (c) the isolation specs over tests/specs.
# For (b) and (c) each file gets a fresh database with citus and ipto, after
# SELECT ipto.distribute(). Runs all three parts, then exits non-zero if any
# failed; exits 77 (skipped) when Citus is neither installed nor installable
# from here. Arguments name the parts to run (e2e regress isolation; all by
# default). Set DISTRIBUTED_KEEP=1 to keep the work folder.
source "$(dirname "$0")/run-suite-lib.sh"
here=$IPTO_SOURCE_DIR/tests
export IPTO_SOURCE_DIR PG_BINDIR
export IPTO_BUILD_DIR=${IPTO_BUILD_DIR:-$IPTO_SOURCE_DIR/build}

if [ ! -f "$(pg_config --pkglibdir)/citus.so" ]; then
    # Our machines have no package with Citus; a source build sits beside the repository.
    installer=$IPTO_SOURCE_DIR/../shared/citus/install-citus.sh
    if [ ! -f "$installer" ]; then
        echo "run-distributed.sh: Citus is not installed ($(pg_config --pkglibdir)/citus.so) and there is no" \
             "$installer to build it; skipping (install Citus 13.2 for PostgreSQL 15 to run this suite)" >&2
        exit 77
    fi
    echo "==> installing Citus with $installer"
    bash "$installer"
fi

work=$(suite_workdir distributed)
cluster=$work/cluster
child=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; fi
    citus_cluster_stop "$cluster" immediate
    # Whatever is still up (a node that would not stop), through its pid file.
    for f in "$cluster"/*/data/postmaster.pid; do
        [ -f "$f" ] && kill -KILL "$(head -n 1 "$f")" 2>/dev/null
    done
    if [ "${DISTRIBUTED_KEEP:-}" = 1 ]; then echo "run-distributed.sh: kept $work" >&2; else rm -rf "$work"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# In the background, so that a signal to this script is handled at once.
run() {
    "$@" &
    child=$!
    local status=0
    wait "$child" || status=$?
    child=
    return "$status"
}

failed=()
parts=" ${*:-e2e regress isolation} "

if [[ $parts == *" e2e "* ]]; then
    echo "==> (a) the end-to-end suite on a Citus cluster"
    run env IPTO_E2E_DISTRIBUTED=1 "$here/run-e2e.sh" || failed+=(e2e)
fi
[[ $parts == *" regress "* || $parts == *" isolation "* ]] || { [ ${#failed[@]} = 0 ]; exit; }

echo "==> a Citus cluster for pg_regress and the isolation specs"
citus_cluster_init "$cluster" 2
citus_cluster_start "$cluster"
coordinator_port=$(citus_cluster_port "$cluster" coordinator)

# fresh_database DB [SQL]: DB dropped on every node, then made again with
# citus, the workers added, ipto created and distributed; then SQL, if any,
# on the coordinator.
fresh_database() {
    local db=$1 extra=${2:-} node out tries
    for node in $(citus_cluster_nodes "$cluster"); do
        # Citus may still be resolving a prepared transaction in it: try again.
        for tries in $(seq 20 -1 0); do
            out=$(citus_cluster_psql "$cluster" "$node" -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>&1) \
                && break
            [ "$tries" = 0 ] && { echo "$out" >&2; return 1; }
            sleep 0.5
        done
    done
    citus_cluster_create_db "$cluster" "$db" || return 1
    citus_cluster_psql "$cluster" coordinator -d "$db" -qc "CREATE EXTENSION ipto" || return 1
    # A distribute() that waits forever (on a lock of its own) fails here, not at ctest's timeout.
    if ! out=$(PGOPTIONS="-c statement_timeout=300s" citus_cluster_psql "$cluster" coordinator -d "$db" \
            -qAtc "SELECT ipto.distribute()" 2>&1); then
        echo "run-distributed.sh: SELECT ipto.distribute() failed on the coordinator; without it nothing here" \
             "is distributed:" >&2
        echo "$out" >&2
        return 1
    fi
    [ -z "$extra" ] || citus_cluster_psql "$cluster" coordinator -d "$db" -qAtc "$extra" >/dev/null
}

# Files that do not apply to a distributed ipto, each with why.
#   08_upgrade: it drops and re-creates the extension in its database; a
#   DROP EXTENSION leaves a distributed ipto's shards behind (Citus drops the
#   shards of a dropped table, not of an extension's: docs/SCALE-OUT.md).
single_node_only=" 08_upgrade "

# run_files PART INPUTS TOOL EXT DB [SQL]: TOOL over each tests/INPUTS/*.EXT
# on its own fresh database (SQL run there first), outputs in $work/PART/NAME.
run_files() {
    local part=$1 inputs=$2 tool=$3 ext=$4 db=$5 extra=${6:-} name status=0 differ=()
    for name in $(cd "$IPTO_SOURCE_DIR/tests/$inputs" && ls *."$ext" | sed "s/\.$ext\$//" | sort); do
        if [[ $single_node_only == *" $name "* ]]; then
            echo "==> $part: $name skipped (one node only; see tests/run-distributed.sh)"
            continue
        fi
        if ! fresh_database "$db" "$extra"; then
            echo "run-distributed.sh: $part stopped at $name: no distributed database" >&2
            return 1
        fi
        mkdir -p "$work/$part/$name"
        [ "$(id -u)" = 0 ] && chown postgres: "$work/$part/$name"
        if ! run as_pg_user "$PGXS_DIR/test/$tool" --use-existing --host="$cluster/coordinator" \
                --port="$coordinator_port" --bindir="$PG_BINDIR" --inputdir="$work/in" \
                --outputdir="$work/$part/$name" --dbname="$db" "$name"; then
            status=1
            differ+=("$name")
            [ -f "$work/$part/$name/regression.diffs" ] && cat "$work/$part/$name/regression.diffs"
        fi
    done
    [ ${#differ[@]} = 0 ] || echo "==> $part: differs from expected/: ${differ[*]}"
    return "$status"
}

suite_inputs "$work" sql
cp -rL "$IPTO_SOURCE_DIR/tests/specs" "$work/in/specs"
[ "$(id -u)" = 0 ] && chown -R postgres: "$work/in"

if [[ $parts == *" regress "* ]]; then
    echo "==> (b) pg_regress on the cluster"
    run_files regress sql regress/pg_regress sql ipto_regress || failed+=(regress)
fi
if [[ $parts == *" isolation "* ]]; then
    echo "==> (c) isolation specs on the cluster"
    # A session waiting on a worker's lock looks idle on the coordinator:
    # Citus's own isolation tests swap in its cluster-wide check of who is blocked.
    run_files isolation specs isolation/pg_isolation_regress spec ipto_isolation \
        "SELECT citus_internal.replace_isolation_tester_func()" || failed+=(isolation)
fi

if [ ${#failed[@]} != 0 ]; then
    echo "run-distributed.sh: failed: ${failed[*]}" >&2
    exit 1
fi
echo "run-distributed.sh: all passed"
