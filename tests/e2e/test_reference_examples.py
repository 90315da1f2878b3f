"""The API reference's curl/Python/JavaScript examples (docs/api.md,
Examples), copied as they are written there, with only the base URL and
{token} substituted: curl, Python requests, and JavaScript fetch run by node.
GET, PATCH and DELETE name the reference's dset_a1b2c3d4e5f6, so the dataset
each client creates is given that id. A change to an example there is made
here too."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import DISTRIBUTED, SEED_FIELDS as DATASET_FIELDS, session, sql_literal

EXAMPLE_ID = "dset_a1b2c3d4e5f6"
EXAMPLE_BASE = "https://api.ipto.ai"

CURL = {
    "create": """curl -X POST https://api.ipto.ai/v1/datasets \\
  -H "Authorization: Bearer {token}" \\
  -H "Content-Type: application/json" \\
  -d '{
    "name": "AP Invoices 2025",
    "description": "Invoice corpus for vendor dispute search",
    "source_modality": "document",
    "monetization_mode": "premium",
    "pricing_model": "demand_curve",
    "visibility": "restricted"
  }'""",
    "list": """curl -X GET "https://api.ipto.ai/v1/datasets?limit=20" \\
  -H "Authorization: Bearer {token}\"""",
    "get": """curl -X GET https://api.ipto.ai/v1/datasets/dset_a1b2c3d4e5f6 \\
  -H "Authorization: Bearer {token}\"""",
    "update": """curl -X PATCH https://api.ipto.ai/v1/datasets/dset_a1b2c3d4e5f6 \\
  -H "Authorization: Bearer {token}" \\
  -H "Content-Type: application/json" \\
  -d '{
    "name": "AP Invoices 2025 (Updated)",
    "visibility": "listed"
  }'""",
    "delete": """curl -X DELETE https://api.ipto.ai/v1/datasets/dset_a1b2c3d4e5f6 \\
  -H "Authorization: Bearer {token}\"""",
}

PYTHON = {
    "create": '''import requests

response = requests.post(
    "https://api.ipto.ai/v1/datasets",
    headers={"Authorization": "Bearer {token}"},
    json={
        "name": "AP Invoices 2025",
        "description": "Invoice corpus for vendor dispute search",
        "source_modality": "document",
        "monetization_mode": "premium",
        "pricing_model": "demand_curve",
        "visibility": "restricted",
    },
)
data = response.json()''',
    "list": '''import requests

response = requests.get(
    "https://api.ipto.ai/v1/datasets",
    headers={"Authorization": "Bearer {token}"},
    params={"limit": 20},
)
data = response.json()''',
    "get": '''import requests

response = requests.get(
    "https://api.ipto.ai/v1/datasets/dset_a1b2c3d4e5f6",
    headers={"Authorization": "Bearer {token}"},
)
data = response.json()''',
    "update": '''import requests

response = requests.patch(
    "https://api.ipto.ai/v1/datasets/dset_a1b2c3d4e5f6",
    headers={"Authorization": "Bearer {token}"},
    json={
        "name": "AP Invoices 2025 (Updated)",
        "visibility": "listed",
    },
)
data = response.json()''',
    "delete": '''import requests

response = requests.delete(
    "https://api.ipto.ai/v1/datasets/dset_a1b2c3d4e5f6",
    headers={"Authorization": "Bearer {token}"},
)
data = response.json()''',
}

JAVASCRIPT = {
    "create": '''const response = await fetch("https://api.ipto.ai/v1/datasets", {
  method: "POST",
  headers: {
    Authorization: "Bearer {token}",
    "Content-Type": "application/json",
  },
  body: JSON.stringify({
    name: "AP Invoices 2025",
    description: "Invoice corpus for vendor dispute search",
    source_modality: "document",
    monetization_mode: "premium",
    pricing_model: "demand_curve",
    visibility: "restricted",
  }),
});
const data = await response.json();''',
    "list": '''const response = await fetch(
  "https://api.ipto.ai/v1/datasets?limit=20",
  {
    headers: { Authorization: "Bearer {token}" },
  }
);
const data = await response.json();''',
    "get": '''const response = await fetch(
  "https://api.ipto.ai/v1/datasets/dset_a1b2c3d4e5f6",
  {
    headers: { Authorization: "Bearer {token}" },
  }
);
const data = await response.json();''',
    "update": '''const response = await fetch(
  "https://api.ipto.ai/v1/datasets/dset_a1b2c3d4e5f6",
  {
    method: "PATCH",
    headers: {
      Authorization: "Bearer {token}",
      "Content-Type": "application/json",
    },
    body: JSON.stringify({
      name: "AP Invoices 2025 (Updated)",
      visibility: "listed",
    }),
  }
);
const data = await response.json();''',
    "delete": '''const response = await fetch(
  "https://api.ipto.ai/v1/datasets/dset_a1b2c3d4e5f6",
  {
    method: "DELETE",
    headers: { Authorization: "Bearer {token}" },
  }
);
const data = await response.json();''',
}

EXPECTED_STATUS = {"create": 201, "list": 200, "get": 200, "update": 200, "delete": 200}


