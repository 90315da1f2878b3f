#!/usr/bin/env bash
# Long fuzzing runs (not part of the test suite): each libFuzzer target for
# SECONDS (default 600), one after another, growing its corpus in
# tests/fuzz/corpus/<target>/ (commit what it adds; CI replays it).
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-600}; shift || true
out=$("$root/tests/fuzz/build.sh")
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(cd "$out" && ls fuzz_* | grep -v '\.' ))
for t in "${targets[@]}"; do
    corpus="$root/tests/fuzz/corpus/$t"
    mkdir -p "$corpus" "$out/new-$t"
    echo "== $t for ${seconds}s"
    # New inputs go to a scratch folder, then only those that add coverage
    # are merged into the committed corpus.
    # A finding stops that target only; its input is left in build-fuzz/.
    if ! "$out/$t" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$out/" -print_final_stats=1 "$out/new-$t" "$corpus" >"$out/$t.log" 2>&1; then
        echo "FINDING in $t: see $out/$t.log"
    fi
    tail -12 "$out/$t.log"
    "$out/$t" -merge=1 "$corpus" "$out/new-$t" 2>&1 | tail -1
    rm -rf "$out/new-$t"
done
