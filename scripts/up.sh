#!/usr/bin/env bash
# Quick start: installs and builds (scripts/setup.sh), starts a local
# PostgreSQL in .ipto/ (never the system cluster) with the extension, creates
# a demo tenant and API key, serves the API with ipto-front, and prints a
# curl line to try. Run again: reuses what is running. Stop: scripts/down.sh.
#
# IPTO_CLUSTER=citus scripts/up.sh: the same on a Citus cluster of a
# coordinator and two workers (state in .ipto/citus/), the extension created
# on the coordinator and distributed with ipto.distribute(); the front talks
# to the coordinator. Needs Citus 13.2 for PostgreSQL 15: where it is
# missing, it is built from a source tarball when one is at hand.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scripts/setup.sh
source scripts/pg-cluster.sh

cluster=${IPTO_CLUSTER:-single}
case $cluster in
    single|citus) ;;
    *) echo "IPTO_CLUSTER is single (the default) or citus, not $cluster" >&2; exit 2 ;;
esac
state="$root/.ipto"
if [ "$cluster" = citus ]; then state="$state/citus"; fi
mkdir -p "$state"
pgdir="$state/pg"
# As root, the server runs as "postgres", which must reach the folder.
if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$state"; then
    pgdir="/var/tmp/ipto-demo-$(echo "$root" | md5sum | cut -c1-8)"
    if [ "$cluster" = citus ]; then pgdir="$pgdir-citus"; fi
    echo "note: postgres cannot enter $state; the demo cluster lives in $pgdir"
fi
sockdir=$pgdir
if [ "$cluster" = citus ]; then sockdir="$pgdir/coordinator"; fi
listen=${IPTO_LISTEN:-127.0.0.1:8080}

if [ ! -f "$state/env" ]; then
    echo "PGPORT_DEMO=$(free_port)" >"$state/env"
    echo "FRONT_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')" >>"$state/env"
fi
source "$state/env"

distribute=
if [ "$cluster" = citus ]; then
    if [ ! -f "$(pg_config --pkglibdir)/citus.so" ]; then
        IPTO_SOURCE_DIR=$root
        installer="$IPTO_SOURCE_DIR/../shared/citus/install-citus.sh"
        if [ ! -f "$installer" ]; then
            echo "Citus is not installed: install Citus 13.2 for PostgreSQL 15 from Citus's packages" >&2
            exit 1
        fi
        echo "==> building Citus from source ($installer)"
        bash "$installer"
    fi
    if [ ! -f "$pgdir/ports" ]; then
        echo "==> creating the demo Citus cluster (a coordinator and two workers) in $pgdir"
        citus_cluster_init "$pgdir" 2
    fi
    citus_cluster_start "$pgdir"
    citus_cluster_create_db "$pgdir" ipto
    PGPORT_DEMO=$(citus_cluster_port "$pgdir" coordinator)
    # Before any dataset exists; a second call changes nothing.
    distribute="DO \$\$ BEGIN PERFORM ipto.distribute(); END \$\$;"
else
    if [ ! -f "$pgdir/data/PG_VERSION" ]; then
        echo "==> creating the demo cluster in $pgdir"
        cluster_init "$pgdir"
    fi
    if ! as_pg_user "$PG_BINDIR/pg_ctl" -D "$pgdir/data" status >/dev/null 2>&1; then
        cluster_start "$pgdir" "$PGPORT_DEMO"
    fi
fi

demo_psql() { cluster_psql "$sockdir" "$PGPORT_DEMO" -d postgres "$@"; }
if ! demo_psql -Atc "SELECT 1 FROM pg_database WHERE datname = 'ipto'" | grep -q 1; then
    demo_psql -qc "CREATE DATABASE ipto"
fi
demo_psql -d ipto -q <<SQL
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ipto;
ALTER EXTENSION ipto UPDATE;
$distribute
DO \$\$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ipto_front') THEN
        CREATE ROLE ipto_front LOGIN IN ROLE ipto_api;
    END IF;
END \$\$;
ALTER ROLE ipto_front PASSWORD '$FRONT_PASSWORD';
SQL
if [ ! -f "$state/demo_key" ]; then
    tenant=$(demo_psql -d ipto -Atc "SELECT ipto.create_tenant('Demo tenant')")
    demo_psql -d ipto -Atc "SELECT ipto.create_api_key('$tenant', 'demo', ARRAY['datasets:read', 'datasets:write'])" >"$state/demo_key"
    echo "$tenant" >"$state/demo_tenant"
fi
key=$(cat "$state/demo_key")
tenant=$(cat "$state/demo_tenant")

front="$root/build/ipto-front"
if [ -f "$state/front.pid" ] && kill -0 "$(cat "$state/front.pid")" 2>/dev/null; then
    echo "==> ipto-front already running (pid $(cat "$state/front.pid"))"
else
    echo "==> starting ipto-front on $listen"
    IPTO_DATABASE_URL="host=127.0.0.1 port=$PGPORT_DEMO dbname=ipto user=ipto_front password=$FRONT_PASSWORD" \
        nohup "$front" --listen "$listen" >"$state/front.log" 2>&1 &
    echo $! >"$state/front.pid"
    for _ in $(seq 1 50); do
        curl -fs "http://$listen/healthz" >/dev/null 2>&1 && break
        sleep 0.1
    done
    curl -fs "http://$listen/healthz" >/dev/null || { cat "$state/front.log"; echo "ipto-front did not start"; exit 1; }
fi

cat <<TXT

ipto is serving http://$listen  (log: $state/front.log; stop: scripts/down.sh)

Demo tenant:  $tenant
Demo API key: $key

Try it:
  curl -s -X POST http://$listen/v1/datasets \\
    -H "Authorization: Bearer $key" -H "Content-Type: application/json" \\
    -d '{"name": "AP Invoices 2025", "visibility": "restricted"}'
  curl -s http://$listen/v1/datasets -H "X-API-Key: $key"

Or in psql:
  psql -h $sockdir -p $PGPORT_DEMO -U postgres ipto -c "SELECT * FROM ipto.list_datasets('$tenant')"
TXT
if [ "$cluster" = citus ]; then
    echo
    echo "Citus nodes (name port; sockets in $pgdir/<name>):"
    sed 's/^/  /' "$pgdir/ports"
fi
