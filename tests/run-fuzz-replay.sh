#!/usr/bin/env bash
# Replays every fuzz target's corpus (tests/fuzz/corpus/<target>/) under
# AddressSanitizer and UndefinedBehaviorSanitizer: what the fuzzers once
# found, or were seeded with, must still pass. Long runs: scripts/fuzz.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$("$root/tests/fuzz/build.sh")
failed=0; passed=0
for bin in "$out"/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")
    corpus="$root/tests/fuzz/corpus/$name"
    if "$bin" -runs=0 -artifact_prefix="$out/" "$corpus" >"$out/$name.replay.log" 2>&1; then
        passed=$((passed + 1)); echo "ok   $name ($(ls "$corpus" | wc -l) inputs)"
    else
        failed=$((failed + 1)); echo "FAIL $name"; tail -30 "$out/$name.replay.log"
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
