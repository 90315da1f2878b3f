"""Tenant isolation as a property: random tenants, datasets,
visibilities, statuses, grants, scopes and credentials; every REST endpoint
and the operator face checked against a model of who may see and change what.

The model is docs/api.md, Visibility: the owner sees its datasets; others see a listed
active one, a restricted one only with a grant, a private one never. PATCH
and DELETE by a tenant that sees but does not own: 403; that cannot see: 404.
A missing scope is a 403 before anything is looked up. And no answer tells a
tenant whether someone else's invisible dataset exists: it is the same,
byte for byte but the id, as the answer for an id that never existed.

Random seed from IPTO_PROPERTY_SEED (default: a new one); a failure prints
it."""

import json
import os
import random
import secrets
import unittest

from harness import Client, session, sql_literal

READ, WRITE, ADMIN = "datasets:read", "datasets:write", "admin:*"
SCOPE_SETS = [(READ,), (WRITE,), (READ, WRITE), (ADMIN,)]
VISIBILITIES = ["private", "restricted", "listed"]
STATUSES = ["active", "archived"]
NEVER = "dset_%012x"


class Model:
    def __init__(self):
        self.datasets = {}  # id -> dict(owner, visibility, status, name)
        self.grants = set()  # (dataset_id, grantee)

    def sees(self, tenant, d_id):
        d = self.datasets.get(d_id)
        if d is None:
            return False
        if d["owner"] == tenant:
            return True
        if d["visibility"] == "listed":
            return d["status"] == "active"
        if d["visibility"] == "restricted":
            return (d_id, tenant) in self.grants
        return False

    def visible(self, tenant, status=None, visibility=None, owner=None):
        out = set()
        for d_id, d in self.datasets.items():
            if not self.sees(tenant, d_id):
                continue
            if status and d["status"] != status:
                continue
            if visibility and d["visibility"] != visibility:
                continue
            if owner == "me" and d["owner"] != tenant:
                continue
            if owner == "others" and d["owner"] == tenant:
                continue
            out.add(d_id)
        return out


