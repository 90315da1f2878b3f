"""Shared machinery for the end-to-end tests: a throwaway PostgreSQL cluster,
ipto-front processes, an HTTP client that records every exchange, and
operator-face helpers (tenants, keys, sessions, objects) run through psql.

Environment (as ctest passes it; tests/run-e2e.sh fills in defaults):
  IPTO_SOURCE_DIR, IPTO_BUILD_DIR (the front is $IPTO_BUILD_DIR/ipto-front,
  or $IPTO_FRONT_BINARY when set, e.g. an installed /usr/bin/ipto-front),
  PG_BINDIR (initdb, pg_ctl, postgres, psql), E2E_WORKDIR (a fresh directory),
  IPTO_E2E_DISTRIBUTED=1 for a Citus cluster (a coordinator and two workers)
  in place of the single server.
"""

import atexit
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

SEED_FIELDS = [
    "dataset_id", "tenant_id", "name", "description", "source_modality", "monetization_mode",
    "pricing_model", "visibility", "status", "object_count", "active_object_count", "total_bytes",
    "created_at", "updated_at", "last_ingest_at",
]
REQUEST_ID = re.compile(r"^req_[0-9a-f]{12}$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
FRONT_PASSWORD = "front-" + secrets.token_hex(12)
DISTRIBUTED = os.environ.get("IPTO_E2E_DISTRIBUTED") == "1"


def wait_until(fn, timeout=15, step=0.1):
    """Polls fn() until it is true (returns True) or `timeout` seconds pass (False)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if fn():
            return True
        time.sleep(step)
    return False


def front_binary():
    """The ipto-front under test: $IPTO_FRONT_BINARY, else $IPTO_BUILD_DIR/ipto-front."""
    return os.environ.get("IPTO_FRONT_BINARY") or os.path.join(os.environ.get("IPTO_BUILD_DIR", "build"), "ipto-front")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sql_literal(value):
    if value is None:
        return "NULL"
    if isinstance(value, (list, tuple)):
        return "ARRAY[" + ",".join(sql_literal(v) for v in value) + "]::text[]" if value else "'{}'::text[]"
    return "'" + str(value).replace("'", "''") + "'"


class Cluster:
    """A PostgreSQL cluster in its own directory, run as `postgres` when we are root."""

    def __init__(self, workdir):
        self.bindir = os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin")
        self.dir = os.path.join(workdir, "pg")
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        self.dbname = "ipto"

    def _run(self, args, **kw):
        if self.as_postgres:
            args = ["runuser", "-u", "postgres", "--"] + args
        return subprocess.run(args, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)

    def init(self):
        os.makedirs(self.dir, exist_ok=True)
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
            # Every directory above must be traversable by postgres.
            parent = os.path.dirname(self.dir)
            os.chmod(parent, 0o755)
        self._run([os.path.join(self.bindir, "initdb"), "-D", self.data, "-U", "postgres", "--no-sync",
                   "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C"])
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write("\nlisten_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = '%s'\n"
                    "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 100\n"
                    "log_statement = 'all'\nlog_min_messages = debug1\n"
                    "logging_collector = off\n" % (self.port, self.dir))

    def start(self):
        self._run([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-l", os.path.join(self.dir, "server.log"),
                   "-w", "-t", "60", "start"])

    def stop(self, mode="fast"):
        self._run([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", mode, "-w", "-t", "60", "stop"])

    def is_running(self):
        return os.path.exists(os.path.join(self.data, "postmaster.pid"))

    def psql(self, sql, db=None, user="postgres", check=True, extra_env=None, host=None):
        """Runs SQL through psql; returns stdout (unaligned, tuples only)."""
        env = dict(os.environ)
        env.pop("PGPASSWORD", None)
        if extra_env:
            env.update(extra_env)
        args = [os.path.join(self.bindir, "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", host or self.dir, "-p", str(self.port), "-U", user, "-d", db or self.dbname, "-c", sql]
        p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        if check and p.returncode != 0:
            raise RuntimeError("psql failed: %s\n%s" % (sql, p.stderr))
        return p if not check else p.stdout.strip()

    def scalar(self, sql):
        return self.psql(sql)

    def front_conninfo(self):
        return "host=127.0.0.1 port=%d dbname=%s user=ipto_front password=%s" % (self.port, self.dbname, FRONT_PASSWORD)

    def setup_database(self):
        self.psql("CREATE DATABASE %s" % self.dbname, db="postgres")
        self.psql("CREATE EXTENSION ipto")
        # The front's login: a member of ipto_api and nothing more.
        self.psql("CREATE ROLE ipto_front LOGIN PASSWORD %s IN ROLE ipto_api" % sql_literal(FRONT_PASSWORD))


class CitusNode(Cluster):
    """One node of a Citus cluster, in workdir/NAME."""

    def __init__(self, workdir, name):
        super().__init__(workdir)
        self.name = name
        self.dir = os.path.join(workdir, name)
        self.data = os.path.join(self.dir, "data")

    def init(self):
        super().init()
        # Citus needs prepared transactions for its two-phase commits; half the
        # connections stay free for the nodes' connections to each other.
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write("shared_preload_libraries = 'citus'\nmax_connections = 200\n"
                    "citus.max_client_connections = 100\nmax_prepared_transactions = 100\n")
        # Citus connects to the other nodes as the superuser without a
        # password; every other role logs in with one over TCP, and
        # ipto_service (which ipto.distribute() lets log in) on the socket too.
        with open(os.path.join(self.data, "pg_hba.conf"), "w") as f:
            f.write("local all ipto_service scram-sha-256\nlocal all all trust\nhost all postgres 127.0.0.1/32 trust\n"
                    "host all all 127.0.0.1/32 scram-sha-256\n")

    def join(self):
        """The database on this node, with the citus extension."""
        if self.psql("SELECT 1 FROM pg_database WHERE datname = %s" % sql_literal(self.dbname), db="postgres") != "1":
            self.psql("CREATE DATABASE %s" % self.dbname, db="postgres")
        self.psql("SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS citus")


class CitusCluster:
    """A Citus cluster: a coordinator and workers (CitusNode each). psql(),
    scalar(), front_conninfo() and dir/port/data are the coordinator's;
    psql_on() reaches any node. Workers are numbered from 0."""

    setup_error = None

    def __init__(self, workdir, workers=2):
        self.workdir = workdir
        self.bindir = os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin")
        self.dbname = "ipto"
        self.coordinator = CitusNode(workdir, "coordinator")
        self.workers = [CitusNode(workdir, "worker%d" % (i + 1)) for i in range(workers)]
        self.dir = self.coordinator.dir
        self.data = self.coordinator.data
        self.port = self.coordinator.port

    def nodes(self):
        return [self.coordinator] + self.workers

    def worker_ports(self):
        return [w.port for w in self.workers]

    def node(self, which):
        """A node: itself, a worker's index, or "coordinator"."""
        if which == "coordinator":
            return self.coordinator
        if isinstance(which, int):
            return self.workers[which]
        return which

    def init(self):
        if CitusCluster.setup_error:  # each module asks again: give the first error, not initdb's
            raise RuntimeError("the Citus cluster could not be set up:\n" + CitusCluster.setup_error)
        for n in self.nodes():
            n.init()

    def start(self):
        for n in self.nodes():
            if not n.is_running():
                n.start()

    def stop(self, mode="fast"):
        # The coordinator first: no new distributed work reaches a worker going away.
        for n in self.nodes():
            if n.is_running():
                n.stop(mode)

    def is_running(self):
        return any(n.is_running() for n in self.nodes())

    def stop_worker(self, i, mode="fast"):
        self.workers[i].stop(mode)

    def start_worker(self, i):
        self.workers[i].start()

    def psql(self, sql, **kw):
        return self.coordinator.psql(sql, **kw)

    def psql_on(self, which, sql, **kw):
        return self.node(which).psql(sql, **kw)

    def scalar(self, sql):
        return self.psql(sql)

    def front_conninfo(self):
        return self.coordinator.front_conninfo()

    def add_worker(self):
        """A new node, started and added to the cluster (no shards move to it)."""
        node = CitusNode(self.workdir, "worker%d" % (len(self.workers) + 1))
        node.init()
        node.start()
        node.join()
        self.psql("SELECT citus_add_node('127.0.0.1', %d)" % node.port)
        self.workers.append(node)
        return node

    def setup_database(self):
        try:
            self._setup_database()
        except Exception as e:
            CitusCluster.setup_error = str(e)
            self.stop("immediate")
            raise

    def _setup_database(self):
        for n in self.nodes():
            n.join()
        self.psql("SELECT citus_set_coordinator_host('127.0.0.1', %d)" % self.port)
        for w in self.workers:
            self.psql("SELECT citus_add_node('127.0.0.1', %d)" % w.port)
        self.psql("CREATE EXTENSION ipto")
        # One that waits forever (on a lock of its own) fails here, not at ctest's timeout.
        p = self.psql("SELECT ipto.distribute()", check=False, extra_env={"PGOPTIONS": "-c statement_timeout=300s"})
        if p.returncode != 0:
            raise RuntimeError("SELECT ipto.distribute() failed on the coordinator (extension %s); the distributed "
                               "suite cannot run without it:\n%s" % (
                                   self.scalar("SELECT extversion FROM pg_extension WHERE extname = 'ipto'"),
                                   p.stderr))
        # The front's login, as on a single server (Citus creates it on every node).
        self.psql("CREATE ROLE ipto_front LOGIN PASSWORD %s IN ROLE ipto_api" % sql_literal(FRONT_PASSWORD))


class Front:
    """An ipto-front process listening on a port the kernel picked."""

    def __init__(self, workdir, conninfo, name="front", args=()):
        self.binary = front_binary()
        self.conninfo = conninfo
        self.args = list(args)
        self.pid_path = os.path.join(workdir, name + ".pid")
        self.stdout_path = os.path.join(workdir, name + ".stdout")
        self.stderr_path = os.path.join(workdir, name + ".stderr")
        self.proc = None
        self.port = None

    def start(self, timeout=10):
        env = dict(os.environ)
        env["IPTO_DATABASE_URL"] = self.conninfo
        self.proc = subprocess.Popen([self.binary, "--listen", "127.0.0.1:0"] + self.args,
                                     stdout=open(self.stdout_path, "wb"), stderr=open(self.stderr_path, "wb"),
                                     env=env)
        with open(self.pid_path, "w") as f:  # for run-e2e.sh's cleanup, should we die first
            f.write(str(self.proc.pid))
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("ipto-front exited with %s: %s" % (self.proc.returncode, self.stderr()))
            m = re.search(r'"event":"listening"[^\n]*"port":"(\d+)"', self.stderr())
            if m:
                self.port = int(m.group(1))
                return self
            time.sleep(0.02)
        raise RuntimeError("ipto-front did not start: " + self.stderr())

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        if os.path.exists(self.pid_path):
            os.unlink(self.pid_path)
        return self.proc.returncode

    def stdout(self):
        with open(self.stdout_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stderr(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def access_log(self):
        return [json.loads(line) for line in self.stdout().splitlines() if line.strip()]

    def log_line(self, request_id, timeout=2.0):
        """The access-log line of a request. The front logs right after writing
        the response, so a fast client can read the response first: poll."""
        deadline = time.time() + timeout
        while True:
            for line in self.access_log():
                if line["request_id"] == request_id:
                    return line
            if time.time() > deadline:
                return None
            time.sleep(0.01)


class Response:
    def __init__(self, method, path, status, headers, body):
        self.method = method
        self.path = path
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body
        self._json = None

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    @property
    def json(self):
        if self._json is None:
            self._json = json.loads(self.body.decode("utf-8"))
        return self._json

    @property
    def data(self):
        return self.json["data"]

    @property
    def error(self):
        return self.json["error"]

    def __repr__(self):
        return "<%s %s -> %d %s>" % (self.method, self.path, self.status, self.body[:300])


# Every exchange the tests make through Client, for the OpenAPI conformance check.
RECORDED = []
_RECORD_LOCK = threading.Lock()


class Client:
    def __init__(self, port, credential=None, header="Authorization", timeout=30):
        self.port = port
        self.credential = credential
        self.header = header
        self.timeout = timeout  # seconds: a request still unanswered then is a hang

    def auth_headers(self):
        if self.credential is None:
            return {}
        if self.header == "Authorization":
            return {"Authorization": "Bearer " + self.credential}
        return {self.header: self.credential}

    def request(self, method, path, body=None, headers=None, raw=None, auth=True, record=True, timeout=None):
        h = dict(self.auth_headers()) if auth else {}
        payload = None
        if raw is not None:
            payload = raw
        elif body is not None:
            payload = json.dumps(body).encode("utf-8")
            h["Content-Type"] = "application/json"
        if headers:
            h.update(headers)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout or self.timeout)
        try:
            conn.request(method, path, body=payload, headers=h)
            r = conn.getresponse()
            resp = Response(method, path, r.status, r.getheaders(), r.read())
        finally:
            conn.close()
        if record:
            with _RECORD_LOCK:
                RECORDED.append(resp)
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def create(self, **fields):
        fields.setdefault("name", "dataset " + secrets.token_hex(4))
        r = self.post("/v1/datasets", fields)
        if r.status != 201:
            raise AssertionError("create failed: %r" % r)
        return r.data


class Ops:
    """The operator face, through psql as the superuser."""

    def __init__(self, cluster):
        self.db = cluster
        self.minted = []  # every key and token handed out, to check no log shows one

    def tenant(self, name=None):
        return self.db.scalar("SELECT ipto.create_tenant(%s)" % sql_literal(name or "tenant " + secrets.token_hex(4)))

    def api_key(self, tenant_id, scopes=("admin:*",), name="e2e key", expires_at=None):
        return self._minted(self.db.scalar("SELECT ipto.create_api_key(%s, %s, %s, %s)" % (
            sql_literal(tenant_id), sql_literal(name), sql_literal(list(scopes)),
            "NULL" if expires_at is None else expires_at)))

    def _minted(self, credential):
        self.minted.append(credential)
        return credential

    def api_key_id(self, key):
        prefix = key.split("_")[1]
        return self.db.scalar("SELECT api_key_id FROM ipto.api_keys WHERE prefix = %s" % sql_literal(prefix))

    def revoke_api_key(self, key):
        self.db.psql("SELECT ipto.revoke_api_key(%s)" % sql_literal(self.api_key_id(key)))

    def session(self, tenant_id, scopes=("admin:*",), ttl="24 hours"):
        return self._minted(self.db.scalar("SELECT ipto.create_session(%s, %s, %s::interval)" % (
            sql_literal(tenant_id), sql_literal(list(scopes)), sql_literal(ttl))))

    def revoke_session(self, token):
        # By the token's public id (its first 16 characters): the secret
        # itself would land in PostgreSQL's statement log.
        self.db.psql("SELECT ipto.revoke_session(%s)" % sql_literal(token[:16]))

    def add_object(self, tenant_id, dataset_id, filename, size_bytes, content_type="application/octet-stream",
                   status="staged"):
        return self.db.scalar("SELECT ipto.add_object(%s, %s, %s, %d, %s, %s)" % (
            sql_literal(tenant_id), sql_literal(dataset_id), sql_literal(filename), size_bytes,
            sql_literal(content_type), sql_literal(status)))

    def set_object_status(self, tenant_id, object_id, status):
        self.db.psql("SELECT ipto.set_object_status(%s, %s, %s)" % (
            sql_literal(tenant_id), sql_literal(object_id), sql_literal(status)))

    def mark_object_indexed(self, tenant_id, object_id, chunks=("chunk",)):
        self.db.psql("SELECT ipto.mark_object_indexed(%s, %s, %s)" % (
            sql_literal(tenant_id), sql_literal(object_id), sql_literal(list(chunks))))

    def grant(self, owner_tenant_id, dataset_id, grantee_tenant_id):
        self.db.psql("SELECT ipto.grant_dataset(%s, %s, %s)" % (
            sql_literal(owner_tenant_id), sql_literal(dataset_id), sql_literal(grantee_tenant_id)))


class Actor:
    """A tenant with a credential, and a client that uses it."""

    def __init__(self, env, scopes=("admin:*",), name=None):
        self.tenant_id = env.ops.tenant(name)
        self.key = env.ops.api_key(self.tenant_id, scopes)
        self.client = Client(env.front.port, self.key)


class Environment:
    """One cluster and one front for the whole run (see session())."""

    def __init__(self):
        self.owned_workdir = "E2E_WORKDIR" not in os.environ
        self.workdir = os.environ.get("E2E_WORKDIR") or tempfile.mkdtemp(prefix="ipto-e2e-", dir="/tmp")
        self.cluster = CitusCluster(self.workdir) if DISTRIBUTED else Cluster(self.workdir)
        self.front = None
        self.extra_fronts = []
        self.ops = Ops(self.cluster)

    def start(self):
        self.cluster.init()
        self.cluster.start()
        self.cluster.setup_database()
        self.front = Front(self.workdir, self.cluster.front_conninfo()).start()
        return self

    def new_front(self, name, args=()):
        f = Front(self.workdir, self.cluster.front_conninfo(), name=name, args=args)
        self.extra_fronts.append(f)
        return f.start()

    def actor(self, scopes=("admin:*",), name=None):
        return Actor(self, scopes, name)

    def client(self, credential=None, header="Authorization"):
        return Client(self.front.port, credential, header)

    def teardown(self):
        for f in [self.front] + self.extra_fronts:
            if f is not None:
                f.stop()
        try:
            if self.cluster.is_running():
                self.cluster.stop("immediate")
        except Exception:
            pass
        if self.owned_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


_SESSION = None


def session():
    """The run's shared Environment, started on first use and torn down at exit."""
    global _SESSION
    if _SESSION is None:
        _SESSION = Environment().start()
        atexit.register(_SESSION.teardown)
    return _SESSION


def raw_exchange(port, data, timeout=5.0, half_close=False, responses=None):
    """Sends bytes on a fresh connection; returns (bytes received, closed by
    the server?, seconds). Reads until the server closes, `timeout` passes, or
    (if given) that many complete responses have arrived."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    start = time.time()
    received, closed = b"", False
    try:
        s.sendall(data)
        if half_close:
            s.shutdown(socket.SHUT_WR)
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            received += chunk
            if responses and count_complete_responses(received) >= responses:
                break
    finally:
        s.close()
    return received, closed, time.time() - start


def count_complete_responses(data):
    n = 0
    while True:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            return n
        lines = head.decode("latin-1").split("\r\n")
        try:
            status = int(lines[0].split(" ")[1])
        except (IndexError, ValueError):
            return n
        length = 0
        for line in lines[1:]:
            k, _, v = line.partition(":")
            if k.strip().lower() == "content-length":
                length = int(v.strip())
        if status != 100:
            if len(rest) < length:
                return n
            n += 1
        data = rest[length:] if status != 100 else rest


def parse_responses(data):
    """Splits raw bytes into (status, headers dict, body) responses (Content-Length framed)."""
    out = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            break
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        if status == 100:
            data = rest
            continue
        if "content-length" in headers:
            n = int(headers["content-length"])
            body, data = rest[:n], rest[n:]
        else:
            body, data = rest, b""
        out.append((status, headers, body))
    return out


class CuttingProxy:
    """A TCP proxy to the cluster that can cut a connection the moment the
    front sends its next query: a connection that breaks mid-call."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.cut_next = threading.Event()
        self.cuts = 0
        self.connections = 0
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self.connections += 1
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, src, dst, from_client):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if from_client and self.cut_next.is_set():
                    self.cut_next.clear()
                    self.cuts += 1
                    break  # the query never reaches the server
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self):
        self.closed = True
        self.listener.close()
