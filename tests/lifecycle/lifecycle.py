"""Shared by the lifecycle tests: clusters of their own, a database filled
through both faces with a row in every table (a deleted dataset's rows held
back from the purge included), and what must be equal between two databases
that hold the same system: the data, every counter, what the list totals
count, the catalog.
"""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))

import harness  # noqa: E402
from harness import sql_literal  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PURGE_LOCK = "pg_catalog.hashtext('ipto.purge')"

# Tables that hold data, with what of a row is data (a rate limit's bucket
# level moves with every front's sync); the rest (counter shards, tallies,
# tombstones, fronts present) is derived or bookkeeping, compared through
# what it answers.
# A row's data, less what a version moved elsewhere (an API key's last use,
# 0.4) or derives from other rows (a dataset's grantees, 0.4).
DATA_TABLES = {t: "(to_jsonb(x) - 'last_used_at' - 'grantees')" for t in [
    "settings", "tenants", "api_keys", "sessions", "datasets", "dataset_grants",
    "objects", "index_entries", "object_metadata", "idempotency_keys"]}
DATA_TABLES["tenant_limits"] = "(x.tenant_id, x.requests_per_second, x.burst)"


def workdir(name):
    d = tempfile.mkdtemp(prefix="ipto-%s-" % name, dir=os.environ.get("E2E_WORKDIR", "/tmp"))
    os.chmod(d, 0o755)
    return d


class Database:
    """One database of a cluster, with the operator face and a front."""

    def __init__(self, cluster, name):
        self.cluster = cluster
        self.name = name
        self.ops = harness.Ops(self)

    def psql(self, sql, check=True):
        return self.cluster.psql(sql, db=self.name, check=check)

    def scalar(self, sql):
        return self.psql(sql)

    def rows(self, sql):
        out = self.psql(sql)
        return [line.split("|") for line in out.splitlines()] if out else []

    def front_conninfo(self):
        return "host=127.0.0.1 port=%d dbname=%s user=ipto_front password=%s" % (
            self.cluster.port, self.name, harness.FRONT_PASSWORD)

    def front(self, name):
        return harness.Front(self.cluster.dir, self.front_conninfo(), name=name).start()


def new_cluster(name):
    c = harness.Cluster(workdir(name))
    c.init()
    c.start()
    return c


def create_front_role(cluster):
    """The front's login: cluster-wide, so no dump carries it."""
    cluster.psql("CREATE ROLE ipto_front LOGIN PASSWORD %s IN ROLE ipto_api" % sql_literal(harness.FRONT_PASSWORD),
                 db="postgres")


def as_postgres(args, **kw):
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--"] + args
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def pg_tool(cluster, tool, *args):
    """Runs a PostgreSQL client tool against the cluster; returns (rc, stderr)."""
    p = as_postgres([os.path.join(cluster.bindir, tool), "-h", cluster.dir, "-p", str(cluster.port), "-U", "postgres"]
                    + list(args))
    return p.returncode, p.stderr


class Holder:
    """A session holding the purge's advisory lock: a purge worker that finds
    it taken leaves, so a deleted dataset's rows stay until release()."""

    def __init__(self, db):
        args = [os.path.join(db.cluster.bindir, "psql"), "-X", "-q", "-h", db.cluster.dir, "-p", str(db.cluster.port),
                "-U", "postgres", "-d", db.name]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.proc.stdin.write("SELECT pg_advisory_lock(%s);\n\\echo held\n" % PURGE_LOCK)
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        while line and "held" not in line:
            line = self.proc.stdout.readline()

    def release(self):
        self.proc.stdin.close()
        self.proc.wait()


