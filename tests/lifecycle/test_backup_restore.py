"""pg_dump and a restore give the same working system: in plain format
through psql, in custom format through pg_restore, and from a directory
dump with pg_restore -j 4 into a cluster that has never seen ipto or its
roles. Same data (per-table checksums), the same counters and list totals,
verify_counters() empty, keys and sessions that authenticate, a cursor issued
before the dump that resolves after it, and nothing of a deleted dataset.
"""

import os
import unittest

import harness
import lifecycle
from lifecycle import Database, pg_tool, sql_literal


class BackupRestore(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.cluster = lifecycle.new_cluster("source")
        cls.cluster.psql("CREATE DATABASE source", db="postgres")
        cls.source = Database(cls.cluster, "source")
        cls.source.psql("CREATE EXTENSION ipto")
        lifecycle.create_front_role(cls.cluster)
        front = cls.source.front("source-front")
        try:
            cls.facts = lifecycle.fill(cls.source, front)
        finally:
            front.stop()
        cls.dumps = lifecycle.workdir("dumps")
        os.chown(cls.dumps, *(_postgres_ids()))
        path = lambda name: os.path.join(cls.dumps, name)  # noqa: E731
        for fmt, name in (("p", "dump.sql"), ("c", "dump.custom"), ("d", "dump.dir")):
            rc, err = pg_tool(cls.cluster, "pg_dump", "-F", fmt, "-d", "source", "-f", path(name))
            assert rc == 0, err
        # The dumps were taken with the deleted dataset's rows still there.
        cls.facts["holder"].release()
        lifecycle.purge_all(cls.source)
        cls.expected = {
            "checksums": lifecycle.checksums(cls.source),
            "counters": lifecycle.counters(cls.source),
            "totals": lifecycle.totals(cls.source),
        }
        cls.path = staticmethod(path)
        cls.other = None

    @classmethod
    def tearDownClass(cls):
        for c in (cls.cluster, cls.other):
            if c is not None and c.is_running():
                c.stop("immediate")

    def check_restored(self, db):
        self.assertEqual(db.scalar("SELECT extversion FROM pg_extension WHERE extname = 'ipto'"),
                         self.source.scalar("SELECT extversion FROM pg_extension WHERE extname = 'ipto'"))
        # Before any request: a request moves an API key's last_used_at.
        self.assertEqual(lifecycle.checksums(db), self.expected["checksums"])
        self.assertEqual(lifecycle.counters(db), self.expected["counters"])
        self.assertEqual(lifecycle.totals(db), self.expected["totals"])
        self.assertEqual(db.scalar("SELECT count(*) FROM ipto.verify_counters()"), "0")
        doomed = sql_literal(self.facts["doomed"])
        self.assertEqual(db.scalar("SELECT count(*) FROM ipto.deleted_datasets"), "0")
        for table in ("objects", "index_entries", "object_metadata", "dataset_counters"):
            self.assertEqual(db.scalar("SELECT count(*) FROM ipto.%s WHERE dataset_id = %s" % (table, doomed)), "0",
                             table)
        front = db.front("front-" + db.name)
        try:
            a, b, _ = self.facts["tenants"]
            by_key = harness.Client(front.port, self.facts["key_a"], header="X-API-Key")
            by_session = harness.Client(front.port, self.facts["session_a"])
            reader = harness.Client(front.port, self.facts["key_b"])
            some = self.facts["created"][0]
            self.assertEqual(by_key.get("/v1/datasets/" + some).status, 200)
            self.assertEqual(by_session.get("/v1/datasets/" + some).status, 200)
            self.assertEqual(reader.get("/v1/datasets/" + self.facts["created"][2]).status, 200)  # granted
            self.assertEqual(by_key.get("/v1/datasets/" + self.facts["doomed"]).status, 404)
            page = by_key.get("/v1/datasets?limit=5&owner=me&cursor=" + self.facts["cursor"])
            self.assertEqual(page.status, 200, page)
            self.assertEqual(page.data, self.facts["second_page"])
            # The restored system keeps working: a create, an ingest, a delete.
            made = by_key.post("/v1/datasets", {"name": "after restore"})
            self.assertEqual(made.status, 201, made)
            db.ops.add_object(a, made.data["dataset_id"], "x", 5)
            self.assertEqual(by_key.delete("/v1/datasets/" + made.data["dataset_id"]).status, 200)
            self.assertTrue(harness.wait_until(lambda: db.scalar("SELECT count(*) FROM ipto.deleted_datasets") == "0"))
            self.assertEqual(db.scalar("SELECT count(*) FROM ipto.verify_counters()"), "0")
        finally:
            self.assertEqual(front.stop(), 0)

    def test_plain_format_through_psql(self):
        self.cluster.psql("CREATE DATABASE restored_plain", db="postgres")
        p = lifecycle.as_postgres([os.path.join(self.cluster.bindir, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                                   "-h", self.cluster.dir, "-p", str(self.cluster.port), "-U", "postgres",
                                   "-d", "restored_plain", "-f", self.path("dump.sql")])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("ERROR", p.stderr)
        self.check_restored(Database(self.cluster, "restored_plain"))

    def test_custom_format_through_pg_restore(self):
        self.cluster.psql("CREATE DATABASE restored_custom", db="postgres")
        rc, err = pg_tool(self.cluster, "pg_restore", "-d", "restored_custom", self.path("dump.custom"))
        self.assertEqual((rc, err), (0, ""))
        self.check_restored(Database(self.cluster, "restored_custom"))

    def test_parallel_restore_into_a_cluster_without_ipto(self):
        cls = type(self)
        cls.other = lifecycle.new_cluster("elsewhere")
        self.assertEqual(cls.other.psql("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'ipto%'", db="postgres"), "0")
        cls.other.psql("CREATE DATABASE restored_dir", db="postgres")
        rc, err = pg_tool(cls.other, "pg_restore", "-j", "4", "-d", "restored_dir", self.path("dump.dir"))
        self.assertEqual((rc, err), (0, ""))
        # The extension's own roles came with CREATE EXTENSION; the front's
        # login is the operator's to create, as on any new cluster.
        self.assertEqual(cls.other.psql("SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles"
                                        " WHERE rolname LIKE 'ipto%'", db="postgres"), "ipto_api,ipto_service")
        lifecycle.create_front_role(cls.other)
        self.check_restored(Database(cls.other, "restored_dir"))


def _postgres_ids():
    if os.geteuid() != 0:
        return os.getuid(), os.getgid()
    import pwd
    pw = pwd.getpwnam("postgres")
    return pw.pw_uid, pw.pw_gid


if __name__ == "__main__":
    unittest.main()
