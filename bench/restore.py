#!/usr/bin/env python3
"""Restore benchmark: a custom-format dump of a database holding N objects
(default 1,000,000, over 100 datasets, a fifth approved and indexed with two
index entries each) restored with ipto's triggers at work, against the same
dump restored with --disable-triggers (no counting at all). Runs alternate,
each into a fresh database of the same cluster; prints the medians and their
ratio. The target: at most 1.5x.

    python3 bench/restore.py [OBJECTS] [ROUNDS]
"""
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import PG_BIN, Cluster, as_pg, log  # noqa: E402


def main():
    objects = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    c = Cluster()
    try:
        c.psql("CREATE DATABASE ipto", db="postgres")
        c.psql("CREATE EXTENSION ipto")
        t = c.psql("SELECT ipto.create_tenant('bench')")
        c.psql(f"SELECT ipto.create_dataset('{t}', 'set ' || i) FROM generate_series(1, 100) i")
        log(f"filling {objects} objects")
        c.psql(f"""INSERT INTO ipto.objects (tenant_id, dataset_id, filename, size_bytes, status, indexed_at)
                   SELECT '{t}', d.dataset_id, 'f-' || i, i % 100000,
                          CASE WHEN i % 5 = 0 THEN 'approved' ELSE 'staged' END,
                          CASE WHEN i % 5 = 0 THEN now() END
                     FROM generate_series(1, {objects}) i
                     JOIN (SELECT dataset_id, row_number() OVER () - 1 AS n FROM ipto.datasets) d
                       ON d.n = i % 100""")
        c.psql(f"""INSERT INTO ipto.index_entries (tenant_id, object_id, chunk_no, dataset_id, chunk)
                   SELECT tenant_id, object_id, k, dataset_id, 'chunk ' || k
                     FROM ipto.objects, generate_series(1, 2) k WHERE status = 'approved'""")
        dump = os.path.join(c.dir, "bench.dump")
        as_pg([f"{PG_BIN}/pg_dump", "-h", c.dir, "-p", str(c.port), "-U", "postgres", "-Fc", "-Z", "0",
               "-d", "ipto", "-f", dump])
        timings = {"triggers": [], "disabled": []}
        for r in range(rounds):
            for kind in ("triggers", "disabled"):
                db = f"r_{kind}_{r}"
                c.psql(f"CREATE DATABASE {db}", db="postgres")
                args = [f"{PG_BIN}/pg_restore", "-h", c.dir, "-p", str(c.port), "-U", "postgres", "-d", db]
                if kind == "disabled":
                    args.append("--disable-triggers")
                started = time.monotonic()
                as_pg(args + [dump], stdout=subprocess.DEVNULL)
                timings[kind].append(time.monotonic() - started)
                if kind == "triggers":
                    wrong = c.psql("SELECT count(*) FROM ipto.verify_counters()", db=db)
                    assert wrong == "0", f"{wrong} counters wrong after the restore"
                c.psql(f"DROP DATABASE {db}", db="postgres")
                log(f"round {r + 1} {kind}: {timings[kind][-1]:.1f} s")
        on, off = statistics.median(timings["triggers"]), statistics.median(timings["disabled"])
        print(f"objects={objects} rounds={rounds} restore_with_triggers_s={on:.2f} "
              f"restore_triggers_disabled_s={off:.2f} ratio={on / off:.2f}")
    finally:
        c.stop()


if __name__ == "__main__":
    main()
