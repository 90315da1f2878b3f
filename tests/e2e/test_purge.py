"""The background purge of deleted datasets under a stream of deletes.

Every DELETE starts a purge worker; one worker per database purges at a
time. A worker that finds another at work must leave at once rather than
wait: a waiting worker held a snapshot, which pinned the xmin horizon, so
no page could be pruned or vacuumed while a long purge ran (bench/load.py
found it: lists slowed from 0.7 to 4 ms over two minutes of deletes). The
worker at work must still purge what the leavers left behind."""

import unittest

from harness import DISTRIBUTED, session, wait_until


class Purge(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.actor = cls.env.actor(name="purge")
        cls.db = cls.env.cluster

    def workers(self, busiest_node=False):
        """Purge workers running; on a cluster, on every node (each node's
        shards are purged by workers there, one at a time per node), or on
        the busiest node."""
        count = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'ipto purge'"
        if not DISTRIBUTED:
            return int(self.db.scalar(count))
        per_node = [int(n) for n in self.db.scalar(
            "SELECT string_agg(result, ' ') FROM run_command_on_all_nodes($$%s$$)" % count).split()]
        return max(per_node) if busiest_node else sum(per_node)

    def pending(self, dataset_id):
        return self.db.scalar("SELECT count(*) FROM ipto.deleted_datasets WHERE dataset_id = '%s'" % dataset_id) != "0"

    def test_newcomers_leave_and_the_worker_at_work_purges_their_datasets(self):
        c = self.actor.client
        big = c.create(name="a long purge")["dataset_id"]
        self.db.psql("INSERT INTO ipto.objects (tenant_id, dataset_id, filename, size_bytes) "
                     "SELECT '%s', '%s', 'f' || g, g FROM generate_series(1, 400000) g" % (self.actor.tenant_id, big))
        small = [c.create(name="small %d" % i)["dataset_id"] for i in range(20)]
        self.assertEqual(c.delete("/v1/datasets/" + big).status, 200)
        wait_until(lambda: self.workers() > 0, timeout=30, step=0.02)
        self.assertTrue(self.pending(big), "the purge was over before the test began; make it longer")
        for d in small:
            self.assertEqual(c.delete("/v1/datasets/" + d).status, 200)
        # While the long purge goes on, the workers the small deletes started
        # find it at work and leave.
        seen = []  # whether the long purge was still going when the workers came down to one

        def settled():
            if not self.pending(big):
                seen.append(False)
            elif self.workers(busiest_node=True) <= 1:
                seen.append(True)
            return bool(seen)

        wait_until(settled, timeout=30, step=0.05)
        self.assertEqual(seen, [True], "purge workers queued behind the one at work")
        # And everything goes: the small datasets too, by the worker at work.
        wait_until(lambda: self.db.scalar("SELECT count(*) FROM ipto.deleted_datasets") == "0" and self.workers() == 0,
                   timeout=60)
        self.assertEqual(self.db.scalar("SELECT count(*) FROM ipto.deleted_datasets"), "0")
        self.assertEqual(self.workers(), 0)
        self.assertEqual(self.db.scalar("SELECT count(*) FROM ipto.objects WHERE dataset_id = '%s'" % big), "0")
        self.assertEqual(self.db.scalar("SELECT count(*) FROM ipto.verify_counters()"), "0")


if __name__ == "__main__":
    unittest.main()
