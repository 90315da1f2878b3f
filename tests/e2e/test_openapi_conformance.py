"""Every response the suite saw is declared in /v1/openapi.json: its status
for that path and method, and its body's top-level shape (a light validator:
required properties present, no others where the schema is closed)."""

import os
import unittest

import harness
from harness import Client, session


class OpenApiConformance(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = session()
        cls.doc = Client(cls.env.front.port).get("/v1/openapi.json", record=False).json

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            at = self.doc
            for part in node["$ref"][2:].split("/"):
                at = at[part]
            node = at
        return node

    def operation(self, method, path):
        """(path template, operation object) or (None, None)."""
        bare = path.split("?", 1)[0]
        paths = self.doc["paths"]
        template = bare if bare in paths else None
        if template is None and bare.startswith("/v1/datasets/") and "/" not in bare[len("/v1/datasets/"):]:
            template = "/v1/datasets/{id}"
        if template is None:
            return None, None
        op = paths[template].get("get" if method == "HEAD" else method.lower())
        return template, op

    def check_shape(self, schema, value, where):
        schema = self.resolve(schema)
        if not isinstance(schema, dict) or "required" not in schema:
            return
        self.assertIsInstance(value, dict, where)
        for key in schema["required"]:
            self.assertIn(key, value, "%s: missing %s" % (where, key))
        if schema.get("additionalProperties") is False:
            extra = set(value) - set(schema["properties"])
            self.assertFalse(extra, "%s: undeclared %s" % (where, extra))
        for key, sub in schema.get("properties", {}).items():
            if key in value and isinstance(value[key], dict):
                self.check_shape(sub, value[key], where + "." + key)
            elif key in value and isinstance(value[key], list):
                items = self.resolve(sub).get("items") if isinstance(self.resolve(sub), dict) else None
                for i, item in enumerate(value[key][:3]):
                    if items:
                        self.check_shape(items, item, "%s.%s[%d]" % (where, key, i))
            if key == "code" and key in value and "enum" in self.resolve(sub):
                self.assertIn(value[key], self.resolve(sub)["enum"], where)

    def test_every_recorded_response_is_declared(self):
        self.assertTrue(harness.RECORDED)
        seen = set()
        for r in list(harness.RECORDED):
            where = "%s %s -> %d" % (r.method, r.path[:80], r.status)
            template, op = self.operation(r.method, r.path)
            responses = (op or {}).get("responses", {})
            declared = responses.get(str(r.status))
            if declared is None:
                declared = self.doc["x-ipto-front-errors"]["responses"].get(str(r.status))
            self.assertIsNotNone(declared, "undeclared: " + where)
            declared = self.resolve(declared)
            self.assertIsNotNone(r.header("X-Request-Id"), where)
            if r.method == "HEAD" or not r.body:
                continue
            content = declared.get("content", {})
            ctype = (r.header("Content-Type") or "").split(";")[0]
            self.assertIn(ctype, content, where)
            if ctype == "application/json":
                self.check_shape(content[ctype]["schema"], r.json, where)
            seen.add((template, r.method, r.status))
        # A whole run exercised the interesting statuses, so this check meant something.
        if os.environ.get("E2E_FULL_RUN") == "1":
            statuses = {s for _, _, s in seen}
            for status in (200, 201, 400, 401, 403, 404, 405, 409, 413, 415, 416, 422, 503):
                self.assertIn(status, statuses)

    def test_declared_dataset_fields_match_what_is_served(self):
        props = list(self.resolve(self.doc["components"]["schemas"]["Dataset"])["properties"])
        self.assertEqual(props, harness.SEED_FIELDS)


if __name__ == "__main__":
    unittest.main()
