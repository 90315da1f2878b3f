#!/usr/bin/env python3
"""ipto benchmark: each scenario against its limit, measured side by side.

Boots a throwaway cluster and ipto-front, loads data, runs every scenario of
bench/README.md and prints a table: scenario, our figure, the reference figure from
the same run, the ratio, the target, PASS/FAIL. Each scenario also checks
that the answers were right (a fast wrong answer fails).

    bench/run.py                 # everything (about 15 minutes)
    bench/run.py --only get,list # some scenarios
    bench/run.py --quick         # shorter runs and smaller data, for a smoke test

The reference for the HTTP scenarios is pgbench (prepared mode) calling the
same request-face SQL function the front calls, as the front's own role.
"""
import argparse
import os
import statistics
import sys
import threading
import time

from benchlib import Cluster, Front, Key, http, log, pgbench, setup, wrk

class Table:
    def __init__(self):
        self.rows = []

    def add(self, scenario, ours, reference, ratio, target, ok, note=""):
        self.rows.append((scenario, ours, reference, ratio, target, "PASS" if ok else "FAIL", note))
        log(f"  -> {scenario}: {ours} vs {reference}: ratio {ratio} (target {target}) {'PASS' if ok else 'FAIL'} {note}")

    def render(self):
        head = ("scenario", "ipto", "reference", "ratio", "target", "result")
        rows = [head] + [r[:6] for r in self.rows]
        widths = [max(len(str(r[i])) for r in rows) for i in range(6)]
        lines = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
        lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
        notes = [f"- {r[0]}: {r[6]}" for r in self.rows if r[6]]
        return "\n".join(lines + ([""] + notes if notes else []))


def scenario_get(ctx, table):
    status, body = http("POST", ctx.front.base + "/v1/datasets", ctx.key, {"name": "bench get", "visibility": "listed"})
    assert status == 201, body
    ctx.dataset = body["data"]["dataset_id"]
    status, body = http("GET", f"{ctx.front.base}/v1/datasets/{ctx.dataset}", ctx.key)
    assert status == 200 and body["data"]["dataset_id"] == ctx.dataset, body
    ours = wrk(f"{ctx.front.base}/v1/datasets/{ctx.dataset}", ctx.key, 8, ctx.seconds)
    ref = pgbench(ctx.cluster, f"SELECT * FROM ipto.api_get_dataset({ctx.key.sql_args()}, '{ctx.dataset}');",
                  8, ctx.seconds, ctx.password)
    ok = ours["non2xx"] == 0 and ref["failed"] == 0
    ratio = ours["rps"] / ref["tps"]
    table.add("1. GET /v1/datasets/{id}, 8 connections (req/s)", f"{ours['rps']:.0f}", f"{ref['tps']:.0f}",
              f"{ratio:.2f}", ">= 0.70", ok and ratio >= 0.7, "" if ok else f"errors: {ours['non2xx']} non-2xx")


def scenario_create(ctx, table):
    script = os.path.join(ctx.cluster.dir, "post.lua")
    with open(script, "w") as f:
        f.write('wrk.method = "POST"\nwrk.body = \'{"name": "bench create", "visibility": "private"}\'\n'
                'wrk.headers["Content-Type"] = "application/json"\n')
    before = int(ctx.cluster.psql(f"SELECT count(*) FROM ipto.datasets WHERE tenant_id = '{ctx.tenant}'"))
    ours = wrk(ctx.front.base + "/v1/datasets", ctx.key, 8, ctx.seconds, script=script)
    created = int(ctx.cluster.psql(f"SELECT count(*) FROM ipto.datasets WHERE tenant_id = '{ctx.tenant}'")) - before
    ref = pgbench(ctx.cluster, f"SELECT * FROM ipto.api_create_dataset({ctx.key.sql_args()}, "
                  "'{\"name\": \"bench create\", \"visibility\": \"private\"}');", 8, ctx.seconds, ctx.password)
    # wrk counts only completed responses; each 201 must be a dataset.
    expected = ours["rps"] * ctx.seconds
    ok = ours["non2xx"] == 0 and ref["failed"] == 0 and abs(created - expected) <= max(50, 0.02 * expected)
    ratio = ours["rps"] / ref["tps"]
    table.add("2. POST /v1/datasets, 8 connections (req/s)", f"{ours['rps']:.0f}", f"{ref['tps']:.0f}",
              f"{ratio:.2f}", ">= 0.60", ok and ratio >= 0.6, "" if ok else f"created {created}, expected ~{expected:.0f}")