def fill(db, front):
    """A row in every table, through both faces. Returns what the checks need."""
    ops = db.ops
    a, b, c = ops.tenant("alpha"), ops.tenant("beta"), ops.tenant("gamma")
    key_a = ops.api_key(a, ("admin:*",))
    key_b = ops.api_key(b, ("datasets:read",))
    session_a = ops.session(a, ("datasets:read", "datasets:write"))
    client_a = harness.Client(front.port, key_a)
    created = []
    for i in range(30):
        visibility = ["private", "listed", "restricted"][i % 3]
        r = client_a.post("/v1/datasets", {"name": "set %02d" % i, "description": "d%d" % i, "visibility": visibility},
                          headers={"Idempotency-Key": "fill-%02d" % i} if i % 10 == 0 else None)
        assert r.status == 201, r
        created.append(r.data["dataset_id"])
    for i in range(5):
        db.psql("SELECT ipto.create_dataset(%s, %s, visibility => 'listed')" % (sql_literal(b), sql_literal("b%d" % i)))
    ops.grant(a, created[2], b)
    if db.scalar("SELECT count(*) FROM pg_proc WHERE proname = 'set_tenant_limits'") == "1":
        db.psql("SELECT ipto.set_tenant_limits(%s, 1000, 2000)" % sql_literal(c))
    ops.grant(a, created[5], c)
    db.psql("SELECT ipto.update_dataset(%s, %s, '{\"status\": \"archived\"}')" % (sql_literal(a), sql_literal(created[4])))
    # Objects in bulk, some approved and indexed with entries and metadata.
    db.psql("INSERT INTO ipto.objects (tenant_id, dataset_id, filename, size_bytes, status)"
            " SELECT %s, d, 'f-' || i, i * 7, CASE WHEN i %% 4 = 0 THEN 'approved' ELSE 'staged' END"
            " FROM unnest(%s::text[]) d, generate_series(1, 40) i" % (sql_literal(a), sql_literal(created[:12])))
    for object_id in db.psql("SELECT object_id FROM ipto.objects WHERE status = 'approved' ORDER BY object_id"
                             " LIMIT 25").split():
        ops.mark_object_indexed(a, object_id, ("chunk one", "chunk two"))
        db.psql("SELECT ipto.set_object_metadata(%s, %s, 'lang', 'en')" % (sql_literal(a), sql_literal(object_id)))
    # A dataset whose newest object was deleted: its last ingest is later
    # than any object it still has.
    newest = ops.add_object(a, created[1], "newest", 99)
    db.psql("SELECT ipto.delete_object(%s, %s)" % (sql_literal(a), sql_literal(newest)))
    # A deleted dataset whose rows the purge has not reached.
    doomed = created[3]
    holder = Holder(db)
    assert client_a.delete("/v1/datasets/" + doomed).status == 200
    assert db.scalar("SELECT count(*) FROM ipto.deleted_datasets") == "1"
    assert int(db.scalar("SELECT count(*) FROM ipto.objects WHERE dataset_id = %s" % sql_literal(doomed))) == 40
    # A list cursor issued now, and the page it leads to.
    first = client_a.get("/v1/datasets?limit=5&owner=me")
    assert first.status == 200 and first.data["next_cursor"], first
    cursor = first.data["next_cursor"]
    second = client_a.get("/v1/datasets?limit=5&owner=me&cursor=" + cursor)
    assert second.status == 200
    return {"tenants": (a, b, c), "key_a": key_a, "key_b": key_b, "session_a": session_a, "created": created,
            "doomed": doomed, "holder": holder, "cursor": cursor, "second_page": second.data}


def purge_all(db):
    while db.scalar("SELECT ipto.purge_deleted()") != "0":
        pass


def checksums(db):
    present = set(db.psql("SELECT relname FROM pg_class WHERE relnamespace = 'ipto'::regnamespace").split())
    return {t: db.scalar("SELECT md5(coalesce(string_agg(%s::text, E'\\n' ORDER BY %s::text), '')) FROM ipto.%s x"
                         % (row, row, t))
            for t, row in DATA_TABLES.items() if t in present}


def counters(db):
    return db.rows("SELECT dataset_id, object_count, active_object_count, total_bytes, last_ingest_at"
                   " FROM ipto.dataset_summary ORDER BY dataset_id")


def totals(db):
    return db.rows("SELECT tenant_id, visibility, status, sum(n) FROM ipto.dataset_tallies"
                   " GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3")


def catalog(db):
    with open(os.path.join(HERE, "catalog.sql")) as f:
        return db.psql(f.read())
