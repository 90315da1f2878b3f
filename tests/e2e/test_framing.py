"""HTTP/1.1 message framing over raw sockets: where each request ends must be
beyond doubt (RFC 9112 §6, §11.2), or a proxy in front and the front would
disagree on it (request smuggling).

Every refused case is a request that would create a dataset if it were
served, followed on the same connection by a second request that would
create one named "smuggled". Each must be answered with the one error
envelope, the connection closed, and nothing written. Every served case must
be answered, in order, with the connection kept open.

No timing is asserted: the client's timeout (3 s) is below the front's read
(10 s) and keep-alive (5 s) timeouts, so a front that waited for either,
instead of deciding from what it had, fails the test."""

import json
import socket
import unittest

from harness import REQUEST_ID, count_complete_responses, parse_responses, session

CLIENT_TIMEOUT = 3.0


def body_of(length):
    """A JSON body of exactly `length` bytes that creates a dataset."""
    base = b'{"name": "framed ' + b'"}'
    return b'{"name": "framed ' + b"x" * (length - len(base)) + b'"}'


BODY = body_of(21)
SMUGGLED_BODY = b'{"name": "smuggled"}'


def chunked(body, size=None, ext=b""):
    """One chunk holding `body` (its size line as given, else hex), then the last chunk."""
    size = size if size is not None else b"%x" % len(body)
    return size + ext + b"\r\n" + body + b"\r\n0\r\n\r\n"


def refused_cases():
    """(name, framing headers, body, status): creates the front must refuse. A framing of
    None is the one HTTP/1.0 case (see refused_requests)."""
    cl = b"Content-Length: %d\r\n" % len(BODY)
    te = b"Transfer-Encoding: chunked\r\n"
    c = chunked(BODY)
    return [
        # CL.TE and TE.CL: both headers, in either order, however the coding is spelt.
        ("te chunked + cl 3", te + b"Content-Length: 3\r\n", c, 400),
        ("cl + te chunked", cl + te, c, 400),
        ("te xchunked + cl", b"Transfer-Encoding: xchunked\r\n" + cl, BODY, 400),
        ("te CHUNKED + cl", b"Transfer-Encoding: CHUNKED\r\n" + cl, c, 400),
        ("cl 0 + te", b"Content-Length: 0\r\n" + te, c, 400),
        # TE.TE: obfuscated Transfer-Encoding, which some parsers take for chunked and others not.
        ("te xchunked", b"Transfer-Encoding: xchunked\r\n", c, 400),
        ("te chunked, identity", b"Transfer-Encoding: chunked, identity\r\n", c, 400),
        ("te identity, chunked", b"Transfer-Encoding: identity, chunked\r\n", c, 400),
        ("te gzip, chunked", b"Transfer-Encoding: gzip, chunked\r\n", c, 400),
        ("te identity", b"Transfer-Encoding: identity\r\n", BODY, 400),
        ("te chunked twice", te + te, c, 400),
        ("te chunked then identity", te + b"Transfer-Encoding: identity\r\n", c, 400),
        ("te space before colon", b"Transfer-Encoding : chunked\r\n", c, 400),
        ("te tab before colon", b"Transfer-Encoding\t: chunked\r\n", c, 400),
        ("te vertical tab", b"Transfer-Encoding:\x0bchunked\r\n", c, 400),
        ("te form feed", b"Transfer-Encoding:\x0cchunked\r\n", c, 400),
        ("te obs-fold value", b"Transfer-Encoding:\r\n chunked\r\n", c, 400),
        ("te behind obs-fold", b"X-Pad: a\r\n\tTransfer-Encoding: chunked\r\n", c, 400),
        ("te quoted", b'Transfer-Encoding: "chunked"\r\n', c, 400),
        ("te chunked NUL", b"Transfer-Encoding: chunked\x00\r\n", c, 400),
        ("te chunked CR", b"Transfer-Encoding: chunked\rX: y\r\n", c, 400),
        ("te chunked bare LF", b"Transfer-Encoding: chunked\nX: y\r\n", c, 400),
        ("te in HTTP/1.0", None, None, 400),  # built below
        # Content-Length: one value, 1*DIGIT, that fits.
        ("cl twice, different", b"Content-Length: 21\r\nContent-Length: 5\r\n", BODY, 400),
        ("cl twice, equal", cl + cl, BODY, 400),
        ("cl list", b"Content-Length: 21, 21\r\n", BODY, 400),
        ("cl +21", b"Content-Length: +21\r\n", BODY, 400),
        ("cl -1", b"Content-Length: -1\r\n", BODY, 400),
        ("cl 2e0", b"Content-Length: 2e0\r\n", BODY, 400),
        ("cl hex", b"Content-Length: 0x15\r\n", BODY, 400),
        ("cl 20 digits", b"Content-Length: 99999999999999999999\r\n", BODY, 400),
        ("cl empty", b"Content-Length:\r\n", BODY, 400),
        ("cl inner space", b"Content-Length: 2 1\r\n", BODY, 400),
        ("cl space before colon", b"Content-Length : 21\r\n", BODY, 400),
        ("cl over 1 MiB, no body sent", b"Content-Length: 2000000\r\n", b"", 413),
        ("cl 1 MiB + 1, no body sent", b"Content-Length: 1048577\r\n", b"", 413),
        # Field syntax.
        ("obs-fold", cl + b"X-Pad: a\r\n b\r\n", BODY, 400),
        ("CR in a value", cl + b"X-Pad: a\rb\r\n", BODY, 400),
        ("NUL in a value", cl + b"X-Pad: a\x00b\r\n", BODY, 400),
        ("DEL in a value", cl + b"X-Pad: a\x7fb\r\n", BODY, 400),
        ("header without colon", cl + b"X-Pad a\r\n", BODY, 400),
        ("header name with a space", cl + b"X Pad: a\r\n", BODY, 400),
        ("bare LF ends a header line", cl + b"X-Pad: a\n", BODY, 400),
        # Chunk framing, judged as the body arrives.
        ("chunk size +", te, chunked(BODY, b"+%x" % len(BODY)), 400),
        ("chunk size leading space", te, chunked(BODY, b" %x" % len(BODY)), 400),
        ("chunk size trailing space", te, chunked(BODY, b"%x " % len(BODY)), 400),
        ("chunk size 0x", te, chunked(BODY, b"0x%x" % len(BODY)), 400),
        ("chunk size not hex", te, chunked(BODY, b"zz"), 400),
        ("chunk size negative", te, chunked(BODY, b"-1"), 400),
        ("chunk shorter than its data", te, chunked(BODY, b"%x" % (len(BODY) - 2)), 400),
        ("chunk data ended by a bare LF", te, b"%x\r\n" % len(BODY) + BODY + b"\n0\r\n\r\n", 400),
        ("chunk size line bare LF", te, b"%x\n" % len(BODY) + BODY + b"\r\n0\r\n\r\n", 400),
        ("chunk trailer field", te, b"%x\r\n" % len(BODY) + BODY + b"\r\n0\r\nX-T: 1\r\n\r\n", 400),
        ("chunk extension with a control byte", te, chunked(BODY, ext=b";a=\x01"), 400),
        ("chunk size over 1 MiB", te, b"100001\r\n", 413),
    ]


