"""A client generated from the served /v1/openapi.json works as written.

openapi-typescript turns the document the shared front serves into types,
tests/typed-client/client.ts uses all five operations through openapi-fetch
the way a user would (a create with only a name, a list walked by cursor, a
get and a conditional get with If-None-Match, a patch and a delete with
If-Match, current and stale, and a tenant over its rate limit refused with a
typed 429), `tsc --strict` must accept it, and node runs it against the
front. The npm packages are those pinned in
tests/typed-client/package-lock.json, installed by `npm ci` here (once per
lock file), so a fresh machine needs only node and npm (scripts/setup.sh).
"""

import fcntl
import hashlib
import os
import shutil
import subprocess
import unittest

from harness import Client, session, sql_literal

PROJECT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "typed-client")
STAMP = os.path.join(PROJECT, "node_modules", ".ipto-package-lock.sha256")


def run(args, cwd, timeout, env=None):
    p = subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=timeout)
    return p.returncode, p.stdout


def install_packages():
    """tests/typed-client/node_modules as package-lock.json pins it. A stamp
    holds the hash of the lock file it was installed from; concurrent runs
    take turns on a lock."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise AssertionError("node and npm are needed (scripts/setup.sh installs them)")
    with open(os.path.join(PROJECT, "package-lock.json"), "rb") as f:
        wanted = hashlib.sha256(f.read()).hexdigest()
    with open(os.path.join(PROJECT, "package.json"), "rb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if os.path.exists(STAMP) and open(STAMP).read().strip() == wanted:
                return
            rc, out = run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], PROJECT, 600)
            if rc != 0:
                raise AssertionError("npm ci in tests/typed-client failed:\n" + out[-4000:])
            with open(STAMP, "w") as f:
                f.write(wanted + "\n")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class TypedClient(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        install_packages()
        # A directory of this run's own: the program, its config, the
        # document and the generated types (api.ts: a .ts file, so tsc checks
        # it, while skipLibCheck spares the packages' own declarations);
        # node_modules is the installed one.
        cls.dir = os.path.join(cls.env.workdir, "typed-client")
        shutil.rmtree(cls.dir, ignore_errors=True)
        os.makedirs(cls.dir)
        for name in ("package.json", "tsconfig.json", "client.ts"):
            shutil.copy(os.path.join(PROJECT, name), cls.dir)
        os.symlink(os.path.join(PROJECT, "node_modules"), os.path.join(cls.dir, "node_modules"))
        r = Client(cls.env.front.port).get("/v1/openapi.json", record=False)
        assert r.status == 200, r
        with open(os.path.join(cls.dir, "openapi.json"), "wb") as f:
            f.write(r.body)
        cls.bin = os.path.join(cls.dir, "node_modules", ".bin")

    def generate(self):
        rc, out = run([os.path.join(self.bin, "openapi-typescript"), "openapi.json", "-o", "api.ts"], self.dir, 120)
        self.assertEqual(rc, 0, out)
        with open(os.path.join(self.dir, "api.ts")) as f:
            return f.read()

    def test_generated_types_compile_strict_and_run_against_the_front(self):
        types = self.generate()
        self.assertIn('"/v1/datasets/{id}"', types)
        rc, out = run([os.path.join(self.bin, "tsc"), "-p", ".", "--strict"], self.dir, 300)
        self.assertEqual(rc, 0, "tsc --strict refused the natural calls:\n" + out)
        actor = self.env.actor(scopes=("datasets:read", "datasets:write"), name="typed client")
        limited = self.env.actor(scopes=("datasets:read",), name="typed client, limited")
        self.env.cluster.psql("SELECT ipto.set_tenant_limits(%s, 1, 2)" % sql_literal(limited.tenant_id))
        env = dict(os.environ, IPTO_BASE_URL="http://127.0.0.1:%d" % self.env.front.port, IPTO_API_KEY=actor.key,
                   IPTO_LIMITED_API_KEY=limited.key)
        rc, out = run(["node", os.path.join("out", "client.js")], self.dir, 120, env=env)
        self.assertEqual(rc, 0, out)
        self.assertIn("typed client: ok", out)
        # What it did is there to see: nothing of the tenant's is left.
        listed = actor.client.get("/v1/datasets?owner=me")
        self.assertEqual(listed.status, 200, listed)
        self.assertEqual(listed.data["total"], 0, listed)

    def test_the_types_are_not_vacuous(self):
        # A call the document forbids must not compile: the types say
        # something (client.ts's @ts-expect-error lines check more of it).
        self.generate()
        with open(os.path.join(self.dir, "client.ts")) as f:
            program = f.read()
        bad = os.path.join(self.dir, "bad.ts")
        with open(bad, "w") as f:
            f.write('import createClient from "openapi-fetch";\nimport type { paths } from "./api.js";\n'
                    'const client = createClient<paths>({ baseUrl: "http://127.0.0.1:1" });\n'
                    'export const p = client.POST("/v1/datasets", { body: { visibility: "listed" } });\n')
        self.assertIn("@ts-expect-error", program)
        rc, out = run([os.path.join(self.bin, "tsc"), "--strict", "--noEmit", "--module", "nodenext",
                       "--moduleResolution", "nodenext", "--target", "es2022", "--lib", "es2022,dom",
                       "--types", "node", "--skipLibCheck", "bad.ts"], self.dir, 300)
        self.assertNotEqual(rc, 0, out)
        self.assertIn("name", out)


if __name__ == "__main__":
    unittest.main()
