#!/usr/bin/env bash
# Faults under load: four clients ingest into one dataset (add, approve,
# index, delete) while a backend is killed with SIGKILL (the postmaster
# restarts every backend) and then the whole cluster is stopped in immediate
# mode and started again (crash recovery). Afterwards every object a client
# saw acknowledged is present and verify_counters() returns no rows.
source "$(dirname "$0")/run-suite-lib.sh"
work=$(suite_workdir faults)
port=$(free_port)
pg="$work/pg"
cleanup() { touch "$work/stop"; wait 2>/dev/null; cluster_stop "$pg" immediate; rm -rf "$work"; }
trap cleanup EXIT
cluster_init "$pg"
start() { cluster_start "$pg" "$port" fsync=on restart_after_crash=on; }
start
sql() { "$PG_BINDIR/psql" -X -At -q -h "$pg" -p "$port" -U postgres -d postgres "$@"; }
sql -v ON_ERROR_STOP=1 <<'SQL'
CREATE EXTENSION ipto;
INSERT INTO ipto.tenants (tenant_id, name) VALUES ('tnt_0000000000fa', 'faults');
INSERT INTO ipto.datasets (dataset_id, tenant_id, name) VALUES ('dset_0000000000fa', 'tnt_0000000000fa', 'crashy');
SQL
T="'tnt_0000000000fa'"; D="'dset_0000000000fa'"
client() {
    local n=$1
    while [ ! -f "$work/stop" ]; do
        if id=$(sql -c "SELECT ipto.add_object($T, $D, 'f$n.pdf', $((RANDOM % 5000)))" 2>/dev/null); then
            [ -n "$id" ] && echo "$id" >>"$work/acked.$n"
        fi
        case $((RANDOM % 4)) in
            0) sql -c "SELECT ipto.set_object_status($T, o.object_id, 'approved') FROM (SELECT object_id FROM ipto.objects WHERE status = 'staged' LIMIT 1 FOR UPDATE SKIP LOCKED) o" >/dev/null 2>&1 ;;
            1) sql -c "SELECT ipto.mark_object_indexed($T, o.object_id, ARRAY['c']) FROM (SELECT object_id FROM ipto.objects WHERE status = 'approved' AND indexed_at IS NULL LIMIT 1 FOR UPDATE SKIP LOCKED) o" >/dev/null 2>&1 ;;
            2) sql -c "INSERT INTO ipto.objects (tenant_id, dataset_id, filename, size_bytes) SELECT $T, $D, 'bulk', g FROM generate_series(1, 20) g" >/dev/null 2>&1 ;;
            3) sql -c "DELETE FROM ipto.objects WHERE ctid = ANY (ARRAY(SELECT ctid FROM ipto.objects WHERE filename = 'bulk' LIMIT 5 FOR UPDATE SKIP LOCKED))" >/dev/null 2>&1 ;;
        esac
    done
}
for n in 1 2 3 4; do client "$n" & done
# A long-lived session whose backend is the victim (the clients' own
# backends live for one short call each).
sql -c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
sleep 4
victim=$(sql -c "SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%' AND pid <> pg_backend_pid() LIMIT 1")
echo "SIGKILL to backend $victim (the postmaster then restarts every backend)"
[ -n "$victim" ] && kill -9 "$victim"
sleep 4
echo "immediate stop of the whole cluster, then start"
cluster_stop "$pg" immediate
sleep 1
start
sleep 4
touch "$work/stop"
wait
acked=$(cat "$work"/acked.* 2>/dev/null | sort -u | wc -l)
cat "$work"/acked.* 2>/dev/null | sort -u >"$work/acked"
[ "$(id -u)" = 0 ] && chown postgres: "$work/acked"
missing=$(sql -c "CREATE TEMP TABLE acked (object_id text); COPY acked FROM '$work/acked';
                  SELECT count(*) FROM acked a WHERE NOT EXISTS (SELECT FROM ipto.objects o WHERE o.object_id = a.object_id)" | tail -1)
wrong=$(sql -c "SELECT count(*) FROM ipto.verify_counters()")
crashes=$(grep -c "terminated by signal 9" "$pg/server.log" || true)
echo "acknowledged adds: $acked; missing after recovery: $missing; wrong counters: $wrong; backends killed: $crashes"
if [ "$acked" -lt 20 ] || [ "$missing" != 0 ] || [ "$wrong" != 0 ] || [ "$crashes" -lt 1 ]; then
    sql -c "SELECT * FROM ipto.verify_counters()"
    echo "FAIL: faults lost acknowledged writes or left counters wrong"
    exit 1
fi
echo "PASS: no acknowledged write lost, counters exact after SIGKILL and immediate stop"
