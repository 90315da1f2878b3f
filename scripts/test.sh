#!/usr/bin/env bash
# Every test: unit (GoogleTest), pg_regress, isolation, concurrent workload,
# end-to-end over HTTP. Each suite starts and removes its own throwaway
# PostgreSQL; nothing touches the demo cluster or the system one.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "==> testing"
ctest --test-dir build --output-on-failure "$@"
