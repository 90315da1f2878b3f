#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks (apt only), then builds and
# installs the extension (into pg_config's directories) and ipto-front.
# Idempotent: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config git ca-certificates curl python3 python3-requests nodejs npm
          postgresql-15 postgresql-server-dev-15 postgresql-contrib libpq-dev
          libcpp-httplib-dev rapidjson-dev libgtest-dev clang libclang-rt-14-dev wrk nginx
          debhelper dpkg-dev fakeroot postgresql-server-dev-all strace)  # the last line: Debian packages
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node may come from outside apt on some images; any node >= 18 has fetch.
if command -v node >/dev/null 2>&1; then
    missing=("${missing[@]/nodejs}")
fi
# npm (tests/typed-client and bench/peer install their pinned packages with
# `npm ci`): Debian packages it apart; a node from elsewhere brings its own.
if command -v npm >/dev/null 2>&1; then
    missing=("${missing[@]/npm}")
fi
if [ -n "$(echo "${missing[@]}" | tr -d ' ')" ]; then
    echo "==> installing: ${missing[*]}"
    if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends ${missing[*]} >/dev/null
fi
# The Debian package starts a system cluster; ipto never uses it.

echo "==> building"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
echo "==> installing the extension and ipto-front"
if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO cmake --install build >/dev/null
