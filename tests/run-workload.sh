#!/usr/bin/env bash
# A concurrent workload: pgbench, 8 clients, 30 s, mixed add / approve /
# index / delete / bulk insert on ONE dataset; then every counter must be
# exact (verify_counters() returns no rows) and no client may have failed.
source "$(dirname "$0")/run-suite-lib.sh"
work=$(suite_workdir workload)
port=$(free_port)
seconds=${IPTO_WORKLOAD_SECONDS:-30}
cleanup() { cluster_stop "$work/pg" immediate; rm -rf "$work"; }
trap cleanup EXIT
cluster_init "$work/pg"
cluster_start "$work/pg" "$port" max_connections=50
cluster_psql "$work/pg" "$port" -q -d postgres <<'SQL'
CREATE EXTENSION ipto;
INSERT INTO ipto.tenants (tenant_id, name) VALUES ('tnt_00000000000a', 'workload');
INSERT INTO ipto.datasets (dataset_id, tenant_id, name) VALUES ('dset_00000000000a', 'tnt_00000000000a', 'busy');
SQL
scripts="$work/scripts"
mkdir -p "$scripts"
T="'tnt_00000000000a'"; D="'dset_00000000000a'"
echo "SELECT ipto.add_object($T, $D, 'f.pdf', (random() * 100000)::bigint);" >"$scripts/add.sql"
echo "INSERT INTO ipto.objects (tenant_id, dataset_id, filename, size_bytes, status) SELECT $T, $D, 'bulk', g, 'approved' FROM generate_series(1, 5) g;" >"$scripts/bulk.sql"
echo "SELECT ipto.set_object_status($T, o.object_id, 'approved') FROM (SELECT object_id FROM ipto.objects WHERE tenant_id = $T AND status = 'staged' LIMIT 1 FOR UPDATE SKIP LOCKED) o;" >"$scripts/approve.sql"
echo "SELECT ipto.mark_object_indexed($T, o.object_id, ARRAY['chunk a', 'chunk b']) FROM (SELECT object_id FROM ipto.objects WHERE tenant_id = $T AND status = 'approved' AND indexed_at IS NULL LIMIT 1 FOR UPDATE SKIP LOCKED) o;" >"$scripts/index.sql"
echo "SELECT ipto.set_object_status($T, o.object_id, 'rejected') FROM (SELECT object_id FROM ipto.objects WHERE tenant_id = $T AND indexed_at IS NOT NULL LIMIT 1 FOR UPDATE SKIP LOCKED) o;" >"$scripts/reject.sql"
echo "SELECT ipto.delete_object($T, o.object_id) FROM (SELECT object_id FROM ipto.objects WHERE tenant_id = $T LIMIT 1 FOR UPDATE SKIP LOCKED) o;" >"$scripts/delete.sql"
echo "DELETE FROM ipto.objects WHERE ctid = ANY (ARRAY(SELECT ctid FROM ipto.objects WHERE tenant_id = $T AND status = 'rejected' LIMIT 3 FOR UPDATE SKIP LOCKED));" >"$scripts/bulk_delete.sql"
[ "$(id -u)" = 0 ] && chown -R postgres: "$scripts"

echo "pgbench: 8 clients, ${seconds} s"
as_pg_user "$PG_BINDIR/pgbench" -n -h "$work/pg" -p "$port" -U postgres -c 8 -j 2 -T "$seconds" \
    -f "$scripts/add.sql@5" -f "$scripts/bulk.sql@1" -f "$scripts/approve.sql@3" -f "$scripts/index.sql@3" \
    -f "$scripts/reject.sql@1" -f "$scripts/delete.sql@2" -f "$scripts/bulk_delete.sql@1" postgres \
    >"$work/pgbench.log" 2>&1 || { cat "$work/pgbench.log"; echo "FAIL: pgbench reported errors"; exit 1; }
grep -E "^number of (transactions actually processed|failed)" "$work/pgbench.log" || true
result=$(cluster_psql "$work/pg" "$port" -At -d postgres -c "
    SELECT (SELECT count(*) FROM ipto.verify_counters()) || ' ' ||
           (SELECT object_count || ' ' || active_object_count || ' ' || total_bytes FROM ipto.dataset_summary) || ' ' ||
           (SELECT count(*) FROM ipto.objects)")
read -r wrong count active bytes actual <<<"$result"
echo "objects: $actual; object_count: $count; active_object_count: $active; total_bytes: $bytes; wrong counters: $wrong"
if [ "$wrong" != 0 ] || [ "$count" != "$actual" ] || [ "$actual" = 0 ]; then
    cluster_psql "$work/pg" "$port" -d postgres -c "SELECT * FROM ipto.verify_counters()"
    echo "FAIL: counters are not exact after the workload"
    exit 1
fi
echo "PASS: counters exact after ${seconds} s of concurrent ingest"
