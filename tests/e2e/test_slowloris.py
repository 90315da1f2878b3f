"""Slow clients: 500 slowloris connections, half trickling their
headers a byte at a time and half sending a body's headers and never the
body, do not stop a normal client from being served. cpp-httplib gives each
connection a thread; the front's worker pool grows on demand, so the slow
ones each park a sleeping thread and the normal client gets a fresh one.

No timing is asserted (the machine is shared): a normal request must be
answered at all, within the client's timeout, which only catches a hang. The
latencies are printed, with and without the slow clients, for
docs/RELIABILITY.md."""

import socket
import statistics
import threading
import time
import unittest

from harness import Client, session, wait_until

SLOW_CONNECTIONS = 500
NORMAL_REQUESTS = 200


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


class Slowloris(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.actor = cls.env.actor(name="slowloris")
        cls.dataset = cls.actor.client.create(name="served regardless")

    def normal_latencies(self, front):
        c = Client(front.port, self.actor.key)
        item = "/v1/datasets/" + self.dataset["dataset_id"]
        seconds = []
        for i in range(NORMAL_REQUESTS):
            start = time.time()
            r = c.get(item if i % 2 else "/v1/datasets?limit=5", record=False, timeout=15)
            seconds.append(time.time() - start)
            self.assertEqual(r.status, 200, r)
        return seconds

    def worker_threads(self, front):
        metrics = Client(front.port).get("/metrics", record=False, timeout=15).body.decode()
        return int([l for l in metrics.splitlines() if l.startswith("ipto_http_worker_threads ")][0].split()[-1])

    def test_500_slow_clients_do_not_stop_a_normal_one(self):
        front = self.env.new_front("slowloris")
        calm = self.normal_latencies(front)

        slow = []
        stop = threading.Event()
        try:
            for i in range(SLOW_CONNECTIONS):
                s = socket.create_connection(("127.0.0.1", front.port), timeout=10)
                if i % 2:
                    # Headers trickled: a request line, then a header a byte at a time.
                    s.sendall(b"GET /v1/datasets HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                else:
                    # A body announced and never sent.
                    s.sendall(b"POST /v1/datasets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                              self.actor.key.encode() + b"\r\nContent-Type: application/json\r\n"
                              b"Content-Length: 100000\r\n\r\n{\"name\": \"")
                slow.append(s)

            def trickle():
                while not stop.wait(1.0):
                    for s in slow[1::2]:
                        try:
                            s.send(b"a")
                        except OSError:
                            pass

            trickler = threading.Thread(target=trickle, daemon=True)
            trickler.start()
            # Every slow connection accepted and parked.
            wait_until(lambda: self.worker_threads(front) >= SLOW_CONNECTIONS, timeout=30)
            threads = self.worker_threads(front)
            self.assertGreaterEqual(threads, SLOW_CONNECTIONS)  # each slow client holds one, and is still held
            loaded = self.normal_latencies(front)
            # The slow clients are still there, still unanswered.
            self.assertGreaterEqual(self.worker_threads(front), SLOW_CONNECTIONS)
        finally:
            stop.set()
            for s in slow:
                s.close()
        print("\n  normal client, ms p50/p99: %.2f/%.2f alone; %.2f/%.2f beside %d slowloris connections "
              "(%d worker threads)" % (
                  1000 * statistics.median(calm), 1000 * percentile(calm, 99),
                  1000 * statistics.median(loaded), 1000 * percentile(loaded, 99), SLOW_CONNECTIONS, threads),
              flush=True)
        # The front is still whole, and stops cleanly.
        self.assertEqual(Client(front.port).get("/healthz", record=False, timeout=15).status, 200)
        self.assertEqual(front.stop(), 0)


if __name__ == "__main__":
    unittest.main()
