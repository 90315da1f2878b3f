"""The front's database role can run the request face and nothing else."""

import unittest

from harness import FRONT_PASSWORD, session


class FrontRole(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.actor = cls.env.actor(name="security")
        cls.dataset = cls.actor.client.create(name="guarded")

    def as_front(self, sql):
        return self.env.cluster.psql(sql, user="ipto_front", host="127.0.0.1", check=False,
                                     extra_env={"PGPASSWORD": FRONT_PASSWORD})

    def assertDenied(self, sql):
        p = self.as_front(sql)
        self.assertNotEqual(p.returncode, 0, "%s succeeded: %s" % (sql, p.stdout))
        self.assertIn("permission denied", p.stderr, p.stderr)

    def test_cannot_read_tables(self):
        for table in ("datasets", "tenants", "api_keys", "sessions", "objects", "dataset_grants"):
            with self.subTest(table=table):
                self.assertDenied("SELECT * FROM ipto.%s LIMIT 1" % table)

    def test_cannot_write_tables(self):
        self.assertDenied("UPDATE ipto.datasets SET name = 'x'")
        self.assertDenied("DELETE FROM ipto.datasets")

    def test_cannot_call_the_operator_face(self):
        self.assertDenied("SELECT ipto.create_tenant('intruder')")
        self.assertDenied("SELECT ipto.get_dataset(%s, %s)" % (
            "'" + self.actor.tenant_id + "'", "'" + self.dataset["dataset_id"] + "'"))

    def test_can_call_the_request_face(self):
        p = self.as_front("SELECT data FROM ipto.api_get_dataset('api_key', 'zzzzzzzz', repeat('0', 64), 'dset_000000000000')")
        self.assertNotEqual(p.returncode, 0)
        self.assertNotIn("permission denied", p.stderr)  # refused for the credential, not for the role

    def test_role_shape(self):
        out = self.env.cluster.psql(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, "
            "array_to_string(ARRAY(SELECT b.rolname FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid "
            "WHERE m.member = r.oid), ',') FROM pg_roles r WHERE rolname = 'ipto_front'")
        self.assertEqual(out, "f|f|f|f|ipto_api")


if __name__ == "__main__":
    unittest.main()
