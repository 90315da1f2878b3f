"""Operations endpoints and the request log: /healthz, /readyz, /metrics,
/v1/openapi.json, and one JSON log line per request without any secret."""

import json
import re
import unittest

from harness import REQUEST_ID, TIMESTAMP, Client, session


class Operations(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.anon = Client(cls.env.front.port)
        cls.actor = cls.env.actor(name="operations")

    def test_healthz(self):
        r = self.anon.get("/healthz")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json, {"status": "ok"})
        self.assertRegex(r.header("X-Request-Id"), REQUEST_ID)

    def test_readyz(self):
        r = self.anon.get("/readyz")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "ready")

    def test_openapi(self):
        r = self.anon.get("/v1/openapi.json")
        self.assertEqual(r.status, 200)
        doc = r.json
        self.assertEqual(doc["openapi"], "3.1.0")
        self.assertEqual(set(doc["paths"]), {"/v1/datasets", "/v1/datasets/{id}", "/healthz", "/readyz", "/metrics",
                                             "/v1/openapi.json"})
        self.assertEqual(set(doc["paths"]["/v1/datasets"]), {"get", "post"})
        self.assertEqual(set(doc["paths"]["/v1/datasets/{id}"]) - {"parameters"}, {"get", "patch", "delete"})

    def test_metrics(self):
        item = "/v1/datasets/" + self.actor.client.create(name="metered")["dataset_id"]
        self.actor.client.get(item)
        self.actor.client.get("/v1/datasets")
        self.anon.get("/nowhere")
        r = self.anon.get("/metrics")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/plain; version=0.0.4"))
        text = r.body.decode()
        samples = {}
        for line in text.splitlines():
            if line.startswith("#"):
                self.assertRegex(line, r"^# (HELP|TYPE) \w+ ")
                continue
            m = re.match(r"^(\w+)(\{.*\})? ([0-9.e+-]+)$", line)
            self.assertTrue(m, line)
            samples[m.group(1) + (m.group(2) or "")] = float(m.group(3))
        self.assertGreaterEqual(samples['ipto_http_requests_total{route="/v1/datasets/{id}",method="GET",status="200"}'], 1)
        self.assertGreaterEqual(samples['ipto_http_requests_total{route="/v1/datasets",method="POST",status="201"}'], 1)
        self.assertGreaterEqual(samples['ipto_http_requests_total{route="unmatched",method="GET",status="404"}'], 1)
        self.assertGreaterEqual(samples['ipto_http_request_duration_seconds_count{route="/v1/datasets/{id}"}'], 1)
        self.assertEqual(samples['ipto_http_request_duration_seconds_bucket{route="/v1/datasets/{id}",le="+Inf"}'],
                         samples['ipto_http_request_duration_seconds_count{route="/v1/datasets/{id}"}'])
        self.assertIn('ipto_db_pool_connections{state="in_use"}', samples)
        self.assertGreaterEqual(samples['ipto_db_pool_connections{state="idle"}'], 1)
        self.assertLessEqual(samples['ipto_db_pool_connections{state="idle"}'] +
                             samples['ipto_db_pool_connections{state="in_use"}'], 8)
        self.assertEqual(samples["ipto_db_pool_waiting"], 0)
        for name in samples:
            self.assertNotIn("dset_", name)  # route patterns, never paths

    def test_access_log(self):
        c = self.actor.client
        d = c.create(name="logged")
        rid = c.get("/v1/datasets/" + d["dataset_id"]).json["request_id"]
        bad = self.anon.get("/v1/datasets").json["request_id"]
        line = self.env.front.log_line(rid)
        self.assertEqual(list(line.keys()), ["ts", "request_id", "method", "route", "status", "duration_ms", "tenant"])
        self.assertRegex(line["ts"], TIMESTAMP)
        self.assertEqual((line["method"], line["route"], line["status"]), ("GET", "/v1/datasets/{id}", 200))
        self.assertEqual(line["tenant"], self.actor.tenant_id)
        self.assertIsInstance(line["duration_ms"], (int, float))
        self.assertGreaterEqual(line["duration_ms"], 0)
        bad_line = self.env.front.log_line(bad)
        self.assertEqual((bad_line["status"], bad_line["tenant"]), (401, None))

    def test_no_secret_reaches_any_log(self):
        logs = self.env.front.stdout() + self.env.front.stderr()
        for line in self.env.front.stdout().splitlines():
            json.loads(line)  # one JSON object per line
        self.assertTrue(self.env.ops.minted)
        for credential in self.env.ops.minted:
            secret = credential.split("_")[-1] if credential.startswith("ipto_") else credential[16:]
            self.assertNotIn(secret, logs)
            self.assertNotIn(credential, logs)
        self.assertNotIn("Bearer", logs)
        self.assertNotIn("Authorization", logs)

    def test_request_ids_match_the_log(self):
        r = self.anon.get("/healthz")
        self.assertIsNotNone(self.env.front.log_line(r.header("X-Request-Id")))


if __name__ == "__main__":
    unittest.main()
