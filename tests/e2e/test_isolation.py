"""Tenant isolation (docs/api.md, Visibility): three tenants, every endpoint,
every visibility. The owner sees and changes its datasets; others see a
listed active one, a restricted one only with a grant, a private one never;
PATCH/DELETE by a tenant that sees but does not own: 403; that cannot see: 404."""

import unittest

from harness import session


class Isolation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        env = cls.env = session()
        cls.owner = env.actor(name="owner")
        cls.granted = env.actor(name="granted")
        cls.stranger = env.actor(name="stranger")
        # (label, fields, grant to `granted`)
        cls.kinds = [
            ("private", {"visibility": "private"}, False),
            ("private_granted", {"visibility": "private"}, True),
            ("restricted_granted", {"visibility": "restricted"}, True),
            ("restricted_ungranted", {"visibility": "restricted"}, False),
            ("listed_active", {"visibility": "listed"}, False),
            ("listed_archived", {"visibility": "listed", "status": "archived"}, False),
        ]
        cls.datasets = {label: cls.make(fields, grant) for label, fields, grant in cls.kinds}

    @classmethod
    def make(cls, fields, grant):
        d = cls.owner.client.create(name="iso " + fields["visibility"], visibility=fields["visibility"])
        if "status" in fields:
            r = cls.owner.client.patch("/v1/datasets/" + d["dataset_id"], {"status": fields["status"]})
            assert r.status == 200, r
            d = r.data
        if grant:
            cls.env.ops.grant(cls.owner.tenant_id, d["dataset_id"], cls.granted.tenant_id)
        return d

    def visible(self, who, label):
        if who == "owner":
            return True
        if label == "listed_active":
            return True
        if label == "restricted_granted":
            return who == "granted"
        return False

    def actors(self):
        return {"owner": self.owner, "granted": self.granted, "stranger": self.stranger}

    def test_get(self):
        for who, actor in self.actors().items():
            for label, d in self.datasets.items():
                with self.subTest(who=who, dataset=label):
                    r = actor.client.get("/v1/datasets/" + d["dataset_id"])
                    if self.visible(who, label):
                        self.assertEqual(r.status, 200, r)
                        self.assertEqual(r.data["dataset_id"], d["dataset_id"])
                        self.assertEqual(r.data["tenant_id"], self.owner.tenant_id)
                    else:
                        self.assertEqual(r.status, 404, r)
                        self.assertEqual(r.error["code"], "not_found")

    def listed_ids(self, actor, query=""):
        ids, cursor = [], None
        while True:
            q = "limit=100" + ("&cursor=" + cursor if cursor else "") + query
            r = actor.client.get("/v1/datasets?" + q)
            self.assertEqual(r.status, 200, r)
            ids += [d["dataset_id"] for d in r.data["datasets"]]
            cursor = r.data["next_cursor"]
            if not cursor:
                return ids

    def test_list(self):
        for who, actor in self.actors().items():
            ids = set(self.listed_ids(actor))
            for label, d in self.datasets.items():
                with self.subTest(who=who, dataset=label):
                    self.assertEqual(d["dataset_id"] in ids, self.visible(who, label))

    def test_list_owner_filter(self):
        mine = set(self.listed_ids(self.owner, "&owner=me"))
        self.assertTrue(mine.issuperset(d["dataset_id"] for d in self.datasets.values()))
        for ident in mine:  # and nothing of anyone else's
            self.assertEqual(self.owner.client.get("/v1/datasets/" + ident).data["tenant_id"], self.owner.tenant_id)
        self.assertFalse(mine & set(self.listed_ids(self.owner, "&owner=others")))
        others = set(self.listed_ids(self.granted, "&owner=others"))
        self.assertIn(self.datasets["restricted_granted"]["dataset_id"], others)
        self.assertIn(self.datasets["listed_active"]["dataset_id"], others)
        self.assertNotIn(self.datasets["private_granted"]["dataset_id"], others)
        self.assertFalse(set(self.listed_ids(self.granted, "&owner=me")) & set(
            d["dataset_id"] for d in self.datasets.values()))

    def test_patch_and_delete_by_non_owners(self):
        for who in ("granted", "stranger"):
            actor = self.actors()[who]
            for label, d in self.datasets.items():
                item = "/v1/datasets/" + d["dataset_id"]
                expected = 403 if self.visible(who, label) else 404
                code = "forbidden" if expected == 403 else "not_found"
                with self.subTest(who=who, dataset=label, method="PATCH"):
                    r = actor.client.patch(item, {"name": "hijacked"})
                    self.assertEqual(r.status, expected, r)
                    self.assertEqual(r.error["code"], code)
                with self.subTest(who=who, dataset=label, method="DELETE"):
                    r = actor.client.delete(item)
                    self.assertEqual(r.status, expected, r)
                    self.assertEqual(r.error["code"], code)
        # Nothing changed.
        for label, d in self.datasets.items():
            r = self.owner.client.get("/v1/datasets/" + d["dataset_id"])
            self.assertEqual(r.status, 200)
            self.assertEqual(r.data["name"], d["name"], label)

    def test_owner_can_patch_and_delete_every_kind(self):
        for label, fields, grant in self.kinds:
            with self.subTest(dataset=label):
                d = self.make(fields, grant)
                item = "/v1/datasets/" + d["dataset_id"]
                r = self.owner.client.patch(item, {"description": "owner edit"})
                self.assertEqual(r.status, 200, r)
                self.assertEqual(self.owner.client.delete(item).status, 200)
                for actor in self.actors().values():
                    self.assertEqual(actor.client.get(item).status, 404)

    def test_archiving_hides_a_listed_dataset_from_others(self):
        d = self.owner.client.create(name="soon archived", visibility="listed")
        item = "/v1/datasets/" + d["dataset_id"]
        self.assertEqual(self.stranger.client.get(item).status, 200)
        self.assertEqual(self.owner.client.patch(item, {"status": "archived"}).status, 200)
        self.assertEqual(self.stranger.client.get(item).status, 404)
        self.assertEqual(self.stranger.client.patch(item, {"status": "active"}).status, 404)
        self.assertEqual(self.owner.client.get(item).status, 200)

    def test_create_always_belongs_to_the_caller(self):
        r = self.stranger.client.post("/v1/datasets", {"name": "mine"})
        self.assertEqual(r.data["tenant_id"], self.stranger.tenant_id)
        r = self.stranger.client.post("/v1/datasets", {"name": "theirs", "tenant_id": self.owner.tenant_id})
        self.assertEqual(r.status, 422)


if __name__ == "__main__":
    unittest.main()