def scenario_latency(ctx, table):
    url = f"{ctx.front.base}/v1/datasets/{ctx.dataset}"
    ours = wrk(url, ctx.key, 1, ctx.seconds, threads=1)
    ref = pgbench(ctx.cluster, f"SELECT * FROM ipto.api_get_dataset({ctx.key.sql_args()}, '{ctx.dataset}');",
                  1, ctx.seconds, ctx.password, median=True)
    ctx.get_p50 = ours["p50_ms"]
    ratio = ours["p50_ms"] / ref["p50_ms"]
    table.add("3. GET /v1/datasets/{id}, 1 connection (median ms)", f"{ours['p50_ms']:.3f}", f"{ref['p50_ms']:.3f}",
              f"{ratio:.2f}", "<= 1.50", ours["non2xx"] == 0 and ratio <= 1.5)


def load_catalogue(ctx, own, others_total, listed):
    """own datasets for the caller; others_total for 999 other tenants, `listed` of them listed and active."""
    log(f"loading {own + others_total} datasets ...")
    ctx.cluster.psql("INSERT INTO ipto.tenants SELECT 'tnt_' || lpad(to_hex(g), 12, '0'), 'bench ' || g"
                     " FROM generate_series(1, 999) g")
    ctx.cluster.psql(f"""
        INSERT INTO ipto.datasets (dataset_id, tenant_id, name, visibility, status, created_at, updated_at)
        SELECT 'dset_' || lpad(to_hex(g), 12, '0'),
               CASE WHEN g <= {own} THEN '{ctx.tenant}' ELSE 'tnt_' || lpad(to_hex(1 + g % 999), 12, '0') END,
               'dataset ' || g,
               CASE WHEN g <= {own} THEN (ARRAY['private', 'restricted', 'listed'])[1 + g % 3]
                    WHEN g <= {own + listed} THEN 'listed'
                    ELSE (ARRAY['private', 'restricted'])[1 + g % 2] END,
               'active', now() - interval '1 day' - (g::bigint * 7919 % {own + others_total}) * interval '1 second', now()
          FROM generate_series(1, {own + others_total}) g""")
    ctx.cluster.psql("VACUUM ANALYZE")


def scenario_list(ctx, table):
    own, others, listed = (100000, 900000, 200000) if not ctx.quick else (10000, 90000, 20000)
    # A caller of its own: earlier scenarios created datasets for ctx.tenant.
    caller = ctx.cluster.psql("SELECT ipto.create_tenant('list caller')")
    key = Key(ctx.cluster.psql(f"SELECT ipto.create_api_key('{caller}', 'bench', ARRAY['admin:*'])"))
    ctx_tenant, ctx.tenant = ctx.tenant, caller
    load_catalogue(ctx, own, others, listed)
    ctx.tenant = ctx_tenant
    expected_total = int(ctx.cluster.psql(
        f"SELECT count(*) FROM ipto.datasets WHERE tenant_id = '{caller}'"
        f" OR (visibility = 'listed' AND status = 'active')"))
    url = ctx.front.base + "/v1/datasets?limit=20"
    pages, cursor, seen, first_total = 2000 if not ctx.quick else 200, None, set(), None
    previous = None
    for page in range(1, pages + 1):
        status, body = http("GET", url + (f"&cursor={cursor}" if cursor else ""), key)
        assert status == 200, body
        data = body["data"]
        first_total = first_total or data["total"]
        assert data["total"] == expected_total, (data["total"], expected_total)
        for d in data["datasets"]:
            # Newest first (the API shows whole seconds; ties break by id).
            assert d["dataset_id"] not in seen, "duplicate across pages"
            assert previous is None or d["created_at"] <= previous, "out of order"
            seen.add(d["dataset_id"])
            previous = d["created_at"]
        if page < pages:
            cursor = data["next_cursor"]
            assert cursor, "ran out of pages"
    deep_url = url + f"&cursor={cursor}"
    first = wrk(url, key, 1, ctx.seconds, threads=1)
    deep = wrk(deep_url, key, 1, ctx.seconds, threads=1)
    get = wrk(f"{ctx.front.base}/v1/datasets/{ctx.dataset}", key, 1, ctx.seconds, threads=1)
    for name, run in (("page 1", first), (f"page {pages}", deep)):
        ratio = run["p50_ms"] / get["p50_ms"]
        table.add(f"4. GET /v1/datasets?limit=20, {name} of {expected_total} visible (median ms vs GET by id)",
                  f"{run['p50_ms']:.3f}", f"{get['p50_ms']:.3f}", f"{ratio:.2f}", "<= 2.00",
                  run["non2xx"] == 0 and ratio <= 2.0, f"total {first_total} = count {expected_total}")


