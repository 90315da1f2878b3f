"""Live counters (docs/counters.md) as GET shows them after objects are ingested,
approved and indexed through SQL."""

import time
import unittest

from harness import TIMESTAMP, session


class Counters(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.actor = cls.env.actor(name="counters")
        cls.c = cls.actor.client

    def get(self, dataset_id):
        r = self.c.get("/v1/datasets/" + dataset_id)
        self.assertEqual(r.status, 200, r)
        return r.data

    def test_counters_follow_objects(self):
        d = self.c.create(name="Counted")
        ops, t = self.env.ops, self.actor.tenant_id
        time.sleep(1.1)  # so a counter change that moved updated_at would show
        a = ops.add_object(t, d["dataset_id"], "a.pdf", 1000, "application/pdf")
        b = ops.add_object(t, d["dataset_id"], "b.pdf", 2500)
        c = ops.add_object(t, d["dataset_id"], "c.pdf", 4096, "application/pdf", "pending")
        self.assertRegex(a, r"^obj_[0-9a-f]{12}$")
        got = self.get(d["dataset_id"])
        self.assertEqual(got["object_count"], 3)
        self.assertEqual(got["active_object_count"], 0)
        self.assertEqual(got["total_bytes"], 7596)
        self.assertRegex(got["last_ingest_at"], TIMESTAMP)
        self.assertGreaterEqual(got["last_ingest_at"], d["created_at"])
        self.assertEqual(got["updated_at"], d["updated_at"])  # counters do not move updated_at

        ops.set_object_status(t, a, "approved")
        self.assertEqual(self.get(d["dataset_id"])["active_object_count"], 0)  # approved, not yet indexed
        ops.mark_object_indexed(t, a, ["page 1", "page 2"])
        self.assertEqual(self.get(d["dataset_id"])["active_object_count"], 1)
        ops.set_object_status(t, b, "approved")
        ops.mark_object_indexed(t, b)
        got = self.get(d["dataset_id"])
        self.assertEqual((got["object_count"], got["active_object_count"], got["total_bytes"]), (3, 2, 7596))
        ops.set_object_status(t, b, "rejected")
        self.assertEqual(self.get(d["dataset_id"])["active_object_count"], 1)
        self.assertTrue(c)

        listed = self.c.get("/v1/datasets?owner=me&limit=100").data["datasets"]
        mine = [x for x in listed if x["dataset_id"] == d["dataset_id"]][0]
        self.assertEqual((mine["object_count"], mine["total_bytes"]), (3, 7596))

    def test_counters_are_json_integers_beyond_32_bits(self):
        d = self.c.create(name="Big")
        self.env.ops.add_object(self.actor.tenant_id, d["dataset_id"], "huge.bin", 5 * 2**40)
        r = self.c.get("/v1/datasets/" + d["dataset_id"])
        self.assertIn(b'"total_bytes":5497558138880', r.body)
        self.assertIs(type(r.data["total_bytes"]), int)

    def test_deleting_a_dataset_with_objects(self):
        d = self.c.create(name="With objects")
        for i in range(5):
            self.env.ops.add_object(self.actor.tenant_id, d["dataset_id"], "f%d" % i, 10)
        self.assertEqual(self.get(d["dataset_id"])["object_count"], 5)
        self.assertEqual(self.c.delete("/v1/datasets/" + d["dataset_id"]).status, 200)
        self.assertEqual(self.c.get("/v1/datasets/" + d["dataset_id"]).status, 404)


if __name__ == "__main__":
    unittest.main()
