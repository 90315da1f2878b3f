// A client as its user would write it: types generated from the served
// /v1/openapi.json by openapi-typescript (into api.ts, next to this file),
// calls made with openapi-fetch, compiled with `tsc --strict`. Every call
// below is the natural one: no header parameter the document should not
// require, no field the server defaults; the conditional headers (If-None-Match,
// If-Match) are typed parameters. Run by tests/e2e/test_typed_client.py:
//
//   IPTO_BASE_URL=http://127.0.0.1:PORT IPTO_API_KEY=ipto_... \
//   IPTO_LIMITED_API_KEY=ipto_... node out/client.js
//
// (IPTO_LIMITED_API_KEY: a key of a tenant with a low rate limit.)
//
// Prints one line per step and exits 0, or prints what went wrong and exits 1.
import createClient from "openapi-fetch";
import type { components, paths } from "./api.js";

type Dataset = components["schemas"]["Dataset"];

const baseUrl = process.env.IPTO_BASE_URL;
const apiKey = process.env.IPTO_API_KEY;
const limitedKey = process.env.IPTO_LIMITED_API_KEY;
if (!baseUrl || !apiKey || !limitedKey) {
    throw new Error("IPTO_BASE_URL, IPTO_API_KEY and IPTO_LIMITED_API_KEY must be set");
}

