"""Validation (docs/api.md): 422 naming the field; 400 for what is not JSON."""

import unittest

from harness import session


class Validation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.c = cls.env.actor().client
        cls.existing = cls.c.create(name="Validation target")
        cls.item = "/v1/datasets/" + cls.existing["dataset_id"]

    def assert422(self, r, field):
        self.assertEqual(r.status, 422, r)
        self.assertEqual(r.error["code"], "validation_error")
        self.assertEqual(r.error.get("field"), field, r)
        self.assertTrue(r.error["message"])

    def test_create_field_errors(self):
        cases = [
            ({}, "name"),
            ({"name": ""}, "name"),
            ({"name": "   "}, "name"),
            ({"name": "x" * 201}, "name"),
            ({"name": "tab\there"}, "name"),
            ({"name": "nul\u0000"}, "name"),
            ({"name": 5}, "name"),
            ({"name": None}, "name"),
            ({"name": ["a"]}, "name"),
            ({"name": "ok", "description": "d" * 2001}, "description"),
            ({"name": "ok", "description": 7}, "description"),
            ({"name": "ok", "source_modality": "text"}, "source_modality"),
            ({"name": "ok", "source_modality": None}, "source_modality"),
            ({"name": "ok", "monetization_mode": "free"}, "monetization_mode"),
            ({"name": "ok", "pricing_model": "auction"}, "pricing_model"),
            ({"name": "ok", "visibility": "public"}, "visibility"),
            ({"name": "ok", "visibility": "LISTED"}, "visibility"),
            ({"name": "ok", "status": "active"}, "status"),  # update only
            ({"name": "ok", "colour": "blue"}, "colour"),
            ({"name": "ok", "dataset_id": "dset_000000000000"}, "dataset_id"),
            ({"name": "ok", "tenant_id": "tnt_000000000000"}, "tenant_id"),
            ({"name": "ok", "object_count": 1}, "object_count"),
            ({"name": "ok", "active_object_count": 1}, "active_object_count"),
            ({"name": "ok", "total_bytes": 1}, "total_bytes"),
            ({"name": "ok", "created_at": "2026-04-05T10:00:00Z"}, "created_at"),
            ({"name": "ok", "updated_at": "2026-04-05T10:00:00Z"}, "updated_at"),
            ({"name": "ok", "last_ingest_at": None}, "last_ingest_at"),
        ]
        for body, field in cases:
            with self.subTest(body=body):
                self.assert422(self.c.post("/v1/datasets", body), field)

    def test_boundaries_accepted(self):
        self.assertEqual(self.c.post("/v1/datasets", {"name": "x" * 200}).status, 201)
        self.assertEqual(self.c.post("/v1/datasets", {"name": "  padded  "}).status, 201)
        self.assertEqual(self.c.post("/v1/datasets", {"name": "d", "description": "d" * 2000}).status, 201)
        self.assertEqual(self.c.post("/v1/datasets", {"name": "d", "description": None}).status, 201)
        for modality in ("document", "image", "video", "audio", "mixed"):
            self.assertEqual(self.c.post("/v1/datasets", {"name": "m", "source_modality": modality}).status, 201)

    def test_update_field_errors(self):
        cases = [
            ({"name": ""}, "name"),
            ({"name": None}, "name"),
            ({"status": "deleted"}, "status"),
            ({"status": None}, "status"),
            ({"visibility": "everyone"}, "visibility"),
            ({"pricing_model": 3}, "pricing_model"),
            ({"dataset_id": "dset_000000000000"}, "dataset_id"),
            ({"tenant_id": "tnt_000000000000"}, "tenant_id"),
            ({"object_count": 0}, "object_count"),
            ({"created_at": "x"}, "created_at"),
            ({"unknown": 1}, "unknown"),
        ]
        for body, field in cases:
            with self.subTest(body=body):
                self.assert422(self.c.patch(self.item, body), field)
        self.assertEqual(self.c.get(self.item).data, self.existing)  # nothing changed

    def test_body_not_an_object_is_422(self):
        for raw in (b"[]", b'"name"', b"1", b"null", b"true", b'[{"name": "x"}]'):
            with self.subTest(raw=raw):
                r = self.c.post("/v1/datasets", raw=raw, headers={"Content-Type": "application/json"})
                self.assertEqual(r.status, 422, r)
                self.assertEqual(r.error["code"], "validation_error")
                r = self.c.patch(self.item, raw=raw, headers={"Content-Type": "application/json"})
                self.assertEqual(r.status, 422, r)

    def test_not_json_is_400(self):
        for raw in (b"{", b"{name: 1}", b"{'name': 'x'}", b'{"name": "x",}', b"nope", b'{"name":"x"} trailing'):
            with self.subTest(raw=raw):
                r = self.c.post("/v1/datasets", raw=raw, headers={"Content-Type": "application/json"})
                self.assertEqual(r.status, 400, r)
                self.assertEqual(r.error["code"], "invalid_json")

    def test_empty_body_on_post(self):
        r = self.c.post("/v1/datasets", raw=b"", headers={"Content-Type": "application/json"})
        self.assertIn(r.status, (400, 422), r)

    def test_list_parameter_values(self):
        for query, field in (("limit=0", "limit"), ("limit=101", "limit"), ("limit=abc", "limit"),
                             ("limit=-1", "limit"), ("limit=", "limit"), ("limit=1.5", "limit"),
                             ("status=deleted", "status"), ("visibility=public", "visibility"),
                             ("owner=them", "owner")):
            with self.subTest(query=query):
                self.assert422(self.c.get("/v1/datasets?" + query), field)
        for query in ("limit=1", "limit=100", "status=active", "status=archived", "visibility=private",
                      "visibility=restricted", "visibility=listed", "owner=me", "owner=others"):
            with self.subTest(query=query):
                self.assertEqual(self.c.get("/v1/datasets?" + query).status, 200)

    def test_malformed_dataset_ids_are_404(self):
        for ident in ("nope", "dset_", "dset_XYZ", "dset_a1b2c3d4e5f6a", "DSET_a1b2c3d4e5f6", "%20", "dset_a1b2c3d4e5f%C3%A9"):
            with self.subTest(ident=ident):
                r = self.c.get("/v1/datasets/" + ident)
                self.assertEqual(r.status, 404, r)
                self.assertEqual(r.error["code"], "not_found")


if __name__ == "__main__":
    unittest.main()