def refused_heads():
    """(name, changes to a create's Host header or request line): all 400s."""
    return [
        ("no Host", dict(host=b"")),
        ("two Hosts", dict(host=b"Host: a\r\nHost: b\r\n")),
        ("two Hosts, equal", dict(host=b"Host: a\r\nHost: a\r\n")),
        ("Host with a space", dict(host=b"Host: a b\r\n")),
        ("Host with a slash", dict(host=b"Host: a/b\r\n")),
        ("double space", dict(line=b"POST  /v1/datasets HTTP/1.1")),
        ("tab separator", dict(line=b"POST\t/v1/datasets HTTP/1.1")),
        ("trailing space", dict(line=b"POST /v1/datasets HTTP/1.1 ")),
        ("lowercase version", dict(line=b"POST /v1/datasets http/1.1")),
        ("HTTP/1.2", dict(line=b"POST /v1/datasets HTTP/1.2")),
        ("HTTP/2.0", dict(line=b"POST /v1/datasets HTTP/2.0")),
        ("no version", dict(line=b"POST /v1/datasets")),
        ("method not a token", dict(line=b"PO(ST /v1/datasets HTTP/1.1")),
        ("target with a byte above ASCII", dict(line=b"POST /v1/datasets\xc3\xa9 HTTP/1.1")),
    ]


def build_post(auth, framing, body=b"", host=b"Host: api.example\r\n", line=b"POST /v1/datasets HTTP/1.1"):
    """A create: request line, Host, credential, JSON type, then the framing headers as given."""
    return line + b"\r\n" + host + auth + b"Content-Type: application/json\r\n" + framing + b"\r\n" + body


def refused_requests(auth):
    """(name, bytes, status) for every refused case of both tables."""
    out = []
    for name, framing, body, status in refused_cases():
        if framing is None:
            data = build_post(auth, b"Transfer-Encoding: chunked\r\n", chunked(BODY), line=b"POST /v1/datasets HTTP/1.0")
        else:
            data = build_post(auth, framing, body)
        out.append((name, data, status))
    cl = b"Content-Length: %d\r\n" % len(BODY)
    for name, kw in refused_heads():
        out.append((name, build_post(auth, cl, BODY, **kw), 400))
    data = build_post(auth, cl, BODY).replace(b"\r\n", b"\n")
    out.append(("bare LF line endings", data[:data.index(b"\n\n") + 2] + BODY, 400))
    return out


