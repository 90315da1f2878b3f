"""Hostile input over HTTP: at least 20,000 malformed and hostile
requests against a live front. Every answer is a well-formed error envelope
with the right kind of 4xx, never a 5xx; the front stays up; and no refused
request changes any stored data.

IPTO_HOSTILE_REQUESTS sets the count (default 20000); the random seed is printed
(IPTO_HOSTILE_SEED replays a run)."""

import json
import os
import random
import re
import secrets
import socket
import threading
import unittest

from harness import DISTRIBUTED, REQUEST_ID, session, wait_until

SEED_BODY = {"name": "AP Invoices 2025", "description": "Invoice corpus", "source_modality": "document",
             "monetization_mode": "premium", "pricing_model": "demand_curve", "visibility": "restricted"}
FIELDS = list(SEED_BODY) + ["status"]
WRONG_TYPES = [0, 1.5, -1, True, False, None, [], ["x"], {}, {"a": 1}, 10 ** 40]
SQL_META = ["' OR '1'='1", "'; DROP TABLE ipto.datasets; --", "\\", "%", "_", "$1", "\" OR 1=1 --", "dset_'||'x"]
METHODS = ["PUT", "FOO", "PROPFIND", "OPTIONS", "TRACE", "CONNECT", "get", "G ET"]


STORED = [("datasets", "d", "dataset_id"), ("dataset_grants", "g", "dataset_id, grantee_tenant_id"),
          ("idempotency_keys", "k", "idempotency_key"), ("dataset_counters", "c", "dataset_id, shard")]


def stored_rows(env):
    """Every stored row a request could change, one line each, by table."""
    out = {}
    for table, alias, order in STORED:
        text = env.cluster.scalar("SELECT string_agg(%s::text, E'\\n' ORDER BY %s) FROM ipto.%s %s"
                                  % (alias, order, table, alias))
        out[table] = text.splitlines()
    return out


def settle(env):
    """Lets work that earlier tests started after their requests finish, so
    that only the requests below could change anything: deleted datasets
    purged (by hand, where no background worker was free to), and on a Citus
    cluster the two-phase commits that a killed connection left prepared on
    the workers resolved now rather than by Citus's recovery, once a minute."""
    if DISTRIBUTED:
        env.cluster.psql("SELECT recover_prepared_transactions()")
    while env.cluster.scalar("SELECT ipto.purge_deleted(100000)") != "0":
        pass
    # What a purge worker had taken (skipped by hand above) it finishes itself.
    if not wait_until(lambda: env.cluster.scalar("SELECT count(*) FROM ipto.deleted_datasets") == "0", timeout=120):
        raise AssertionError("deleted datasets were still being purged after 120 s")


def changed_rows(before, after):
    """What differs between two stored_rows() snapshots: table -> (gone, new)."""
    diff = {}
    for table in before:
        gone, new = sorted(set(before[table]) - set(after[table])), sorted(set(after[table]) - set(before[table]))
        if gone or new:
            diff[table] = (gone[:5], new[:5])
    return diff


