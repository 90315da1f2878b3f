#!/usr/bin/env python3
"""ipto benchmark: each scenario against its limit, measured side by side.

Boots a throwaway cluster and ipto-front, loads data, runs every scenario of
bench/README.md and prints a table: scenario, our figure, the reference figure from
the same run, the ratio, the target, PASS/FAIL. Each scenario also checks
that the answers were right (a fast wrong answer fails).

    bench/run.py                 # everything (about 15 minutes)
    bench/run.py --only get,list # some scenarios
    bench/run.py --quick         # shorter runs and smaller data, for a smoke test

Scenario 1's reference is the peer a team would write instead of the front
(bench/peer: Fastify and postgres.js, the same calls, a pool of 8), with
pgbench as its floor; the other HTTP scenarios' reference is pgbench
(prepared mode) calling the same request-face SQL function the front calls,
as the front's own role.
"""
import argparse
import os
import re
import statistics
import sys
import threading
import time

from benchlib import Cluster, Front, Key, Peer, cpu_seconds, exchange, http, log, pgbench, setup, wrk

class Table:
    def __init__(self):
        self.rows = []

    def add(self, scenario, ours, reference, ratio, target, ok, note=""):
        """ok None: a row for reference, without a target."""
        result = "reference" if ok is None else "PASS" if ok else "FAIL"
        self.rows.append((scenario, ours, reference, ratio, target, result, note))
        log(f"  -> {scenario}: {ours} vs {reference}: ratio {ratio} (target {target}) {result} {note}")

    def render(self):
        head = ("scenario", "ipto", "reference", "ratio", "target", "result")
        rows = [head] + [r[:6] for r in self.rows]
        widths = [max(len(str(r[i])) for r in rows) for i in range(6)]
        lines = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
        lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
        notes = [f"- {r[0]}: {r[6]}" for r in self.rows if r[6]]
        return "\n".join(lines + ([""] + notes if notes else []))


