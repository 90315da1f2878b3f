#!/bin/bash
# Debian packages suite. Builds postgresql-15-ipto and ipto-front from the
# committed tree (HEAD; uncommitted changes are not in it) with
# `dpkg-buildpackage -b -us -uc` in a temporary copy, installs both packages
# on this machine, checks what they installed (files owned and intact, the
# configuration, the system user, the systemd unit, the man page, the
# extension's install and upgrade scripts), then runs the end-to-end suite
# against the installed /usr/bin/ipto-front and the installed extension.
#
# Needs root, or sudo without a password (else it is skipped: exit 77).
# The packages stay installed: removing them would take the extension's files
# out of PostgreSQL's directories (`cmake --install build` puts them back).
# Installing over files that `cmake --install build` put there is fine: dpkg
# takes them over. Arguments are passed to tests/run-e2e.sh (e.g. test names).
# PACKAGES_KEEP=1 keeps the work folder (the copy, the build log, the .debs).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IPTO_SOURCE_DIR=${IPTO_SOURCE_DIR:-$(dirname "$here")}

if [ "$(id -u)" = 0 ]; then
    SUDO=()
elif sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    echo "run-packages.sh: skipped: installing packages needs root or sudo without a password"
    exit 77
fi
as_root() { "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive "$@"; }

start=$(date +%s)
step() { echo "== [$(( $(date +%s) - start ))s] $*"; }
failures=0
check() {  # check DESCRIPTION COMMAND...: runs COMMAND, reports, counts failures
    local what=$1; shift
    if "$@"; then
        echo "ok: $what"
    else
        echo "FAIL: $what"
        failures=$((failures + 1))
    fi
}

work=$(mktemp -d /tmp/ipto-packages.XXXXXX)
chmod 755 "$work"
cleanup() {
    local rc=$?
    if [ -f "$work/pg/data/postmaster.pid" ] && declare -F cluster_stop >/dev/null; then
        cluster_stop "$work/pg" immediate
    fi
    if [ "${PACKAGES_KEEP:-}" = 1 ]; then
        echo "run-packages.sh: kept $work" >&2
    else
        rm -rf "$work"
    fi
    exit $rc
}
trap cleanup EXIT

# 1. The committed tree, built as a packager would.
step "copying the committed tree"
src=$work/ipto
mkdir "$src"
if ! git -C "$IPTO_SOURCE_DIR" rev-parse --verify -q HEAD >/dev/null; then
    echo "run-packages.sh: $IPTO_SOURCE_DIR is not a git checkout with a commit; this suite builds HEAD" >&2
    exit 1
fi
git -C "$IPTO_SOURCE_DIR" archive --format=tar HEAD | tar -C "$src" -xf -
rev=$(git -C "$IPTO_SOURCE_DIR" rev-parse --short HEAD)
if [ -n "$(git -C "$IPTO_SOURCE_DIR" status --porcelain)" ]; then
    echo "note: the working tree has uncommitted changes; this suite builds and tests HEAD ($rev) only"
else
    echo "HEAD is $rev"
fi

cd "$src"
if ! dpkg-checkbuilddeps 2>"$work/builddeps.txt"; then
    cat "$work/builddeps.txt"
    step "installing the missing build dependencies"
    as_root apt-get build-dep -y -q "$src" >"$work/build-dep.log" 2>&1 || { tail -n 30 "$work/build-dep.log"; exit 1; }
fi

version=$(dpkg-parsechangelog -S Version)
upstream=${version%-*}
step "dpkg-buildpackage -b -us -uc ($version)"
if ! dpkg-buildpackage -b -us -uc -j"${IPTO_PACKAGES_JOBS:-$(nproc)}" >"$work/build.log" 2>&1; then
    tail -n 60 "$work/build.log"
    echo "FAIL: dpkg-buildpackage (log: $work/build.log, kept)"
    PACKAGES_KEEP=1
    exit 1
fi
cd "$work"
arch=$(dpkg --print-architecture)
ext_deb=$work/postgresql-15-ipto_${version}_${arch}.deb
front_deb=$work/ipto-front_${version}_${arch}.deb
ls -l "$ext_deb" "$front_deb"

# 2. Installed on this machine, over whatever was there.
step "installing the packages"
as_root apt-get install -y -q --reinstall --allow-downgrades --no-install-recommends \
    "$ext_deb" "$front_deb" >"$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }

step "checking what the packages installed"
for p in postgresql-15-ipto ipto-front; do
    check "$p $version is installed" \
        test "$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$p")" = "installed $version"