def timed_psql(ctx, sql):
    start = time.monotonic()
    ctx.cluster.psql(sql)
    return time.monotonic() - start


def scenario_bulk(ctx, table):
    n = 1000000 if not ctx.quick else 100000
    tenant = ctx.tenant
    with_t, without_t = [], []
    for round_ in range(3):
        for triggers in ((True, False) if round_ % 2 == 0 else (False, True)):
            d = ctx.cluster.psql(f"SELECT (ipto.create_dataset('{tenant}', 'bulk')).dataset_id")
            # The reference disables the counter trigger for its own transaction only.
            off = "" if triggers else "ALTER TABLE ipto.objects DISABLE TRIGGER objects_counters_insert;"
            on = "" if triggers else "ALTER TABLE ipto.objects ENABLE TRIGGER objects_counters_insert;"
            sql = (f"BEGIN; {off} INSERT INTO ipto.objects (tenant_id, dataset_id, filename, size_bytes)"
                   f" SELECT '{tenant}', '{d}', 'bulk-' || g, g FROM generate_series(1, {n}) g; {on} COMMIT;")
            (with_t if triggers else without_t).append(timed_psql(ctx, sql))
            if triggers:
                count = ctx.cluster.psql(f"SELECT object_count || ' ' || total_bytes FROM ipto.dataset_summary"
                                         f" WHERE dataset_id = '{d}'")
                assert count == f"{n} {n * (n + 1) // 2}", count
    ours, ref = statistics.median(with_t), statistics.median(without_t)
    table.add(f"5. INSERT ... SELECT of {n} objects (s)", f"{ours:.2f}", f"{ref:.2f}", f"{ours / ref:.2f}",
              "<= 1.25", ours / ref <= 1.25, "reference: counter triggers disabled; counts checked")


def scenario_contention(ctx, table):
    d = ctx.cluster.psql(f"SELECT (ipto.create_dataset('{ctx.tenant}', 'contended')).dataset_id")
    sql = f"SELECT ipto.add_object('{ctx.tenant}', '{d}', 'one.pdf', 1000);"
    seconds = ctx.seconds * 2
    ctx.cluster.psql("ALTER TABLE ipto.objects DISABLE TRIGGER objects_counters_insert")
    ref = pgbench(ctx.cluster, sql, 8, seconds, None, user="postgres")
    ctx.cluster.psql("ALTER TABLE ipto.objects ENABLE TRIGGER objects_counters_insert")
    ctx.cluster.psql(f"SELECT ipto.rebuild_counters('{d}')")
    ours = pgbench(ctx.cluster, sql, 8, seconds, None, user="postgres")
    wrong = int(ctx.cluster.psql(f"SELECT count(*) FROM ipto.verify_counters() WHERE dataset_id = '{d}'"))
    ratio = ours["tps"] / ref["tps"]
    table.add("6. 8 clients adding objects to one dataset (tx/s)", f"{ours['tps']:.0f}", f"{ref['tps']:.0f}",
              f"{ratio:.2f}", ">= 0.80", wrong == 0 and ours["failed"] == 0 and ratio >= 0.8,
              f"reference: counter triggers disabled; verify_counters(): {wrong} wrong")


