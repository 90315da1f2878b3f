#!/usr/bin/env python3
"""Scale-out: one node against a three-node Citus cluster, side by side in
one run, both through ipto-front.

Boots two deployments on this machine: a single PostgreSQL server, and a
Citus cluster on the loopback (a coordinator and two workers; CREATE
EXTENSION ipto, then `SELECT ipto.distribute()`, 32 shards). Every server
gets the same settings (durable: fsync and synchronous commit on). Both get
the same data, made after distribute(): 64 tenants with a key each and 16
datasets each (4 listed, the others private or restricted); then an
ipto-front (`--pool 8`) on each, started after distribute(). The answers are
checked before any load (GETs, a list's page 1 and total against SQL, a
walk of every page). Then, in rounds, every scenario runs once on each
side in slices of a few seconds, which side goes first alternating from
round to round, so that a burst of other work on this shared machine falls
on both alike; a figure is the median over the rounds.

    bench/cluster.py             # about 9 minutes
    bench/cluster.py --quick     # small data, one short round: a smoke test
    bench/cluster.py --shards 4  # distribute(4): what the shard count costs the list
    bench/cluster.py --set citus.max_cached_conns_per_worker=2   # a Citus setting, for experiments

Scenarios (ratio: cluster / single node; wrk picks a random tenant's key,
and for GETs one of its datasets, per request):
  GET /v1/datasets/{id}, 8 connections (target >= 0.4); at 32 and 1 connections,
    and the same call made directly by pgbench, for reference
  POST /v1/datasets, 8 connections (target >= 0.3); every 201 must be a dataset
  list page 1 (GET /v1/datasets?limit=20) on the cluster against the cluster's
    own GET by id: median latency on one connection (<= 3x) and throughput
    on 8 (>= 1/3)
  8 pgbench clients calling ipto.add_object on ONE dataset, as the superuser
    (target >= 0.5); afterwards verify_counters() must be empty and the
    dataset's object_count must equal the inserts pgbench counted
Then a cost table: CPU per request of the front, the coordinator and the
workers (from /proc), and per request on the cluster alone the Citus
executions (single- and multi-shard), worker transactions and new
connections to other nodes (citus_stat_counters, pg_stat_database). Last,
the ERROR and FATAL lines the servers logged during the run.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import AS_ROOT, PG_BIN, Front, Key, exchange, log, parse_latency  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
USED_PORTS = set()


def fresh_port():
    """A port the kernel calls free and this run has not handed out yet."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in USED_PORTS:
            USED_PORTS.add(port)
            return port


def as_pg_args(args):
    return (["runuser", "-u", "postgres", "--"] if AS_ROOT else []) + args


# ---------------------------------------------------------------- processes' CPU time

