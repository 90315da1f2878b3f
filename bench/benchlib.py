"""What the benchmarks share: a throwaway cluster, ipto-front, API keys, and
wrk and pgbench runs parsed into figures (bench/run.py, bench/load.py)."""
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
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG_BIN = os.environ.get("PG_BINDIR") or subprocess.run(
    ["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip() or "/usr/lib/postgresql/15/bin"
FRONT = os.environ.get("IPTO_FRONT_BIN", os.path.join(ROOT, "build", "ipto-front"))
AS_ROOT = os.geteuid() == 0


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_pg(cmd, **kw):
    if AS_ROOT:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    return subprocess.run(cmd, check=True, **kw)


class Cluster:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ipto-bench.")
        os.chmod(self.dir, 0o755)
        if AS_ROOT:
            shutil.chown(self.dir, "postgres", "postgres")
        self.port = free_port()
        as_pg([f"{PG_BIN}/initdb", "-D", f"{self.dir}/data", "-U", "postgres", "--auth-local=trust",
               "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"], stdout=subprocess.DEVNULL)
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c shared_buffers=1GB "
                f"-c max_connections=400 -c max_wal_size=8GB -c checkpoint_timeout=30min "
                f"-c work_mem=64MB -c maintenance_work_mem=512MB")
        as_pg([f"{PG_BIN}/pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/server.log", "-o", opts,
               "-w", "start"], stdout=subprocess.DEVNULL)

    def psql(self, sql, db="ipto", user="postgres"):
        out = subprocess.run([f"{PG_BIN}/psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", self.dir,
                              "-p", str(self.port), "-U", user, "-d", db, "-c", sql],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"psql failed: {out.stderr.strip()}\n{sql[:500]}")
        return out.stdout.strip()

    def stop(self):
        subprocess.run((["runuser", "-u", "postgres", "--"] if AS_ROOT else []) +
                       [f"{PG_BIN}/pg_ctl", "-D", f"{self.dir}/data", "-m", "immediate", "-w", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)


class Front:
    def __init__(self, cluster, password, threads=None, pool=8):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        args = [FRONT, "--listen", f"127.0.0.1:{self.port}", "--pool", str(pool),
                "--db", f"host=127.0.0.1 port={cluster.port} dbname=ipto user=ipto_front password={password}"]
        if threads:
            args += ["--threads", str(threads)]
        self.log = open(os.path.join(cluster.dir, "front.log"), "w")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(100):
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1)
                return
            except Exception:
                time.sleep(0.1)
        raise RuntimeError("ipto-front did not start")

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


PEER_DIR = os.path.join(ROOT, "bench", "peer")


def install_peer():
    """bench/peer/node_modules as its package-lock.json pins it (`npm ci`),
    installed again only when the lock file changes (a stamp holds its hash)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise RuntimeError("the peer needs node (>= 20) and npm")
    version = subprocess.run(["node", "-p", "process.versions.node"], capture_output=True, text=True).stdout.strip()
    if int(version.split(".")[0]) < 20:
        raise RuntimeError(f"the peer needs node >= 20 (Fastify 5); this node is {version}")
    with open(os.path.join(PEER_DIR, "package-lock.json"), "rb") as f:
        wanted = hashlib.sha256(f.read()).hexdigest()
    stamp = os.path.join(PEER_DIR, "node_modules", ".ipto-package-lock.sha256")
    if os.path.exists(stamp) and open(stamp).read().strip() == wanted:
        return
    log("installing the peer's packages (npm ci in bench/peer) ...")
    subprocess.run(["npm", "ci", "--omit=dev", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=PEER_DIR,
                   check=True, stdout=subprocess.DEVNULL)
    with open(stamp, "w") as f:
        f.write(wanted + "\n")


class Peer:
    """bench/peer/server.js: Fastify and postgres.js making the front's calls,
    with a pool of the same size."""

    def __init__(self, cluster, password, pool=8):
        install_peer()
        env = dict(os.environ, PEER_LISTEN="127.0.0.1:0", PEER_POOL=str(pool),
                   PEER_DATABASE_URL=f"postgres://ipto_front:{password}@127.0.0.1:{cluster.port}/ipto")
        self.log = open(os.path.join(cluster.dir, "peer.log"), "w")
        self.err_path = os.path.join(cluster.dir, "peer.err")
        self.proc = subprocess.Popen(["node", os.path.join(PEER_DIR, "server.js")], stdout=self.log,
                                     stderr=open(self.err_path, "w"), env=env)
        for _ in range(200):
            with open(self.err_path) as f:
                m = re.search(r'"event":"listening","port":(\d+)', f.read())
            if m:
                self.port = int(m.group(1))
                self.base = f"http://127.0.0.1:{self.port}"
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError("the peer did not start: " + open(self.err_path).read()[-2000:])

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


class Key:
    def __init__(self, whole):
        self.whole = whole
        _, self.prefix, self.secret = whole.split("_", 2)
        self.digest = hashlib.sha256(self.secret.encode()).hexdigest()

    def sql_args(self):
        return f"'api_key', '{self.prefix}', '{self.digest}'"


def http(method, url, key, body=None):
    req = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": f"Bearer {key.whole}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def exchange(method, url, headers=None, body=None):
    """(status, headers as a dict of lower-case names, parsed JSON body or None)."""
    req = urllib.request.Request(url, method=method, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            status, head, raw = r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        status, head, raw = e.code, e.headers, e.read()
    return status, {k.lower(): v for k, v in head.items()}, json.loads(raw) if raw else None


def cpu_seconds(pid):
    """User and system CPU time a process (all its threads) has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def parse_latency(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url, key, conns, seconds, threads=2, script=None):
    args = ["wrk", "--latency", "-c", str(conns), "-t", str(min(threads, conns)), "-d", f"{seconds}s",
            "-H", f"Authorization: Bearer {key.whole}", url]
    if script:
        args[1:1] = ["-s", script]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = parse_latency(re.search(r"Latency Distribution\s+50%\s+(\S+)", out).group(1))
    p99 = parse_latency(re.search(r"^\s+99%\s+(\S+)$", out, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": errors.group(1) if errors else None, "raw": out}


def pgbench(cluster, sql, clients, seconds, password, user="ipto_front", median=False):
    work = tempfile.mkdtemp(prefix="ipto-pgbench.")
    script = os.path.join(work, "script.sql")
    with open(script, "w") as f:
        f.write(sql + "\n")
    args = [f"{PG_BIN}/pgbench", "-n", "-M", "prepared", "-c", str(clients), "-j", str(min(2, clients)),
            "-T", str(seconds), "-f", script, "-h", "127.0.0.1" if password else cluster.dir,
            "-p", str(cluster.port), "-U", user, "ipto"]
    if median:
        args[1:1] = ["-l", "--log-prefix", os.path.join(work, "log")]
    env = dict(os.environ, PGPASSWORD=password or "")
    out = subprocess.run(args, check=True, capture_output=True, text=True, env=env, cwd=work).stdout
    tps = float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", out).group(1))
    failed = re.search(r"number of failed transactions: (\d+)", out)
    result = {"tps": tps, "failed": int(failed.group(1)) if failed else 0}
    if median:
        lat = []
        for name in os.listdir(work):
            if name.startswith("log"):
                with open(os.path.join(work, name)) as f:
                    lat += [int(line.split()[2]) / 1000.0 for line in f if line.strip()]
        result["p50_ms"] = statistics.median(lat)
    shutil.rmtree(work, ignore_errors=True)
    return result


def setup(cluster):
    cluster.psql("CREATE DATABASE ipto", db="postgres")
    cluster.psql("CREATE EXTENSION ipto")
    password = hashlib.sha256(os.urandom(16)).hexdigest()[:24]
    cluster.psql(f"CREATE ROLE ipto_front LOGIN PASSWORD '{password}' IN ROLE ipto_api")
    tenant = cluster.psql("SELECT ipto.create_tenant('bench caller')")
    key = Key(cluster.psql(f"SELECT ipto.create_api_key('{tenant}', 'bench', ARRAY['admin:*'])"))
    return password, tenant, key