REQUEST_ID = re.compile(r"^req_[0-9a-f]{12}$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def check_peer(ctx):
    """The peer answers as the front does: the same exchanges against both
    give the same status, the same data (fields in the same order), the same
    error code and field, and a well-formed envelope and headers."""
    session = ctx.cluster.psql(f"SELECT ipto.create_session('{ctx.tenant}', ARRAY['admin:*'], '1 hour')")
    bearer = {"Authorization": f"Bearer {ctx.key.whole}"}
    as_json = dict(bearer, **{"Content-Type": "application/json"})
    # (what, method, path, headers, body); {id} is each server's own dataset where it matters
    cases = [
        ("get by id", "GET", f"/v1/datasets/{ctx.dataset}", bearer, None),
        ("get, not modified", "GET", f"/v1/datasets/{ctx.dataset}", None, None),
        ("get with X-API-Key", "GET", f"/v1/datasets/{ctx.dataset}", {"X-API-Key": ctx.key.whole}, None),
        ("get with a session", "GET", f"/v1/datasets/{ctx.dataset}", {"Authorization": f"Bearer {session}"}, None),
        ("get, lower-case scheme", "GET", f"/v1/datasets/{ctx.dataset}", {"Authorization": f"bearer {ctx.key.whole}"}, None),
        ("get unknown", "GET", "/v1/datasets/dset_000000000000", bearer, None),
        ("get malformed id", "GET", "/v1/datasets/nope", bearer, None),
        ("no credential", "GET", f"/v1/datasets/{ctx.dataset}", {}, None),
        ("wrong secret", "GET", f"/v1/datasets/{ctx.dataset}", {"Authorization": f"Bearer {ctx.key.whole[:-1]}X"}, None),
        ("malformed key", "GET", f"/v1/datasets/{ctx.dataset}", {"X-API-Key": "ipto_short"}, None),
        ("both credentials", "GET", f"/v1/datasets/{ctx.dataset}", dict(bearer, **{"X-API-Key": ctx.key.whole}), None),
        ("basic scheme", "GET", f"/v1/datasets/{ctx.dataset}", {"Authorization": "Basic dXNlcjpwYXNz"}, None),
        ("create", "POST", "/v1/datasets", as_json, b'{"name": "peer check", "visibility": "listed"}'),
        ("create, empty name", "POST", "/v1/datasets", as_json, b'{"name": ""}'),
        ("create, unknown field", "POST", "/v1/datasets", as_json, b'{"name": "x", "colour": "red"}'),
        ("create, not JSON", "POST", "/v1/datasets", as_json, b'{"name": '),
        ("create, text/plain", "POST", "/v1/datasets", dict(bearer, **{"Content-Type": "text/plain"}), b'{"name": "x"}'),
        ("create, no credential", "POST", "/v1/datasets", {"Content-Type": "application/json"}, b'{"name": "x"}'),
        ("list", "GET", "/v1/datasets?limit=2&owner=me", bearer, None),
        ("list, bad limit", "GET", "/v1/datasets?limit=0", bearer, None),
        ("list, bad cursor", "GET", "/v1/datasets?cursor=forged", bearer, None),
        ("list, unknown parameter", "GET", "/v1/datasets?colour=red", bearer, None),
        ("patch", "PATCH", f"/v1/datasets/{ctx.dataset}", as_json, b'{}'),
        ("patch, read-only field", "PATCH", f"/v1/datasets/{ctx.dataset}", as_json, b'{"object_count": 3}'),
        ("unknown route", "GET", "/v1/nothing", bearer, None),
    ]
    answers = {}
    for name, base in (("ipto-front", ctx.front.base), ("peer", ctx.peer.base)):
        tag = None
        for what, method, path, headers, body in cases:
            if headers is None:  # a conditional GET with the tag the previous answer gave
                headers = dict(bearer, **{"If-None-Match": tag})
            status, head, doc = exchange(method, base + path, headers, body)
            tag = head.get("etag")
            if status == 304:
                assert doc is None and head.get("x-request-id"), (name, what, head)
                answers.setdefault(what, []).append((status, tag, head.get("cache-control")))
                continue
            assert doc is not None and REQUEST_ID.match(doc["request_id"]) and TIMESTAMP.match(doc["timestamp"]), \
                (name, what, doc)
            assert head.get("x-request-id") == doc["request_id"], (name, what, head)
            assert head.get("content-type", "").startswith("application/json"), (name, what, head)
            if status == 401:
                assert head.get("www-authenticate", "").startswith("Bearer"), (name, what, head)
            if what.startswith("get") and status == 200:
                # The same entity tag and caching rule for the same dataset.
                answers.setdefault(what + ": ETag, Cache-Control", []).append(
                    (head.get("etag"), head.get("cache-control")))
            if what == "create":
                assert head.get("location") == "/v1/datasets/" + doc["data"]["dataset_id"], (name, what, head)
                # The new dataset as the other server sees it, then gone through this one.
                created = doc["data"]
                other = ctx.peer.base if name == "ipto-front" else ctx.front.base
                s, _, seen = exchange("GET", f"{other}/v1/datasets/{created['dataset_id']}", bearer)
                assert s == 200 and seen["data"] == created, (name, what, seen)
                s, _, gone = exchange("DELETE", f"{base}/v1/datasets/{created['dataset_id']}", bearer)
                assert s == 200 and gone["data"] == {}, (name, "delete", gone)
                s, _, gone = exchange("GET", f"{other}/v1/datasets/{created['dataset_id']}", bearer)
                assert s == 404 and gone["error"]["code"] == "not_found", (name, "get after delete", gone)
                doc = {"data": {k: v for k, v in created.items() if k not in ("dataset_id", "created_at", "updated_at")}}
            if "data" in doc:
                answers.setdefault(what, []).append((status, list(doc["data"].items()) if isinstance(doc["data"], dict)
                                                     else doc["data"]))
            else:
                e = doc["error"]
                answers.setdefault(what, []).append((status, e["code"], e.get("field")))
    differ = {what: pair for what, pair in answers.items() if pair[0] != pair[1]}
    assert not differ, f"the peer answers otherwise than ipto-front: {differ}"
    log(f"the peer answered {len(cases)} exchanges as ipto-front did")


def scenario_get(ctx, table):
    status, body = http("POST", ctx.front.base + "/v1/datasets", ctx.key, {"name": "bench get", "visibility": "listed"})
    assert status == 201, body
    ctx.dataset = body["data"]["dataset_id"]
    status, body = http("GET", f"{ctx.front.base}/v1/datasets/{ctx.dataset}", ctx.key)
    assert status == 200 and body["data"]["dataset_id"] == ctx.dataset, body
    ctx.peer = Peer(ctx.cluster, ctx.password, pool=8)
    check_peer(ctx)
    path = f"/v1/datasets/{ctx.dataset}"
    # Side by side in slices: each load run is cut into slices of a few
    # seconds, and within each slice every contender runs once, in an order
    # that rotates from slice to slice, so that a burst of load on this
    # shared machine falls on all of them alike.
    slices = 1 if ctx.quick else 5
    length = max(2, round(ctx.seconds / slices))
    servers = {"ours": ctx.front, "peer": ctx.peer}
    sql = f"SELECT * FROM ipto.api_get_dataset({ctx.key.sql_args()}, '{ctx.dataset}');"
    results = {}
    for conns, names in ((8, ["ours", "peer", "pgbench"]), (64, ["ours", "peer"])):
        for i in range(slices):
            for name in names[i % len(names):] + names[:i % len(names)]:
                if name == "pgbench":
                    r = pgbench(ctx.cluster, sql, conns, length, ctx.password)
                    r["rps"] = r["tps"]
                else:
                    # The server's own CPU time per request: steadier than req/s here.
                    before = cpu_seconds(servers[name].proc.pid)
                    r = wrk(servers[name].base + path, ctx.key, conns, length)
                    r["cpu"] = cpu_seconds(servers[name].proc.pid) - before
                results.setdefault((name, conns), []).append(r)

    def summed(name, conns):
        rs = results[(name, conns)]
        out = {"rps": statistics.mean(r["rps"] for r in rs), "slices": [r["rps"] for r in rs]}
        if name == "pgbench":
            out["failed"] = sum(r["failed"] for r in rs)
        else:
            out["cpu_us"] = sum(r["cpu"] for r in rs) * 1e6 / max(1.0, sum(r["rps"] * length for r in rs))
            out["non2xx"] = sum(r["non2xx"] for r in rs)
            out["socket_errors"] = "; ".join(r["socket_errors"] for r in rs if r["socket_errors"]) or None
        return out

    for conns, target in ((8, 1.5), (64, 1.0)):
        ours, peer = summed("ours", conns), summed("peer", conns)
        errors = [f"{who}: {r['non2xx']} non-2xx, socket errors {r['socket_errors']}"
                  for who, r in (("ipto-front", ours), ("peer", peer)) if r["non2xx"] or r["socket_errors"]]
        ratio = ours["rps"] / peer["rps"]
        each = [o / p for o, p in zip(ours["slices"], peer["slices"])]
        note = (f"CPU per request: ipto-front {ours['cpu_us']:.0f} µs, peer {peer['cpu_us']:.0f} µs; "
                f"{len(each)} slices of {length} s, ratio {min(each):.2f}–{max(each):.2f}")
        table.add(f"1. GET /v1/datasets/{{id}}, {conns} connections, vs Fastify + postgres.js (req/s)",
                  f"{ours['rps']:.0f}", f"{peer['rps']:.0f}", f"{ratio:.2f}", f">= {target:.2f}",
                  not errors and ratio >= target, "; ".join(errors + [note]))
    ours, ref = summed("ours", 8), summed("pgbench", 8)
    ratio = ours["rps"] / ref["rps"]
    table.add("1. floor: pgbench calling api_get_dataset, 8 connections (tx/s)", f"{ours['rps']:.0f}",
              f"{ref['rps']:.0f}", f"{ratio:.2f}", "", None if ref["failed"] == 0 else False,
              "" if ref["failed"] == 0 else f"pgbench: {ref['failed']} failed")


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
    ctx.peer = None
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
        if ctx.peer:
            ctx.peer.stop()
        ctx.cluster.stop()
    print(table.render())
    return 0 if all(r[5] in ("PASS", "reference") for r in table.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
