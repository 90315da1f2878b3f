"""The database going away and coming back: 503 at once, never a hang, and
recovery without restarting the front. Also a database that accepts
connections but never answers (a hung server or a black hole).

No timing is asserted (the machine is shared). Clients give up after 5 s,
which only catches a hang; the slowest 503 is printed for
docs/RELIABILITY.md."""

import socket
import threading
import time
import unittest

from harness import Client, CuttingProxy, Front, session, wait_until

HANG = 5  # seconds after which an unanswered request counts as hung


class Outage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.actor = cls.env.actor(name="outage")
        cls.dataset = cls.actor.client.create(name="survives outages")
        cls.front = cls.env.new_front("outage")
        cls.c = Client(cls.front.port, cls.actor.key, timeout=HANG)
        cls.anon = Client(cls.front.port, timeout=HANG)
        cls.seconds = {}

    @classmethod
    def tearDownClass(cls):
        for case, seconds in sorted(cls.seconds.items()):
            print("\n  %s: %d answers of 503, slowest %.0f ms" % (case, len(seconds), 1000 * max(seconds)), end="")
        print(flush=True)

    def timed(self, fn):
        start = time.time()
        r = fn()
        return r, time.time() - start

    def assert503(self, r, seconds):
        self.assertEqual(r.status, 503, r)
        self.assertEqual(r.error["code"], "unavailable")
        self.assertEqual(r.header("Retry-After"), "1")
        self.seconds.setdefault(self._testMethodName, []).append(seconds)

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
        self.assertTrue(wait_until(lambda: self.anon.get("/readyz").status == 200))
        r = self.c.post("/v1/datasets", {"name": "after the outage"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.c.get(item).status, 200)
        self.assertEqual(self.c.patch(item, {"description": "still here"}).status, 200)
        # The shared front recovered too.
        self.assertTrue(wait_until(lambda: self.actor.client.get(item).status == 200))

    def test_stop_under_load(self):
        # Eight clients reading and writing without pause; the cluster is
        # stopped (fast mode: in-flight statements are cut), kept down two
        # seconds, and started again. Every answer must be a 2xx or a 503
        # (none hung), every acknowledged create must survive, and every
        # client must be served again without a restart of the front.
        front = self.env.new_front("outage-load")
        item = "/v1/datasets/" + self.dataset["dataset_id"]
        stop = threading.Event()
        lock = threading.Lock()
        log = []  # (start, end, status)
        acked = []
        problems = []

        def worker(w):
            c = Client(front.port, self.actor.key, timeout=HANG)
            n = 0
            while not stop.is_set():
                n += 1
                start = time.time()
                try:
                    if n % 4 == 0:
                        r = c.post("/v1/datasets", {"name": "under load %d-%d" % (w, n)}, record=False)
                    else:
                        r = c.get(item, record=False)
                except Exception as e:  # a hang or a broken answer
                    with lock:
                        problems.append("%s after %.1fs" % (e, time.time() - start))
                    continue
                end = time.time()
                with lock:
                    log.append((start, end, r.status))
                    if r.status == 201:
                        acked.append(r.data["dataset_id"])
                    elif r.status not in (200, 503):
                        problems.append(repr(r))
                if r.status == 503:
                    time.sleep(0.01)  # as a client honouring Retry-After would, only faster

        threads = [threading.Thread(target=worker, args=(w,)) for w in range(8)]
        for t in threads:
            t.start()
        try:
            time.sleep(1.0)
            stopping = time.time()
            self.env.cluster.stop("fast")
            stopped = time.time()
            time.sleep(2.0)
        finally:
            self.env.cluster.start()
        started = time.time()
        recovered = wait_until(lambda: any(s < 300 and st > started for st, _, s in list(log)), timeout=30)
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join(2 * HANG)
        self.assertEqual(problems, [])
        self.assertTrue(recovered, "no 2xx after the restart")
        first503 = min((end for _, end, s in log if s == 503), default=None)
        self.assertIsNotNone(first503, "no 503 while the database was down")
        during = [end - st for st, end, s in log if st >= stopped and end <= started]
        self.assertTrue(during and all(s == 503 for st, end, s in log if st >= stopped and end <= started))
        back = min(end for st, end, s in log if s < 300 and st > started)
        slowest = max(end - st for st, end, _ in log)
        print("\n  stop under load: %d requests; first 503 %.0f ms after the stop began (the stop took %.0f ms); "
              "%d answers while down, slowest %.1f ms; slowest of all %.0f ms; first 2xx %.0f ms after the "
              "start returned; %d acknowledged creates" % (
                  len(log), 1000 * (first503 - stopping), 1000 * (stopped - stopping), len(during),
                  1000 * max(during), 1000 * slowest, 1000 * (back - started), len(acked)), flush=True)
        for dataset_id in acked:
            self.assertEqual(self.c.get("/v1/datasets/" + dataset_id, record=False).status, 200, dataset_id)
        self.assertEqual(front.stop(), 0)

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
            c = Client(front.port, self.actor.key, timeout=HANG)
            r, seconds = self.timed(lambda: Client(front.port, timeout=HANG).get("/readyz"))
            self.assert503(r, seconds)
            for _ in range(5):  # during the back-off: at once
                self.assert503(*self.timed(lambda: c.get("/v1/datasets")))
            self.assertEqual(Client(front.port).get("/healthz").status, 200)
        finally:
            self.assertEqual(front.stop(), 0)
            listener.close()


if __name__ == "__main__":
    unittest.main()