class ReferenceExamples(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.base = "http://127.0.0.1:%d" % cls.env.front.port
        cls.tmp = tempfile.mkdtemp(dir=cls.env.workdir)

    def substitute(self, code, token):
        return code.replace(EXAMPLE_BASE, self.base).replace("{token}", token)

    def status_of(self, request_id):
        """The status the front logged for this request (the examples read only the body)."""
        line = self.env.front.log_line(request_id)
        return line["status"] if line else None

    def run_curl(self, code, token):
        p = subprocess.run(["bash", "-c", self.substitute(code, token)], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=30)
        self.assertEqual(p.returncode, 0)
        data = json.loads(p.stdout)
        return self.status_of(data["request_id"]), data

    def run_python(self, code, token):
        scope = {}
        exec(compile(self.substitute(code, token), "<reference example>", "exec"), scope)
        return scope["response"].status_code, scope["data"]

    def run_node(self, code, token):
        path = os.path.join(self.tmp, "example.mjs")
        with open(path, "w") as f:
            f.write(self.substitute(code, token))
            f.write("\nconsole.log(JSON.stringify({status: response.status, data}));\n")
        p = subprocess.run(["node", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        out = json.loads(p.stdout.strip().splitlines()[-1], object_pairs_hook=dict)
        return out["status"], out["data"]

    def adopt_example_id(self, tenant_id, dataset_id):
        # A dataset keeps its id: the example's one is a copy of the created
        # dataset under the reference's id, which then replaces it.
        columns = ("name, description, source_modality, monetization_mode, pricing_model, visibility, status,"
                   " created_at, updated_at")
        self.env.cluster.psql(
            "INSERT INTO ipto.datasets (dataset_id, tenant_id, %s) SELECT %s, tenant_id, %s FROM ipto.datasets"
            " WHERE tenant_id = %s AND dataset_id = %s" % (columns, sql_literal(EXAMPLE_ID), columns,
                                                          sql_literal(tenant_id), sql_literal(dataset_id)))
        self.env.cluster.psql("DELETE FROM ipto.datasets WHERE tenant_id = %s AND dataset_id = %s"
                              % (sql_literal(tenant_id), sql_literal(dataset_id)))

    def example_actor(self):
        """A tenant that may own the reference's id: on a cluster, one whose
        shard the id hashes into (ipto.create_dataset places ids so)."""
        while True:
            actor = self.env.actor()
            if not DISTRIBUTED or self.env.cluster.scalar(
                    "SELECT get_shard_id_for_distribution_column('ipto.datasets', %s::text)"
                    " = get_shard_id_for_distribution_column('ipto.datasets', %s::text)"
                    % (sql_literal(actor.tenant_id), sql_literal(EXAMPLE_ID))) == "t":
                return actor

    def walk(self, examples, run):
        actor = self.example_actor()
        status, body = run(examples["create"], actor.key)
        self.assertEqual(status, 201, body)
        created = body["data"]
        self.assertEqual(list(created.keys()), DATASET_FIELDS)
        self.assertEqual(created["name"], "AP Invoices 2025")
        self.assertEqual(created["monetization_mode"], "premium")
        self.assertEqual(created["visibility"], "restricted")
        self.assertEqual(created["tenant_id"], actor.tenant_id)

        status, body = run(examples["list"], actor.key)
        self.assertEqual(status, 200, body)
        self.assertEqual(list(body["data"].keys()), ["datasets", "total", "next_cursor"])
        self.assertEqual(body["data"]["total"], 1)
        self.assertEqual(list(body["data"]["datasets"][0].keys()), DATASET_FIELDS)

        self.adopt_example_id(actor.tenant_id, created["dataset_id"])
        status, body = run(examples["get"], actor.key)
        self.assertEqual(status, 200, body)
        self.assertEqual(list(body["data"].keys()), DATASET_FIELDS)
        self.assertEqual(body["data"]["dataset_id"], EXAMPLE_ID)

        status, body = run(examples["update"], actor.key)
        self.assertEqual(status, 200, body)
        self.assertEqual(list(body["data"].keys()), DATASET_FIELDS)
        self.assertEqual(body["data"]["name"], "AP Invoices 2025 (Updated)")
        self.assertEqual(body["data"]["visibility"], "listed")
        self.assertEqual(body["data"]["description"], "Invoice corpus for vendor dispute search")

        status, body = run(examples["delete"], actor.key)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["data"], {})
        self.assertEqual(list(body.keys()), ["data", "request_id", "timestamp"])
        self.assertEqual(actor.client.get("/v1/datasets/" + EXAMPLE_ID).status, 404)

    @unittest.skipUnless(shutil.which("curl"), "curl is not installed")
    def test_curl(self):
        self.walk(CURL, self.run_curl)

    def test_python_requests(self):
        self.walk(PYTHON, self.run_python)

    @unittest.skipUnless(shutil.which("node"), "node is not installed")
    def test_javascript_fetch(self):
        self.walk(JAVASCRIPT, self.run_node)


class ExamplesAreTheReference(unittest.TestCase):
    """Each example above appears, character for character, in docs/api.md."""

    def test_docs_hold_the_examples(self):
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "api.md")
        with open(path, encoding="utf-8") as f:
            doc = f.read()
        for language, examples in (("curl", CURL), ("Python", PYTHON), ("JavaScript", JAVASCRIPT)):
            for call, code in examples.items():
                self.assertIn(code, doc, "the %s example of %s is not as docs/api.md has it" % (language, call))


if __name__ == "__main__":
    unittest.main()
