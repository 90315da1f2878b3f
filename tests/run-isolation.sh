#!/usr/bin/env bash
# Isolation specs: tests/specs/*.spec against expected/*.out, every permutation.
source "$(dirname "$0")/run-suite-lib.sh"
suite_run isolation specs isolation/pg_isolation_regress spec ipto_isolation
