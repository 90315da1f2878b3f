"""Rate limits per tenant (docs/api.md, Rate limits): ipto.set_tenant_limits,
a token bucket shared by every front of the database. Over it: 429
rate_limited with Retry-After and the RateLimit header fields; other tenants
untouched; a change reaches the fronts within a few seconds; two fronts
together hold the limit. The bounds below are counts against the clock the
test itself reads, generous by a sync interval and a request per front."""

import time
import unittest

from harness import session, sql_literal, wait_until

SYNC_SLACK_SECONDS = 0.5


class RateLimits(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()

    def set_limits(self, tenant, rate, burst):
        self.env.cluster.psql("SELECT ipto.set_tenant_limits(%s, %s, %s)" % (
            sql_literal(tenant), "NULL" if rate is None else rate, "NULL" if burst is None else burst))

    def refused(self, client, path):
        r = client.get(path)
        self.assertIn(r.status, (200, 429), r)
        return r.status == 429

    def test_over_the_limit_is_a_429_with_retry_after(self):
        actor = self.env.actor(name="limited")
        other = self.env.actor(name="unlimited")
        path = "/v1/datasets/" + actor.client.create(name="limited")["dataset_id"]
        self.set_limits(actor.tenant_id, 2, 4)
        # Wait until the front knows: a burst of requests meets a 429.
        self.assertTrue(wait_until(lambda: any(self.refused(actor.client, path) for _ in range(10)), timeout=10))
        r = actor.client.get(path)
        while r.status != 429:
            r = actor.client.get(path)
        self.assertEqual(r.error["code"], "rate_limited")
        self.assertGreaterEqual(int(r.header("Retry-After")), 1)
        self.assertEqual(r.header("RateLimit-Limit"), "4")
        self.assertEqual(r.header("RateLimit-Policy"), "4;w=2")
        self.assertEqual(r.header("RateLimit-Remaining"), "0")
        self.assertGreaterEqual(int(r.header("RateLimit-Reset")), 1)
        # Another tenant is not limited, and carries no RateLimit fields.
        theirs = other.client.get("/v1/datasets?limit=1")
        self.assertEqual(theirs.status, 200)
        self.assertIsNone(theirs.header("RateLimit-Limit"))
        metrics = self.env.client().get("/metrics", auth=False).body.decode()
        refused = [l for l in metrics.splitlines() if l.startswith("ipto_rate_limited_total ")]
        self.assertEqual(len(refused), 1)
        self.assertGreater(int(refused[0].split()[1]), 0)
        self.assertNotIn(actor.tenant_id, metrics)  # no label per tenant
        # Removing the limit reaches the front within a few seconds.
        self.set_limits(actor.tenant_id, None, None)
        self.assertTrue(wait_until(lambda: all(actor.client.get(path).status == 200 for _ in range(10)), timeout=10))
        self.assertIsNone(actor.client.get(path).header("RateLimit-Limit"))

    def test_a_limit_holds_across_two_fronts(self):
        actor = self.env.actor(name="two fronts")
        path = "/v1/datasets/" + actor.client.create(name="shared")["dataset_id"]
        second = self.env.new_front("rate-second")
        from harness import Client
        clients = [actor.client, Client(second.port, actor.key)]
        for c in clients:  # each front learns the credential's tenant
            self.assertEqual(c.get(path).status, 200)
        rate, burst = 5, 5
        self.set_limits(actor.tenant_id, rate, burst)
        self.assertTrue(wait_until(lambda: any(self.refused(clients[0], path) for _ in range(20)), timeout=10))
        self.assertTrue(wait_until(lambda: any(self.refused(clients[1], path) for _ in range(20)), timeout=10))
        time.sleep(burst / rate + 0.5)  # let the bucket fill again
        ok = 0
        start = time.monotonic()
        while time.monotonic() - start < 3:
            for c in clients:
                ok += 0 if self.refused(c, path) else 1
        elapsed = time.monotonic() - start
        # At most a full bucket and what refills meanwhile, with a sync's slack per front.
        ceiling = burst + rate * (elapsed + SYNC_SLACK_SECONDS) + 2
        self.assertLessEqual(ok, ceiling, (ok, elapsed))
        self.assertGreaterEqual(ok, rate)  # and the limit is not zero
        self.set_limits(actor.tenant_id, None, None)

    def test_set_tenant_limits_validates(self):
        t = self.env.ops.tenant()
        for args, field in ((("0", "5"), "requests_per_second"), (("5", "-1"), "burst"), (("5", "NULL"), "burst"),
                            (("NULL", "5"), "requests_per_second")):
            p = self.env.cluster.psql("SELECT ipto.set_tenant_limits(%s, %s, %s)" % (sql_literal(t), args[0], args[1]),
                                      check=False)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn(field, p.stderr)
        p = self.env.cluster.psql("SELECT ipto.set_tenant_limits('tnt_000000000000', 1, 1)", check=False)
        self.assertIn("not found", p.stderr)


if __name__ == "__main__":
    unittest.main()
