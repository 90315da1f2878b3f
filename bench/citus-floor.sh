#!/usr/bin/env bash
# The floor under any request on the loopback Citus cluster: what the
# cheapest possible distributed call costs on this machine, against one
# PostgreSQL server, with no ipto in the way. One run boots a single server
# and a coordinator with two workers (the same settings on every server:
# shared_buffers 512MB, fsync off, as every throwaway server of scripts/), makes the same small table on both
# (1,024 tenants, 16 rows each; on the cluster distributed by tenant, 32
# shards) and times, with pgbench -M prepared -c8 -j2, in alternating slices:
#   single: one indexed SELECT by tenant
#   single: the same SELECT inside a plpgsql function
#   cluster: the same SELECT through the coordinator (a router query, one task)
#   cluster: the function, distributed by its tenant argument: the call is
#            delegated whole to the worker that holds the tenant, which runs
#            the SELECT on its own shard (Citus's fastest path for one tenant)
# Prints tx/s per scenario (median of the slices) and each cluster figure as
# a ratio of the single server's function call. Usage:
#   bench/citus-floor.sh [SECONDS_PER_SLICE] [ROUNDS]     # default 5 s, 3 rounds
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
IPTO_SOURCE_DIR=$(dirname "$here")
PG_BINDIR=${PG_BINDIR:-$(pg_config --bindir)}
source "$IPTO_SOURCE_DIR/scripts/pg-cluster.sh"
slice=${1:-5}
rounds=${2:-3}

[ -f "$(pg_config --pkglibdir)/citus.so" ] || { echo "citus-floor.sh: Citus is not installed" >&2; exit 1; }
work=$(mktemp -d /tmp/ipto-floor.XXXXXX)
chmod 755 "$work"
cleanup() {
    set +e
    citus_cluster_stop "$work/cluster" immediate
    [ -d "$work/single" ] && cluster_stop "$work/single" immediate
    rm -rf "$work"
}
trap cleanup EXIT

settings=(shared_buffers=512MB max_connections=200)
citus_cluster_init "$work/cluster" 2 >/dev/null
citus_cluster_start "$work/cluster" "${settings[@]}" >/dev/null
citus_cluster_create_db "$work/cluster" floor
cluster_init "$work/single" >/dev/null
single_port=$(free_port)
cluster_start "$work/single" "$single_port" "${settings[@]}" >/dev/null
cluster_psql "$work/single" "$single_port" -d postgres -qc "CREATE DATABASE floor"

schema="
CREATE TABLE t (tenant_id text, k int, v text, PRIMARY KEY (tenant_id, k));
CREATE FUNCTION get_one(tenant text) RETURNS text LANGUAGE plpgsql AS
\$\$ BEGIN RETURN (SELECT v FROM t WHERE tenant_id = tenant AND k = 1); END \$\$;"
fill="INSERT INTO t SELECT 'tenant' || n, k, md5(n::text || k::text) FROM generate_series(1, 1024) n, generate_series(1, 16) k;
VACUUM ANALYZE t;"
cluster_psql "$work/single" "$single_port" -d floor -q <<SQL
$schema
$fill
SQL
citus_cluster_psql "$work/cluster" coordinator -d floor -q >/dev/null <<SQL
SET client_min_messages = warning;
$schema
SET citus.shard_count = 32;
SELECT create_distributed_table('t', 'tenant_id');
SELECT create_distributed_function('get_one(text)', 'tenant', colocate_with := 't');
$fill
SQL

printf '\\set n random(1, 1024)\nSELECT v FROM t WHERE tenant_id = %s AND k = 1;\n' "'tenant' || :n" >"$work/select.sql"
printf '\\set n random(1, 1024)\nSELECT get_one(%s);\n' "'tenant' || :n" >"$work/call.sql"
chmod 644 "$work"/*.sql

# run PORT DIR SCRIPT: tx/s of one slice.
run() {
    as_pg_user "$PG_BINDIR/pgbench" -n -M prepared -c 8 -j 2 -T "$slice" -h "$2" -p "$1" -f "$3" floor \
        | sed -n 's/^tps = \([0-9.]*\) (without.*/\1/p'
}
coordinator_port=$(citus_cluster_port "$work/cluster" coordinator)
declare -A results
scenarios=(single_select single_call cluster_select cluster_call)
for round in $(seq "$rounds"); do
    line="round $round:"
    for which in "${scenarios[@]}"; do
        case $which in
            single_*) port=$single_port dir=$work/single ;;
            cluster_*) port=$coordinator_port dir=$work/cluster/coordinator ;;
        esac
        case $which in *_select) script=$work/select.sql ;; *) script=$work/call.sql ;; esac
        tps=$(run "$port" "$dir" "$script")
        results[$which]+="$tps "
        line+=" $which $tps"
    done
    echo "$line" >&2
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base=$(echo "${results[single_call]}" | median)
printf '%-58s %10s %8s\n' "pgbench -M prepared -c8, median of $rounds slices of ${slice} s" "tx/s" "ratio"
for which in "${scenarios[@]}"; do
    m=$(echo "${results[$which]}" | median)
    printf '%-58s %10.0f %8.2f\n' "$which" "$m" "$(echo "$m / $base" | bc -l)"
done
