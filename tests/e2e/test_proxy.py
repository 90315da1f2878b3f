"""ipto-front behind a real reverse proxy: nginx, with keep-alive connections
to the front, as docs/proxy.md recommends. Normal API calls and every
hostile framing of test_framing go through it. The front must answer exactly
the requests nginx forwarded (the same count, the same statuses): a request
smuggled past nginx would be one more on the front's side. Datasets are
created only by the creates nginx forwarded and the front answered 201.

nginx runs as its own unprivileged process (as nobody when the suite runs
as root), with a prefix, configuration and logs in the run's directory; the
system's nginx service is never touched. Skipped when nginx is not installed
(scripts/setup.sh installs it)."""

import collections
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import unittest

from harness import Client, count_complete_responses, free_port, parse_responses, session, wait_until
from test_framing import BODY, build_post, chunked, refused_requests

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)

CONFIG = """
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 512; }}
http {{
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    log_format upstream '$request_method|$status|$upstream_status';
    access_log {prefix}/access.log upstream;

{site}
}}
"""

# The part docs/proxy.md recommends, verbatim but for the addresses.
SITE = """
    upstream ipto_front {{
        server 127.0.0.1:{front_port};
        keepalive 16;               # idle keep-alive connections to the front, per worker
        keepalive_timeout 4s;       # below the front's 5 s: nginx, not the front, closes idle ones
        keepalive_requests 1000;    # the front closes a connection after 1000 requests
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 1m;                 # the front's limit: a 413 at the edge
        large_client_header_buffers 4 16k;       # heads well under the front's 64 KiB
        ignore_invalid_headers on;
        underscores_in_headers off;
        location / {{
            proxy_pass http://ipto_front;
            proxy_http_version 1.1;              # keep-alive to the front needs HTTP/1.1 ...
            proxy_set_header Connection "";      # ... and no "Connection: close" passed on
            proxy_set_header Host $host;
            proxy_request_buffering on;          # whole bodies, sent with Content-Length
            proxy_next_upstream error timeout;   # never retries a POST or PATCH that was sent
            proxy_read_timeout 30s;
        }}
    }}
"""


