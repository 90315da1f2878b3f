"""Conditional requests (docs/api.md, Conditional requests): a strong ETag on
every answer that carries one dataset; If-None-Match on GET gives 304;
If-Match on PATCH and DELETE gives 412 unless it matches, checked in the
write's own transaction, so of two writers with the same ETag one wins."""

import re
import threading
import unittest

from harness import raw_exchange, session

STRONG_TAG = re.compile(r'^"[0-9a-f]{32}"$')
STALE = '"00000000000000000000000000000000"'


class Conditional(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.owner = cls.env.actor(name="conditional owner")
        cls.other = cls.env.actor(name="conditional other")
        cls.c = cls.owner.client

    def create(self, **fields):
        r = self.c.post("/v1/datasets", dict({"name": "Conditional"}, **fields))
        self.assertEqual(r.status, 201, r)
        return r

    def test_every_answer_with_a_dataset_has_a_strong_etag_of_it(self):
        made = self.create()
        tag = made.header("ETag")
        self.assertRegex(tag, STRONG_TAG)
        path = "/v1/datasets/" + made.data["dataset_id"]
        got = self.c.get(path)
        self.assertEqual(got.header("ETag"), tag)  # same dataset, same tag
        self.assertEqual(got.header("Cache-Control"), "private, no-cache")
        patched = self.c.patch(path, {"description": "changed"})
        self.assertEqual(patched.status, 200)
        self.assertNotEqual(patched.header("ETag"), tag)
        self.assertEqual(self.c.get(path).header("ETag"), patched.header("ETag"))
        # PATCH {} changes nothing: the tag stays.
        self.assertEqual(self.c.patch(path, {}).header("ETag"), patched.header("ETag"))
        # Counters are fields too: an ingest moves the tag.
        self.env.ops.add_object(self.owner.tenant_id, made.data["dataset_id"], "f.pdf", 10)
        self.assertNotEqual(self.c.get(path).header("ETag"), patched.header("ETag"))
        # A list carries many datasets: no tag.
        self.assertIsNone(self.c.get("/v1/datasets?limit=1").header("ETag"))

    def test_if_none_match_gives_304_without_a_body(self):
        made = self.create()
        tag = made.header("ETag")
        path = "/v1/datasets/" + made.data["dataset_id"]
        for value in (tag, "W/" + tag, '"other", ' + tag, "*"):
            r = self.c.get(path, headers={"If-None-Match": value})
            self.assertEqual(r.status, 304, value)
            self.assertEqual(r.body, b"")
            self.assertEqual(r.header("ETag"), tag)
            self.assertIsNotNone(r.header("X-Request-Id"))
        for value in (STALE, "garbage", tag + " junk"):
            r = self.c.get(path, headers={"If-None-Match": value})
            self.assertEqual(r.status, 200, value)
            self.assertEqual(r.header("ETag"), tag)
        # Visibility first: another tenant gets 404 for a private dataset, whatever it sends.
        r = self.other.client.get(path, headers={"If-None-Match": "*"})
        self.assertEqual(r.status, 404)

    def test_304_is_well_framed_on_a_kept_alive_connection(self):
        made = self.create()
        path = "/v1/datasets/" + made.data["dataset_id"]
        head = ("GET %s HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer %s\r\nIf-None-Match: %s\r\n\r\n"
                % (path, self.owner.key, made.header("ETag")))
        data, _, _ = raw_exchange(self.env.front.port, (head + head).encode(), timeout=3.0)
        text = data.decode("latin-1")
        # Both answered, the second read as a request of its own: a 304 has no body.
        self.assertEqual(text.count("HTTP/1.1 304"), 2, text)
        self.assertTrue(text.endswith("\r\n\r\n"), text)

    def test_if_match_on_patch_and_delete(self):
        made = self.create()
        tag = made.header("ETag")
        path = "/v1/datasets/" + made.data["dataset_id"]
        for value in (STALE, "W/" + tag, "junk"):
            r = self.c.patch(path, {"name": "lost"}, headers={"If-Match": value})
            self.assertEqual(r.status, 412, value)
            self.assertEqual(r.error["code"], "precondition_failed")
        self.assertEqual(self.c.get(path).data["name"], "Conditional")
        ok = self.c.patch(path, {"name": "won"}, headers={"If-Match": tag})
        self.assertEqual(ok.status, 200, ok)
        self.assertEqual(self.c.patch(path, {"name": "again"}, headers={"If-Match": tag}).status, 412)
        self.assertEqual(self.c.patch(path, {"name": "any"}, headers={"If-Match": "*"}).status, 200)
        current = self.c.get(path).header("ETag")
        self.assertEqual(self.c.delete(path, headers={"If-Match": tag}).status, 412)
        self.assertEqual(self.c.get(path).status, 200)
        self.assertEqual(self.c.delete(path, headers={"If-Match": current}).status, 200)
        self.assertEqual(self.c.get(path).status, 404)
        # Gone: 404 whatever If-Match says.
        self.assertEqual(self.c.delete(path, headers={"If-Match": "*"}).status, 404)

    def test_visibility_comes_before_the_precondition(self):
        listed = self.create(visibility="listed")
        hidden = self.create()
        for made, status in ((listed, 403), (hidden, 404)):
            path = "/v1/datasets/" + made.data["dataset_id"]
            r = self.other.client.patch(path, {"name": "x"}, headers={"If-Match": made.header("ETag")})
            self.assertEqual(r.status, status)
            r = self.other.client.delete(path, headers={"If-Match": STALE})
            self.assertEqual(r.status, status)

    def test_two_writers_with_the_same_etag_one_wins(self):
        for round_ in range(10):
            made = self.create()
            path = "/v1/datasets/" + made.data["dataset_id"]
            tag = made.header("ETag")
            barrier = threading.Barrier(2)
            statuses = []

            def write(name):
                barrier.wait()
                r = self.c.patch(path, {"name": name}, headers={"If-Match": tag})
                statuses.append((r.status, name))

            threads = [threading.Thread(target=write, args=("writer %d" % i,)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(sorted(s for s, _ in statuses), [200, 412], statuses)
            winner = [n for s, n in statuses if s == 200][0]
            self.assertEqual(self.c.get(path).data["name"], winner, round_)


if __name__ == "__main__":
    unittest.main()
