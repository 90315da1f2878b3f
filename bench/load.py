#!/usr/bin/env python3
"""ipto under mixed load: several tenants reading, listing,
creating, patching and deleting through ipto-front at the highest rate the
machine sustains, while objects are ingested through the operator face.

    bench/load.py                    # 10 minutes, 256 connections, 4 tenants
    bench/load.py --minutes 1        # a shorter run

One wrk process per tenant (bench/mixed.lua: its mix and why every answer
must succeed), closed loop, so the rate is whatever the machine gives; a
pgbench client adds objects to the tenants' datasets meanwhile. Every 10 s
it samples ipto-front's resident memory and threads and PostgreSQL's
proportional memory. At the end it checks what the clients were told
against the database (datasets per tenant = preloaded + created - deleted,
`verify_counters()` empty) and prints the figures. Exits 1 on any unintended
error, a mismatch, or front memory that grew after the first minute.
"""
import argparse
import os
import re
import subprocess
import sys
import time

from benchlib import PG_BIN, Cluster, Front, Key, log, setup

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = {"create 201", "list 200", "delete 200", "read_or_patch 200"}


def preload(cluster, tenants, datasets):
    """Each tenant gets `datasets` datasets, a quarter of them listed."""
    out = []
    for i in range(tenants):
        tenant = cluster.psql(f"SELECT ipto.create_tenant('load tenant {i}')")
        key = Key(cluster.psql(f"SELECT ipto.create_api_key('{tenant}', 'load', ARRAY['admin:*'])"))
        ids = cluster.psql(
            f"SELECT d.dataset_id FROM generate_series(1, {datasets}) g, LATERAL ipto.create_dataset("
            f"'{tenant}', 'preloaded ' || g, 'for the load run', 'document', 'open', 'fixed', "
            f"CASE WHEN g % 4 = 0 THEN 'listed' ELSE 'private' END) d ORDER BY g").split()
        listed = [d for n, d in enumerate(ids, 1) if n % 4 == 0]
        out.append({"tenant": tenant, "key": key, "own": ids, "listed": listed})
    # The ingest client's targets: every preloaded dataset.
    cluster.psql("CREATE TABLE public.load_targets AS SELECT row_number() OVER () AS i, tenant_id, dataset_id "
                 "FROM ipto.datasets")
    cluster.psql("CREATE UNIQUE INDEX ON public.load_targets (i)")
    return out


def write_data_file(path, tenant, others):
    foreign = [d for o in others for d in o["listed"]]
    with open(path, "w") as f:
        f.write(f'key = "{tenant["key"].whole}"\n')
        f.write("own = {" + ",".join(f'"{d}"' for d in tenant["own"]) + "}\n")
        f.write("foreign = {" + ",".join(f'"{d}"' for d in foreign) + "}\n")


