#!/usr/bin/env bash
# The front and the pure core under AddressSanitizer (with LeakSanitizer) and
# UndefinedBehaviorSanitizer: a separate build tree ($IPTO_BUILD_DIR/sanitize,
# -DIPTO_SANITIZE=ON), then the unit tests and the whole end-to-end suite
# against that ipto-front. Any report fails: UBSan aborts on the first
# finding (-fno-sanitize-recover), ASan on the first bad access, and LSan makes
# a leaking front exit non-zero at its SIGTERM, which the e2e tests check.
# The extension stays as installed: PostgreSQL itself is not sanitized.
set -euo pipefail
root=${IPTO_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${IPTO_BUILD_DIR:-$root/build}/sanitize

cmake -S "$root" -B "$build" -DIPTO_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target ipto-front ipto_unit_tests >/dev/null

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=23
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "== unit tests (sanitized)"
"$build/ipto_unit_tests" --gtest_brief=1
echo "== end-to-end suite against the sanitized ipto-front"
IPTO_BUILD_DIR=$build "$root/tests/run-e2e.sh"
