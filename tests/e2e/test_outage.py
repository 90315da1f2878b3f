"""The database going away and coming back: 503 within about a second, never
a hang, and recovery without restarting the front. Also a database that
accepts connections but never answers (a hung server or a black hole)."""

import socket
import time
import unittest

from harness import Client, CuttingProxy, Front, session


class Outage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.actor = cls.env.actor(name="outage")
        cls.dataset = cls.actor.client.create(name="survives outages")
        cls.front = cls.env.new_front("outage")
        cls.c = Client(cls.front.port, cls.actor.key)
        cls.anon = Client(cls.front.port)

    def timed(self, fn):
        start = time.time()
        r = fn()
        return r, time.time() - start

    def assert503(self, r, seconds, limit=1.5):
        self.assertEqual(r.status, 503, r)
        self.assertEqual(r.error["code"], "unavailable")
        self.assertEqual(r.header("Retry-After"), "1")
        self.assertLess(seconds, limit, "took %.2fs" % seconds)

    def wait_until(self, fn, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if fn():
                return True
            time.sleep(0.1)
        return False

    def test_stop_and_restart_the_database(self):
        item = "/v1/datasets/" + self.dataset["dataset_id"]
        self.assertEqual(self.c.get(item).status, 200)  # a pooled connection exists
        self.assertEqual(self.anon.get("/readyz").status, 200)
        self.env.cluster.stop("fast")
        try:
            for _ in range(3):
                self.assert503(*self.timed(lambda: self.anon.get("/readyz")))
                self.assert503(*self.timed(lambda: self.c.get(item)))
                self.assert503(*self.timed(lambda: self.c.get("/v1/datasets")))
                self.assert503(*self.timed(lambda: self.c.post("/v1/datasets", {"name": "while down"})))
                self.assert503(*self.timed(lambda: self.c.patch(item, {"name": "while down"})))
                self.assert503(*self.timed(lambda: self.c.delete(item)))
            # The process itself is fine.
            self.assertEqual(self.anon.get("/healthz").status, 200)
            self.assertEqual(self.anon.get("/metrics").status, 200)
        finally:
            self.env.cluster.start()
        # Back without a restart: readiness, then every kind of call.
        self.assertTrue(self.wait_until(lambda: self.anon.get("/readyz").status == 200))
        r = self.c.post("/v1/datasets", {"name": "after the outage"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.c.get(item).status, 200)
        self.assertEqual(self.c.patch(item, {"description": "still here"}).status, 200)
        # The shared front recovered too.
        self.assertTrue(self.wait_until(lambda: self.actor.client.get(item).status == 200))

    def test_connections_killed_by_the_server(self):
        item = "/v1/datasets/" + self.dataset["dataset_id"]
        self.assertEqual(self.c.get(item).status, 200)
        self.env.cluster.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'ipto_front'")
        time.sleep(0.2)
        # Dead pooled connections are replaced before use: even a write succeeds.
        r = self.c.post("/v1/datasets", {"name": "after terminate"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.c.get(item).status, 200)

    def test_only_reads_are_retried_after_a_connection_breaks_mid_call(self):
        proxy = CuttingProxy(self.env.cluster.port)
        conninfo = self.env.cluster.front_conninfo().replace("port=%d" % self.env.cluster.port, "port=%d" % proxy.port)
        front = Front(self.env.workdir, conninfo, name="cutting", args=["--pool", "1"])
        self.env.extra_fronts.append(front)
        front.start()
        try:
            c = Client(front.port, self.actor.key)
            item = "/v1/datasets/" + self.dataset["dataset_id"]
            self.assertEqual(c.get(item).status, 200)  # one pooled connection, through the proxy
            # A GET whose connection breaks mid-call is retried once, on a fresh connection.
            proxy.cut_next.set()
            r = c.get(item)
            self.assertEqual(proxy.cuts, 1)
            self.assertEqual(r.status, 200, r)
            # A write is not retried (it might have committed): 503, and nothing was created.
            before = c.get("/v1/datasets?owner=me&limit=100").data["total"]
            proxy.cut_next.set()
            r = c.post("/v1/datasets", {"name": "cut mid-call"})
            self.assertEqual(proxy.cuts, 2)
            self.assertEqual(r.status, 503, r)
            self.assertEqual(r.error["code"], "unavailable")
            self.assertEqual(c.get("/v1/datasets?owner=me&limit=100").data["total"], before)
            # And the front goes on.
            self.assertEqual(c.post("/v1/datasets", {"name": "after the cut"}).status, 201)
            self.assertIn('"event":"connection_lost"', front.stderr())
        finally:
            self.assertEqual(front.stop(), 0)
            proxy.close()

    def test_database_that_never_answers(self):
        # Accepts TCP connections (the kernel completes the handshake) and
        # never speaks: libpq waits for the server's first message forever.
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        port = listener.getsockname()[1]
        front = Front(self.env.workdir, "host=127.0.0.1 port=%d dbname=x user=x password=x" % port, name="blackhole")
        self.env.extra_fronts.append(front)
        front.start()
        try:
            c = Client(front.port, self.actor.key)
            r, seconds = self.timed(lambda: Client(front.port).get("/readyz"))
            self.assert503(r, seconds, limit=2.0)
            for _ in range(5):  # during the back-off: at once
                self.assert503(*self.timed(lambda: c.get("/v1/datasets")), limit=2.0)
            self.assertEqual(Client(front.port).get("/healthz").status, 200)
        finally:
            self.assertEqual(front.stop(), 0)
            listener.close()


if __name__ == "__main__":
    unittest.main()
