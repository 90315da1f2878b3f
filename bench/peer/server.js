// The peer of ipto-front in bench/run.py: what a team would write instead of
// a C++ front. Fastify and postgres.js making the same request-face calls
// (docs/request-face.md) with the same inputs: the credential parsed from
// Authorization: Bearer or X-API-Key (API keys ipto_{8 [a-z0-9]}_{secret},
// 48-character session tokens), the secret hashed (SHA-256, hex) on every
// request, the answer wrapped in the same envelope with the same status codes
// and headers (X-Request-Id, Cache-Control, Location, WWW-Authenticate,
// Retry-After, and the ETag of a dataset: SHA-256 of its JSON, If-None-Match
// answered with a 304), and one JSON access-log line per request on stdout, as
// the front writes. One process, a pool of PEER_POOL connections (8, like the
// front's --pool 8). Not a product: what it leaves out (duplicate credential
// headers, the 1 MiB limit after decoding, If-Match, rate limits, metrics)
// costs nothing or next to nothing per request in the benchmark's GETs.
//
//   PEER_DATABASE_URL=postgres://ipto_front:...@127.0.0.1:5432/ipto \
//   PEER_LISTEN=127.0.0.1:0 PEER_POOL=8 node bench/peer/server.js
//
// Prints {"event":"listening","port":N} on stderr once it accepts.
"use strict";

const crypto = require("node:crypto");
const Fastify = require("fastify");
const postgres = require("postgres");

const [host, port] = (process.env.PEER_LISTEN || "127.0.0.1:8081").split(/:(?=\d+$)/);
const sql = postgres(process.env.PEER_DATABASE_URL, {
    max: Number(process.env.PEER_POOL || 8),
    prepare: true,           // named prepared statements, as the front prepares its calls
    connect_timeout: 1,
    idle_timeout: 0,
    onnotice: () => {},
});

// --- credentials (core/credentials.cpp) ---------------------------------

const PREFIX = /^[a-z0-9]{8}$/;
const ALNUM = /^[A-Za-z0-9]+$/;

function trim(s) {
    return s.replace(/^[ \t]+|[ \t]+$/g, "");
}

function parseApiKey(t) {
    if (t.length < 5 + 8 + 1 + 32 || !t.startsWith("ipto_") || t[13] !== "_") return null;
    const prefix = t.slice(5, 13);
    const secret = t.slice(14);
    if (secret.length > 128 || !PREFIX.test(prefix) || !ALNUM.test(secret)) return null;
    return { kind: "api_key", id: prefix, secret };
}

function parseSession(t) {
    if (t.length !== 48 || !ALNUM.test(t)) return null;
    return { kind: "session", id: t.slice(0, 16), secret: t.slice(16) };
}

class ApiError extends Error {
    constructor(status, code, message, field, headers) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
        this.headers = headers || {};
    }
}

const HOW = "send \"Authorization: Bearer <token or API key>\" or \"X-API-Key: ipto_<prefix>_<secret>\"";

function malformed(message) {
    return new ApiError(401, "invalid_credentials", `${message}; ${HOW}`, undefined,
                        { "WWW-Authenticate": "Bearer error=\"invalid_token\"" });
}

function credential(headers) {
    const authorization = headers.authorization;
    const apiKey = headers["x-api-key"];
    if (authorization !== undefined && apiKey !== undefined) {
        throw new ApiError(400, "ambiguous_credentials",
                           "both an Authorization and an X-API-Key header were sent; send exactly one credential");
    }
    let c;
    if (apiKey !== undefined) {
        c = parseApiKey(trim(apiKey));
        if (!c) throw malformed("the X-API-Key header is not an ipto API key");
    } else if (authorization === undefined) {
        throw new ApiError(401, "unauthenticated", `this request needs a credential; ${HOW}`, undefined,
                           { "WWW-Authenticate": "Bearer" });
    } else {
        const h = trim(authorization);
        const space = h.indexOf(" ");
        if (space < 0 || h.slice(0, space).toLowerCase() !== "bearer") {
            throw malformed("the Authorization header must use the Bearer scheme");
        }
        const token = trim(h.slice(space + 1));
        c = parseApiKey(token) || parseSession(token);
        if (!c) throw malformed("the bearer token is not an ipto API key or session token");
    }
    return [c.kind, c.id, crypto.createHash("sha256").update(c.secret).digest("hex")];
}

// --- errors (core/errors.cpp, http_front/error_map.cpp) -----------------

