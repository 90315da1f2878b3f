"""Every endpoint's happy path: status, headers, envelope, and the dataset's
fields in the order of docs/api.md."""

import unittest

from harness import REQUEST_ID, SEED_FIELDS, TIMESTAMP, session


class Endpoints(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.actor = cls.env.actor()
        cls.c = cls.actor.client

    def assertEnvelope(self, r):
        self.assertEqual(list(r.json.keys()), ["data", "request_id", "timestamp"], r)
        self.assertRegex(r.json["request_id"], REQUEST_ID)
        self.assertRegex(r.json["timestamp"], TIMESTAMP)
        self.assertEqual(r.header("X-Request-Id"), r.json["request_id"])
        self.assertEqual(r.header("Content-Type"), "application/json; charset=utf-8")

    def assertDataset(self, d):
        self.assertEqual(list(d.keys()), SEED_FIELDS)
        self.assertRegex(d["dataset_id"], r"^dset_[0-9a-f]{12}$")
        self.assertEqual(d["tenant_id"], self.actor.tenant_id)
        for counter in ("object_count", "active_object_count", "total_bytes"):
            self.assertIs(type(d[counter]), int)
        self.assertRegex(d["created_at"], TIMESTAMP)
        self.assertRegex(d["updated_at"], TIMESTAMP)

    def test_create_with_every_field(self):
        body = {
            "name": "AP Invoices 2025",
            "description": "Invoice corpus for vendor dispute search",
            "source_modality": "document",
            "monetization_mode": "premium",
            "pricing_model": "demand_curve",
            "visibility": "restricted",
        }
        r = self.c.post("/v1/datasets", body)
        self.assertEqual(r.status, 201, r)
        self.assertEnvelope(r)
        d = r.data
        self.assertDataset(d)
        self.assertEqual(r.header("Location"), "/v1/datasets/" + d["dataset_id"])
        for k, v in body.items():
            self.assertEqual(d[k], v)
        self.assertEqual(d["status"], "active")
        self.assertEqual((d["object_count"], d["active_object_count"], d["total_bytes"]), (0, 0, 0))
        self.assertEqual(d["created_at"], d["updated_at"])
        self.assertIsNone(d["last_ingest_at"])

    def test_create_defaults(self):
        r = self.c.post("/v1/datasets", {"name": "Defaults"})
        self.assertEqual(r.status, 201, r)
        d = r.data
        self.assertDataset(d)
        self.assertIsNone(d["description"])
        self.assertEqual((d["source_modality"], d["monetization_mode"], d["pricing_model"], d["visibility"]),
                         ("document", "open", "demand_curve", "private"))

    def test_get(self):
        created = self.c.create(name="To get")
        r = self.c.get("/v1/datasets/" + created["dataset_id"])
        self.assertEqual(r.status, 200, r)
        self.assertEnvelope(r)
        self.assertDataset(r.data)
        self.assertEqual(r.data, created)

    def test_list(self):
        created = self.c.create(name="To list")
        r = self.c.get("/v1/datasets?limit=20")
        self.assertEqual(r.status, 200, r)
        self.assertEnvelope(r)
        self.assertEqual(list(r.data.keys()), ["datasets", "total", "next_cursor"])
        self.assertIs(type(r.data["total"]), int)
        for d in r.data["datasets"]:
            self.assertDataset(d)
        self.assertEqual(r.data["datasets"][0]["dataset_id"], created["dataset_id"])  # newest first

    def test_update(self):
        created = self.c.create(name="To update", description="before")
        r = self.c.patch("/v1/datasets/" + created["dataset_id"],
                         {"name": "AP Invoices 2025 (Updated)", "visibility": "listed"})
        self.assertEqual(r.status, 200, r)
        self.assertEnvelope(r)
        d = r.data
        self.assertDataset(d)
        self.assertEqual(d["name"], "AP Invoices 2025 (Updated)")
        self.assertEqual(d["visibility"], "listed")
        self.assertEqual(d["description"], "before")
        self.assertEqual(d["created_at"], created["created_at"])
        for field, value in (("status", "archived"), ("description", None), ("source_modality", "mixed"),
                             ("monetization_mode", "restricted"), ("pricing_model", "fixed")):
            r = self.c.patch("/v1/datasets/" + created["dataset_id"], {field: value})
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.data[field], value)

    def test_update_empty_changes_nothing(self):
        created = self.c.create(name="Unchanged")
        r = self.c.patch("/v1/datasets/" + created["dataset_id"], {})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.data, created)

    def test_delete(self):
        created = self.c.create(name="To delete")
        r = self.c.delete("/v1/datasets/" + created["dataset_id"])
        self.assertEqual(r.status, 200, r)
        self.assertEnvelope(r)
        self.assertEqual(r.data, {})
        self.assertEqual(self.c.get("/v1/datasets/" + created["dataset_id"]).status, 404)
        self.assertEqual(self.c.delete("/v1/datasets/" + created["dataset_id"]).status, 404)
        self.assertEqual(self.c.patch("/v1/datasets/" + created["dataset_id"], {}).status, 404)

    def test_head_is_get_without_body(self):
        created = self.c.create(name="Head")
        r = self.c.request("HEAD", "/v1/datasets/" + created["dataset_id"], record=False)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"")
        self.assertRegex(r.header("X-Request-Id"), REQUEST_ID)

    def test_unicode_round_trip(self):
        r = self.c.post("/v1/datasets", {"name": "Résumés – 日本語 ✓", "description": "emoji 🎉"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.data["name"], "Résumés – 日本語 ✓")
        self.assertEqual(self.c.get("/v1/datasets/" + r.data["dataset_id"]).data["description"], "emoji 🎉")

    def test_request_ids_are_unique(self):
        ids = {self.c.get("/v1/datasets?limit=1").json["request_id"] for _ in range(20)}
        self.assertEqual(len(ids), 20)


if __name__ == "__main__":
    unittest.main()
