"""Keyset pagination (docs/api.md, List): a walk with limit 7 sees every
dataset once, in order, even while new datasets are being created; total
counts every match; cursors are opaque, signed and bound to their filters."""

import base64
import threading
import unittest

from harness import session


class Pagination(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.actor = cls.env.actor(name="pager")
        cls.c = cls.actor.client
        cls.created = []
        for i in range(50):
            fields = {"name": "page %02d" % i, "visibility": ("private", "restricted", "listed")[i % 3]}
            cls.created.append(cls.c.create(**fields))
        for d in cls.created[:10]:  # ten archived: 4 private, 3 restricted, 3 listed
            r = cls.c.patch("/v1/datasets/" + d["dataset_id"], {"status": "archived"})
            assert r.status == 200, r

    def walk(self, query="&owner=me", limit=7, during=None):
        pages, ids, cursor, total = 0, [], None, None
        while True:
            url = "/v1/datasets?limit=%d%s" % (limit, query) + ("&cursor=" + cursor if cursor else "")
            r = self.c.get(url)
            self.assertEqual(r.status, 200, r)
            page = r.data
            self.assertLessEqual(len(page["datasets"]), limit)
            ids += [d["dataset_id"] for d in page["datasets"]]
            total = page["total"] if total is None else total
            pages += 1
            if during:
                during(pages)
            cursor = page["next_cursor"]
            if cursor is None:
                return ids, total, pages
            self.assertRegex(cursor, r"^[A-Za-z0-9_-]+$")  # base64url

    def newest_first(self, datasets):
        return [d["dataset_id"] for d in sorted(datasets, key=lambda d: (d["created_at"], d["dataset_id"]),
                                                 reverse=True)]

    def test_walk_sees_each_dataset_once_in_order(self):
        ids, total, pages = self.walk()
        self.assertEqual(len(ids), len(set(ids)), "duplicates")
        self.assertEqual(set(ids), {d["dataset_id"] for d in self.created})
        self.assertEqual(total, 50)
        self.assertEqual(pages, 8)  # 7 * 7 + 1
        # Newest first: the reverse of creation order (created_at ties broken by id).
        self.assertEqual(ids, [d["dataset_id"] for d in reversed(self.created)])

    def test_walk_while_others_insert(self):
        before = {d["dataset_id"] for d in self.created}
        inserted = []
        stop = threading.Event()

        def insert():
            while not stop.is_set() and len(inserted) < 40:
                inserted.append(self.c.create(name="concurrent")["dataset_id"])

        writer = threading.Thread(target=insert)
        writer.start()
        try:
            ids, _, _ = self.walk(during=lambda page: stop.wait(0.01))
        finally:
            stop.set()
            writer.join()
        self.assertTrue(inserted, "the writer never ran during the walk")
        self.assertEqual(len(ids), len(set(ids)), "duplicates")
        seen_before = [i for i in ids if i in before]
        self.assertEqual(set(seen_before), before, "gaps")
        self.assertEqual(len(seen_before), len(before))
        self.assertFalse(set(ids) - before - set(inserted), "datasets from nowhere")
        for ident in inserted:
            self.assertEqual(self.c.delete("/v1/datasets/" + ident).status, 200)

    def test_total_with_filters(self):
        cases = {
            "&owner=me": 50,
            "&owner=me&status=archived": 10,
            "&owner=me&status=active": 40,
            "&owner=me&visibility=private": 17,
            "&owner=me&visibility=restricted": 17,
            "&owner=me&visibility=listed": 16,
            "&owner=me&visibility=private&status=archived": 4,
            "&owner=me&visibility=listed&status=active": 13,
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                ids, total, _ = self.walk(query=query)
                self.assertEqual(total, expected)
                self.assertEqual(len(ids), expected)
                r = self.c.get("/v1/datasets?limit=1" + query)
                self.assertEqual(r.data["total"], expected)  # total is not the page size

    def test_last_page_has_null_cursor(self):
        r = self.c.get("/v1/datasets?limit=100&owner=me")
        self.assertEqual(len(r.data["datasets"]), 50)
        self.assertIsNone(r.data["next_cursor"])
        r = self.c.get("/v1/datasets?limit=50&owner=me")
        self.assertIsNone(r.data["next_cursor"])

    def first_cursor(self, query="&owner=me"):
        r = self.c.get("/v1/datasets?limit=7" + query)
        return r.data["next_cursor"]

    def assert_invalid_cursor(self, query):
        r = self.c.get("/v1/datasets?limit=7" + query)
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.error["code"], "invalid_cursor")
        self.assertEqual(r.error.get("field"), "cursor")

    def test_forged_and_corrupt_cursors(self):
        cursor = self.first_cursor()
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        flipped = bytearray(raw)
        flipped[len(flipped) // 2] ^= 0x01
        forged = base64.urlsafe_b64encode(bytes(flipped)).decode().rstrip("=")
        for bad in (forged, cursor[:-2], cursor + "A", "x" * len(cursor), "!!!!", "",
                    base64.urlsafe_b64encode(b"\x01" + b"\x00" * 26).decode().rstrip("=")):
            with self.subTest(cursor=bad):
                self.assert_invalid_cursor("&owner=me&cursor=" + bad)

    def test_cursor_bound_to_filters(self):
        cursor = self.first_cursor("&owner=me")
        self.assertEqual(self.c.get("/v1/datasets?limit=7&owner=me&cursor=" + cursor).status, 200)
        for other in ("&owner=others", "&owner=me&status=active", "&owner=me&visibility=listed", ""):
            with self.subTest(filters=other):
                self.assert_invalid_cursor(other + "&cursor=" + cursor)

    def test_cursor_bound_to_tenant(self):
        cursor = self.first_cursor("&owner=me")
        other = self.env.actor(name="cursor thief")
        r = other.client.get("/v1/datasets?limit=7&owner=me&cursor=" + cursor)
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.error["code"], "invalid_cursor")

    def test_limit_default_is_20(self):
        r = self.c.get("/v1/datasets?owner=me")
        self.assertEqual(len(r.data["datasets"]), 20)
        self.assertIsNotNone(r.data["next_cursor"])


if __name__ == "__main__":
    unittest.main()
