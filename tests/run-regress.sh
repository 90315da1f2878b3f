#!/usr/bin/env bash
# pg_regress: tests/sql/*.sql against expected/*.out, on a temporary instance.
source "$(dirname "$0")/run-suite-lib.sh"
work=$(suite_workdir regress)
suite_inputs "$work" sql
mkdir -p "$work/out"; [ "$(id -u)" = 0 ] && chown postgres: "$work/out"
tests=$(cd "$IPTO_SOURCE_DIR/tests/sql" && ls *.sql | sed 's/\.sql$//' | sort)
status=0
as_pg_user "$PGXS_DIR/test/regress/pg_regress" --temp-instance="$work/instance" --port="$(free_port)" \
    --bindir="$PG_BINDIR" --inputdir="$work/in" --outputdir="$work/out" --load-extension=ipto \
    --dbname=ipto_regress $tests || status=$?
suite_finish "$work" "$status"
