"""The server as a process: graceful stop on SIGTERM/SIGINT (in-flight
requests finish, exit 0), idle keep-alive clients cannot starve new ones,
the database pool stays bounded, and the command line."""

import json
import os
import signal
import socket
import struct
import subprocess
import threading
import time
import unittest

from harness import Client, count_complete_responses, front_binary, parse_responses, session


class ServerProcess(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.actor = cls.env.actor(name="server")

    def test_sigterm_finishes_in_flight_requests_and_exits_0(self):
        front = self.env.new_front("sigterm")
        body = json.dumps({"name": "in flight"}).encode()
        s = socket.create_connection(("127.0.0.1", front.port), timeout=10)
        s.sendall(b"POST /v1/datasets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + self.actor.key.encode() +
                  b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body[:5])
        time.sleep(0.2)
        front.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        # Stopped listening, but the request in flight goes on.
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", front.port), timeout=2).close()
        s.sendall(body[5:])
        got = b""
        while count_complete_responses(got) < 1:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        s.close()
        status, _, payload = parse_responses(got)[0]
        self.assertEqual(status, 201, got)
        self.assertEqual(json.loads(payload)["data"]["name"], "in flight")
        self.assertEqual(front.proc.wait(15), 0)
        self.assertIn('"event":"stopped"', front.stderr())

    def test_sigint_exits_0(self):
        front = self.env.new_front("sigint")
        self.assertEqual(Client(front.port).get("/healthz").status, 200)
        self.assertEqual(front.stop(signal.SIGINT), 0)

    def test_idle_keep_alive_clients_do_not_starve_a_new_one(self):
        front = self.env.new_front("keepalive")
        idle = []
        try:
            for _ in range(200):
                s = socket.create_connection(("127.0.0.1", front.port), timeout=10)
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                idle.append(s)
            for s in idle:  # each has had its answer and now sits idle, kept alive
                got = b""
                while count_complete_responses(got) < 1:
                    got += s.recv(4096)
            # Answered within 3 s, while the idle ones hold their threads for
            # 5 s (the keep-alive timeout): a starved client would time out.
            r = Client(front.port).get("/healthz", timeout=3)
            self.assertEqual(r.status, 200)
            r = Client(front.port, self.actor.key).get("/v1/datasets?limit=1", timeout=3)
            self.assertEqual(r.status, 200)
        finally:
            for s in idle:
                s.close()
        self.assertEqual(front.stop(), 0)

    def test_a_response_is_one_tcp_segment(self):
        # cpp-httplib writes headers and body with two send()s; the front
        # corks the connection around the write, so the client gets one
        # segment (and wakes once) per small response, not two.
        s = socket.create_connection(("127.0.0.1", self.env.front.port), timeout=10)

        def segments_in():  # struct tcp_info's tcpi_data_segs_in (Linux >= 4.6): bare ACKs, which a
            # slower answer may bring first, are not the response's segments
            return struct.unpack_from("I", s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256), 152)[0]

        def exchange(path):
            s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n" % (
                path, self.actor.key)).encode())
            got = b""
            while count_complete_responses(got) < 1:
                got += s.recv(65536)
            return parse_responses(got)[0][0]

        self.assertEqual(exchange("/healthz"), 200)
        before = segments_in()
        statuses = [exchange(p) for p in ["/healthz", "/v1/datasets?limit=2", "/v1/datasets/dset_000000000000"] * 30]
        per_response = (segments_in() - before) / len(statuses)
        s.close()
        self.assertEqual(set(statuses), {200, 404})
        self.assertLess(per_response, 1.5)

    def test_pool_is_bounded(self):
        front = self.env.new_front("pool", args=["--pool", "2", "--threads", "4"])
        c = Client(front.port, self.actor.key)
        results = []

        def work():
            for _ in range(10):
                results.append(c.get("/v1/datasets?limit=5", record=False).status)

        threads = [threading.Thread(target=work) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(results, [200] * 160)
        metrics = Client(front.port).get("/metrics", record=False).body.decode()
        in_use = float([l for l in metrics.splitlines() if l.startswith('ipto_db_pool_connections{state="in_use"}')][0].split()[-1])
        idle = float([l for l in metrics.splitlines() if l.startswith('ipto_db_pool_connections{state="idle"}')][0].split()[-1])
        self.assertLessEqual(in_use + idle, 2)
        self.assertIn("ipto_db_pool_max 2", metrics)
        n = self.env.cluster.scalar("SELECT count(*) FROM pg_stat_activity WHERE usename = 'ipto_front' "
                                    "AND application_name = 'ipto-front'")
        self.assertLessEqual(int(n), 2 + 8 + 8)  # this front's 2, plus the shared front and others
        self.assertEqual(front.stop(), 0)

    def run_front(self, *args, env=None):
        binary = front_binary()
        e = dict(os.environ)
        e.update(env or {})
        return subprocess.run([binary] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=10, env=e)

    def test_command_line(self):
        p = self.run_front("--help")
        self.assertEqual(p.returncode, 0)
        for word in ("--listen", "--db", "--threads", "--pool", "IPTO_LISTEN", "IPTO_DATABASE_URL"):
            self.assertIn(word, p.stdout)
        p = self.run_front("--pool", "0")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--pool", p.stderr)
        p = self.run_front(env={"IPTO_THREADS": "lots"})
        self.assertEqual(p.returncode, 2)
        self.assertIn("IPTO_THREADS", p.stderr)
        p = self.run_front("--bogus")
        self.assertEqual(p.returncode, 2)

    def test_port_in_use_fails_cleanly(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen(1)
            port = s.getsockname()[1]
            p = self.run_front("--listen", "127.0.0.1:%d" % port, "--db", "host=127.0.0.1 port=1")
        self.assertEqual(p.returncode, 1)
        self.assertIn("listen_failed", p.stderr)

    def test_a_second_front_on_a_port_in_use_fails(self):
        # Not a silent half of the first one's connections (SO_REUSEPORT).
        p = self.run_front("--listen", "127.0.0.1:%d" % self.env.front.port, "--db", "host=127.0.0.1 port=1")
        self.assertEqual(p.returncode, 1)
        self.assertIn("listen_failed", p.stderr)


if __name__ == "__main__":
    unittest.main()
