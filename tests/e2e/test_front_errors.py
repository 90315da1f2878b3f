"""Errors the front answers itself, each with the envelope, and inputs that
must neither crash nor hang it (including cpp-httplib 0.11.4's soft spots)."""

import gzip
import json
import socket
import time
import unittest
import zlib

from harness import REQUEST_ID, count_complete_responses, parse_responses, raw_exchange, session

MIB = 1024 * 1024


class FrontErrors(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.actor = cls.env.actor(name="front errors")
        cls.c = cls.actor.client
        cls.port = cls.env.front.port
        cls.item = "/v1/datasets/" + cls.c.create(name="Front errors")["dataset_id"]
        cls.auth = ("Authorization: Bearer %s\r\n" % cls.actor.key).encode()

    def tearDown(self):
        # Whatever a test sent, the server is still there.
        self.assertEqual(self.env.client().get("/healthz", record=False).status, 200)

    def assertError(self, r, status, code, field=None):
        self.assertEqual(r.status, status, r)
        self.assertEqual(list(r.json.keys()), ["error", "request_id", "timestamp"])
        self.assertEqual(r.error["code"], code, r)
        self.assertEqual(r.error.get("field"), field, r)
        self.assertRegex(r.json["request_id"], REQUEST_ID)
        self.assertEqual(r.header("X-Request-Id"), r.json["request_id"])
        self.assertEqual(r.header("Content-Type"), "application/json; charset=utf-8")

    def raw_error(self, raw, status, code):
        responses = parse_responses(raw)
        self.assertTrue(responses, raw)
        got_status, headers, body = responses[0]
        self.assertEqual(got_status, status, raw[:400])
        self.assertEqual(json.loads(body)["error"]["code"], code)
        self.assertEqual(headers["x-request-id"], json.loads(body)["request_id"])
        return responses

    def front_rss_kib(self):
        with open("/proc/%d/status" % self.env.front.proc.pid) as f:
            return int([l for l in f if l.startswith("VmRSS:")][0].split()[1])

    def stream_until_cut(self, head, filler, limit=64 * MIB):
        """Sends `head`, then `filler` over and over; returns (bytes sent before
        the server cut the connection, what it answered)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        sent = 0
        try:
            s.sendall(head)
            while sent < limit:
                s.sendall(filler)
                sent += len(filler)
        except (BrokenPipeError, ConnectionResetError):
            pass
        got = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
        except (ConnectionResetError, socket.timeout):
            pass
        s.close()
        return sent, got

    def test_request_heads_are_bounded(self):
        # cpp-httplib 0.11.4 reads a line whole before checking its length and
        # counts no headers: a request line without end, or headers without
        # end, used to grow the front's memory as long as the client sent.
        before = self.front_rss_kib()
        for head, filler in ((b"GET /", b"a" * 65536),                                  # a request line without end
                             (b"GET /healthz HTTP/1.1\r\nX-Long: ", b"b" * 65536),       # a header line without end
                             (b"GET /healthz HTTP/1.1\r\n", b"X-Many: c\r\n" * 4096)):  # headers without end
            with self.subTest(head=head):
                sent, got = self.stream_until_cut(head, filler)
                self.assertLess(sent, 16 * MIB)  # cut off: not the 64 MiB offered (kernel buffers hold some MiB)
                if got:  # the 431 arrives unless the connection's reset overtook it
                    self.raw_error(got, 431, "bad_request")
        self.assertLess(self.front_rss_kib() - before, 32 * 1024)
        self.assertIn('"event":"request_head_too_large"', self.env.front.stderr())  # operators see it
        # Under the limit, many headers are fine.
        data = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Many: c\r\n" * 2000 + b"\r\n"
        raw, _, _ = raw_exchange(self.port, data, timeout=5, responses=1)
        self.assertEqual(parse_responses(raw)[0][0], 200)

    def test_unknown_routes(self):
        for path in ("/", "/v1", "/v1/dataset", "/v1/datasets/", "/v1/datasets/a/b", "/v2/datasets", "/favicon.ico",
                     "/%00", "/v1/datasets/a%0Ab/c"):
            with self.subTest(path=path):
                self.assertError(self.c.get(path), 404, "not_found")
                self.assertError(self.env.client().get(path), 404, "not_found")  # no credential: still 404
        # The id segment is percent-decoded and passed on: the database says 404.
        r = self.c.get("/v1/datasets%2Fdset_000000000000")
        self.assertEqual((r.status, r.error["code"]), (404, "not_found"))

    def test_wrong_methods(self):
        cases = [("PUT", "/v1/datasets", "GET, HEAD, POST"), ("DELETE", "/v1/datasets", "GET, HEAD, POST"),
                 ("PATCH", "/v1/datasets", "GET, HEAD, POST"), ("POST", self.item, "GET, HEAD, PATCH, DELETE"),
                 ("PUT", self.item, "GET, HEAD, PATCH, DELETE"), ("OPTIONS", "/v1/datasets", "GET, HEAD, POST"),
                 ("POST", "/healthz", "GET, HEAD"), ("DELETE", "/metrics", "GET, HEAD"),
                 ("PUT", "/v1/openapi.json", "GET, HEAD"), ("TRACE", "/v1/datasets", "GET, HEAD, POST")]
        for method, path, allow in cases:
            with self.subTest(method=method, path=path):
                r = self.c.request(method, path, body={"name": "x"} if method in ("PUT", "POST", "PATCH") else None)
                self.assertError(r, 405, "method_not_allowed")
                self.assertEqual(r.header("Allow"), allow)

    def test_body_over_1_mib_is_413(self):
        body = b'{"name":"' + b"x" * (MIB + 1 - 11) + b'"}'
        self.assertEqual(len(body), MIB + 1)
        r = self.c.post("/v1/datasets", raw=body, headers={"Content-Type": "application/json"})
        self.assertError(r, 413, "payload_too_large")
        r = self.c.patch(self.item, raw=body, headers={"Content-Type": "application/json"})
        self.assertError(r, 413, "payload_too_large")

    def test_body_of_exactly_1_mib_is_read(self):
        body = b'{"name":"' + b"x" * (MIB - 11) + b'"}'
        self.assertEqual(len(body), MIB)
        r = self.c.post("/v1/datasets", raw=body, headers={"Content-Type": "application/json"})
        self.assertError(r, 422, "validation_error", "name")  # read, parsed, judged: name too long

    def test_413_with_expect_continue_is_immediate(self):
        head = (b"POST /v1/datasets HTTP/1.1\r\nHost: x\r\n" + self.auth +
                b"Content-Type: application/json\r\nContent-Length: 5000000\r\nExpect: 100-continue\r\n\r\n")
        raw, closed, _ = raw_exchange(self.port, head, timeout=5)
        self.raw_error(raw, 413, "payload_too_large")
        self.assertNotIn(b"100 Continue", raw)
        self.assertTrue(closed)

    def test_chunked_body_over_1_mib_is_413(self):
        chunk = b"a" * 65536
        data = (b"POST /v1/datasets HTTP/1.1\r\nHost: x\r\n" + self.auth +
                b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        data += (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 20 + b"0\r\n\r\n"
        raw, closed, _ = raw_exchange(self.port, data, timeout=10)
        self.raw_error(raw, 413, "payload_too_large")

    def test_compressed_bodies_are_decoded_and_limited(self):
        ok = gzip.compress(json.dumps({"name": "gzipped"}).encode())
        r = self.c.post("/v1/datasets", raw=ok, headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.data["name"], "gzipped")
        deflated = zlib.compress(json.dumps({"name": "deflated"}).encode())
        r = self.c.post("/v1/datasets", raw=deflated,
                        headers={"Content-Type": "application/json", "Content-Encoding": "deflate"})
        self.assertEqual(r.status, 201, r)
        bomb = gzip.compress(b" " * (64 * MIB), 9)  # ~64 KiB on the wire, 64 MiB inflated
        self.assertLess(len(bomb), MIB)
        r = self.c.post("/v1/datasets", raw=bomb,
                        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
        self.assertError(r, 413, "payload_too_large")
        r = self.c.post("/v1/datasets", raw=b"{}", headers={"Content-Type": "application/json",
                                                               "Content-Encoding": "zstd"})
        self.assertError(r, 415, "unsupported_media_type")

    def test_media_type(self):
        body = json.dumps({"name": "typed"}).encode()
        for ctype in (None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                      "application/json; charset=latin1", "application/jsonp"):
            with self.subTest(ctype=ctype):
                headers = {"Content-Type": ctype} if ctype else {}
                self.assertError(self.c.post("/v1/datasets", raw=body, headers=headers), 415, "unsupported_media_type")
                self.assertError(self.c.patch(self.item, raw=body, headers=headers), 415, "unsupported_media_type")
        for ctype in ("application/json; charset=utf-8", "Application/JSON;Charset=UTF-8", "application/json;charset=\"utf-8\""):
            with self.subTest(ctype=ctype):
                self.assertEqual(self.c.post("/v1/datasets", raw=body, headers={"Content-Type": ctype}).status, 201)

    def test_large_form_body_is_415_not_413(self):
        # 0.11.4 alone would answer 413 past 8 KiB of form data.
        r = self.c.post("/v1/datasets", raw=b"a=" + b"b" * 100000,
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertError(r, 415, "unsupported_media_type")

    def test_unread_bodies_close_the_connection(self):
        # A refused body is not read; its bytes must never be taken for a request.
        smuggled = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        data = (b"POST /v1/datasets HTTP/1.1\r\nHost: x\r\n" + self.auth +
                b"Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % len(smuggled) + smuggled)
        raw, closed, _ = raw_exchange(self.port, data)
        responses = self.raw_error(raw, 415, "unsupported_media_type")
        self.assertEqual(len(responses), 1, raw)
        self.assertTrue(closed)

    def test_bodies_on_bodiless_methods_never_become_requests(self):
        smuggled = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        for method in (b"GET", b"HEAD", b"OPTIONS"):
            with self.subTest(method=method):
                data = (method + b" /v1/datasets HTTP/1.1\r\nHost: x\r\n" + self.auth +
                        b"Content-Length: %d\r\n\r\n" % len(smuggled) + smuggled)
                raw, closed, _ = raw_exchange(self.port, data)
                self.assertEqual(raw.count(b"HTTP/1.1 "), 1, raw)
                self.assertTrue(closed)

    def test_expect_continue_refuses_early(self):
        head = (b"POST /v1/datasets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100\r\nExpect: 100-continue\r\n\r\n")
        raw, closed, _ = raw_exchange(self.port, head, timeout=5)
        self.raw_error(raw, 401, "unauthenticated")
        self.assertNotIn(b"100 Continue", raw)
        self.assertTrue(closed)
        body = json.dumps({"name": "expected"}).encode()
        head = (b"POST /v1/datasets HTTP/1.1\r\nHost: x\r\n" + self.auth + b"Content-Type: application/json\r\n"
                b"Content-Length: %d\r\nExpect: 100-continue\r\n\r\n" % len(body))
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        try:
            s.sendall(head)
            self.assertTrue(s.recv(1024).startswith(b"HTTP/1.1 100 Continue"))
            s.sendall(body)
            got = b""
            while count_complete_responses(got) < 1:
                got += s.recv(65536)
            self.assertEqual(parse_responses(got)[0][0], 201, got)
        finally:
            s.close()

    def test_not_utf8_or_nul_is_invalid_json(self):
        for raw in (b'{"name": "\xff"}', b'{"name": "a\x00b"}', b"\xc0\xaf", b'{"name": "\xed\xa0\x80"}'):
            with self.subTest(raw=raw):
                r = self.c.post("/v1/datasets", raw=raw, headers={"Content-Type": "application/json"})
                self.assertError(r, 400, "invalid_json")
                r = self.c.patch(self.item, raw=raw, headers={"Content-Type": "application/json"})
                self.assertError(r, 400, "invalid_json")

    def test_not_json_and_not_an_object(self):
        r = self.c.post("/v1/datasets", raw=b"{oops", headers={"Content-Type": "application/json"})
        self.assertError(r, 400, "invalid_json")
        r = self.c.post("/v1/datasets", raw=b"[1, 2]", headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.error["code"], "validation_error")

    def test_query_parameters(self):
        r = self.c.get("/v1/datasets?limit=5&offset=10")
        self.assertError(r, 400, "bad_request", "offset")
        r = self.c.get("/v1/datasets?limit=5&limit=6")
        self.assertError(r, 400, "bad_request", "limit")
        r = self.c.get("/v1/datasets?status=active&status=active")
        self.assertError(r, 400, "bad_request", "status")
        r = self.c.get(self.item + "?expand=all")
        self.assertError(r, 400, "bad_request", "expand")
        r = self.c.get("/v1/datasets?owner=%00")
        self.assertError(r, 400, "bad_request", "owner")

    def test_bodiless_delete_is_answered_at_once(self):
        # No Content-Length, as `curl -X DELETE` and fetch() send it; 0.11.4
        # alone waits for the body until the read timeout.
        data = b"DELETE " + self.item.encode() + b"x HTTP/1.1\r\nHost: x\r\n" + self.auth + b"\r\n"
        raw, _, _ = raw_exchange(self.port, data, timeout=3, responses=1)
        self.raw_error(raw, 404, "not_found")
        data = b"POST /v1/datasets HTTP/1.1\r\nHost: x\r\n" + self.auth + b"Content-Type: application/json\r\n\r\n"
        raw, _, _ = raw_exchange(self.port, data, timeout=3, responses=1)
        self.assertEqual(parse_responses(raw)[0][0], 400)  # an empty body is not JSON

    def test_range_is_ignored(self):
        r = self.c.get(self.item, headers={"Range": "bytes=0-9"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.data["dataset_id"], self.item.split("/")[-1])
        r = self.env.client().get("/healthz", headers={"Range": "bytes=0-3"})
        self.assertEqual((r.status, r.body), (200, b'{"status":"ok"}'))
        r = self.env.client().get("/healthz", headers={"Range": "pages=7"})  # 0.11.4 refuses it before routing
        self.assertError(r, 416, "range_not_satisfiable")

    def test_malformed_http(self):
        for data in (b"NONSENSE\r\n\r\n", b"GET\r\n\r\n", b"GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n",
                     b"BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                     b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
                     b"GET /healthz HTTP/1.1\r\nX-Long: " + b"a" * 9000 + b"\r\n\r\n"):
            with self.subTest(data=data[:40]):
                raw, _, _ = raw_exchange(self.port, data, timeout=3, responses=1)
                responses = parse_responses(raw)
                if responses:  # answered: with the envelope (0.11.4 skips a header line without a colon)
                    status, headers, body = responses[0]
                    self.assertIn(status, (200, 400, 414, 431), raw[:300])
                    self.assertIn("status" if status == 200 else "error", json.loads(body))
                    self.assertRegex(headers["x-request-id"], REQUEST_ID)

    def test_garbage_never_reaches_logs_or_metrics(self):
        for data in (b"\xff\xfe\x00garbage /x HTTP/1.1\r\n\r\n", b"G\xc3\x28T / HTTP/1.1\r\n\r\n", bytes(range(256))):
            raw_exchange(self.port, data, timeout=2, responses=1)
        metrics = self.env.client().get("/metrics", record=False).body
        metrics.decode("utf-8")  # the exposition format is UTF-8
        self.assertIn(b'method="other"', metrics)
        self.env.client().get("/healthz", record=False)
        time.sleep(0.1)
        for line in self.env.front.stdout().splitlines():
            entry = json.loads(line)  # every line still one JSON object
            self.assertRegex(entry["method"], r"^[A-Z]+$|^other$")

    def test_keep_alive_survives_errors(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        try:
            for path in (b"/nope", b"/v1/datasets", b"/healthz"):
                s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
                got = b""
                while count_complete_responses(got) < 1:
                    got += s.recv(65536)
                self.assertIn(parse_responses(got)[0][0], (404, 401, 200))
        finally:
            s.close()

    def test_credential_is_checked_before_the_body_is_read(self):
        head = (b"POST /v1/datasets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 1000000\r\n\r\n")
        raw, closed, _ = raw_exchange(self.port, head, timeout=5)
        self.raw_error(raw, 401, "unauthenticated")
        self.assertTrue(closed)


if __name__ == "__main__":
    unittest.main()