class IsolationProperty(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.seed = int(os.environ.get("IPTO_PROPERTY_SEED") or secrets.randbits(32))
        cls.rng = random.Random(cls.seed)
        cls.model = Model()
        cls.tenants = [cls.env.ops.tenant("prop %d" % i) for i in range(5)]
        # Every tenant holds one credential of each scope set; some as sessions.
        cls.creds = {}
        for t in cls.tenants:
            for scopes in SCOPE_SETS:
                if cls.rng.random() < 0.3:
                    cred = cls.env.ops.session(t, scopes)
                else:
                    cred = cls.env.ops.api_key(t, scopes)
                cls.creds[(t, scopes)] = Client(cls.env.front.port, cred, cls.rng.choice(["Authorization", "X-API-Key"])
                                                if not len(cred) == 48 else "Authorization")

    def ctx(self):
        return "seed %d" % self.seed

    def client(self, tenant, scopes):
        return self.creds[(tenant, scopes)]

    def admin(self, tenant):
        return self.client(tenant, (ADMIN,))

    def random_dataset_id(self):
        if self.model.datasets and self.rng.random() < 0.85:
            return self.rng.choice(sorted(self.model.datasets))
        return NEVER % self.rng.getrandbits(48)

    # -- the operations --------------------------------------------------------

    def op_create(self):
        t = self.rng.choice(self.tenants)
        scopes = self.rng.choice(SCOPE_SETS)
        fields = {"name": "p " + secrets.token_hex(3), "visibility": self.rng.choice(VISIBILITIES)}
        r = self.client(t, scopes).post("/v1/datasets", fields)
        if WRITE not in scopes and ADMIN not in scopes:
            self.assertEqual((r.status, r.error["code"]), (403, "insufficient_scope"), self.ctx())
            return
        self.assertEqual(r.status, 201, (self.ctx(), r))
        d = r.data
        self.assertEqual(d["tenant_id"], t, self.ctx())
        self.model.datasets[d["dataset_id"]] = {"owner": t, "visibility": d["visibility"], "status": "active"}

    def op_grant(self):
        if not self.model.datasets:
            return
        d_id = self.rng.choice(sorted(self.model.datasets))
        owner = self.model.datasets[d_id]["owner"]
        grantee = self.rng.choice([t for t in self.tenants if t != owner])
        if (d_id, grantee) in self.model.grants and self.rng.random() < 0.5:
            self.env.cluster.psql("SELECT ipto.revoke_dataset_grant(%s, %s, %s)" % (
                sql_literal(owner), sql_literal(d_id), sql_literal(grantee)))
            self.model.grants.discard((d_id, grantee))
        else:
            self.env.ops.grant(owner, d_id, grantee)
            self.model.grants.add((d_id, grantee))

    def op_get(self):
        t = self.rng.choice(self.tenants)
        scopes = self.rng.choice(SCOPE_SETS)
        d_id = self.random_dataset_id()
        r = self.client(t, scopes).get("/v1/datasets/" + d_id)
        if READ not in scopes and ADMIN not in scopes:
            self.assertEqual((r.status, r.error["code"]), (403, "insufficient_scope"), self.ctx())
        elif self.model.sees(t, d_id):
            self.assertEqual(r.status, 200, (self.ctx(), r))
            d = self.model.datasets[d_id]
            self.assertEqual((r.data["tenant_id"], r.data["visibility"], r.data["status"]),
                             (d["owner"], d["visibility"], d["status"]), self.ctx())
        else:
            self.assertEqual(r.status, 404, (self.ctx(), r))
            self.assert_same_as_never(t, "GET", d_id, r)

    def op_patch(self):
        t = self.rng.choice(self.tenants)
        scopes = self.rng.choice(SCOPE_SETS)
        d_id = self.random_dataset_id()
        change = self.rng.choice([{"visibility": self.rng.choice(VISIBILITIES)},
                                  {"status": self.rng.choice(STATUSES)}, {"name": "renamed"}])
        r = self.client(t, scopes).patch("/v1/datasets/" + d_id, change)
        self.check_write(t, scopes, d_id, r, "PATCH")
        if r.status == 200:
            self.model.datasets[d_id].update({k: v for k, v in change.items() if k != "name"})

    def op_delete(self):
        t = self.rng.choice(self.tenants)
        scopes = self.rng.choice(SCOPE_SETS)
        d_id = self.random_dataset_id()
        r = self.client(t, scopes).delete("/v1/datasets/" + d_id)
        self.check_write(t, scopes, d_id, r, "DELETE")
        if r.status == 200:
            del self.model.datasets[d_id]
            self.model.grants = {g for g in self.model.grants if g[0] != d_id}

    def check_write(self, t, scopes, d_id, r, method):
        if WRITE not in scopes and ADMIN not in scopes:
            self.assertEqual((r.status, r.error["code"]), (403, "insufficient_scope"), self.ctx())
        elif d_id in self.model.datasets and self.model.datasets[d_id]["owner"] == t:
            self.assertEqual(r.status, 200, (self.ctx(), r))
        elif self.model.sees(t, d_id):
            self.assertEqual((r.status, r.error["code"]), (403, "forbidden"), (self.ctx(), r))
        else:
            self.assertEqual(r.status, 404, (self.ctx(), r))
            self.assert_same_as_never(t, method, d_id, r)

    def assert_same_as_never(self, t, method, d_id, r):
        """An invisible dataset and a never-existing one get the same answer."""
        never = NEVER % self.rng.getrandbits(48)
        c = self.admin(t)
        body = {"name": "x"} if method == "PATCH" else None
        other = c.request(method, "/v1/datasets/" + never, body=body)
        self.assertEqual(other.status, r.status, self.ctx())
        self.assertEqual(json.dumps(other.error, sort_keys=True).replace(never, "ID"),
                         json.dumps(r.error, sort_keys=True).replace(d_id, "ID"), self.ctx())

    def foreign(self, status=None, visibility=None, owner=None):
        """Listed active datasets of tenants outside this test (other suites
        share the database): everyone sees them, so they count too."""
        if owner == "me" or status not in (None, "active") or visibility not in (None, "listed"):
            return set()
        ours = ",".join(sql_literal(t) for t in self.tenants)
        out = self.env.cluster.psql("SELECT coalesce(string_agg(dataset_id, ','), '') FROM ipto.datasets"
                                    " WHERE visibility = 'listed' AND status = 'active' AND tenant_id NOT IN (%s)" % ours)
        return set(filter(None, out.split(",")))

    def op_list(self):
        t = self.rng.choice(self.tenants)
        filters = {}
        if self.rng.random() < 0.4:
            filters["status"] = self.rng.choice(STATUSES)
        if self.rng.random() < 0.4:
            filters["visibility"] = self.rng.choice(VISIBILITIES)
        if self.rng.random() < 0.4:
            filters["owner"] = self.rng.choice(["me", "others"])
        expected = self.model.visible(t, **filters) | self.foreign(**filters)
        limit = self.rng.choice([1, 3, 7, 100])
        seen, cursor = [], None
        c = self.client(t, self.rng.choice([(READ,), (READ, WRITE), (ADMIN,)]))
        for _ in range(1000):
            q = "&".join("%s=%s" % kv for kv in sorted(filters.items()))
            path = "/v1/datasets?limit=%d" % limit + ("&" + q if q else "") + ("&cursor=" + cursor if cursor else "")
            r = c.get(path)
            self.assertEqual(r.status, 200, (self.ctx(), r))
            self.assertEqual(r.data["total"], len(expected), (self.ctx(), filters))
            seen += [d["dataset_id"] for d in r.data["datasets"]]
            cursor = r.data["next_cursor"]
            if not cursor:
                break
        self.assertEqual(len(seen), len(set(seen)), self.ctx())
        self.assertEqual(set(seen), expected, (self.ctx(), filters))

    def op_sql_face(self):
        """The operator face obeys the same model."""
        t = self.rng.choice(self.tenants)
        listed = self.env.cluster.psql("SELECT coalesce(string_agg(dataset_id, ','), '') FROM ipto.list_datasets(%s, \"limit\" => 100)"
                                       % sql_literal(t)).strip()
        got = set(filter(None, listed.split(",")))
        expected = self.model.visible(t) | self.foreign()
        if len(expected) <= 100:
            self.assertEqual(got, expected, self.ctx())
        d_id = self.random_dataset_id()
        r = self.env.cluster.psql("SELECT ipto.get_dataset(%s, %s) IS NOT NULL" % (sql_literal(t), sql_literal(d_id)),
                                  check=False)
        self.assertEqual(r.returncode == 0, self.model.sees(t, d_id), (self.ctx(), d_id))

    def test_random_operations_obey_the_model(self):
        ops = [(self.op_create, 5), (self.op_grant, 2), (self.op_get, 6), (self.op_patch, 3), (self.op_delete, 1),
               (self.op_list, 2), (self.op_sql_face, 1)]
        weighted = [f for f, w in ops for _ in range(w)]
        for _ in range(15):
            self.op_create()
        for _ in range(int(os.environ.get("IPTO_PROPERTY_STEPS", "400"))):
            self.rng.choice(weighted)()
        for t in self.tenants:  # a final full check of every tenant's view
            self.model_check_all(t)

    def model_check_all(self, t):
        for owner in (None, "me", "others"):
            expected = self.model.visible(t, owner=owner) | self.foreign(owner=owner)
            seen, cursor = set(), None
            while True:
                r = self.admin(t).get("/v1/datasets?limit=100" + ("&owner=" + owner if owner else "")
                                      + ("&cursor=" + cursor if cursor else ""))
                self.assertEqual(r.status, 200, self.ctx())
                seen |= {d["dataset_id"] for d in r.data["datasets"]}
                cursor = r.data["next_cursor"]
                if not cursor:
                    break
            self.assertEqual(seen, expected, (self.ctx(), t, owner))


if __name__ == "__main__":
    unittest.main()
