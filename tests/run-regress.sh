#!/usr/bin/env bash
# pg_regress: tests/sql/*.sql against expected/*.out, on a temporary instance.
source "$(dirname "$0")/run-suite-lib.sh"
suite_run regress sql regress/pg_regress sql ipto_regress