const SQLSTATES = {
    IP422: [422, "validation_error"], IP404: [404, "not_found"], IP403: [403, "forbidden"],
    IP4S3: [403, "insufficient_scope"], IP401: [401, "invalid_credentials"], IP4U1: [401, "unauthenticated"],
    IP409: [409, "idempotency_conflict"], IP4C0: [400, "invalid_cursor"], IP4J0: [400, "invalid_json"],
    IP400: [400, "bad_request"], IP4A0: [400, "ambiguous_credentials"], IP4X9: [409, "conflict"],
    IP412: [412, "precondition_failed"],
};
const UNAVAILABLE = new Set(["57P01", "57P02", "57P03", "53300", "25006"]);

function fromDatabase(e) {
    const code = typeof e.code === "string" ? e.code : "";
    const known = SQLSTATES[code];
    if (known) {
        const headers = known[0] === 401
            ? { "WWW-Authenticate": known[1] === "invalid_credentials" ? "Bearer error=\"invalid_token\"" : "Bearer" }
            : undefined;
        return new ApiError(known[0], known[1], e.detail ? `${e.message}; ${e.detail}` : e.message,
                            e.column_name || undefined, headers);
    }
    if (code.startsWith("08") || UNAVAILABLE.has(code) || !(e instanceof postgres.PostgresError)) {
        return new ApiError(503, "unavailable", "the database is unavailable; try again shortly", undefined,
                            { "Retry-After": "1" });
    }
    return new ApiError(500, "internal_error", "internal error; quote the request_id when reporting it");
}

// --- the envelope --------------------------------------------------------

function timestamp() {
    return new Date().toISOString().slice(0, 19) + "Z";
}

function fail(reply, e) {
    if (!(e instanceof ApiError)) e = fromDatabase(e);
    const error = { code: e.code, message: e.message };
    if (e.field) error.field = e.field;
    reply.code(e.status).headers(e.headers).header("Cache-Control", "no-store")
        .send({ error, request_id: reply.request.id, timestamp: timestamp() });
}

function succeed(reply, status, row, cacheControl = "no-store") {
    reply.request.tenant = row.tenant_id;
    reply.code(status).header("Cache-Control", cacheControl)
        .send({ data: row.data, request_id: reply.request.id, timestamp: timestamp() });
}

// One dataset: a strong entity tag of its JSON (core/etag.hpp).
function entityTag(data) {
    return '"' + crypto.createHash("sha256").update(JSON.stringify(data)).digest("hex").slice(0, 32) + '"';
}

function matches(field, tag) {
    return field.split(",").some((t) => {
        t = trim(t);
        return t === "*" || (t.startsWith("W/") ? t.slice(2) : t) === tag;
    });
}

// --- the server ----------------------------------------------------------

const app = Fastify({
    logger: true,
    disableRequestLogging: true,  // one line per request, written below, as the front writes
    genReqId: () => "req_" + crypto.randomBytes(6).toString("hex"),
    bodyLimit: 1048576,
    return503OnClosing: true,
});

// The body goes to SQL as received (the database judges it), like the front.
app.removeAllContentTypeParsers();
app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    if (body.includes("\u0000")) {
        done(new ApiError(400, "invalid_json", "the request body is not JSON text: it must be UTF-8 without NUL bytes"));
    } else {
        done(null, body);
    }
});

app.addHook("onRequest", (request, reply, done) => {
    reply.header("X-Request-Id", request.id);
    done();
});

app.addHook("onResponse", (request, reply, done) => {
    request.log.info({ request_id: request.id, method: request.method, route: request.routeOptions.url || "unmatched",
                       status: reply.statusCode, duration_ms: reply.elapsedTime, tenant: request.tenant });
    done();
});

app.setErrorHandler((e, request, reply) => {
    if (e instanceof ApiError) return fail(reply, e);
    const status = e.statusCode || 500;
    if (status === 415) return fail(reply, new ApiError(415, "unsupported_media_type",
                                                        "the request body must be JSON; send Content-Type: application/json"));
    if (status === 413) return fail(reply, new ApiError(413, "payload_too_large",
                                                        "the request body is larger than 1 MiB (1048576 bytes)"));
    if (status >= 400 && status < 500) return fail(reply, new ApiError(400, "bad_request", "the request is malformed"));
    return fail(reply, new ApiError(500, "internal_error", "internal error; quote the request_id when reporting it"));
});

app.setNotFoundHandler((request, reply) => {
    fail(reply, new ApiError(404, "not_found", "no such endpoint; see /v1/openapi.json"));
});