def pss_kib(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            pass  # a backend that just ended
    return total


def cluster_pids(cluster):
    with open(f"{cluster.dir}/data/postmaster.pid") as f:
        postmaster = f.readline().strip()
    children = subprocess.run(["pgrep", "-P", postmaster], capture_output=True, text=True).stdout.split()
    return [postmaster] + children


def front_threads(front):
    with open(f"/proc/{front.proc.pid}/status") as f:
        return int(re.search(r"Threads:\s+(\d+)", f.read()).group(1))


def parse_wrk(out):
    counts = {m.group(1): int(m.group(2)) for m in re.finditer(r"^COUNT (.+) (\d+)$", out, re.M)}
    pct = {float(m.group(1)): int(m.group(2)) / 1000.0 for m in re.finditer(r"^PERCENTILE ([\d.]+) (\d+)$", out, re.M)}
    errors = re.search(r"^ERRORS (.*)$", out, re.M).group(1)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return {"counts": counts, "pct": pct, "max_ms": int(re.search(r"^MAX (\d+)$", out, re.M).group(1)) / 1000.0,
            "errors": errors, "rps": rps}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--connections", type=int, default=256)
    ap.add_argument("--tenants", type=int, default=4)
    ap.add_argument("--pool", type=int, default=8, help="ipto-front's database connections (default 8, its default)")
    ap.add_argument("--datasets", type=int, default=2000, help="preloaded per tenant (default 2000)")
    args = ap.parse_args()
    seconds = int(args.minutes * 60)
    cluster = Cluster()
    front = None
    failures = []
    try:
        password, _, _ = setup(cluster)
        log(f"== preloading {args.tenants} tenants x {args.datasets} datasets")
        tenants = preload(cluster, args.tenants, args.datasets)
        front = Front(cluster, password, pool=args.pool)

        wrks = []
        per = args.connections // args.tenants
        for i, t in enumerate(tenants):
            data = os.path.join(cluster.dir, f"tenant{i}.lua")
            write_data_file(data, t, tenants[:i] + tenants[i + 1:])
            cmd = ["wrk", "-t1", f"-c{per}", f"-d{seconds}s", "--timeout", "10s", "-s",
                   os.path.join(HERE, "mixed.lua"), front.base, "--", data, str(seconds)]
            wrks.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        ingest_sql = os.path.join(cluster.dir, "ingest.sql")
        with open(ingest_sql, "w") as f:
            f.write("\\set i random(1, %d)\n" % (args.tenants * args.datasets))
            f.write("SELECT ipto.add_object(t.tenant_id, t.dataset_id, 'load.bin', 1000 + :i, "
                    "'application/octet-stream', 'staged') FROM public.load_targets t WHERE t.i = :i;\n")
        ingest = subprocess.Popen(
            [f"{PG_BIN}/pgbench", "-n", "-M", "prepared", "-c", "1", "-T", str(seconds),
             "-f", ingest_sql, "-h", cluster.dir, "-p", str(cluster.port), "-U", "postgres", "ipto"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        samples = []  # (seconds, front RSS KiB, front threads, PostgreSQL PSS KiB)
        start = time.monotonic()
        while any(w.poll() is None for w in wrks):
            samples.append((time.monotonic() - start, front.rss_kib(), front_threads(front),
                            pss_kib(cluster_pids(cluster))))
            log("  t=%4.0fs front %.1f MiB, %d threads; PostgreSQL %.0f MiB" % (
                samples[-1][0], samples[-1][1] / 1024, samples[-1][2], samples[-1][3] / 1024))
            time.sleep(10)
        results = []
        for w in wrks:
            out, err = w.communicate()
            if w.returncode != 0 or "ERRORS " not in out:
                raise RuntimeError(f"wrk failed ({w.returncode}): {out}\n{err}")
            results.append(parse_wrk(out))
        ingest_out = ingest.communicate()[0]
        ingested = int(re.search(r"number of transactions actually processed: (\d+)", ingest_out).group(1))
        ingest_failed = re.search(r"number of failed transactions: (\d+)", ingest_out)

        # What the clients were told, against the database.
        for t, r in zip(tenants, results):
            unexpected = {k: v for k, v in r["counts"].items() if k not in EXPECTED}
            if unexpected:
                failures.append(f"{t['tenant']}: unintended answers {unexpected}")
            if not r["errors"].startswith("connect=0 read=0 write=0 status=0 timeout=0"):
                failures.append(f"{t['tenant']}: wrk errors {r['errors']}")
            expect = len(t["own"]) + r["counts"].get("create 201", 0) - r["counts"].get("delete 200", 0)
            have = int(cluster.psql(f"SELECT count(*) FROM ipto.datasets WHERE tenant_id = '{t['tenant']}'"))
            if have != expect:
                failures.append(f"{t['tenant']}: {have} datasets, clients were told {expect}")
        if ingest_failed and int(ingest_failed.group(1)):
            failures.append(f"ingest: {ingest_failed.group(1)} failed transactions")
        bad_counters = cluster.psql("SELECT count(*) FROM ipto.verify_counters()")
        if bad_counters != "0":
            failures.append(f"verify_counters(): {bad_counters} rows")

        warm = [s for s in samples if s[0] >= 60] or samples
        front_growth = (warm[-1][1] - warm[0][1]) / 1024
        if front_growth > 2:
            failures.append(f"front memory grew {front_growth:.1f} MiB after the first minute")
        total = sum(r["rps"] for r in results)
        print(f"\nmixed load: {seconds} s, {args.connections} connections, {args.tenants} tenants "
              f"({per} each), {args.tenants * args.datasets} preloaded datasets")
        print(f"  HTTP: {total:.0f} req/s in all; {ingested / seconds:.0f} objects/s ingested beside")
        print("  per tenant: req/s, p50 / p90 / p99 / p99.9 / max ms")
        for t, r in zip(tenants, results):
            p = r["pct"]
            print(f"    {t['tenant']}: {r['rps']:.0f} req/s, {p[50]:.1f} / {p[90]:.1f} / {p[99]:.1f} / "
                  f"{p[99.9]:.1f} / {r['max_ms']:.0f}")
        kinds = {}
        for r in results:
            for k, v in r["counts"].items():
                kinds[k] = kinds.get(k, 0) + v
        print("  answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items())))
        print(f"  front RSS: {samples[0][1] / 1024:.1f} MiB at start, {warm[0][1] / 1024:.1f} after 1 min, "
              f"{samples[-1][1] / 1024:.1f} at the end (peak {max(s[1] for s in samples) / 1024:.1f}); "
              f"threads {min(s[2] for s in samples)}-{max(s[2] for s in samples)}")
        print(f"  PostgreSQL PSS: {warm[0][3] / 1024:.0f} MiB after 1 min, {samples[-1][3] / 1024:.0f} MiB at the end")
        print("  checks: " + ("all passed" if not failures else "; ".join(failures)))
    finally:
        if front:
            front.stop()
        cluster.stop()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
