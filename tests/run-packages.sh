#!/bin/bash
# Debian packages suite. Builds postgresql-15-ipto and ipto-front from the
# committed tree (HEAD; uncommitted changes are not in it) with
# `dpkg-buildpackage -b -us -uc` in a temporary copy, installs both packages
# on this machine, checks what they installed (files owned and intact, the
# configuration, the system user, the systemd unit, the man page, the
# extension's install and upgrade scripts), then runs the end-to-end suite
# against the installed /usr/bin/ipto-front and the installed extension.
#
# Runs as root: under sudo without a password if need be (else it is
# skipped: exit 77).
# The packages stay installed: removing them would take the extension's files
# out of PostgreSQL's directories (`cmake --install build` puts them back).
# Installing over files that `cmake --install build` put there is fine: dpkg
# takes them over. Arguments are passed to tests/run-e2e.sh (e.g. test names).
# PACKAGES_KEEP=1 keeps the work folder (the copy, the build log, the .debs).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IPTO_SOURCE_DIR=${IPTO_SOURCE_DIR:-$(dirname "$here")}

if [ "$(id -u)" != 0 ]; then
    if sudo -n true 2>/dev/null; then
        exec sudo -n -E "$0" "$@"
    fi
    echo "run-packages.sh: skipped: installing packages needs root or sudo without a password"
    exit 77
fi
as_root() { env DEBIAN_FRONTEND=noninteractive "$@"; }

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
git() { command git -c safe.directory="$IPTO_SOURCE_DIR" "$@"; }  # run by root in another's clone
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
# What follows loads the extension from PostgreSQL's directories, which
# `cmake --install` (from any tree on this machine) also writes. If the
# package's files were written over since the installation, they are put back
# (once per step), so that what follows tests the package.
extension_intact() {  # extension_intact WHAT-FOLLOWS
    local changed
    changed=$(dpkg --verify postgresql-15-ipto)
    [ -z "$changed" ] && return 0
    echo "note: the extension's files were written over since the installation (cmake --install?):"
    echo "$changed"
    echo "note: installing the package's again before $1"
    dpkg -i "$ext_deb" >"$work/reinstall.log" 2>&1 || { cat "$work/reinstall.log"; return 1; }
    changed=$(dpkg --verify postgresql-15-ipto)
    [ -z "$changed" ] && return 0
    echo "FAIL: the extension's files are still not the package's:"
    echo "$changed"
    return 1
}