done
# dpkg --verify prints one line per file whose contents differ from the package's.
check "dpkg --verify: every file as packaged" test -z "$(dpkg --verify postgresql-15-ipto ipto-front)"

pkglibdir=$(pg_config --pkglibdir)
extdir=$(pg_config --sharedir)/extension
owned_by() {  # owned_by PACKAGE PATH
    dpkg -S "$2" 2>/dev/null | grep -q "^$1: $2\$"
}
check "$pkglibdir/ipto.so is postgresql-15-ipto's" owned_by postgresql-15-ipto "$pkglibdir/ipto.so"
check "$extdir/ipto.control is postgresql-15-ipto's" owned_by postgresql-15-ipto "$extdir/ipto.control"
for f in "$src"/sql/ipto--*.sql; do
    check "$extdir/$(basename "$f") is postgresql-15-ipto's" owned_by postgresql-15-ipto "$extdir/$(basename "$f")"
done
packaged_scripts=$(dpkg -L postgresql-15-ipto | grep -c '/extension/ipto--.*\.sql$' || true)
check "the package has every sql/ipto--*.sql ($packaged_scripts)" \
    test "$packaged_scripts" = "$(ls "$src"/sql/ipto--*.sql | wc -l)"
default_version=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$extdir/ipto.control")
check "the extension's default_version ($default_version) is the package's ($upstream)" \
    test "$default_version" = "$upstream"

env_file=/etc/ipto/ipto-front.env
check "$env_file is ipto-front's conffile" \
    bash -c "dpkg-query -W -f='\${Conffiles}\n' ipto-front | grep -q '^ $env_file '"
check "$env_file is readable by root only (it may hold a password)" \
    test "$(stat -c '%a %U' "$env_file")" = "640 root"
for var in $(grep -o '"IPTO_[A-Z_]*"' "$src/http_front/config.cpp" | tr -d '"' | sort -u); do
    check "$env_file sets $var" grep -q "^$var=" "$env_file"
done
check "system user ipto_front exists, without a login shell" \
    bash -c 'getent passwd ipto_front | grep -q ":/usr/sbin/nologin$"'
unit=/lib/systemd/system/ipto-front.service
check "$unit is ipto-front's" owned_by ipto-front "$unit"
check "the unit runs as ipto_front with $env_file" \
    bash -c "grep -qx 'User=ipto_front' '$unit' && grep -qx 'EnvironmentFile=$env_file' '$unit'"
for setting in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes CapabilityBoundingSet=; do
    check "the unit has $setting" grep -qx "$setting" "$unit"
