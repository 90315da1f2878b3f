"""Authentication and scopes (docs/api.md): both header forms, sessions, revoked
and expired credentials, scopes, and credentials that never reach the DB."""

import time
import unittest

from harness import Client, session


class Auth(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.tenant = cls.env.ops.tenant("auth tenant")
        cls.admin_key = cls.env.ops.api_key(cls.tenant, ["admin:*"])
        cls.admin = cls.env.client(cls.admin_key)
        cls.dataset = cls.admin.create(name="Auth target")
        cls.item = "/v1/datasets/" + cls.dataset["dataset_id"]

    def client(self, credential, header="Authorization"):
        return self.env.client(credential, header)

    def assert401(self, r, code="invalid_credentials"):
        self.assertEqual(r.status, 401, r)
        self.assertEqual(r.error["code"], code)
        self.assertTrue(r.header("WWW-Authenticate").startswith("Bearer"), r.headers)

    def test_no_credential(self):
        for method, path in (("GET", "/v1/datasets"), ("POST", "/v1/datasets"), ("GET", self.item),
                             ("PATCH", self.item), ("DELETE", self.item)):
            with self.subTest(method=method):
                body = {"name": "x"} if method in ("POST", "PATCH") else None
                r = Client(self.env.front.port).request(method, path, body=body)
                self.assertEqual(r.status, 401, r)
                self.assertEqual(r.error["code"], "unauthenticated")
                self.assertEqual(r.header("WWW-Authenticate"), "Bearer")

    def test_both_headers_are_ambiguous(self):
        r = self.admin.get("/v1/datasets", headers={"X-API-Key": self.admin_key})
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.error["code"], "ambiguous_credentials")

    def test_api_key_in_either_header_and_session_as_bearer(self):
        self.assertEqual(self.client(self.admin_key, "X-API-Key").get(self.item).status, 200)
        self.assertEqual(self.client(self.admin_key).get(self.item).status, 200)
        token = self.env.ops.session(self.tenant, ["datasets:read"])
        self.assertEqual(self.client(token).get(self.item).status, 200)
        r = self.client(token).request("GET", self.item, auth=False, headers={"Authorization": "bearer   " + token})
        self.assertEqual(r.status, 200, r)

    def test_unknown_and_wrong_credentials(self):
        prefix = self.admin_key.split("_")[1]
        wrong_secret = "ipto_%s_%s" % (prefix, "A" * 40)
        self.assert401(self.client(wrong_secret).get(self.item))
        self.assert401(self.client("ipto_zzzzzzzz_" + "B" * 40).get(self.item))
        self.assert401(self.client("Q" * 48).get(self.item))  # a well-formed session token no one minted
        self.assert401(self.client("not-a-credential").get(self.item))
        self.assert401(self.client(self.admin_key[:-1]).get(self.item))  # secret one character short
        r = self.env.client().request("GET", self.item, headers={"Authorization": "Basic dXNlcjpwYXNz"})
        self.assert401(r)

    def test_revoked_key(self):
        key = self.env.ops.api_key(self.tenant, ["admin:*"])
        self.assertEqual(self.client(key).get(self.item).status, 200)
        self.env.ops.revoke_api_key(key)
        self.assert401(self.client(key).get(self.item))
        self.assert401(self.client(key, "X-API-Key").get("/v1/datasets"))

    def test_expired_key(self):
        key = self.env.ops.api_key(self.tenant, ["admin:*"], expires_at="now() + interval '1 second'")
        self.assertEqual(self.client(key).get(self.item).status, 200)
        time.sleep(1.3)
        self.assert401(self.client(key).get(self.item))

    def test_revoked_session(self):
        token = self.env.ops.session(self.tenant, ["admin:*"])
        self.assertEqual(self.client(token).get(self.item).status, 200)
        self.env.ops.revoke_session(token)
        self.assert401(self.client(token).get(self.item))

    def test_expired_session(self):
        token = self.env.ops.session(self.tenant, ["admin:*"], ttl="1 second")
        self.assertEqual(self.client(token).get(self.item).status, 200)
        time.sleep(1.3)
        self.assert401(self.client(token).get(self.item))

    def check_scopes(self, credential, can_read, can_write):
        c = self.client(credential)
        own = self.admin.create(name="Scope target")
        item = "/v1/datasets/" + own["dataset_id"]
        attempts = [
            ("read", c.get("/v1/datasets")),
            ("read", c.get(item)),
            ("write", c.post("/v1/datasets", {"name": "scoped"})),
            ("write", c.patch(item, {"name": "renamed"})),
            ("write", c.delete(item)),
        ]
        for kind, r in attempts:
            allowed = can_read if kind == "read" else can_write
            if allowed:
                self.assertIn(r.status, (200, 201), r)
            else:
                self.assertEqual(r.status, 403, r)
                self.assertEqual(r.error["code"], "insufficient_scope")
                self.assertIn("datasets:read" if kind == "read" else "datasets:write", r.error["message"])

    def test_read_only_key(self):
        self.check_scopes(self.env.ops.api_key(self.tenant, ["datasets:read"]), True, False)

    def test_write_only_key(self):
        self.check_scopes(self.env.ops.api_key(self.tenant, ["datasets:write"]), False, True)

    def test_read_write_key(self):
        self.check_scopes(self.env.ops.api_key(self.tenant, ["datasets:read", "datasets:write"]), True, True)

    def test_admin_key_and_session(self):
        self.check_scopes(self.env.ops.api_key(self.tenant, ["admin:*"]), True, True)
        self.check_scopes(self.env.ops.session(self.tenant, ["admin:*"]), True, True)

    def test_read_only_session(self):
        self.check_scopes(self.env.ops.session(self.tenant, ["datasets:read"]), True, False)


if __name__ == "__main__":
    unittest.main()
