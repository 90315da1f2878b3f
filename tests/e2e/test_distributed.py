"""On a Citus cluster (IPTO_E2E_DISTRIBUTED=1): what only a cluster has.

- Routing: every call of either face for one tenant touches one worker, the
  one holding the tenant's shard (Citus's own log of the commands it sends).
- The second wall on the workers: a statement that forgot its tenant filter,
  run as the request face's role on a worker's shards, sees no other
  tenant's rows.
- A worker stopped: the other workers' tenants are served, the stopped
  worker's get a 503 `unavailable`, and service comes back without
  restarting the front.
- A worker added and shards rebalanced onto it while the front serves and
  objects are ingested: every answer a 2xx (or a documented 503), no
  acknowledged write lost, counters exact.

Skipped on a single node."""
import hashlib
import re
import threading
import time
import unittest

from harness import DISTRIBUTED, Client, session, sql_literal, wait_until


def credential_args(key):
    """The request face's credential arguments for an API key."""
    _, prefix, secret = key.split("_", 2)
    return "'api_key', %s, %s" % (sql_literal(prefix), sql_literal(hashlib.sha256(secret.encode()).hexdigest()))


@unittest.skipUnless(DISTRIBUTED, "needs a Citus cluster (IPTO_E2E_DISTRIBUTED=1)")
class Distributed(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.cluster = cls.env.cluster

    def worker_of(self, tenant_id):
        """The port of the worker that holds the tenant's shard."""
        return int(self.cluster.scalar(
            "SELECT n.nodeport FROM pg_dist_placement p JOIN pg_dist_node n USING (groupid)"
            " WHERE p.shardid = get_shard_id_for_distribution_column('ipto.datasets', %s::text)"
            % sql_literal(tenant_id)))

    def two_tenants_apart(self):
        """Two actors whose tenants are on different workers."""
        first = self.env.actor()
        while True:
            other = self.env.actor()
            if self.worker_of(other.tenant_id) != self.worker_of(first.tenant_id):
                return first, other

    def workers_touched(self, sql):
        """The worker ports Citus sent commands to while running sql."""
        p = self.cluster.psql("SET citus.log_remote_commands = on; SET client_min_messages = notice; " + sql,
                              check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        workers = set(self.cluster.worker_ports())
        return {int(port) for port in re.findall(r"on server \S+@[^:\s]+:(\d+)", p.stderr)} & workers

    # --- routing -----------------------------------------------------------

    def test_each_call_for_one_tenant_touches_its_worker_alone(self):
        a, b = self.two_tenants_apart()
        home = self.worker_of(a.tenant_id)
        listed_b = b.client.create(name="routing listed", visibility="listed")["dataset_id"]
        own = a.client.create(name="routing own")["dataset_id"]
        doomed = [a.client.create(name="routing doomed %d" % i)["dataset_id"] for i in range(3)]
        obj = self.cluster.scalar("SELECT ipto.add_object(%s, %s, 'r.txt', 3)" % (sql_literal(a.tenant_id), sql_literal(own)))
        tag = a.client.get("/v1/datasets/" + own).header("ETag")
        t, c = sql_literal(a.tenant_id), credential_args(a.key)
        calls = {
            # The request face.
            "api_create_dataset": "SELECT * FROM ipto.api_create_dataset(%s, '{\"name\": \"r1\"}')" % c,
            "api_create_dataset with Idempotency-Key":
                "SELECT * FROM ipto.api_create_dataset(%s, '{\"name\": \"r2\"}', 'routing-key-1')" % c,
            "api_get_dataset, own": "SELECT * FROM ipto.api_get_dataset(%s, %s)" % (c, sql_literal(own)),
            "api_update_dataset": "SELECT * FROM ipto.api_update_dataset(%s, %s, '{\"description\": \"x\"}')"
                                  % (c, sql_literal(own)),
            "api_update_dataset with If-Match": "SELECT * FROM ipto.api_update_dataset(%s, %s, '{}', '*')"
                                                % (c, sql_literal(own)),
            "api_delete_dataset": "SELECT * FROM ipto.api_delete_dataset(%s, %s)" % (c, sql_literal(doomed[0])),
            "api_delete_dataset with If-Match": "SELECT * FROM ipto.api_delete_dataset(%s, %s, '*')"
                                                % (c, sql_literal(doomed[1])),
            # The operator face.
            "create_dataset": "SELECT * FROM ipto.create_dataset(%s, 'r3')" % t,
            "get_dataset": "SELECT * FROM ipto.get_dataset(%s, %s)" % (t, sql_literal(own)),
            "update_dataset": "SELECT * FROM ipto.update_dataset(%s, %s, '{\"name\": \"r4\"}', %s)"
                              % (t, sql_literal(own), "NULL"),
            "delete_dataset": "SELECT ipto.delete_dataset(%s, %s)" % (t, sql_literal(doomed[2])),
            "grant_dataset": "SELECT ipto.grant_dataset(%s, %s, %s)" % (t, sql_literal(own), sql_literal(b.tenant_id)),
            "revoke_dataset_grant": "SELECT ipto.revoke_dataset_grant(%s, %s, %s)"
                                    % (t, sql_literal(own), sql_literal(b.tenant_id)),
            "add_object": "SELECT ipto.add_object(%s, %s, 'r2.txt', 5)" % (t, sql_literal(own)),
            "set_object_status": "SELECT ipto.set_object_status(%s, %s, 'approved')" % (t, sql_literal(obj)),
            "mark_object_indexed": "SELECT ipto.mark_object_indexed(%s, %s, ARRAY['c'])" % (t, sql_literal(obj)),
            "set_object_metadata": "SELECT ipto.set_object_metadata(%s, %s, 'k', 'v')" % (t, sql_literal(obj)),
            "rebuild_counters of a dataset": "SELECT ipto.rebuild_counters(%s)" % sql_literal(own),
            "delete_object": "SELECT ipto.delete_object(%s, %s)" % (t, sql_literal(obj)),
        }
        for name, sql in calls.items():
            with self.subTest(call=name):
                self.assertEqual(self.workers_touched(sql), {home}, sql)
        # Another tenant's dataset by id: read on the owner's worker alone,
        # found through the id directory (no fan-out to every shard); the
        # asker's worker only records its key's last use (in a new session,
        # as here; a front's sessions write it once a minute).
        with self.subTest(call="operator get_dataset, another tenant's"):
            self.assertEqual(self.workers_touched("SELECT * FROM ipto.get_dataset(%s, %s)" % (t, sql_literal(listed_b))),
                             {self.worker_of(b.tenant_id)})
        with self.subTest(call="api_get_dataset, another tenant's"):
            self.assertEqual(self.workers_touched("SELECT * FROM ipto.api_get_dataset(%s, %s)" % (c, sql_literal(listed_b))),
                             {self.worker_of(b.tenant_id), home})
        self.assertIsNotNone(tag)
        self.assertEqual(self.cluster.scalar("SELECT count(*) FROM ipto.verify_counters()"), "0")

    def test_the_list_is_the_one_fan_out(self):
        # The catalogue (listed datasets of every tenant) and its total are
        # read from every shard: documented, measured in bench/cluster.py.
        a = self.env.actor()
        touched = self.workers_touched("SELECT * FROM ipto.api_list_datasets(%s)" % credential_args(a.key))
        self.assertEqual(touched, set(self.cluster.worker_ports()))

    def test_triggers_on_a_worker_write_the_colocated_shards_themselves(self):
        # Run on the tenant's worker (every node has Citus's metadata), with
        # Citus reporting each command it executes locally: the inserts into
        # the objects and datasets shards are Citus's, but the statements of
        # their triggers (the counter row, the tallies, the purge check, the id
        # directory) name the co-located shards and run without Citus.
        a = self.env.actor()
        t = sql_literal(a.tenant_id)
        dataset = sql_literal(a.client.create(name="beside")["dataset_id"])
        node = next(w for w in self.cluster.workers if w.port == self.worker_of(a.tenant_id))
        p = node.psql("SET citus.log_local_commands = on; SET client_min_messages = notice; "
                      "SELECT ipto.add_object(%s, %s, 'beside.txt', 7); "
                      "SELECT dataset_id FROM ipto.create_dataset(%s, 'beside too', visibility => 'listed')"
                      % (t, dataset, t), check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        local = re.findall(r"executing the command locally: (?:INSERT INTO|SELECT\b.*?\bFROM) ipto\.(\w+?)_\d+", p.stderr)
        self.assertIn("objects", local, p.stderr)
        self.assertIn("datasets", local, p.stderr)
        for beside in ("dataset_counters", "dataset_tallies", "deleted_datasets"):
            self.assertNotIn(beside, local, p.stderr)
        # A row inserted as is, with an id placed in its owner's shard: the
        # trigger looks the id up in the directory and enters it there, on
        # the co-located shard too.
        placed = self.cluster.scalar(
            "SELECT id FROM (SELECT 'dset_' || substr(md5(random()::text || i), 1, 12) AS id"
            " FROM generate_series(1, 5000) i) x WHERE (SELECT shardminvalue FROM pg_dist_shard WHERE shardid ="
            " get_shard_id_for_distribution_column('ipto.dataset_directory', id)) = (SELECT shardminvalue"
            " FROM pg_dist_shard WHERE shardid = get_shard_id_for_distribution_column('ipto.datasets', %s)) LIMIT 1" % t)
        p = node.psql("SET citus.log_local_commands = on; SET client_min_messages = notice; "
                      "INSERT INTO ipto.datasets (dataset_id, tenant_id, name) VALUES (%s, %s, 'as is')"
                      % (sql_literal(placed), t), check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        local = re.findall(r"executing the command locally: (?:INSERT INTO|SELECT\b.*?\bFROM) ipto\.(\w+?)_\d+", p.stderr)
        self.assertEqual(local, ["datasets"], p.stderr)
        self.assertEqual(self.cluster.scalar("SELECT tenant_id FROM ipto.dataset_directory WHERE dataset_id = %s"
                                             % sql_literal(placed)), a.tenant_id)
        self.assertEqual(self.cluster.scalar("SELECT object_count FROM ipto.get_dataset(%s, %s)" % (t, dataset)), "1")
        self.assertEqual(self.cluster.scalar("SELECT count(*) FROM ipto.verify_counters()"), "0")

    def test_authentication_reads_the_coordinators_own_copy_of_the_credentials(self):
        # Credentials are reference tables, with a copy on the coordinator:
        # the request face reads it as a plain table, not through Citus's
        # planner and local execution (which would report it here).
        a = self.env.actor()
        own = sql_literal(a.client.create(name="auth copy")["dataset_id"])
        p = self.cluster.psql("SET citus.log_local_commands = on; SET client_min_messages = notice; "
                              "SELECT tenant_id FROM ipto.api_get_dataset(%s, %s)" % (credential_args(a.key), own),
                              check=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(a.tenant_id, p.stdout)
        self.assertNotRegex(p.stderr, r"ipto\.(api_keys|sessions)_\d+")
        # A revoked key is refused at once: the copy is the reference table's own.
        key_id = self.cluster.scalar("SELECT api_key_id FROM ipto.api_keys WHERE prefix = %s"
                                     % sql_literal(a.key.split("_")[1]))
        self.cluster.psql("SELECT ipto.revoke_api_key(%s)" % sql_literal(key_id))
        self.assertEqual(a.client.get("/v1/datasets/" + own.strip("'")).status, 401)

    # --- the second wall ---------------------------------------------------

    def test_a_statement_without_its_tenant_filter_sees_no_other_tenant_on_a_worker(self):
        a, b = self.two_tenants_apart()
        mine = a.client.create(name="wall mine", visibility="private")["dataset_id"]
        granted = b.client.create(name="wall granted", visibility="restricted")["dataset_id"]
        hidden = b.client.create(name="wall hidden", visibility="restricted")["dataset_id"]
        private_b = b.client.create(name="wall private", visibility="private")["dataset_id"]
        listed_b = b.client.create(name="wall listed", visibility="listed")["dataset_id"]
        self.cluster.psql("SELECT ipto.grant_dataset(%s, %s, %s)" % (sql_literal(b.tenant_id), sql_literal(granted),
                                                                     sql_literal(a.tenant_id)))
        for x in (a, b):
            r = x.client.post("/v1/datasets", {"name": "wall idempotent"}, headers={"Idempotency-Key": "wall-key"})
            self.assertEqual(r.status, 201, r)
        password = self.cluster.scalar(
            "SELECT substr(authinfo, length('password=') + 1) FROM pg_dist_authinfo WHERE rolename = 'ipto_service'")
        seen = {"datasets": set(), "idempotency_keys": set()}
        for i in range(len(self.cluster.worker_ports())):
            # Without the password that only Citus's catalog holds, the role
            # cannot log in at all.
            self.assertNotEqual(self.cluster.psql_on(i, "SELECT 1", user="ipto_service", check=False).returncode, 0)
            shards = self.cluster.psql_on(i, "SET citus.override_table_visibility = off;"
                                             " SELECT string_agg(relname, ' ') FROM pg_class"
                                             " WHERE relnamespace = 'ipto'::regnamespace AND relkind = 'r'"
                                             " AND relname ~ '^(datasets|idempotency_keys|objects)_[0-9]+$'").split()
            for shard in shards:
                table = shard.rsplit("_", 1)[0]
                # As the request face's role on the worker, with its tenant
                # set, and no tenant filter in the statement.
                p = self.cluster.psql_on(
                    i, "SET ipto.tenant_id = %s; SELECT %s FROM ipto.%s" % (
                        sql_literal(a.tenant_id), "tenant_id" if table == "objects" else "tenant_id || ' ' || dataset_id"
                        if table == "datasets" else "tenant_id", shard),
                    user="ipto_service", host="127.0.0.1", extra_env={"PGPASSWORD": password}, check=False)
                if table == "objects":
                    # The request face reads no objects at all.
                    self.assertIn("permission denied", p.stderr)
                    continue
                self.assertEqual(p.returncode, 0, p.stderr)
                seen[table].update(line for line in p.stdout.splitlines() if line.strip())
        datasets = {line.split()[1]: line.split()[0] for line in seen["datasets"]}
        self.assertEqual(datasets.get(mine), a.tenant_id)
        self.assertIn(granted, datasets)
        self.assertIn(listed_b, datasets)
        self.assertNotIn(hidden, datasets)
        self.assertNotIn(private_b, datasets)
        # Of another tenant: only what a may see (listed, or granted to it).
        self.assertEqual({d for d, t in datasets.items() if t != a.tenant_id} - {granted, listed_b}
                         - {d for d, t in datasets.items() if self.visible_to_all(t, d)}, set())
        self.assertEqual(seen["idempotency_keys"], {a.tenant_id})

    def visible_to_all(self, tenant, dataset):
        return self.cluster.scalar("SELECT visibility = 'listed' AND status = 'active' FROM ipto.datasets"
                                   " WHERE tenant_id = %s AND dataset_id = %s" % (sql_literal(tenant), sql_literal(dataset))) == "t"

    # --- operations under change --------------------------------------------

    def test_a_stopped_worker_fails_its_tenants_promptly_and_comes_back(self):
        a, b = self.two_tenants_apart()
        da = a.client.create(name="outage a")["dataset_id"]
        db = b.client.create(name="outage b")["dataset_id"]
        stopped = self.cluster.worker_ports().index(self.worker_of(b.tenant_id))
        self.cluster.stop_worker(stopped)  # cleanly: the test clusters run with synchronous_commit off
        try:
            self.assertEqual(a.client.get("/v1/datasets/" + da).status, 200)
            self.assertEqual(a.client.post("/v1/datasets", {"name": "during outage"}).status, 201)
            began = time.time()
            r = b.client.get("/v1/datasets/" + db)
            print("\n  GET for a tenant of the stopped worker: %d in %.3f s" % (r.status, time.time() - began))
            self.assertEqual((r.status, r.error["code"]), (503, "unavailable"), r)
            self.assertIsNotNone(r.header("Retry-After"))
            r = b.client.post("/v1/datasets", {"name": "refused"})
            self.assertEqual((r.status, r.error["code"]), (503, "unavailable"), r)
        finally:
            self.cluster.start_worker(stopped)
        # The same front, its connections kept: served again.
        last = []
        self.assertTrue(wait_until(lambda: last.append(b.client.get("/v1/datasets/" + db)) or last[-1].status == 200,
                                   timeout=60), last[-1:])
        self.assertEqual(b.client.post("/v1/datasets", {"name": "after outage"}).status, 201)

    def test_adding_a_worker_and_rebalancing_under_load(self):
        actors = [self.env.actor() for _ in range(6)]
        datasets = {x.tenant_id: x.client.create(name="rebalance")["dataset_id"] for x in actors}
        stop = threading.Event()
        statuses, created, ingested = [], [], {t: 0 for t in datasets}
        lock = threading.Lock()

        def serve(actor):
            c = Client(self.env.front.port, actor.key)
            d = datasets[actor.tenant_id]
            while not stop.is_set():
                for r in (c.get("/v1/datasets/" + d, record=False), c.get("/v1/datasets?limit=5", record=False),
                          c.post("/v1/datasets", {"name": "under rebalance"}, record=False)):
                    with lock:
                        statuses.append((r.status, r.error["code"] if r.status >= 400 else None))
                        if r.status == 201:
                            created.append((actor.tenant_id, r.data["dataset_id"]))

        def ingest():
            while not stop.is_set():
                for tenant, d in datasets.items():
                    p = self.cluster.psql("SELECT ipto.add_object(%s, %s, 'i', 1)" % (sql_literal(tenant), sql_literal(d)),
                                          check=False)
                    if p.returncode == 0:
                        with lock:
                            ingested[tenant] += 1

        threads = [threading.Thread(target=serve, args=(x,)) for x in actors] + [threading.Thread(target=ingest)]
        for th in threads:
            th.start()
        try:
            time.sleep(1)
            node = self.cluster.add_worker()
            # The new node gets what distribute() gives every worker.
            self.cluster.psql("SELECT ipto.distribute()")
            began = time.time()
            self.cluster.psql("SELECT rebalance_table_shards(shard_transfer_mode := 'block_writes')")
            moved = int(self.cluster.scalar(
                "SELECT count(*) FROM pg_dist_placement p JOIN pg_dist_node n USING (groupid) WHERE n.nodeport = %d"
                % node.port))
            print("\n  rebalance: %d shard placements moved to the new worker in %.1f s" % (moved, time.time() - began))
            time.sleep(1)
        finally:
            stop.set()
            for th in threads:
                th.join()
        self.assertGreater(moved, 0)
        wrong = [s for s in statuses if not (200 <= s[0] < 300 or s == (503, "unavailable"))]
        self.assertEqual(wrong, [], "answers other than 2xx or a retryable 503")
        print("  %d answers: %d were 503" % (len(statuses), sum(1 for s in statuses if s[0] == 503)))
        # Nothing acknowledged is lost; the counters are exact.
        for tenant, d in created:
            self.assertEqual(self.cluster.scalar("SELECT count(*) FROM ipto.datasets WHERE tenant_id = %s AND dataset_id = %s"
                                                 % (sql_literal(tenant), sql_literal(d))), "1")
        for tenant, d in datasets.items():
            self.assertEqual(int(self.cluster.scalar("SELECT object_count FROM ipto.get_dataset(%s, %s)"
                                                     % (sql_literal(tenant), sql_literal(d)))), ingested[tenant])
        self.assertEqual(self.cluster.scalar("SELECT count(*) FROM ipto.verify_counters()"), "0")
        # The new worker serves its tenants through the same front.
        for x in actors:
            self.assertEqual(x.client.get("/v1/datasets/" + datasets[x.tenant_id]).status, 200)


if __name__ == "__main__":
    unittest.main()
