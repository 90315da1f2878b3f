#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer, UndefinedBehaviorSanitizer)
# into build-fuzz/. Each target links the pure core only.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${IPTO_FUZZ_BUILD:-$root/build-fuzz}
mkdir -p "$out"
cxx=$(command -v clang++ || command -v clang++-14)
flags=(-std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -fsanitize-ignorelist="$root/tests/fuzz/ubsan-ignore.txt" -I"$root/core" -I"$root/http_front")
# The core once, as an archive without the fuzzer's main.
objs=()
# The front's pure parsers too (no httplib, no libpq in these files).
for src in "$root"/core/*.cpp "$root"/http_front/{query_params,router,media_type,error_map,http_message,framing,chunked_framing}.cpp; do
    obj="$out/$(basename "${src%.cpp}").o"
    if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ]; then
        "$cxx" "${flags[@]/-fsanitize=fuzzer,/-fsanitize=fuzzer-no-link,}" -c "$src" -o "$obj"
    fi
    objs+=("$obj")
done
for target in "$root"/tests/fuzz/fuzz_*.cpp; do
    name=$(basename "${target%.cpp}")
    "$cxx" "${flags[@]}" "$target" "${objs[@]}" -o "$out/$name"
done
echo "$out"
