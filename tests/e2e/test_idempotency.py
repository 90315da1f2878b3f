"""Idempotency-Key on POST (docs/api.md, Idempotency): the same key and body return the
first response; the same key with another body is a 409."""

import secrets
import unittest

from harness import session


class Idempotency(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.actor = cls.env.actor(name="idempotent")
        cls.c = cls.actor.client

    def post(self, body, key, client=None):
        return (client or self.c).post("/v1/datasets", body, headers={"Idempotency-Key": key})

    def test_same_key_same_body_returns_the_first_response(self):
        key = "idem-" + secrets.token_hex(8)
        body = {"name": "Idempotent", "visibility": "listed"}
        first = self.post(body, key)
        second = self.post(body, key)
        self.assertEqual(first.status, 201, first)
        self.assertEqual(second.status, 201, second)
        self.assertEqual(second.data["dataset_id"], first.data["dataset_id"])
        self.assertEqual(second.data, first.data)
        self.assertEqual(second.header("Location"), first.header("Location"))
        self.assertNotEqual(second.json["request_id"], first.json["request_id"])
        r = self.c.get("/v1/datasets?owner=me&limit=100")
        self.assertEqual([d["dataset_id"] for d in r.data["datasets"]].count(first.data["dataset_id"]), 1)

    def test_same_key_other_body_conflicts(self):
        key = "idem-" + secrets.token_hex(8)
        self.assertEqual(self.post({"name": "One"}, key).status, 201)
        r = self.post({"name": "Two"}, key)
        self.assertEqual(r.status, 409, r)
        self.assertEqual(r.error["code"], "idempotency_conflict")

    def test_keys_are_per_tenant(self):
        key = "idem-" + secrets.token_hex(8)
        other = self.env.actor(name="other idempotent")
        a = self.post({"name": "Shared key"}, key)
        b = self.post({"name": "Shared key"}, key, client=other.client)
        self.assertEqual((a.status, b.status), (201, 201))
        self.assertNotEqual(a.data["dataset_id"], b.data["dataset_id"])
        self.assertEqual(b.data["tenant_id"], other.tenant_id)

    def test_without_key_every_post_creates(self):
        body = {"name": "No key"}
        a, b = self.c.post("/v1/datasets", body), self.c.post("/v1/datasets", body)
        self.assertNotEqual(a.data["dataset_id"], b.data["dataset_id"])

    def test_different_keys_create_different_datasets(self):
        body = {"name": "Two keys"}
        a = self.post(body, "idem-" + secrets.token_hex(8))
        b = self.post(body, "idem-" + secrets.token_hex(8))
        self.assertNotEqual(a.data["dataset_id"], b.data["dataset_id"])

    def test_failed_create_is_not_remembered(self):
        key = "idem-" + secrets.token_hex(8)
        self.assertEqual(self.post({"name": ""}, key).status, 422)
        r = self.post({"name": "Fixed"}, key)
        self.assertIn(r.status, (201, 409), r)  # either is defensible; a 5xx is not


if __name__ == "__main__":
    unittest.main()