def proc_stat(pid):
    """(ppid, utime+stime, cutime+cstime) in seconds, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLK_TCK, (int(fields[13]) + int(fields[14])) / CLK_TCK


def tree_cpu(root_pids):
    """CPU seconds used so far by each root process and its children (a
    PostgreSQL server's backends are the postmaster's children; those that
    have exited count in the postmaster's children's time)."""
    if not root_pids:
        return {}
    totals = {pid: 0.0 for pid in root_pids}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        st = proc_stat(pid)
        if st is None:
            continue
        ppid, own, children = st
        if pid in totals:
            totals[pid] += own + children
        elif ppid in totals:
            totals[ppid] += own
    return totals


# ---------------------------------------------------------------- servers

class Node:
    """A PostgreSQL server in WORKDIR/NAME (data in data/, socket in the
    directory itself), run as `postgres` when we are root. Durable settings,
    as bench/run.py's (fsync and synchronous commit on)."""

    def __init__(self, workdir, name, citus, settings=()):
        self.name = name
        self.citus = citus
        self.settings = list(settings)
        self.dir = os.path.join(workdir, name)
        self.data = os.path.join(self.dir, "data")
        self.port = fresh_port()
        os.makedirs(self.dir)
        os.chmod(self.dir, 0o755)
        if AS_ROOT:
            shutil.chown(self.dir, "postgres", "postgres")
        self.initdb = subprocess.Popen(
            as_pg_args([f"{PG_BIN}/initdb", "-D", self.data, "-U", "postgres", "--no-sync", "--auth-local=trust",
                        "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"]),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def configure(self):
        out, _ = self.initdb.communicate()
        if self.initdb.returncode != 0:
            raise RuntimeError(f"initdb of {self.name} failed:\n{out}")
        conf = (f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{self.dir}'\n"
                "shared_buffers = 512MB\nmax_connections = 300\nmax_prepared_transactions = 100\n"
                "max_wal_size = 8GB\ncheckpoint_timeout = 30min\nwork_mem = 16MB\n")
        if self.citus:
            # Citus commits across nodes in two phases (prepared transactions);
            # the nodes connect to each other as the superuser without a
            # password, every other role logs in with one over TCP.
            # Citus's own counters of executions and connections (shared
            # memory, off by default) feed the cost table.
            conf += ("shared_preload_libraries = 'citus'\ncitus.max_client_connections = 150\n"
                     "citus.enable_stat_counters = on\n")
            conf += "".join(f"{k} = '{v}'\n" for k, v in self.settings)
            with open(os.path.join(self.data, "pg_hba.conf"), "w") as f:
                f.write("local all all trust\nhost all postgres 127.0.0.1/32 trust\n"
                        "host all all 127.0.0.1/32 scram-sha-256\n")
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write(conf)

    def start(self):
        p = subprocess.run(as_pg_args([f"{PG_BIN}/pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "server.log"),
                                       "-w", "-t", "60", "start"]), capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"{self.name} did not start: {p.stderr}\n{self.server_log()[-2000:]}")

    def server_log(self):
        try:
            with open(os.path.join(self.dir, "server.log"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def pid(self):
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as f:
                return int(f.readline())
        except (FileNotFoundError, ValueError):
            return None

    def psql(self, sql, db="ipto", user="postgres", check=True):
        p = subprocess.run([f"{PG_BIN}/psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", self.dir,
                            "-p", str(self.port), "-U", user, "-d", db, "-c", sql], capture_output=True, text=True)
        if check and p.returncode != 0:
            raise RuntimeError(f"psql on {self.name} failed: {p.stderr.strip()}\n{sql[:500]}")
        return p.stdout.strip() if check else p

    def stop(self):
        self.initdb.wait()
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            subprocess.run(as_pg_args([f"{PG_BIN}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "60", "stop"]),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Deployment:
    """ipto on one or more servers, entered through `entry` (the server the
    front and the operators connect to), and an ipto-front on it."""

    def __init__(self, name, workdir, nodes):
        self.name = name
        self.workdir = workdir
        self.nodes = nodes
        self.entry = nodes[0]
        self.front = None
        self.password = hashlib.sha256(os.urandom(16)).hexdigest()[:24]
        self.tenants = []    # [(tenant_id, Key)]
        self.datasets = {}   # tenant_id -> [dataset_id]

    @property
    def workers(self):
        return self.nodes[1:]

    def psql(self, sql, **kw):
        return self.entry.psql(sql, **kw)

    def boot(self):
        for n in self.nodes:
            n.configure()
        for n in self.nodes:
            n.start()

    def create(self, shards=32):
        """The database with ipto (distributed, on a cluster) and the front's login role."""
        for n in self.nodes:
            n.psql("CREATE DATABASE ipto", db="postgres")
        if len(self.nodes) > 1:
            for n in self.nodes:
                n.psql("SET client_min_messages = warning; CREATE EXTENSION citus")
            self.psql(f"SELECT citus_set_coordinator_host('127.0.0.1', {self.entry.port})")
            for w in self.workers:
                self.psql(f"SELECT citus_add_node('127.0.0.1', {w.port})")
        self.psql("CREATE EXTENSION ipto")
        if len(self.nodes) > 1:
            start = time.monotonic()
            self.psql(f"SET statement_timeout = '300s'; SELECT ipto.distribute({shards})")
            log(f"{self.name}: ipto.distribute() took {time.monotonic() - start:.1f} s")
            shards = self.psql("SELECT count(*) FROM pg_dist_shard WHERE logicalrelid = 'ipto.datasets'::regclass")
            log(f"{self.name}: ipto.datasets in {shards} shards over {len(self.workers)} workers")
        self.psql(f"CREATE ROLE ipto_front LOGIN PASSWORD '{self.password}' IN ROLE ipto_api")

    def load(self, tenants, per_tenant, listed_per_tenant):
        """Tenants with a key each and datasets each, the first listed_per_tenant
        of each tenant listed, the others private or restricted; one
        statement per round of datasets, so that rounds differ in created_at."""
        self.psql(f"SELECT ipto.create_tenant('bench tenant ' || g) FROM generate_series(1, {tenants}) g")
        rows = self.psql("SELECT tenant_id, ipto.create_api_key(tenant_id, 'bench', ARRAY['admin:*'])"
                         " FROM ipto.tenants ORDER BY tenant_id")
        self.tenants = [(t, Key(k)) for t, k in (line.split("|") for line in rows.splitlines())]
        for r in range(per_tenant):
            visibility = "listed" if r < listed_per_tenant else ("private", "restricted")[r % 2]
            self.psql(f"SELECT ipto.create_dataset(tenant_id, 'bench dataset {r}', visibility => '{visibility}')"
                      f" FROM ipto.tenants")
        self.datasets = {}
        for line in self.psql("SELECT tenant_id, dataset_id FROM ipto.datasets ORDER BY 1, 2").splitlines():
            t, d = line.split("|")
            self.datasets.setdefault(t, []).append(d)
        assert len(self.datasets) == tenants and all(len(v) == per_tenant for v in self.datasets.values()), \
            f"{self.name}: datasets not as created"
        self.psql("VACUUM ANALYZE")

    def wait_idle(self, timeout=20):
        """Until no request of the front's is still running (wrk stops
        counting at a slice's end; the database finishes what was sent)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            busy = int(self.psql("SELECT count(*) FROM pg_stat_activity WHERE usename = 'ipto_front'"
                                 " AND state = 'active' AND query NOT LIKE '%api_rate_sync%'"))
            if busy == 0:
                return
            time.sleep(0.1)

    def start_front(self):
        self.front = Front(self.entry, self.password, pool=8)

    def cpu(self):
        """CPU seconds so far: the front, the entry server, the workers (summed)."""
        pids = [n.pid() for n in self.nodes]
        t = tree_cpu([p for p in pids if p] + [self.front.proc.pid])
        out = {"front": t.get(self.front.proc.pid, 0.0), "entry": t.get(pids[0], 0.0)}
        if self.workers:
            out["workers"] = sum(t.get(p, 0.0) for p in pids[1:] if p)
        return out

    def worker_stats(self):
        """Transactions ended and sessions opened so far in the workers' ipto
        databases (as flushed: a busy backend flushes at most once a second,
        an idle one within 10 s)."""
        xacts = sessions = 0
        for w in self.workers:
            x, s = w.psql("SELECT xact_commit + xact_rollback, sessions FROM pg_stat_database"
                          " WHERE datname = 'ipto'").split("|")
            xacts, sessions = xacts + int(x), sessions + int(s)
        return xacts, sessions

    def citus_counters(self):
        """The coordinator's Citus counters so far: single-shard and multi-shard
        executions, connections to other nodes opened and reused."""
        row = self.psql("SELECT query_execution_single_shard, query_execution_multi_shard,"
                        " connection_establishment_succeeded, connection_reused FROM citus_stat_counters()"
                        " WHERE database_id = (SELECT oid FROM pg_database WHERE datname = 'ipto')")
        return [int(x) for x in row.split("|")] if row else [0, 0, 0, 0]

    def stop(self):
        if self.front:
            try:
                self.front.stop()
            except Exception as e:  # noqa: BLE001 -- go on stopping the servers
                log(f"{self.name}: stopping ipto-front: {e}")
                self.front.proc.kill()
        for n in self.nodes:  # the coordinator first
            n.stop()


# ---------------------------------------------------------------- load generators

def lua_list(items):
    return "{" + ",".join("{" + ",".join(json.dumps(x) for x in item) + "}" for item in items) + "}"


def write_script(workdir, name, method, items, body=None):
    """A wrk script sending `method` requests to (authorization, path) pairs picked at random."""
    path = os.path.join(workdir, name + ".lua")
    headers = '{["Authorization"] = it[1]' + (', ["Content-Type"] = "application/json"' if body else "") + "}"
    with open(path, "w") as f:
        f.write(f"local items = {lua_list(items)}\n"
                "local n = #items\n"
                "function init(args)\n"
                '  local salt = tonumber(string.match(tostring({}), "0x(%x+)"), 16) or os.time()\n'
                "  math.randomseed(salt % 2147483647)\n"
                "end\n"
                "function request()\n"
                "  local it = items[math.random(n)]\n"
                f'  return wrk.format("{method}", it[2], {headers}' + (f", {json.dumps(body)}" if body else "") + ")\n"
                "end\n")
    return path


def wrk(base, script, conns, seconds, threads=2):
    # A long timeout: a slow answer must count as slow, not vanish as a timeout.
    args = ["wrk", "--latency", "--timeout", "60s", "-s", script, "-c", str(conns), "-t", str(min(threads, conns)),
            "-d", f"{seconds}s", base]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "p50_ms": parse_latency(re.search(r"Latency Distribution\s+50%\s+(\S+)", out).group(1)),
            "p99_ms": parse_latency(re.search(r"^\s+99%\s+(\S+)\s*$", out, re.M).group(1)),
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": errors.group(1) if errors else None}


def pgbench(node, scripts, clients, seconds, password=None):
    """pgbench, prepared statements, the scripts picked at random with equal
    weights: as the superuser over the server's socket, or with a password
    as the front's role over TCP. tx/s and the exact number of transactions
    it completed."""
    args = [f"{PG_BIN}/pgbench", "-n", "-M", "prepared", "-c", str(clients), "-j", str(min(2, clients)),
            "-T", str(seconds), "-p", str(node.port), "ipto"]
    args[1:1] = (["-h", "127.0.0.1", "-U", "ipto_front"] if password else ["-h", node.dir, "-U", "postgres"])
    for script in scripts:
        args[1:1] = ["-f", f"{script}@1"]
    env = dict(os.environ, PGPASSWORD=password or "")
    p = subprocess.run(args, capture_output=True, text=True, env=env)
    if p.returncode != 0 or "aborted" in p.stderr:
        raise RuntimeError(f"pgbench on {node.name} failed ({p.returncode}): {p.stderr.strip()[-2000:]}")
    failed = re.search(r"number of failed transactions: (\d+)", p.stdout)
    return {"tps": float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", p.stdout).group(1)),
            "processed": int(re.search(r"number of transactions actually processed: (\d+)", p.stdout).group(1)),
            "failed": int(failed.group(1)) if failed else 0}


# ---------------------------------------------------------------- checks

def check_answers(dep, sample):
    """The front answers right before any load: GETs give the dataset asked
    for, and a tenant's list page 1 and its total are what SQL says they are,
    walking every page gives each visible dataset once, newest first."""
    base = dep.front.base
    for t, key in dep.tenants[:sample]:
        for d in dep.datasets[t][:2]:
            status, _, doc = exchange("GET", f"{base}/v1/datasets/{d}", {"Authorization": f"Bearer {key.whole}"})
            assert status == 200 and doc["data"]["dataset_id"] == d and doc["data"]["tenant_id"] == t, \
                (dep.name, status, doc)
    visible = ("(tenant_id = '{t}' OR (visibility = 'listed' AND status = 'active'))")
    walked = 0
    for i, (t, key) in enumerate(dep.tenants[:sample]):
        expected = dep.psql(f"SELECT dataset_id FROM ipto.datasets WHERE {visible.format(t=t)}"
                            " ORDER BY created_at DESC, dataset_id DESC").splitlines()
        cursor, got, pages = None, [], 0
        while True:
            q = "limit=20" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
            status, _, doc = exchange("GET", f"{base}/v1/datasets?{q}", {"Authorization": f"Bearer {key.whole}"})
            assert status == 200, (dep.name, status, doc)
            assert doc["data"]["total"] == len(expected), (dep.name, "total", doc["data"]["total"], len(expected))
            got += [x["dataset_id"] for x in doc["data"]["datasets"]]
            pages += 1
            cursor = doc["data"].get("next_cursor")
            if pages == 1:
                assert got == expected[:20], (dep.name, "page 1", got, expected[:20])
            if not cursor or i > 0:  # the whole walk for the first tenant, page 1 for the others
                break
        if i == 0:
            assert got == expected, (dep.name, "walk", len(got), len(expected))
            walked = pages
    log(f"{dep.name}: answers checked (GET by id, list page 1 and total for {sample} tenants, "
        f"a walk of {walked} pages)")


# ---------------------------------------------------------------- the run

class Table:
    def __init__(self, head):
        self.head = head
        self.rows = []
        self.notes = []

    def add(self, *cells, note=""):
        self.rows.append(tuple(str(c) for c in cells))
        if note:
            self.notes.append(f"- {cells[0]}: {note}")
        log("  -> " + " | ".join(str(c) for c in cells) + (f" ({note})" if note else ""))

    def render(self):
        rows = [self.head] + self.rows
        widths = [max(len(r[i]) for r in rows) for i in range(len(self.head))]
        lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
        lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
        return "\n".join(lines + ([""] + self.notes if self.notes else []))


# (name, kind, connections): kinds get, list and post go through the front
# (wrk), sql is the GET's call made directly by pgbench as the front's role,
# ingest is pgbench calling ipto.add_object as the superuser.
PLAN = [("get8", "get", 8), ("get32", "get", 32), ("sql8", "sql", 8), ("post8", "post", 8), ("list8", "list", 8),
        ("get1", "get", 1), ("list1", "list", 1), ("ingest8", "ingest", 8)]


class Bench:
    def __init__(self, sides, workdir, rounds, length):
        self.sides = sides
        self.single, self.cluster = sides
        self.workdir = workdir
        self.rounds = rounds
        self.length = length
        self.results = {}  # (name, side) -> [run]
        self.scripts = {}
        self.ingest = {}
        for dep in sides:
            auth = {t: f"Bearer {k.whole}" for t, k in dep.tenants}
            sql = []
            for t, key in dep.tenants:
                path = os.path.join(workdir, f"{dep.name}-sql-{t}.sql")
                with open(path, "w") as f:
                    f.write(f"SELECT * FROM ipto.api_get_dataset({key.sql_args()}, '{dep.datasets[t][0]}');\n")
                sql.append(path)
            self.scripts[dep.name] = {
                "get": write_script(workdir, f"{dep.name}-get", "GET",
                                    [(auth[t], f"/v1/datasets/{d}") for t, ds in dep.datasets.items() for d in ds]),
                "list": write_script(workdir, f"{dep.name}-list", "GET",
                                     [(auth[t], "/v1/datasets?limit=20") for t, _ in dep.tenants]),
                "post": write_script(workdir, f"{dep.name}-post", "POST",
                                     [(auth[t], "/v1/datasets") for t, _ in dep.tenants],
                                     body='{"name": "bench create", "visibility": "private"}'),
                "sql": sql,
            }
            # One dataset takes every ingest; its owner is the first tenant.
            t = dep.tenants[0][0]
            d = dep.psql(f"SELECT (ipto.create_dataset('{t}', 'contended')).dataset_id")
            path = os.path.join(workdir, f"{dep.name}-ingest.sql")
            with open(path, "w") as f:
                f.write(f"SELECT ipto.add_object('{t}', '{d}', 'one.pdf', 1000);\n")
            self.ingest[dep.name] = {"tenant": t, "dataset": d, "script": path, "processed": 0}

    def run(self, dep, kind, conns, seconds):
        before = dep.cpu()
        if kind == "ingest":
            r = pgbench(dep.entry, [self.ingest[dep.name]["script"]], conns, seconds)
            self.ingest[dep.name]["processed"] += r["processed"]
            r["rps"], r["requests"] = r["tps"], r["processed"]
        elif kind == "sql":
            r = pgbench(dep.entry, self.scripts[dep.name]["sql"], conns, seconds, password=dep.password)
            r["rps"], r["requests"] = r["tps"], r["processed"]
        else:
            r = wrk(dep.front.base, self.scripts[dep.name][kind], conns, seconds, threads=1 if conns == 1 else 2)
        if kind in ("ingest", "sql"):
            # pgbench's backends (and on the cluster theirs on the workers)
            # are exiting: their time reaches the postmaster once reaped.
            time.sleep(0.7)
        after = dep.cpu()
        r["cpu_us"] = {k: (after[k] - before[k]) * 1e6 / max(1, r["requests"]) for k in after}
        if kind in ("ingest", "sql"):
            del r["cpu_us"]["front"]  # idle but for its rate-limit sync
        else:
            # What a slow slice left in flight finishes before the next starts.
            dep.wait_idle()
        return r

    def measure(self):
        log("warm-up ...")
        for dep in self.sides:
            for _, kind, conns in PLAN:
                if kind not in ("ingest", "post"):
                    self.run(dep, kind, conns, 1)
        self.counts_before = {dep.name: int(dep.psql("SELECT count(*) FROM ipto.datasets")) for dep in self.sides}
        for i in range(self.rounds):
            log(f"round {i + 1} of {self.rounds}")
            for name, kind, conns in PLAN:
                # Alternate which side goes first, round by round.
                for dep in (self.sides if i % 2 == 0 else self.sides[::-1]):
                    r = self.run(dep, kind, conns, self.length)
                    self.results.setdefault((name, dep.name), []).append(r)
                    log(f"  {name} {dep.name}: {r['rps']:.1f}/s"
                        + (f", p50 {r['p50_ms']:.3f} ms" if "p50_ms" in r else ""))

    # -- figures

    def med(self, name, side, field="rps"):
        return statistics.median(r[field] for r in self.results[(name, side)])

    def cpu(self, name, side):
        runs = self.results[(name, side)]
        return {k: statistics.median(r["cpu_us"][k] for r in runs) for k in runs[0]["cpu_us"]}

    def errors(self, *names):
        bad = []
        for name in names:
            for dep in self.sides:
                for r in self.results[(name, dep.name)]:
                    if r.get("non2xx") or r.get("socket_errors") or r.get("failed"):
                        bad.append(f"{name} {dep.name}: non-2xx {r.get('non2xx')}, socket errors"
                                   f" {r.get('socket_errors')}, failed {r.get('failed')}")
        return bad

    def spread(self, name, field="rps"):
        each = [c[field] / s[field] for s, c in zip(self.results[(name, "single")], self.results[(name, "cluster")])]
        return f"{len(each)} rounds of {self.length} s, cluster/single per round {min(each):.2f}-{max(each):.2f}"

    def tables(self):
        main = Table(("scenario", "single", "cluster", "ratio", "target", "result"))
        passed = True

        def row(label, name, target, extra_ok=True, notes=(), field="rps", fmt="{:.0f}", lower_is_better=False):
            nonlocal passed
            s, c = self.med(name, "single", field), self.med(name, "cluster", field)
            ratio = c / s
            bad = self.errors(name)
            if target is None:
                result, shown_target = "reference", ""
            else:
                ok = not bad and extra_ok and (ratio <= target if lower_is_better else ratio >= target)
                passed = passed and ok
                result = "PASS" if ok else "FAIL"
                shown_target = f"{'<=' if lower_is_better else '>='} {target:.2f}"
            main.add(label, fmt.format(s), fmt.format(c), f"{ratio:.2f}", shown_target, result,
                     note="; ".join(bad + [x for x in notes if x] + [self.spread(name, field)]))

        row("GET /v1/datasets/{id}, 8 connections (req/s)", "get8", 0.4)
        row("GET /v1/datasets/{id}, 32 connections (req/s)", "get32", None)
        row("GET /v1/datasets/{id}, 1 connection (median ms)", "get1", None, field="p50_ms", fmt="{:.3f}")
        row("api_get_dataset in SQL, pgbench -c8 as the front's role (tx/s)", "sql8", None)

        # POST: every 201 is a dataset (wrk counts the responses it completed;
        # a request still in flight at a slice's end may have been served too).
        notes, good = [], True
        for dep in self.sides:
            created = int(dep.psql("SELECT count(*) FROM ipto.datasets")) - self.counts_before[dep.name]
            runs = self.results[("post8", dep.name)]
            answered = sum(r["requests"] for r in runs)
            right = answered <= created <= answered + 8 * len(runs)
            good = good and right
            notes.append(f"{dep.name}: {answered} answered 201, {created} datasets made" + ("" if right else " (WRONG)"))
        row("POST /v1/datasets, 8 connections (req/s)", "post8", 0.3, extra_ok=good, notes=notes)

        # The list on the cluster against the cluster's own GET by id.
        for conns, field, fmt, target, lower, label in (
                (1, "p50_ms", "{:.3f}", 3.0, True, "list page 1 / GET by id, 1 connection (median ms)"),
                (8, "rps", "{:.1f}", 1 / 3, False, "list page 1 / GET by id, 8 connections (req/s)")):
            get, lst = f"get{conns}", f"list{conns}"
            cg, cl = self.med(get, "cluster", field), self.med(lst, "cluster", field)
            sg, sl = self.med(get, "single", field), self.med(lst, "single", field)
            ratio = cl / cg
            bad = self.errors(get, lst)
            ok = not bad and (ratio <= target if lower else ratio >= target)
            passed = passed and ok
            main.add(label, f"{fmt.format(sl)} / {fmt.format(sg)}", f"{fmt.format(cl)} / {fmt.format(cg)}",
                     f"{ratio:.2f}", f"{'<=' if lower else '>='} {target:.2f}", "PASS" if ok else "FAIL",
                     note="; ".join(bad + [f"ratio: the cluster's list against the cluster's own GET "
                                           f"(single node's: {sl / sg:.2f})"]))
        row("list page 1, 8 connections, cluster against single (req/s)", "list8", None, fmt="{:.1f}")

        # Ingest into one dataset: its counts checked on each side.
        notes, good = [], True
        for dep in self.sides:
            g = self.ingest[dep.name]
            wrong = int(dep.psql("SELECT count(*) FROM ipto.verify_counters()"))
            count = int(dep.psql(f"SELECT object_count FROM ipto.dataset_summary WHERE dataset_id = '{g['dataset']}'"))
            rows = int(dep.psql(f"SELECT count(*) FROM ipto.objects WHERE tenant_id = '{g['tenant']}'"
                                f" AND dataset_id = '{g['dataset']}'"))
            right = wrong == 0 and count == g["processed"] == rows
            good = good and right
            notes.append(f"{dep.name}: {g['processed']} inserts, object_count {count}, {rows} rows,"
                         f" verify_counters() {wrong} rows" + ("" if right else " (WRONG)"))
        row("8 writers, ipto.add_object into one dataset, pgbench (tx/s)", "ingest8", 0.5, extra_ok=good, notes=notes)
        return main, passed

    def cost_table(self):
        """CPU per request (medians over the slices) and, from a run of each
        kind on the cluster alone, what each request costs in Citus's
        executions, worker transactions and connections."""
        cost = Table(("per request, 8 connections", "single: front", "single: server", "cluster: front",
                      "coordinator", "workers", "worker transactions", "single-/multi-shard executions",
                      "connections opened"))
        scripts = self.scripts["cluster"]
        for name, kind, label in (("get8", "get", "GET by id"), ("sql8", "sql", "api_get_dataset in SQL"),
                                  ("post8", "post", "POST"), ("list8", "list", "list page 1"),
                                  ("ingest8", "ingest", "add_object, one dataset")):
            citus_before = self.cluster.citus_counters()
            workers_before = self.cluster.worker_stats()
            if kind in ("ingest", "sql"):
                scripts_ = ([self.ingest["cluster"]["script"]] if kind == "ingest" else scripts["sql"])
                r = pgbench(self.cluster.entry, scripts_, 8, self.length,
                            password=None if kind == "ingest" else self.cluster.password)
                n = r["processed"]
                if kind == "ingest":
                    self.ingest["cluster"]["processed"] += n
            else:
                r = wrk(self.cluster.front.base, scripts[kind], 8, self.length)
                n = r["requests"]
            # Idle backends flush their statistics within 10 s (PGSTAT_IDLE_INTERVAL).
            time.sleep(11)
            citus_after = self.cluster.citus_counters()
            workers_after = self.cluster.worker_stats()
            per = [(a - b) / max(1, n) for a, b in zip(citus_after + list(workers_after),
                                                       citus_before + list(workers_before))]
            s, c = self.cpu(name, "single"), self.cpu(name, "cluster")
            cost.add(label, f"{s['front']:.0f} µs" if "front" in s else "", f"{s['entry']:.0f} µs",
                     f"{c['front']:.0f} µs" if "front" in c else "", f"{c['entry']:.0f} µs", f"{c['workers']:.0f} µs",
                     f"{per[4]:.2f}", f"{per[0]:.2f} / {per[1]:.2f}", f"{per[2]:.3f}")
        return cost

    def check_ingest_again(self):
        """The cost run added to the cluster's contended dataset: still exact."""
        g = self.ingest["cluster"]
        count = int(self.cluster.psql(f"SELECT object_count FROM ipto.dataset_summary WHERE dataset_id = '{g['dataset']}'"))
        wrong = int(self.cluster.psql("SELECT count(*) FROM ipto.verify_counters()"))
        return count == g["processed"] and wrong == 0, f"object_count {count}, inserts {g['processed']}, verify {wrong}"


def file_sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def log_errors(sides):
    """The distinct ERROR and FATAL messages in every server's log so far, with counts."""
    found = {}
    for dep in sides:
        for n in dep.nodes:
            for line in n.server_log().splitlines():
                m = re.search(r"\b(ERROR|FATAL|PANIC):\s+(.*)", line)
                if m:
                    key = (n.name, f"{m.group(1)}: {m.group(2)}")
                    found[key] = found.get(key, 0) + 1
    return "; ".join(f"{name}: {msg} (x{count})" for (name, msg), count in sorted(found.items()))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small data and one short round, for a smoke test")
    ap.add_argument("--rounds", type=int, help="rounds of slices (default 5; --quick 1)")
    ap.add_argument("--slice", type=int, help="seconds per slice (default 4; --quick 2)")
    ap.add_argument("--tenants", type=int, help="tenants (default 64; --quick 16)")
    ap.add_argument("--shards", type=int, default=32, help="shard count for ipto.distribute() (default 32)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="a setting for the Citus nodes' postgresql.conf, for experiments (repeatable)")
    ap.add_argument("--keep", action="store_true", help="leave the working directory (logs) behind")
    args = ap.parse_args()
    rounds = args.rounds or (1 if args.quick else 5)
    length = args.slice or (2 if args.quick else 4)
    tenants = args.tenants or (16 if args.quick else 64)
    per_tenant, listed = (4, 1) if args.quick else (16, 4)

    # The extension's library as installed: a backend loads it when it starts,
    # so a different one installed during the run would mix two builds in
    # the figures.
    pg_config = f"{PG_BIN}/pg_config" if os.path.exists(f"{PG_BIN}/pg_config") else "pg_config"
    libdir = subprocess.run([pg_config, "--pkglibdir"], capture_output=True, text=True).stdout.strip()
    library = os.path.join(libdir, "ipto.so")
    library_mtime = os.stat(library).st_mtime
    library_sha = file_sha256(library)
    workdir = tempfile.mkdtemp(prefix="ipto-bench-cluster.")
    os.chmod(workdir, 0o755)
    started = time.monotonic()
    single = Deployment("single", workdir, [Node(workdir, "single", citus=False)])
    settings = [tuple(x.split("=", 1)) for x in args.set]
    cluster = Deployment("cluster", workdir, [Node(workdir, name, citus=True, settings=settings)
                                              for name in ("coordinator", "worker1", "worker2")])
    sides = (single, cluster)
    output, passed = None, False
    try:
        for dep in sides:
            dep.boot()
        for dep in sides:
            dep.create(args.shards)
        for dep in sides:
            start = time.monotonic()
            dep.load(tenants, per_tenant, listed)
            log(f"{dep.name}: {tenants} tenants, {tenants * per_tenant} datasets in "
                f"{time.monotonic() - start:.1f} s")
        for dep in sides:
            dep.start_front()  # after distribute(), as it must be
        for dep in sides:
            check_answers(dep, sample=4 if args.quick else 8)
        bench = Bench(sides, workdir, rounds, length)
        bench.measure()
        main_table, passed = bench.tables()
        log("cost runs on the cluster alone ...")
        cost = bench.cost_table()
        still, how = bench.check_ingest_again()
        if not still:
            passed = False
            main_table.notes.append(f"- after the cost runs the contended dataset is WRONG: {how}")
        errors = log_errors(sides)
        output = (main_table.render() + "\n\nCost per request (CPU: medians over the slices above; Citus's counters"
                  " and worker transactions: one run of each on the cluster alone):\n\n" + cost.render()
                  + "\n\nServer logs, ERROR and FATAL lines during the run: " + (errors or "none"))
    except Exception:
        for dep in sides:
            for n in dep.nodes:
                tail = n.server_log()[-3000:]
                if "ERROR" in tail or "FATAL" in tail:
                    log(f"--- {n.name} server.log (tail)\n{tail}")
        raise
    finally:
        for dep in sides:
            dep.stop()
        if args.keep:
            log(f"working directory left in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    built = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(library_mtime))
    changed = file_sha256(library) != library_sha
    print(f"{library} of {built} UTC" + (" -- REINSTALLED DURING THE RUN: the figures mix two builds" if changed else ""))
    print(f"{tenants} tenants, {tenants * per_tenant} datasets, {args.shards} shards on 2 workers"
          + (f", Citus nodes with {', '.join(args.set)}" if args.set else "")
          + f"; medians of {rounds} alternating rounds of {length} s slices")
    print(output)
    log(f"whole run: {time.monotonic() - started:.0f} s")
    return 0 if passed and not changed else 1


if __name__ == "__main__":
    sys.exit(main())
