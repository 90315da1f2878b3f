#!/usr/bin/env bash
# Isolation specs: tests/specs/*.spec against expected/*.out, every permutation.
source "$(dirname "$0")/run-suite-lib.sh"
work=$(suite_workdir isolation)
suite_inputs "$work" specs
mkdir -p "$work/out"; [ "$(id -u)" = 0 ] && chown postgres: "$work/out"
specs=$(cd "$IPTO_SOURCE_DIR/tests/specs" && ls *.spec | sed 's/\.spec$//' | sort)
status=0
as_pg_user "$PGXS_DIR/test/isolation/pg_isolation_regress" --temp-instance="$work/instance" --port="$(free_port)" \
    --bindir="$PG_BINDIR" --inputdir="$work/in" --outputdir="$work/out" --load-extension=ipto \
    --dbname=ipto_isolation $specs || status=$?
suite_finish "$work" "$status"