done
if command -v systemd-analyze >/dev/null; then
    check "systemd-analyze verify $unit" systemd-analyze verify "$unit"
    # Offline (systemd is not necessarily PID 1 here): the exposure score.
    if exposure=$(systemd-analyze security --offline=yes --no-pager "$unit" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p') \
            && [ -n "$exposure" ]; then
        check "systemd-analyze security: exposure $exposure below 3.0" awk -v e="$exposure" 'BEGIN { exit !(e < 3.0) }'
    fi
else
    echo "note: no systemd-analyze here; the unit is not verified"
fi
if [ -d /run/systemd/system ]; then
    echo "note: systemd runs here; the unit is left as installed (not enabled, not started)"
else
    echo "note: systemd is not PID 1 here ($(ps -o comm= -p 1 2>/dev/null || echo '?')); no service is started"
fi

help=$(/usr/bin/ipto-front --help) || true
check "ipto-front --help exits 0" bash -c '/usr/bin/ipto-front --help >/dev/null'
check "ipto-front with a bad argument exits 2" bash -c '/usr/bin/ipto-front --pool 0 2>/dev/null; test $? = 2'
man=/usr/share/man/man1/ipto-front.1.gz
check "$man is ipto-front's" owned_by ipto-front "$man"
man_text=$(zcat "$man" | sed 's/\\-/-/g')
for flag in $(grep -o -- '--[a-z][a-z-]*' <<<"$help" | sort -u); do
    check "the man page documents $flag (from --help)" grep -q -- "$flag" <<<"$man_text"
done

# The install and upgrade scripts, from the package's own files: every
# version installs, and updates to the default one.
step "creating and updating the extension from the packaged scripts"
source "$src/scripts/pg-cluster.sh"
pgdir=$work/pg
cluster_init "$pgdir"
port=$(free_port)
cluster_start "$pgdir" "$port"
for f in "$extdir"/ipto--*.sql; do
    v=$(basename "$f" .sql); v=${v#ipto--}
    case $v in *--*) continue ;; esac  # an upgrade script
    db=ipto_from_${v//./_}
    cluster_psql "$pgdir" "$port" -q -d postgres -c "CREATE DATABASE $db" >/dev/null
    check "CREATE EXTENSION ipto VERSION '$v', then ALTER EXTENSION ipto UPDATE reaches $default_version" \
        test "$(cluster_psql "$pgdir" "$port" -q -d "$db" -At \
            -c "SET client_min_messages = warning" -c "CREATE EXTENSION ipto VERSION '$v'" -c "ALTER EXTENSION ipto UPDATE" \
            -c "SELECT extversion FROM pg_extension WHERE extname = 'ipto'" 2>&1)" = "$default_version"
done

# The installed front as the unit runs it: as ipto_front, with the packaged
# env file (read here by the shell; only the address and the database differ).
step "the installed front as the service user, with $env_file"
password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
cluster_psql "$pgdir" "$port" -q -d "ipto_from_${default_version//./_}" \
    -c "CREATE ROLE ipto_front LOGIN PASSWORD '$password' IN ROLE ipto_api" >/dev/null
(
    set -a
    # shellcheck disable=SC1090
    . "$env_file"
    set +a
    IPTO_LISTEN=127.0.0.1:0
    IPTO_DATABASE_URL="host=127.0.0.1 port=$port dbname=ipto_from_${default_version//./_} user=ipto_front password=$password"
    exec setpriv --reuid=ipto_front --regid=ipto_front --init-groups -- /usr/bin/ipto-front
) >"$work/front.stdout" 2>"$work/front.stderr" &
front=$!
front_port=
for _ in $(seq 100); do
    front_port=$(sed -n 's/.*"event":"listening".*"port":"\([0-9]*\)".*/\1/p' "$work/front.stderr")
    [ -n "$front_port" ] || ! kill -0 "$front" 2>/dev/null && break
    sleep 0.1
done
check "the front runs as ipto_front" test "$(ps -o user= -p "$front" 2>/dev/null || true)" = ipto_front
check "the front listens" test -n "$front_port"
if [ -n "$front_port" ]; then
    check "GET /readyz answers 200 (the packaged extension, through the front)" \
        test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$front_port/readyz")" = 200
fi
kill -TERM "$front" 2>/dev/null || true
front_status=0
wait "$front" || front_status=$?
check "the front exits 0 on SIGTERM" test "$front_status" = 0
[ "$front_status" = 0 ] || tail -n 20 "$work/front.stderr"
cluster_stop "$pgdir"

if [ "$failures" != 0 ]; then
    echo "$failures package check(s) failed; the end-to-end suite is not run"
    exit 1
fi

# 3. The end-to-end suite (the committed one) against the installed front and
# extension: no build tree involved.
step "end-to-end suite against /usr/bin/ipto-front and the packaged extension"
e2e_status=0
IPTO_FRONT_BINARY=/usr/bin/ipto-front IPTO_SOURCE_DIR=$src IPTO_BUILD_DIR=$work/no-build-tree \
    "$src/tests/run-e2e.sh" "$@" || e2e_status=$?
# Something else (`cmake --install build` from another tree) may have written
# over the extension meanwhile; then the suite did not test the package's.
if [ -n "$(dpkg --verify postgresql-15-ipto)" ]; then
    echo "WARNING: the extension's files changed during the end-to-end suite:"
    dpkg --verify postgresql-15-ipto
fi
step "done"
exit $e2e_status
