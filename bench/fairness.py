#!/usr/bin/env python3
"""Fair share between tenants, side by side in one run: tenant A reads its
dataset on one keep-alive connection, alone and then while tenant B floods
the same front with 128 connections of GETs, of POSTs, and of lists
(limit=100 over 2,000 listed datasets). Target: A keeps at least 50% of its
throughput alone, and its p99 stays at or under 10 ms. Then what a rate
limit costs when set but not reached: GET throughput on 8 connections with
and without one (target: within 5%).

    python3 bench/fairness.py [SECONDS]
"""
import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import Cluster, Front, Key, http, log, setup, wrk  # noqa: E402


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    c = Cluster()
    front = None
    try:
        password, tenant_a, key_a = setup(c)
        tenant_b = c.psql("SELECT ipto.create_tenant('flooder')")
        key_b = Key(c.psql(f"SELECT ipto.create_api_key('{tenant_b}', 'flood', ARRAY['admin:*'])"))
        c.psql(f"SELECT ipto.create_dataset('{tenant_b}', 'b ' || i, visibility => 'listed')"
               f" FROM generate_series(1, 2000) i")
        front = Front(c, password)
        status, body = http("POST", front.base + "/v1/datasets", key_a, {"name": "mine"})
        assert status == 201, body
        mine = f"{front.base}/v1/datasets/{body['data']['dataset_id']}"
        status, body = http("POST", front.base + "/v1/datasets", key_b, {"name": "theirs"})
        theirs = f"{front.base}/v1/datasets/{body['data']['dataset_id']}"
        post = os.path.join(tempfile.mkdtemp(), "post.lua")
        with open(post, "w") as f:
            f.write('wrk.method = "POST"\nwrk.body = \'{"name": "flood"}\'\n'
                    'wrk.headers["Content-Type"] = "application/json"\n')
        floods = {"GET": (theirs, None), "POST": (front.base + "/v1/datasets", post),
                  "list": (front.base + "/v1/datasets?limit=100", None)}
        wrk(mine, key_a, 1, 3, threads=1)  # warm-up
        alone = wrk(mine, key_a, 1, seconds, threads=1)
        log(f"A alone: {alone['rps']:.0f} req/s, p99 {alone['p99_ms']:.2f} ms")
        rows = [("A alone", alone, None)]
        for name, (url, script) in floods.items():
            flood = {}
            t = threading.Thread(target=lambda: flood.update(
                wrk(url, key_b, 128, seconds + 4, threads=2, script=script)))
            t.start()
            time.sleep(2)
            a = wrk(mine, key_a, 1, seconds, threads=1)
            t.join()
            log(f"B floods {name}: A {a['rps']:.0f} req/s p99 {a['p99_ms']:.2f} ms; B {flood['rps']:.0f} req/s")
            rows.append((f"B floods {name} (128 conns)", a, flood))
        # What a rate limit costs when it is not reached: A's GETs on 8
        # connections with and without a (high) limit, alternating.
        plain, limited = [], []
        for _ in range(3):
            c.psql(f"SELECT ipto.set_tenant_limits('{tenant_a}', NULL, NULL)")
            time.sleep(1)
            plain.append(wrk(mine, key_a, 8, seconds)["rps"])
            c.psql(f"SELECT ipto.set_tenant_limits('{tenant_a}', 1000000, 1000000)")
            time.sleep(1)
            r = wrk(mine, key_a, 8, seconds)
            assert r["non2xx"] == 0, "a limit of a million refused requests"
            limited.append(r["rps"])
        c.psql(f"SELECT ipto.set_tenant_limits('{tenant_a}', NULL, NULL)")
        cost = sorted(limited)[1] / sorted(plain)[1]
        print(f"GET, 8 connections: {sorted(plain)[1]:.0f} req/s without a limit, {sorted(limited)[1]:.0f} with one"
              f" set but not reached (medians of 3): ratio {cost:.3f} (target >= 0.95)")
        print("| A's reads | A req/s | ratio to alone | A p50 ms | A p99 ms | B req/s | target | result |")
        print("|---|---|---|---|---|---|---|---|")
        for label, a, flood in rows:
            ratio = a["rps"] / alone["rps"]
            ok = flood is None or (ratio >= 0.5 and a["p99_ms"] <= 10)
            b_rps = "" if flood is None else f"{flood['rps']:.0f}"
            target = "" if flood is None else ">= 0.50, p99 <= 10"
            result = "" if flood is None else ("PASS" if ok else "FAIL")
            print(f"| {label} | {a['rps']:.0f} | {ratio:.2f} | {a['p50_ms']:.2f} | {a['p99_ms']:.2f} | {b_rps} | "
                  f"{target} | {result} |")
            assert a["non2xx"] == 0
    finally:
        if front:
            front.stop()
        c.stop()


if __name__ == "__main__":
    main()