class Nginx:
    def __init__(self, workdir, front_port):
        self.prefix = tempfile.mkdtemp(prefix="nginx-", dir=workdir)
        self.port = free_port()
        self.conf = os.path.join(self.prefix, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(CONFIG.format(prefix=self.prefix, site=SITE.format(front_port=front_port, port=self.port)))
        self.pid_path = os.path.join(workdir, "nginx.pid")  # run-e2e.sh's cleanup, should we die first
        self.proc = None

    def start(self):
        kw = {}
        if os.geteuid() == 0:  # never a root master: nginx runs as nobody, in its own directory
            shutil.chown(self.prefix, "nobody")
            os.chmod(self.prefix, 0o755)
            kw = dict(user="nobody", group="nogroup")
        out = open(os.path.join(self.prefix, "stderr"), "wb")
        self.proc = subprocess.Popen([NGINX, "-p", self.prefix, "-c", self.conf, "-e", self.prefix + "/error.log"],
                                     stdout=out, stderr=out, **kw)
        with open(self.pid_path, "w") as f:
            f.write(str(self.proc.pid))

        def listening():
            if self.proc.poll() is not None:
                raise RuntimeError("nginx exited: " + self.errors())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return True
            except OSError:
                return False
        if not wait_until(listening, timeout=15):
            raise RuntimeError("nginx is not listening: " + self.errors())
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if os.path.exists(self.pid_path):
            os.unlink(self.pid_path)

    def errors(self):
        text = ""
        for name in ("stderr", "error.log"):
            path = os.path.join(self.prefix, name)
            if os.path.exists(path):
                text += open(path, errors="replace").read()
        return text

    def log(self):
        """(method, status, [statuses the front answered with]) per request nginx handled."""
        path = os.path.join(self.prefix, "access.log")
        if not os.path.exists(path):
            return []
        out = []
        for line in open(path, errors="replace").read().splitlines():
            method, status, upstream = line.split("|")
            # "-": nginx answered alone; "502, 201": a retry. The front never answers 502 or 504:
            # those are nginx's own, for tries the front never saw.
            answered = [int(s) for s in upstream.replace(" ", "").split(",") if s.isdigit()]
            out.append((method, int(status), [s for s in answered if s not in (502, 504)]))
        return out


@unittest.skipUnless(NGINX, "nginx is not installed (scripts/setup.sh installs it)")
class BehindNginx(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.front = cls.env.new_front("proxied")
        cls.nginx = Nginx(cls.env.workdir, cls.front.port).start()
        cls.actor = cls.env.actor(scopes=("datasets:read", "datasets:write"), name="proxied")
        cls.auth = ("Authorization: Bearer %s\r\n" % cls.actor.key).encode()

    @classmethod
    def tearDownClass(cls):
        cls.nginx.stop()
        cls.front.stop()

    def datasets(self):
        return int(self.env.cluster.scalar(
            "SELECT count(*) FROM ipto.datasets WHERE tenant_id = '%s'" % self.actor.tenant_id))

    def converse(self, data, timeout=3.0, until_responses=None):
        """Raw bytes to nginx; what it answered until it closed (or was quiet for `timeout`:
        how long nginx keeps a client connection is nginx's business, not the front's)."""
        s = socket.create_connection(("127.0.0.1", self.nginx.port), timeout=timeout)
        got = b""
        try:
            try:
                s.sendall(data)
            except OSError:
                pass
            while not (until_responses and count_complete_responses(got) >= until_responses):
                try:
                    chunk = s.recv(65536)
                except (socket.timeout, ConnectionResetError):
                    break
                if not chunk:
                    break
                got += chunk
        finally:
            s.close()
        return got

    def assert_front_answered_what_nginx_forwarded(self):
        """The front's access log and nginx's upstream statuses: the same requests, the same answers."""
        def forwarded():
            return collections.Counter(s for _, _, answered in self.nginx.log() for s in answered)

        def answered():
            return collections.Counter(line["status"] for line in self.front.access_log())

        # Both logs are written just after the response: wait for them to settle.
        wait_until(lambda: forwarded() == answered(), timeout=10)
        self.assertEqual(forwarded(), answered(), "nginx forwarded %s; the front answered %s" % (
            sorted(forwarded().items()), sorted(answered().items())))
        return forwarded()

    def front_201s(self):
        return sum(1 for line in self.front.access_log() if line["status"] == 201)

    def test_1_api_calls_pass_through(self):
        c = Client(self.nginx.port, self.actor.key)
        before = self.datasets()
        r = c.post("/v1/datasets", {"name": "through nginx", "visibility": "listed"})
        self.assertEqual(r.status, 201, r)
        item = "/v1/datasets/" + r.data["dataset_id"]
        self.assertEqual(c.get(item).status, 200)
        self.assertEqual(c.get("/v1/datasets?limit=5").status, 200)
        self.assertEqual(c.patch(item, {"description": "patched"}).status, 200)
        self.assertEqual(c.get("/v1/datasets/dset_000000000000").status, 404)
        self.assertEqual(c.post("/v1/datasets", {"name": 5}).status, 422)
        self.assertEqual(c.delete(item).status, 200)
        # Pipelined by the client, over one keep-alive connection to nginx.
        get = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        create = build_post(self.auth, b"Content-Length: %d\r\n" % len(BODY), BODY)
        chunked_create = build_post(self.auth, b"Transfer-Encoding: chunked\r\n", chunked(BODY))
        got = self.converse(get * 3 + create + chunked_create + get, until_responses=6)
        self.assertEqual([r[0] for r in parse_responses(got)], [200, 200, 200, 201, 201, 200], got[:800])
        # Many requests, so nginx reuses its connections to the front.
        for _ in range(50):
            self.assertEqual(c.get(item, record=False).status, 404)
        self.assertEqual(self.datasets() - before, 2)
        self.assert_front_answered_what_nginx_forwarded()

    def test_2_hostile_framings_smuggle_nothing(self):
        smuggled = build_post(self.auth, b"Content-Length: 20\r\n", b'{"name": "smuggled"}')
        before = self.datasets()
        created_201 = self.front_201s()
        edge = collections.Counter()
        for name, data, _ in refused_requests(self.auth):
            with self.subTest(name):
                got = self.converse(data + smuggled)
                for status, _, _ in parse_responses(got):
                    edge[status] += 1
        # Between the hostile ones, a normal client is served throughout.
        self.assertEqual(Client(self.nginx.port, self.actor.key).get("/v1/datasets").status, 200)
        counts = self.assert_front_answered_what_nginx_forwarded()
        # Whatever nginx judged to be a create and forwarded, the front answered
        # (above); each dataset written is one of those it answered 201, and no other.
        self.assertEqual(self.datasets() - before, self.front_201s() - created_201)
        print("\n  through nginx: %d hostile requests; answers at the edge %s; the front answered %s"
              % (len(refused_requests(self.auth)), dict(sorted(edge.items())), dict(sorted(counts.items()))),
              flush=True)


if __name__ == "__main__":
    unittest.main()