const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${apiKey}` } });

function check(condition: boolean, what: string, detail?: unknown): asserts condition {
    if (!condition) throw new Error(`${what}: ${JSON.stringify(detail)}`);
}

const REQUEST_ID = /^req_[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

// Create with only a name: the server fills in the defaults.
const name = `typed client ${Date.now()}`;
const created = await client.POST("/v1/datasets", { body: { name } });
check(created.response.status === 201 && created.data !== undefined, "create", created.error);
const dataset: Dataset = created.data.data;
check(dataset.name === name, "create: name", dataset);
check(dataset.visibility === "private" && dataset.source_modality === "document" &&
      dataset.monetization_mode === "open" && dataset.pricing_model === "demand_curve" &&
      dataset.status === "active", "create: defaults", dataset);
check(REQUEST_ID.test(created.data.request_id) && TIMESTAMP.test(created.data.timestamp), "create: envelope",
      created.data);
check(created.response.headers.get("Location") === `/v1/datasets/${dataset.dataset_id}`, "create: Location",
      created.response.headers.get("Location"));
const id = dataset.dataset_id;
console.log(`created ${id}`);

// A second one with every optional field, and an Idempotency-Key.
const second = await client.POST("/v1/datasets", {
    params: { header: { "Idempotency-Key": `typed-${Date.now()}` } },
    body: { name: `${name} (2)`, description: null, source_modality: "image", monetization_mode: "premium",
            pricing_model: "fixed", visibility: "listed" },
});
check(second.response.status === 201 && second.data !== undefined, "create with every field", second.error);
console.log(`created ${second.data.data.dataset_id}`);

// List one at a time, following the cursor: both datasets, newest first.
const seen: string[] = [];
let cursor: string | undefined;
for (let page = 0; page < 10; page++) {
    const listed = await client.GET("/v1/datasets", { params: { query: { limit: 1, owner: "me", cursor } } });
    check(listed.data !== undefined, "list", listed.error);
    const { datasets, total, next_cursor } = listed.data.data;
    check(total >= 2 && datasets.length <= 1, "list: page", listed.data.data);
    seen.push(...datasets.map((d) => d.dataset_id));
    if (next_cursor === null) break;
    cursor = next_cursor;
}
check(seen.includes(id) && seen.includes(second.data.data.dataset_id), "list: walked", seen);
check(seen.indexOf(second.data.data.dataset_id) < seen.indexOf(id), "list: newest first", seen);
console.log(`listed ${seen.length} over ${seen.length} pages`);

// Get, then get again with its ETag: 304, no content.
const got = await client.GET("/v1/datasets/{id}", { params: { path: { id } } });
check(got.data !== undefined && got.data.data.dataset_id === id, "get", got.error);
check(got.data.data.object_count === 0 && got.data.data.last_ingest_at === null, "get: counters", got.data.data);
const etag = got.response.headers.get("ETag");
check(etag !== null, "get: ETag", etag);
const unchanged = await client.GET("/v1/datasets/{id}", { params: { path: { id }, header: { "If-None-Match": etag } } });
check(unchanged.response.status === 304 && unchanged.data === undefined, "get: If-None-Match", unchanged.response.status);
console.log(`got ${id}`);

// Patch one field, only if nobody changed the dataset since that get.
const patched = await client.PATCH("/v1/datasets/{id}", {
    params: { path: { id }, header: { "If-Match": etag } },
    body: { visibility: "listed", description: "patched by the typed client" },
});
check(patched.data !== undefined, "patch", patched.error);
check(patched.data.data.visibility === "listed" && patched.data.data.description === "patched by the typed client" &&
      patched.data.data.name === name, "patch: fields", patched.data.data);
const newTag = patched.response.headers.get("ETag");
check(newTag !== null && newTag !== etag, "patch: a new ETag", newTag);
// The old tag is stale now: a typed 412, nothing changed.
const stale = await client.PATCH("/v1/datasets/{id}", {
    params: { path: { id }, header: { "If-Match": etag } },
    body: { name: "lost update" },
});
check(stale.response.status === 412 && stale.error?.error.code === "precondition_failed", "patch: stale If-Match",
      stale.error);
console.log(`patched ${id}`);

// Delete, then the dataset is gone: a typed error envelope.
const staleDelete = await client.DELETE("/v1/datasets/{id}", { params: { path: { id }, header: { "If-Match": etag } } });
check(staleDelete.response.status === 412 && staleDelete.error?.error.code === "precondition_failed",
      "delete: stale If-Match", staleDelete.error);
for (const [d, tag] of [[id, newTag], [second.data.data.dataset_id, undefined]] as const) {
    const deleted = await client.DELETE("/v1/datasets/{id}", { params: { path: { id: d }, header: { "If-Match": tag } } });
    check(deleted.response.status === 200 && deleted.data !== undefined, "delete", deleted.error);
    check(Object.keys(deleted.data.data).length === 0, "delete: empty data", deleted.data);
}
const gone = await client.GET("/v1/datasets/{id}", { params: { path: { id } } });
check(gone.response.status === 404 && gone.error !== undefined && gone.error.error.code === "not_found",
      "get after delete", gone.error);
console.log(`deleted ${id}`);

// A validation error names its field, typed.
const invalid = await client.POST("/v1/datasets", { body: { name: "" } });
check(invalid.response.status === 422 && invalid.error?.error.field === "name", "create: 422", invalid.error);

// A tenant over its rate limit: a typed 429 with Retry-After. The front
// learns a new limit within a few seconds: ask until it answers so.
const limited = createClient<paths>({ baseUrl, headers: { "X-API-Key": limitedKey } });
let refused = false;
for (const deadline = Date.now() + 20000; !refused && Date.now() < deadline;) {
    const r = await limited.GET("/v1/datasets", { params: { query: { limit: 1 } } });
    if (r.response.status === 429) {
        check(r.error?.error.code === "rate_limited", "429: code", r.error);
        const retry = Number(r.response.headers.get("Retry-After"));
        check(retry >= 1, "429: Retry-After", r.response.headers.get("Retry-After"));
        refused = true;
    } else {
        check(r.data !== undefined, "list while limited", r.error);
    }
}
check(refused, "a tenant over its limit is refused", null);
console.log("rate limited: 429");

// Calls the document forbids do not compile (never run; tsc fails should
// any of these lines stop being an error).
export function forbidden(): void {
    // @ts-expect-error: a create needs a name
    void client.POST("/v1/datasets", { body: { visibility: "listed" } });
    // @ts-expect-error: not a visibility
    void client.POST("/v1/datasets", { body: { name: "x", visibility: "public" } });
    // @ts-expect-error: not a status
    void client.PATCH("/v1/datasets/{id}", { params: { path: { id } }, body: { status: "deleted" } });
    // @ts-expect-error: the id is a path parameter
    void client.GET("/v1/datasets/{id}", {});
}

console.log("typed client: ok");
