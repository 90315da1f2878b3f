# Shared by the pg_regress and isolation runners. Sourced.
set -euo pipefail
IPTO_SOURCE_DIR=${IPTO_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
source "$IPTO_SOURCE_DIR/scripts/pg-cluster.sh"
PGXS_DIR=$(dirname "$(pg_config --pgxs)")/..

# A work folder the unprivileged server user can read and write.
suite_workdir() {
    local dir
    dir=$(mktemp -d "/tmp/ipto-$1.XXXXXX")
    chmod 755 "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    echo "$dir"
}

# Copies tests/<what> and expected/ into the work folder (following links).
suite_inputs() {
    local work=$1 what=$2
    mkdir -p "$work/in"
    cp -rL "$IPTO_SOURCE_DIR/tests/$what" "$work/in/$what"
    cp -rL "$IPTO_SOURCE_DIR/expected" "$work/in/expected"
    if [ "$(id -u)" = 0 ]; then chown -R postgres: "$work"; fi
}

# On failure, shows the diffs and keeps the folder; on success removes it.
suite_finish() {
    local work=$1 status=$2
    if [ "$status" != 0 ]; then
        [ -f "$work/out/regression.diffs" ] && cat "$work/out/regression.diffs"
        echo "kept for inspection: $work" >&2
    else
        rm -rf "$work"
    fi
    return "$status"
}

# suite_run NAME INPUTS TOOL EXT DBNAME: runs the PGXS tool (pg_regress or
# pg_isolation_regress) over tests/INPUTS/*.EXT on a temporary instance.
suite_run() {
    local name=$1 inputs=$2 tool=$3 ext=$4 dbname=$5 work tests status=0
    work=$(suite_workdir "$name")
    suite_inputs "$work" "$inputs"
    mkdir -p "$work/out"; [ "$(id -u)" = 0 ] && chown postgres: "$work/out"
    tests=$(cd "$IPTO_SOURCE_DIR/tests/$inputs" && ls *."$ext" | sed "s/\.$ext\$//" | sort)
    as_pg_user "$PGXS_DIR/test/$tool" --temp-instance="$work/instance" --port="$(free_port)" \
        --bindir="$PG_BINDIR" --inputdir="$work/in" --outputdir="$work/out" --load-extension=ipto \
        --dbname="$dbname" $tests || status=$?
    suite_finish "$work" "$status"
}