class Hostile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.owner = cls.env.actor(scopes=("datasets:read", "datasets:write"), name="hostile owner")
        cls.reader = cls.env.actor(scopes=("datasets:read",), name="hostile reader")
        cls.dataset = cls.owner.client.create(name="target", visibility="listed")["dataset_id"]
        cls.seed = int(os.environ.get("IPTO_HOSTILE_SEED") or secrets.randbits(32))

    # -- request generators: (method, path, headers, body bytes) ----------------

    def gen(self, rng):
        key = "Bearer " + self.owner.key
        d = "/v1/datasets/" + self.dataset
        kind = rng.randrange(14)
        if kind in (1, 7) and rng.random() < 0.9:
            kind = 4  # the megabyte-sized ones are rarer: same checks, less time
        body = json.dumps(SEED_BODY).encode()
        if kind == 0:  # truncated JSON
            cut = rng.randrange(1, len(body) - 1)
            return "POST", "/v1/datasets", {"Authorization": key, "Content-Type": "application/json"}, body[:cut]
        if kind == 1:  # deep nesting
            depth = rng.choice([1000, 100000])
            return "POST", "/v1/datasets", {"Authorization": key, "Content-Type": "application/json"}, \
                b"[" * depth + b"]" * depth
        if kind == 2:  # huge numbers and odd literals in a field
            lit = rng.choice([b"1e999999", b"-0", b"123456789012345678901234567890", b"NaN", b"Infinity", b"0x10"])
            return "PATCH", d, {"Authorization": key, "Content-Type": "application/json"}, b'{"name": ' + lit + b"}"
        if kind == 3:  # invalid UTF-8 and NUL bytes
            bad = rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x00", b"\xf4\x90\x80\x80"])
            return "POST", "/v1/datasets", {"Authorization": key, "Content-Type": "application/json"}, \
                b'{"name": "x' + bad + b'"}'
        if kind == 4:  # wrong type for a field
            field, value = rng.choice(FIELDS), rng.choice(WRONG_TYPES)
            if field == "description" and value is None:
                value = 5
            b = dict(SEED_BODY)
            b[field] = value
            method, path = rng.choice([("POST", "/v1/datasets"), ("PATCH", d)])
            return method, path, {"Authorization": key, "Content-Type": "application/json"}, json.dumps(b).encode()
        if kind == 5:  # unknown and read-only fields
            field = rng.choice(["dataset_id", "tenant_id", "object_count", "total_bytes", "created_at", "owner",
                                "__proto__", "name\u0000x", "x" * 300])
            return "PATCH", d, {"Authorization": key, "Content-Type": "application/json"}, \
                json.dumps({field: "v"}).encode()
        if kind == 6:  # oversized headers
            return "GET", d, {"Authorization": key, "X-Junk": "j" * rng.choice([9000, 70000])}, b""
        if kind == 7:  # oversized body
            return "POST", "/v1/datasets", {"Authorization": key, "Content-Type": "application/json"}, \
                b'{"name": "' + b"n" * (1024 * 1024 + 10) + b'"}'
        if kind == 8:  # odd and encoded paths and ids
            p = rng.choice(["/v1/datasets/%00", "/v1/datasets/..%2f..%2fetc%2fpasswd", "/v1//datasets",
                            "/v1/datasets/" + "a" * 5000, "/v1/datasets/dset_%41%42", "/v1/datasets/%ff%fe",
                            "/v1/datasets/dset_0123456789ab/extra", "/V1/DATASETS", "/v1/datasets/%2e%2e",
                            "/v1/datasets/" + self.dataset + "%00"])
            return rng.choice(["GET", "PATCH", "DELETE"]), p, {"Authorization": key}, b""
        if kind == 9:  # SQL metacharacters in ids, parameters and bodies
            m = rng.choice(SQL_META)
            from urllib.parse import quote
            choice = rng.randrange(3)
            if choice == 0:
                return "GET", "/v1/datasets/" + quote(m, safe=""), {"Authorization": key}, b""
            if choice == 1:
                param = rng.choice(["status", "visibility", "owner", "limit", "cursor"])
                return "GET", "/v1/datasets?%s=%s" % (param, quote(m, safe="")), {"Authorization": key}, b""
            return "PATCH", d, {"Authorization": key, "Content-Type": "application/json"}, \
                json.dumps({"visibility": m}).encode()
        if kind == 10:  # repeated and unknown parameters
            q = rng.choice(["limit=1&limit=2", "status=active&status=archived", "foo=bar", "cursor=&cursor=",
                            "limit=0", "limit=101", "limit=-5", "limit=1e3", "owner=everyone"])
            return "GET", "/v1/datasets?" + q, {"Authorization": key}, b""
        if kind == 11:  # both credentials, or broken ones
            h = rng.choice([{"Authorization": key, "X-API-Key": self.owner.key},
                            {"Authorization": "Bearer"}, {"Authorization": "Basic dXNlcjpwYXNz"},
                            {"X-API-Key": "ipto_short_x"}, {"Authorization": "Bearer " + "A" * 48},
                            {"Authorization": "Bearer ipto_aaaaaaaa_" + "B" * 40}, {}])
            return rng.choice(["GET", "DELETE"]), d, h, b""
        if kind == 12:  # random methods
            return rng.choice(METHODS), rng.choice(["/v1/datasets", d]), {"Authorization": key}, b""
        # writes with a read-only credential, and wrong media types
        if rng.random() < 0.5:
            return "DELETE", d, {"Authorization": "Bearer " + self.reader.key}, b""
        return "POST", "/v1/datasets", {"Authorization": key, "Content-Type": rng.choice(
            ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])}, body

    # -- raw HTTP, so that nothing is cleaned up on the way ---------------------

    def exchange(self, method, path, headers, body):
        s = socket.create_connection(("127.0.0.1", self.env.front.port), timeout=30)
        try:
            head = "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" % (method, path)
            for k, v in headers.items():
                head += "%s: %s\r\n" % (k, v)
            if body or method in ("POST", "PATCH"):
                head += "Content-Length: %d\r\n" % len(body)
            try:
                s.sendall(head.encode("latin-1") + b"\r\n" + body)
            except (ConnectionResetError, BrokenPipeError):
                pass  # refused before reading everything (e.g. 413): read what it answered
            data = b""
            while True:  # until the answer is complete (Content-Length), or the server closes
                head, sep, rest = data.partition(b"\r\n\r\n")
                if sep:
                    m = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
                    if (m and len(rest) >= int(m.group(1))) or method == "HEAD":
                        break
                try:
                    chunk = s.recv(65536)
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                data += chunk
        finally:
            s.close()
        return data

    def check(self, request, data):
        m = re.match(rb"HTTP/1\.1 (\d{3}) ", data)
        self.assertIsNotNone(m, (request[:2], data[:200]))
        status = int(m.group(1))
        self.assertTrue(400 <= status < 500, ("seed %d" % self.seed, request[0], request[1][:80], data[:300]))
        head, _, body = data.partition(b"\r\n\r\n")
        if request[0] == "HEAD":
            return status
        envelope = json.loads(body.decode("utf-8"))
        self.assertEqual(set(envelope), {"error", "request_id", "timestamp"}, body[:200])
        self.assertRegex(envelope["request_id"], REQUEST_ID)
        self.assertIsInstance(envelope["error"]["code"], str)
        self.assertIsInstance(envelope["error"]["message"], str)
        return status

    def test_hostile_requests_get_clean_4xx_and_change_nothing(self):
        total = int(os.environ.get("IPTO_HOSTILE_REQUESTS", "20000"))
        settle(self.env)
        before = stored_rows(self.env)
        statuses, failures, lock = {}, [], threading.Lock()

        def worker(n, stream):
            rng = random.Random(self.seed * 8 + stream)
            for _ in range(n):
                r = self.gen(rng)
                try:
                    st = self.check(r, self.exchange(*r))
                    with lock:
                        statuses[st] = statuses.get(st, 0) + 1
                except AssertionError as e:
                    with lock:
                        failures.append(str(e)[:500])

        threads = [threading.Thread(target=worker, args=(total // 8 + (1 if i < total % 8 else 0), i))
                   for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print("\nhostile: %d requests, seed %d, statuses %s" % (total, self.seed, dict(sorted(statuses.items()))))
        self.assertEqual(failures[:5], [], "%d of %d answers were wrong" % (len(failures), total))
        self.assertEqual(sum(statuses.values()), total)
        self.assertEqual(changed_rows(before, stored_rows(self.env)), {}, "a refused request changed stored data")
        self.assertEqual(self.owner.client.get("/v1/datasets/" + self.dataset).status, 200)


class NoSecretInLogs(unittest.TestCase):
    """Every key and token the run minted, searched for in the front's logs
    and PostgreSQL's (which logs every statement: log_statement = 'all')."""

    def test_no_secret_in_any_log(self):
        env = session()
        actor = env.actor(name="log watcher")
        token = env.ops.session(actor.tenant_id)
        for cred in (actor.key, token):
            from harness import Client
            for header in ("Authorization", "X-API-Key") if cred.startswith("ipto_") else ("Authorization",):
                c = Client(env.front.port, cred, header)
                self.assertIn(c.post("/v1/datasets", {"name": "logged"}).status, (201,))
                self.assertEqual(c.get("/v1/datasets").status, 200)
                self.assertEqual(c.get("/v1/datasets/dset_000000000000").status, 404)
        logs = {"postgresql": open(os.path.join(env.cluster.dir, "server.log"), errors="replace").read(),
                "front stdout": env.front.stdout(), "front stderr": env.front.stderr()}
        for node in getattr(env.cluster, "workers", []):  # a Citus cluster's other nodes
            logs["postgresql " + node.name] = open(os.path.join(node.dir, "server.log"), errors="replace").read()
        self.assertIn("api_get_dataset", logs["postgresql"], "log_statement = 'all' is not in effect")
        secrets_used = []
        for cred in env.ops.minted:
            secrets_used.append(cred)
            secrets_used.append(cred.split("_", 2)[2] if cred.startswith("ipto_") else cred[16:])
        self.assertGreaterEqual(len(secrets_used), 4)
        for name, text in logs.items():
            for s in secrets_used:
                self.assertNotIn(s, text, "a secret is in the %s log" % name)


if __name__ == "__main__":
    unittest.main()