// Credentials are checked before the body is read, as the front does.
function authenticate(request, reply, done) {
    try {
        request.credential = credential(request.headers);
        done();
    } catch (e) {
        fail(reply, e);
    }
}

function noQuery(request) {
    for (const name in request.query) {
        throw new ApiError(400, "bad_request", `unknown query parameter ${name}`, name);
    }
}

const LIST_PARAMETERS = new Set(["cursor", "limit", "status", "visibility", "owner"]);

function one(query, name) {
    const v = query[name];
    if (Array.isArray(v)) throw new ApiError(400, "bad_request", `query parameter ${name} given more than once`, name);
    return v === undefined ? null : v;
}

app.get("/healthz", (request, reply) => {
    reply.send({ status: "ok" });
});

app.post("/v1/datasets", { onRequest: authenticate }, async (request, reply) => {
    try {
        noQuery(request);
        if (typeof request.body !== "string") {
            throw new ApiError(415, "unsupported_media_type", "the request body must be JSON; send Content-Type: application/json");
        }
        const [kind, id, digest] = request.credential;
        const key = request.headers["idempotency-key"] ?? null;
        const [row] = await sql`SELECT * FROM ipto.api_create_dataset(${kind}, ${id}, ${digest}, ${request.body}, ${key})`;
        if (row.resource_id) reply.header("Location", "/v1/datasets/" + row.resource_id);
        reply.header("ETag", entityTag(row.data));
        succeed(reply, 201, row);
    } catch (e) {
        fail(reply, e);
    }
    return reply;
});

app.get("/v1/datasets", { onRequest: authenticate }, async (request, reply) => {
    try {
        for (const name in request.query) {
            if (!LIST_PARAMETERS.has(name)) throw new ApiError(400, "bad_request", `unknown query parameter ${name}`, name);
        }
        const q = request.query;
        const [kind, id, digest] = request.credential;
        const [row] = await sql`SELECT * FROM ipto.api_list_datasets(${kind}, ${id}, ${digest}, ${one(q, "cursor")},
                                  ${one(q, "limit")}, ${one(q, "status")}, ${one(q, "visibility")}, ${one(q, "owner")})`;
        succeed(reply, 200, row);
    } catch (e) {
        fail(reply, e);
    }
    return reply;
});

app.get("/v1/datasets/:id", { onRequest: authenticate }, async (request, reply) => {
    try {
        noQuery(request);
        const [kind, id, digest] = request.credential;
        const [row] = await sql`SELECT * FROM ipto.api_get_dataset(${kind}, ${id}, ${digest}, ${request.params.id})`;
        const tag = entityTag(row.data);
        const noneMatch = request.headers["if-none-match"];
        if (noneMatch !== undefined && matches(noneMatch, tag)) {
            reply.request.tenant = row.tenant_id;
            reply.code(304).header("ETag", tag).header("Cache-Control", "private, no-cache").send();
        } else {
            reply.header("ETag", tag);
            succeed(reply, 200, row, "private, no-cache");
        }
    } catch (e) {
        fail(reply, e);
    }
    return reply;
});

app.patch("/v1/datasets/:id", { onRequest: authenticate }, async (request, reply) => {
    try {
        noQuery(request);
        if (typeof request.body !== "string") {
            throw new ApiError(415, "unsupported_media_type", "the request body must be JSON; send Content-Type: application/json");
        }
        const [kind, id, digest] = request.credential;
        const [row] = await sql`SELECT * FROM ipto.api_update_dataset(${kind}, ${id}, ${digest}, ${request.params.id},
                                                                     ${request.body})`;
        reply.header("ETag", entityTag(row.data));
        succeed(reply, 200, row);
    } catch (e) {
        fail(reply, e);
    }
    return reply;
});

app.delete("/v1/datasets/:id", { onRequest: authenticate }, async (request, reply) => {
    try {
        noQuery(request);
        const [kind, id, digest] = request.credential;
        const [row] = await sql`SELECT * FROM ipto.api_delete_dataset(${kind}, ${id}, ${digest}, ${request.params.id})`;
        succeed(reply, 200, row);
    } catch (e) {
        fail(reply, e);
    }
    return reply;
});

async function stop() {
    await app.close();
    await sql.end({ timeout: 5 });
    process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

app.listen({ host, port: Number(port) }).then(() => {
    process.stderr.write(JSON.stringify({ event: "listening", port: app.server.address().port }) + "\n");
}, (e) => {
    process.stderr.write(JSON.stringify({ event: "listen_failed", what: String(e) }) + "\n");
    process.exit(1);
});