step "creating and updating the extension from the packaged scripts"
extension_intact "the extension checks" || exit 1
source "$src/scripts/pg-cluster.sh"
pgdir=$work/pg
cluster_init "$pgdir"
port=$(free_port)
cluster_start "$pgdir" "$port"
for f in $(dpkg -L postgresql-15-ipto | grep '/extension/ipto--.*\.sql$'); do
    v=$(basename "$f" .sql); v=${v#ipto--}
    case $v in *--*) continue ;; esac  # an upgrade script
    db=ipto_from_${v//./_}
    cluster_psql "$pgdir" "$port" -q -d postgres -c "CREATE DATABASE $db" >/dev/null
    reached=$(cluster_psql "$pgdir" "$port" -q -d "$db" -At -c "SET client_min_messages = warning" \
        -c "CREATE EXTENSION ipto VERSION '$v'" -c "ALTER EXTENSION ipto UPDATE" \
        -c "SELECT extversion FROM pg_extension WHERE extname = 'ipto'" 2>&1) || true
    check "CREATE EXTENSION ipto VERSION '$v', then ALTER EXTENSION ipto UPDATE reaches $default_version" \
        test "$reached" = "$default_version"
    [ "$reached" = "$default_version" ] || echo "$reached"
done

# The installed front as the unit runs it: as ipto_front, with the packaged
# env file (read here by the shell; only the address and the database
# differ), under strace when there is one, to check that every system call it
# makes passes the unit's SystemCallFilter=.
step "the installed front as the service user, with $env_file"
db=ipto_from_${default_version//./_}
password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
cluster_psql "$pgdir" "$port" -q -d "$db" \
    -c "CREATE ROLE ipto_front LOGIN PASSWORD '$password' IN ROLE ipto_api" >/dev/null
tenant=$(cluster_psql "$pgdir" "$port" -q -At -d "$db" -c "SELECT ipto.create_tenant('packages suite')")
key=$(cluster_psql "$pgdir" "$port" -q -At -d "$db" \
    -c "SELECT ipto.create_api_key('$tenant', 'packages suite', ARRAY['datasets:read', 'datasets:write'])")
tracer=()
if command -v strace >/dev/null; then
    install -o ipto_front -m 600 /dev/null "$work/front.strace"
    tracer=(strace -f -qq -c -o "$work/front.strace")
else
    echo "note: no strace here; the system call filter is not checked"
fi
(
    set -a
    # shellcheck disable=SC1090
    . "$env_file"
    set +a
    IPTO_LISTEN=127.0.0.1:0
    IPTO_DATABASE_URL="host=127.0.0.1 port=$port dbname=$db user=ipto_front password=$password"
    exec setpriv --reuid=ipto_front --regid=ipto_front --init-groups -- "${tracer[@]}" /usr/bin/ipto-front
) >"$work/front.stdout" 2>"$work/front.stderr" &
launcher=$!
front_port=
for _ in $(seq 100); do
    front_port=$(sed -n 's/.*"event":"listening".*"port":"\([0-9]*\)".*/\1/p' "$work/front.stderr")
    [ -n "$front_port" ] || ! kill -0 "$launcher" 2>/dev/null && break
    sleep 0.1
done
front=$launcher
[ ${#tracer[@]} = 0 ] || front=$(ps -o pid= --ppid "$launcher" | tr -d ' ')
check "the front runs as ipto_front" test "$(ps -o user= -p "$front" 2>/dev/null || true)" = ipto_front
check "the front listens" test -n "$front_port"
if [ -n "$front_port" ]; then
    url=http://127.0.0.1:$front_port
    status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
    check "GET /readyz answers 200 (the packaged extension, through the front)" test "$(status "$url/readyz")" = 200
    check "GET /metrics answers 200" test "$(status "$url/metrics")" = 200
    check "POST /v1/datasets (gzip body) answers 201" test "$(printf '{"name": "packaged"}' | gzip |
        status -X POST "$url/v1/datasets" -H "X-API-Key: $key" -H 'Content-Type: application/json' \
            -H 'Content-Encoding: gzip' --data-binary @-)" = 201
    check "GET /v1/datasets answers 200" test "$(status "$url/v1/datasets?limit=5" -H "X-API-Key: $key")" = 200
fi
kill -TERM "$front" 2>/dev/null || true
front_status=0
wait "$launcher" || front_status=$?
check "the front exits 0 on SIGTERM" test "$front_status" = 0
[ "$front_status" = 0 ] || tail -n 20 "$work/front.stderr"
if [ ${#tracer[@]} != 0 ]; then
    check "every system call the front made passes the unit's SystemCallFilter=" \
        python3 - "$unit" "$work/front.strace" <<'PY'
import re, subprocess, sys

def expand(name):
    if not name.startswith("@"):
        return {name}
    out = subprocess.run(["systemd-analyze", "syscall-filter", name], capture_output=True, text=True,
                         check=True).stdout
    names = set()
    for line in out.splitlines()[1:]:
        word = line.strip()
        if word and not word.startswith("#"):
            names |= expand(word)
    return names

allowed = None
for line in open(sys.argv[1]):
    m = re.match(r"SystemCallFilter=(~?)(.*)", line.strip())
    if m:
        names = set().union(*(expand(n) for n in m.group(2).split()))
        if m.group(1):
            if allowed is None:
                sys.exit("a deny-list filter: nothing to check against")
            allowed -= names
        else:
            allowed = (allowed or set()) | names
used = set()
for line in open(sys.argv[2]):
    fields = line.split()
    if fields and re.match(r"^[0-9.]+$", fields[0]) and fields[-1] != "total":
        used.add(fields[-1])
if not used:
    sys.exit("strace recorded no system call")
refused = sorted(used - allowed)
print("  %d system calls made, all allowed" % len(used) if not refused else "  refused: " + " ".join(refused))
sys.exit(1 if refused else 0)
PY
fi
cluster_stop "$pgdir"

# The package's autopkgtest (what Debian's CI would run): pg_regress and the
# isolation specs against the installed extension.
step "debian/tests/installcheck (pg_regress and isolation against the installed extension)"
extension_intact "the installcheck" || exit 1
if (cd "$src" && debian/tests/installcheck) >"$work/installcheck.log" 2>&1; then
    echo "ok: debian/tests/installcheck ($(grep -c '^test .* ok' "$work/installcheck.log") tests)"
else
    tail -n 80 "$work/installcheck.log"
    echo "FAIL: debian/tests/installcheck"
    failures=$((failures + 1))
fi

if [ "$failures" != 0 ]; then
    echo "$failures package check(s) failed; the end-to-end suite is not run"
    exit 1
fi

# 3. The end-to-end suite (the committed one) against the installed front and
# extension: no build tree involved.
step "end-to-end suite against /usr/bin/ipto-front and the packaged extension"
extension_intact "the end-to-end suite" || exit 1
e2e_status=0
IPTO_FRONT_BINARY=/usr/bin/ipto-front IPTO_SOURCE_DIR=$src IPTO_BUILD_DIR=$work/no-build-tree \
    "$src/tests/run-e2e.sh" "$@" || e2e_status=$?
if [ -n "$(dpkg --verify postgresql-15-ipto)" ]; then
    echo "WARNING: the extension's files were written over during the end-to-end suite (cmake --install?);" \
         "it may have run that build of the extension rather than the package's:"
    dpkg --verify postgresql-15-ipto
fi
step "done"
exit $e2e_status