def scenario_delete(ctx, table):
    n = 1000000 if not ctx.quick else 100000
    t = ctx.tenant
    big = ctx.cluster.psql(f"SELECT (ipto.create_dataset('{t}', 'big')).dataset_id")
    log(f"loading {n} objects and {3 * n} index entries ...")
    ctx.cluster.psql(f"INSERT INTO ipto.objects (tenant_id, dataset_id, filename, size_bytes, status, indexed_at)"
                     f" SELECT '{t}', '{big}', 'o' || g, g, 'approved', now() FROM generate_series(1, {n}) g")
    ctx.cluster.psql(f"INSERT INTO ipto.index_entries (tenant_id, object_id, chunk_no, dataset_id, chunk)"
                     f" SELECT o.tenant_id, o.object_id, c, o.dataset_id, 'chunk ' || c"
                     f" FROM ipto.objects o, generate_series(1, 3) c WHERE o.dataset_id = '{big}'")
    ctx.cluster.psql("VACUUM ANALYZE")
    empty_times = []
    for _ in range(5):
        e = ctx.cluster.psql(f"SELECT (ipto.create_dataset('{t}', 'empty')).dataset_id")
        start = time.monotonic()
        status, _ = http("DELETE", f"{ctx.front.base}/v1/datasets/{e}", ctx.key)
        empty_times.append(time.monotonic() - start)
        assert status == 200
    undisturbed = wrk(f"{ctx.front.base}/v1/datasets/{ctx.dataset}", ctx.key, 8, ctx.seconds)
    start = time.monotonic()
    status, _ = http("DELETE", f"{ctx.front.base}/v1/datasets/{big}", ctx.key)
    big_time = time.monotonic() - start
    assert status == 200
    status, _ = http("GET", f"{ctx.front.base}/v1/datasets/{big}", ctx.key)
    assert status == 404
    load = {}
    runner = threading.Thread(target=lambda: load.update(
        wrk(f"{ctx.front.base}/v1/datasets/{ctx.dataset}", ctx.key, 8, ctx.seconds)))
    runner.start()
    gone_after = None
    while time.monotonic() - start < 120:
        left = int(ctx.cluster.psql(
            f"SELECT (SELECT count(*) FROM ipto.objects WHERE dataset_id = '{big}')"
            f" + (SELECT count(*) FROM ipto.index_entries WHERE dataset_id = '{big}')"))
        if left == 0:
            gone_after = time.monotonic() - start
            break
        time.sleep(0.5)
    runner.join()
    empty = statistics.median(empty_times)
    table.add(f"7a. DELETE a dataset of {n} objects, {3 * n} entries (ms)", f"{big_time * 1000:.1f}",
              f"{empty * 1000:.1f}", f"{big_time / empty:.2f}", "<= 2.00", big_time / empty <= 2.0,
              "reference: deleting an empty dataset; the big one 404s at once")
    table.add("7b. all its rows gone (s)", f"{gone_after:.1f}" if gone_after else "> 120", "60", "", "<= 60 s",
              gone_after is not None and gone_after <= 60)
    ratio = load["rps"] / undisturbed["rps"]
    table.add("7c. GET req/s while purging vs undisturbed", f"{load['rps']:.0f}", f"{undisturbed['rps']:.0f}",
              f"{ratio:.2f}", ">= 0.80", ratio >= 0.8 and load["non2xx"] == 0)


def scenario_memory(ctx, table):
    seconds = ctx.soak
    samples = []
    load = {}
    runner = threading.Thread(target=lambda: load.update(
        wrk(f"{ctx.front.base}/v1/datasets/{ctx.dataset}", ctx.key, 256, seconds, threads=2)))
    runner.start()
    start = time.monotonic()
    while runner.is_alive():
        samples.append((time.monotonic() - start, ctx.front.rss_kib()))
        time.sleep(2)
    runner.join()
    peak = max(kib for _, kib in samples) / 1024
    warm = [kib for t, kib in samples if t >= min(60, seconds / 3)]
    growth = (warm[-1] - warm[0]) / 1024 if len(warm) > 1 else 0.0
    ok = peak <= 64 and growth <= 2 and load.get("non2xx", 1) == 0 and not load.get("socket_errors")
    table.add(f"8. ipto-front RSS, 256 keep-alive connections, {seconds} s (MiB)", f"{peak:.1f}", "64", "",
              "<= 64, flat", ok, f"growth after warm-up {growth:+.1f} MiB; {load.get('rps', 0):.0f} req/s;"
              f" socket errors: {load.get('socket_errors')}")


SCENARIOS = [("get", scenario_get), ("create", scenario_create), ("latency", scenario_latency),
             ("list", scenario_list), ("bulk", scenario_bulk), ("contention", scenario_contention),
             ("delete", scenario_delete), ("memory", scenario_memory)]


class Context:
    pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="comma-separated scenarios: " + ",".join(n for n, _ in SCENARIOS))
    ap.add_argument("--seconds", type=int, default=15, help="length of each load run (default 15)")
    ap.add_argument("--soak", type=int, default=300, help="length of the memory run (default 300)")
    ap.add_argument("--quick", action="store_true", help="small data and short runs, for a smoke test")
    args = ap.parse_args()
    only = set(args.only.split(",")) if args.only else None
    ctx = Context()
    ctx.quick = args.quick
    ctx.seconds = 5 if args.quick else args.seconds
    ctx.soak = 20 if args.quick else args.soak
    ctx.cluster = Cluster()
    ctx.front = None
    table = Table()
    try:
        ctx.password, ctx.tenant, ctx.key = setup(ctx.cluster)
        ctx.front = Front(ctx.cluster, ctx.password)
        for name, run in SCENARIOS:
            if only and name not in only and name != "get":  # get creates the dataset others read
                continue
            log(f"== {name}")
            run(ctx, table)
    finally:
        if ctx.front:
            ctx.front.stop()
        ctx.cluster.stop()
    print(table.render())
    return 0 if all(r[5] == "PASS" for r in table.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
