"""ALTER EXTENSION ipto UPDATE from every released version, with the newest
library installed (as after a package upgrade): the front keeps serving the
database before and after the update, the data and counters are intact, and
the catalog equals a fresh install of the newest version.
"""

import glob
import os
import re
import unittest

import harness
import lifecycle
from lifecycle import Database


def version_key(version):
    return [int(x) for x in version.split(".")]


def released_versions():
    """Every version with a full install script, oldest first; the last is the newest."""
    sharedir = os.path.join(os.path.dirname(os.path.dirname(lifecycle.HERE)), "sql")
    found = [re.match(r".*/ipto--([0-9.]+)\.sql$", p) for p in glob.glob(os.path.join(sharedir, "ipto--*.sql"))]
    return sorted((m.group(1) for m in found if m), key=version_key)


class Upgrade(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.cluster = lifecycle.new_cluster("upgrade")
        cls.cluster.psql("CREATE DATABASE fresh", db="postgres")
        cls.fresh = Database(cls.cluster, "fresh")
        cls.fresh.psql("CREATE EXTENSION ipto")
        lifecycle.create_front_role(cls.cluster)
        cls.newest = released_versions()[-1]

    @classmethod
    def tearDownClass(cls):
        if cls.cluster.is_running():
            cls.cluster.stop("immediate")

    def test_default_version_is_the_newest_script(self):
        self.assertEqual(self.fresh.scalar("SELECT extversion FROM pg_extension WHERE extname = 'ipto'"), self.newest)

    def test_update_from_every_release(self):
        for version in released_versions()[:-1]:
            with self.subTest(version=version):
                self.update_from(version)

    def update_from(self, version):
        name = "from_" + version.replace(".", "_")
        self.cluster.psql("CREATE DATABASE %s" % name, db="postgres")
        db = Database(self.cluster, name)
        db.psql("CREATE EXTENSION ipto VERSION '%s'" % version)
        front = db.front("front-" + name)
        try:
            facts = lifecycle.fill(db, front)
            client = harness.Client(front.port, facts["key_a"])
            before = {
                "checksums": lifecycle.checksums(db),
                "counters": lifecycle.counters(db),
                "totals": lifecycle.totals(db),
                "list": client.get("/v1/datasets?limit=100").data,
            }
            # A front newer than the database: what needs the newer version
            # (If-Match) is a retryable 503 until the update, the rest works.
            some = "/v1/datasets/" + facts["created"][0]
            if version_key(version) < version_key("0.3"):
                early = client.patch(some, {"description": "early"}, headers={"If-Match": "*"})
                self.assertEqual((early.status, early.error["code"]), (503, "unavailable"))
            before["checksums"] = lifecycle.checksums(db)
            before["last_uses"] = db.rows("SELECT api_key_id, last_used_at FROM ipto.api_keys"
                                          " WHERE last_used_at IS NOT NULL ORDER BY 1"
                                          if version_key(version) < version_key("0.4") else
                                          "SELECT api_key_id, last_used_at FROM ipto.api_key_uses ORDER BY 1")
            # The update runs while the front is connected and serving.
            db.psql("ALTER EXTENSION ipto UPDATE")
            self.assertEqual(db.scalar("SELECT extversion FROM pg_extension WHERE extname = 'ipto'"), self.newest)
            self.assertEqual(lifecycle.catalog(db), lifecycle.catalog(self.fresh))
            after = lifecycle.checksums(db)  # tables the update added are new, and empty
            self.assertEqual({t: after[t] for t in before["checksums"]}, before["checksums"])
            for t in set(after) - set(before["checksums"]):
                self.assertEqual(db.scalar("SELECT count(*) FROM ipto.%s" % t), "0", t)
            # What moved, moved whole; what is derived, is derived again.
            self.assertEqual(db.rows("SELECT api_key_id, last_used_at FROM ipto.api_key_uses ORDER BY 1"),
                             before["last_uses"])
            self.assertEqual(db.scalar("SELECT count(*) FROM ipto.datasets d FULL JOIN ipto.dataset_directory r"
                                       " USING (dataset_id) WHERE d.tenant_id IS DISTINCT FROM r.tenant_id"), "0")
            self.assertEqual(db.scalar("SELECT count(*) FROM ipto.datasets d WHERE grantees IS DISTINCT FROM"
                                       " ARRAY(SELECT g.grantee_tenant_id FROM ipto.dataset_grants g"
                                       " WHERE (g.tenant_id, g.dataset_id) = (d.tenant_id, d.dataset_id) ORDER BY 1)"),
                             "0")
            self.assertEqual(lifecycle.counters(db), before["counters"])
            self.assertEqual(lifecycle.totals(db), before["totals"])
            self.assertEqual(db.scalar("SELECT count(*) FROM ipto.verify_counters()"), "0")
            after = client.get("/v1/datasets?limit=100")
            self.assertEqual(after.status, 200, after)
            self.assertEqual(after.data, before["list"])
            page = client.get("/v1/datasets?limit=5&owner=me&cursor=" + facts["cursor"])
            self.assertEqual((page.status, page.data), (200, facts["second_page"]))
            # The same connections now take If-Match.
            stale = client.patch(some, {"description": "late"}, headers={"If-Match": '"%s"' % ("0" * 32)})
            self.assertEqual(stale.status, 412, stale)
            tag = client.get(some).header("ETag")
            self.assertEqual(client.patch(some, {"description": "late"}, headers={"If-Match": tag}).status, 200)
            session = harness.Client(front.port, facts["session_a"])
            self.assertEqual(session.get("/v1/datasets/" + facts["created"][0]).status, 200)
            # The deleted dataset left mid-purge is purged by the new version.
            facts["holder"].release()
            lifecycle.purge_all(db)
            for table in ("objects", "index_entries", "object_metadata", "dataset_counters", "deleted_datasets"):
                self.assertEqual(db.scalar("SELECT count(*) FROM ipto.%s WHERE dataset_id = '%s'"
                                           % (table, facts["doomed"])), "0", table)
            # And it keeps working: a create with an ingest, exact counters.
            made = client.post("/v1/datasets", {"name": "after update"})
            self.assertEqual(made.status, 201, made)
            db.ops.add_object(facts["tenants"][0], made.data["dataset_id"], "x", 5)
            self.assertEqual(client.get("/v1/datasets/" + made.data["dataset_id"]).data["total_bytes"], 5)
            self.assertEqual(db.scalar("SELECT count(*) FROM ipto.verify_counters()"), "0")
        finally:
            self.assertEqual(front.stop(), 0)


if __name__ == "__main__":
    unittest.main()