class Framing(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.actor = cls.env.actor(scopes=("datasets:read", "datasets:write"), name="framing")
        cls.port = cls.env.front.port
        cls.auth = ("Authorization: Bearer %s\r\n" % cls.actor.key).encode()

    # -- building requests ------------------------------------------------------

    def post(self, framing, body=b"", **kw):
        return build_post(self.auth, framing, body, **kw)

    def smuggled(self):
        return self.post(b"Content-Length: %d\r\n" % len(SMUGGLED_BODY), SMUGGLED_BODY)

    def healthz(self, close=False):
        return b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + (b"Connection: close\r\n" if close else b"") + b"\r\n"

    # -- the wire -----------------------------------------------------------------

    def converse(self, data, until_responses=None):
        """Sends data on a fresh connection; reads until the server closes (or,
        with until_responses, until that many responses are complete).
        Returns (bytes, closed). A client timeout fails the test: the server hung."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=CLIENT_TIMEOUT)
        got, closed = b"", False
        try:
            try:
                s.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # refused before all was sent: read what it answered
            while True:
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    self.fail("no answer and no close within %.0f s: the front waited for a timeout; got %r"
                              % (CLIENT_TIMEOUT, got[:300]))
                except ConnectionResetError:
                    closed = True
                    break
                if not chunk:
                    closed = True
                    break
                got += chunk
                if until_responses and count_complete_responses(got) >= until_responses:
                    break
        finally:
            s.close()
        return got, closed

    def datasets(self):
        return int(self.env.cluster.scalar(
            "SELECT count(*) FROM ipto.datasets WHERE tenant_id = '%s'" % self.actor.tenant_id))

    def smuggled_datasets(self):
        return int(self.env.cluster.scalar(
            "SELECT count(*) FROM ipto.datasets WHERE tenant_id = '%s' AND name = 'smuggled'" % self.actor.tenant_id))

    def assert_envelope(self, status, headers, body, code):
        envelope = json.loads(body)
        self.assertEqual(set(envelope), {"error", "request_id", "timestamp"}, body)
        self.assertEqual(envelope["error"]["code"], code, body)
        self.assertTrue(envelope["error"]["message"], body)
        self.assertRegex(envelope["request_id"], REQUEST_ID)
        self.assertEqual(headers.get("x-request-id"), envelope["request_id"])
        self.assertEqual(headers.get("connection"), "close")

    def assert_refused(self, data, status):
        before = self.datasets()
        got, closed = self.converse(data + self.smuggled())
        responses = parse_responses(got)
        self.assertEqual(len(responses), 1, "exactly one answer; the request behind it must not be served: %r"
                         % got[:600])
        got_status, headers, body = responses[0]
        self.assertEqual(got_status, status, got[:400])
        self.assert_envelope(got_status, headers, body, "payload_too_large" if status == 413 else "bad_request")
        self.assertTrue(closed, "the connection must end after a refused request")
        self.assertEqual(self.datasets(), before, "a refused request wrote something")
        self.assertEqual(self.smuggled_datasets(), 0)

    def assert_served(self, requests, statuses, data=None):
        """Sends the requests in one write, then a closing GET /healthz: each
        is answered, in order, and the connection stays open until the end."""
        before = self.datasets()
        data = (data if data is not None else b"".join(requests)) + self.healthz(close=True)
        got, closed = self.converse(data)
        responses = parse_responses(got)
        self.assertEqual([r[0] for r in responses], statuses + [200], got[:800])
        self.assertTrue(closed)
        self.assertEqual(self.datasets() - before, statuses.count(201))
        self.assertEqual(self.smuggled_datasets(), 0)

    # -- the table: refused ---------------------------------------------------

    def test_refused_framings(self):
        for name, data, status in refused_requests(self.auth):
            with self.subTest(name):
                self.assert_refused(data, status)

    # -- the table: served --------------------------------------------------------

    def test_valid_forms_are_served(self):
        cl = b"Content-Length: %d\r\n" % len(BODY)
        odd = body_of(0x1A)  # a size with hex letters
        cases = [
            ("content-length", cl, BODY),
            ("content-length lowercase, no space", b"content-length:%d\r\n" % len(BODY), BODY),
            ("content-length leading zeros", b"Content-Length: 00%d\r\n" % len(BODY), BODY),
            ("content-length tab OWS", b"Content-Length:\t%d\t\r\n" % len(BODY), BODY),
            ("chunked", b"Transfer-Encoding: chunked\r\n", chunked(BODY)),
            ("CHUNKED uppercase", b"TRANSFER-ENCODING: CHUNKED\r\n", chunked(BODY)),
            ("chunked mixed case, tab OWS", b"transfer-encoding:\tChunked\t\r\n", chunked(BODY)),
            ("chunk size uppercase hex", b"Transfer-Encoding: chunked\r\n", chunked(odd, b"1A")),
            ("chunk size lowercase hex, leading zeros", b"Transfer-Encoding: chunked\r\n", chunked(odd, b"001a")),
            ("chunk extension", b"Transfer-Encoding: chunked\r\n", chunked(BODY, ext=b";name=value")),
            ("many chunks", b"Transfer-Encoding: chunked\r\n",
             b"".join(b"1\r\n" + BODY[i:i + 1] + b"\r\n" for i in range(len(BODY))) + b"0\r\n\r\n"),
            ("underscore is not Transfer-Encoding", b"Transfer_Encoding: chunked\r\n" + cl, BODY),
            ("Host with a port", cl, BODY),
        ]
        for name, framing, body in cases:
            with self.subTest(name):
                host = b"Host: localhost:8080\r\n" if "port" in name else b"Host: api.example\r\n"
                request = self.post(framing, body, host=host)
                self.assert_served([request], [201])
        with self.subTest("empty lines before the request line"):
            self.assert_served([b"\r\n\r\n" + self.post(cl, BODY)], [201])
        with self.subTest("HTTP/1.0 without Host"):
            got, closed = self.converse(self.post(cl, BODY, host=b"", line=b"POST /v1/datasets HTTP/1.0"))
            self.assertEqual([r[0] for r in parse_responses(got)], [201], got[:400])
            self.assertTrue(closed)  # HTTP/1.0 without keep-alive

    def test_pipelined_requests_are_answered_in_order(self):
        cl = b"Content-Length: %d\r\n" % len(BODY)
        with self.subTest("two GETs in one write"):
            self.assert_served([self.healthz(), self.healthz()], [200, 200])
        with self.subTest("ten GETs in one write"):
            self.assert_served([self.healthz()] * 10, [200] * 10)
        with self.subTest("a GET after a body"):
            self.assert_served([self.post(cl, BODY), self.healthz()], [201, 200])
        with self.subTest("a GET after a chunked body"):
            self.assert_served([self.post(b"Transfer-Encoding: chunked\r\n", chunked(BODY)), self.healthz()],
                               [201, 200])
        with self.subTest("three creates in one write"):
            self.assert_served([self.post(cl, BODY)] * 3, [201, 201, 201])
        with self.subTest("an error, then a request"):
            self.assert_served([b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", self.healthz()], [404, 200])
        with self.subTest("byte by byte"):
            s = socket.create_connection(("127.0.0.1", self.port), timeout=CLIENT_TIMEOUT)
            try:
                for b in self.healthz() + self.post(cl, BODY):
                    s.sendall(bytes([b]))
                got = b""
                while count_complete_responses(got) < 2:
                    chunk = s.recv(65536)
                    self.assertTrue(chunk, got)
                    got += chunk
                self.assertEqual([r[0] for r in parse_responses(got)], [200, 201])
            finally:
                s.close()

    def test_a_refused_request_ends_the_pipeline(self):
        cl = b"Content-Length: %d\r\n" % len(BODY)
        before = self.datasets()
        data = (self.post(cl, BODY) + self.post(b"Content-Length: +5\r\n", BODY) + self.smuggled())
        got, closed = self.converse(data)
        responses = parse_responses(got)
        self.assertEqual([r[0] for r in responses], [201, 400], got[:800])
        self.assertTrue(closed)
        self.assertEqual(self.datasets() - before, 1)
        self.assertEqual(self.smuggled_datasets(), 0)

    def test_refusals_are_logged_and_counted(self):
        got, _ = self.converse(self.post(b"Content-Length: 1\r\nContent-Length: 2\r\n", BODY))
        request_id = json.loads(parse_responses(got)[0][2])["request_id"]
        line = self.env.front.log_line(request_id)
        self.assertEqual((line["status"], line["route"], line["method"]), (400, "unmatched", "POST"))
        self.assertIn('"event":"request_framing_refused"', self.env.front.stderr())
        metrics = self.env.client().get("/metrics", record=False).body.decode()
        self.assertIn('ipto_http_requests_total{route="unmatched",method="POST",status="400"}', metrics)


if __name__ == "__main__":
    unittest.main()
