// Request handling without sockets or a database: a fake Backend records
// what the front would send to SQL.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <regex>

#include "error_map.hpp"
#include "etag.hpp"
#include "handlers.hpp"
#include "sha256.hpp"

namespace ipto::front {
namespace {

constexpr const char* kKeySecret = "0123456789abcdefABCDEF0123456789xyzXYZ00";
const std::string kApiKey = std::string("ipto_abcd1234_") + kKeySecret;
const std::string kSession = "SESSIONid012345678901234567890123456789ABCDEFabc";  // 16 + 32

class FakeBackend : public Backend {
public:
    CallOutcome call(Operation op, const CallParams& params, const std::string&) override {
        ++calls;
        last_op = op;
        last_params = params;
        return next;
    }
    bool ready() override { return is_ready; }
    PoolStats pool_stats() const override {
        PoolStats s;
        s.size = 8;
        return s;
    }

    int calls = 0;
    Operation last_op = Operation::healthz;
    CallParams last_params;
    CallOutcome next;
    bool is_ready = true;
};

class FrontHandlers : public ::testing::Test {
protected:
    FrontHandlers() : handlers(backend, metrics, [] { return std::size_t{7}; }) {
        CallRow row;
        row.tenant_id = "tnt_f6e5d4c3b2a1";
        row.resource_id = "dset_a1b2c3d4e5f6";
        row.data = R"({"dataset_id":"dset_a1b2c3d4e5f6"})";
        backend.next.row = row;
    }

    static HttpRequest request(std::string method, std::string path, std::string query = {}) {
        HttpRequest r;
        r.method = std::move(method);
        r.path = std::move(path);
        r.query = std::move(query);
        return r;
    }

    static HttpRequest authed(std::string method, std::string path, std::string query = {}) {
        HttpRequest r = request(std::move(method), std::move(path), std::move(query));
        r.headers.emplace_back("Authorization", "Bearer " + kApiKey);
        return r;
    }

    static HttpRequest with_json(HttpRequest r, std::string body) {
        r.headers.emplace_back("Content-Type", "application/json");
        r.body = std::move(body);
        return r;
    }

    static std::optional<std::string> header(const Outcome& o, const std::string& name) {
        for (const auto& [k, v] : o.response.headers) {
            if (k == name) return v;
        }
        return std::nullopt;
    }

    static rapidjson::Document json(const Outcome& o) {
        rapidjson::Document d;
        d.Parse(o.response.body.c_str());
        EXPECT_FALSE(d.HasParseError()) << o.response.body;
        return d;
    }

    static std::string code(const Outcome& o) {
        auto d = json(o);
        if (!d.IsObject() || !d.HasMember("error")) return "";
        return d["error"]["code"].GetString();
    }

    FakeBackend backend;
    Metrics metrics;
    Handlers handlers;
};

TEST_F(FrontHandlers, UnknownRouteIs404Envelope) {
    Outcome o = handlers.handle(request("GET", "/nope"));
    EXPECT_EQ(o.response.status, 404);
    EXPECT_EQ(code(o), "not_found");
    EXPECT_EQ(o.route, "unmatched");
    EXPECT_TRUE(std::regex_match(o.request_id, std::regex("^req_[0-9a-f]{12}$")));
    EXPECT_EQ(json(o)["request_id"].GetString(), o.request_id);
    EXPECT_EQ(o.response.content_type, "application/json; charset=utf-8");
    EXPECT_EQ(backend.calls, 0);
}

TEST_F(FrontHandlers, WrongMethodIs405WithAllow) {
    Outcome o = handlers.handle(authed("PUT", "/v1/datasets/dset_a1b2c3d4e5f6"));
    EXPECT_EQ(o.response.status, 405);
    EXPECT_EQ(code(o), "method_not_allowed");
    EXPECT_EQ(header(o, "Allow"), "GET, HEAD, PATCH, DELETE");
    EXPECT_EQ(o.route, "/v1/datasets/{id}");
    EXPECT_EQ(backend.calls, 0);
}

TEST_F(FrontHandlers, OperationsNeedNoCredential) {
    Outcome h = handlers.handle(request("GET", "/healthz"));
    EXPECT_EQ(h.response.status, 200);
    EXPECT_EQ(h.response.body, "{\"status\":\"ok\"}");
    Outcome r = handlers.handle(request("GET", "/readyz"));
    EXPECT_EQ(r.response.status, 200);
    backend.is_ready = false;
    Outcome down = handlers.handle(request("GET", "/readyz"));
    EXPECT_EQ(down.response.status, 503);
    EXPECT_EQ(code(down), "unavailable");
    EXPECT_EQ(header(down, "Retry-After"), "1");
    Outcome m = handlers.handle(request("GET", "/metrics"));
    EXPECT_EQ(m.response.status, 200);
    EXPECT_EQ(m.response.content_type.rfind("text/plain; version=0.0.4", 0), 0u);
    EXPECT_NE(m.response.body.find("ipto_http_worker_threads 7"), std::string::npos);
    Outcome doc = handlers.handle(request("GET", "/v1/openapi.json"));
    EXPECT_EQ(doc.response.status, 200);
    EXPECT_EQ(json(doc)["openapi"].GetString(), std::string("3.1.0"));
    EXPECT_EQ(backend.calls, 0);
}

TEST_F(FrontHandlers, NoCredentialIs401WithChallenge) {
    Outcome o = handlers.handle(request("GET", "/v1/datasets"));
    EXPECT_EQ(o.response.status, 401);
    EXPECT_EQ(code(o), "unauthenticated");
    EXPECT_EQ(header(o, "WWW-Authenticate"), "Bearer");
    EXPECT_EQ(backend.calls, 0);
}

TEST_F(FrontHandlers, MalformedCredentialIs401Invalid) {
    for (const char* value : {"Bearer", "Bearer nope", "Basic dXNlcjpwYXNz", "ipto_abcd1234_x", ""}) {
        HttpRequest r = request("GET", "/v1/datasets");
        r.headers.emplace_back("Authorization", value);
        Outcome o = handlers.handle(r);
        EXPECT_EQ(o.response.status, 401) << value;
        EXPECT_EQ(code(o), "invalid_credentials") << value;
        EXPECT_TRUE(header(o, "WWW-Authenticate")) << value;
    }
    HttpRequest r = request("GET", "/v1/datasets");
    r.headers.emplace_back("X-API-Key", "not-a-key");
    EXPECT_EQ(code(handlers.handle(r)), "invalid_credentials");
    EXPECT_EQ(backend.calls, 0);
}

TEST_F(FrontHandlers, BothOrRepeatedCredentialHeadersAreAmbiguous) {
    HttpRequest both = authed("GET", "/v1/datasets");
    both.headers.emplace_back("X-API-Key", kApiKey);
    Outcome o = handlers.handle(both);
    EXPECT_EQ(o.response.status, 400);
    EXPECT_EQ(code(o), "ambiguous_credentials");
    HttpRequest twice = authed("GET", "/v1/datasets");
    twice.headers.emplace_back("authorization", "Bearer " + kApiKey);
    EXPECT_EQ(code(handlers.handle(twice)), "ambiguous_credentials");
    EXPECT_EQ(backend.calls, 0);
}

TEST_F(FrontHandlers, ApiKeyIsSentAsPrefixAndDigestNeverTheSecret) {
    Outcome o = handlers.handle(authed("GET", "/v1/datasets/dset_a1b2c3d4e5f6"));
    EXPECT_EQ(o.response.status, 200);
    ASSERT_EQ(backend.calls, 1);
    EXPECT_EQ(backend.last_op, Operation::get_dataset);
    ASSERT_EQ(backend.last_params.size(), 4u);
    EXPECT_EQ(backend.last_params[0], "api_key");
    EXPECT_EQ(backend.last_params[1], "abcd1234");
    EXPECT_EQ(backend.last_params[2], ipto::to_hex(ipto::sha256(kKeySecret)));
    EXPECT_EQ(backend.last_params[3], "dset_a1b2c3d4e5f6");
    for (const auto& p : backend.last_params) {
        if (p) {
            EXPECT_EQ(p->find(kKeySecret), std::string::npos);
        }
    }
}

TEST_F(FrontHandlers, XApiKeyHeaderAndSessionToken) {
    HttpRequest k = request("GET", "/v1/datasets/dset_a1b2c3d4e5f6");
    k.headers.emplace_back("x-api-key", kApiKey);
    EXPECT_EQ(handlers.handle(k).response.status, 200);
    EXPECT_EQ(backend.last_params[0], "api_key");
    HttpRequest s = request("GET", "/v1/datasets/dset_a1b2c3d4e5f6");
    s.headers.emplace_back("Authorization", "bearer " + kSession);
    EXPECT_EQ(handlers.handle(s).response.status, 200);
    EXPECT_EQ(backend.last_params[0], "session");
    EXPECT_EQ(backend.last_params[1], kSession.substr(0, 16));
    EXPECT_EQ(backend.last_params[2], ipto::to_hex(ipto::sha256(kSession.substr(16))));
}

TEST_F(FrontHandlers, ListPassesQueryInContractOrder) {
    Outcome o = handlers.handle(authed("GET", "/v1/datasets", "owner=me&limit=7&cursor=abc&visibility=listed&status=active"));
    EXPECT_EQ(o.response.status, 200);
    EXPECT_EQ(backend.last_op, Operation::list_datasets);
    ASSERT_EQ(backend.last_params.size(), 8u);
    EXPECT_EQ(backend.last_params[3], "abc");
    EXPECT_EQ(backend.last_params[4], "7");
    EXPECT_EQ(backend.last_params[5], "active");
    EXPECT_EQ(backend.last_params[6], "listed");
    EXPECT_EQ(backend.last_params[7], "me");
    handlers.handle(authed("GET", "/v1/datasets"));
    for (int i = 3; i < 8; ++i) EXPECT_FALSE(backend.last_params[i]) << i;  // SQL NULL
}

TEST_F(FrontHandlers, BadQueryIs400WithoutDatabase) {
    Outcome o = handlers.handle(authed("GET", "/v1/datasets", "limit=5&page=2"));
    EXPECT_EQ(o.response.status, 400);
    EXPECT_EQ(code(o), "bad_request");
    EXPECT_EQ(std::string(json(o)["error"]["field"].GetString()), "page");
    Outcome item = handlers.handle(authed("GET", "/v1/datasets/dset_a1b2c3d4e5f6", "limit=1"));
    EXPECT_EQ(item.response.status, 400);
    EXPECT_EQ(backend.calls, 0);
}

TEST_F(FrontHandlers, CreateIs201WithLocationAndEnvelope) {
    HttpRequest r = with_json(authed("POST", "/v1/datasets"), R"({"name":"AP Invoices 2025"})");
    Outcome o = handlers.handle(r);
    EXPECT_EQ(o.response.status, 201);
    EXPECT_EQ(header(o, "Location"), "/v1/datasets/dset_a1b2c3d4e5f6");
    EXPECT_EQ(o.tenant, "tnt_f6e5d4c3b2a1");
    EXPECT_EQ(o.route, "/v1/datasets");
    auto d = json(o);
    EXPECT_STREQ(d["data"]["dataset_id"].GetString(), "dset_a1b2c3d4e5f6");
    EXPECT_EQ(std::string(d["request_id"].GetString()), o.request_id);
    ASSERT_EQ(backend.last_params.size(), 5u);
    EXPECT_EQ(backend.last_params[3], R"({"name":"AP Invoices 2025"})");
    EXPECT_FALSE(backend.last_params[4]);  // no Idempotency-Key: NULL
    r.headers.emplace_back("Idempotency-Key", "k-1");
    handlers.handle(r);
    EXPECT_EQ(backend.last_params[4], "k-1");
}

TEST_F(FrontHandlers, UpdateAndDeleteParams) {
    Outcome u = handlers.handle(with_json(authed("PATCH", "/v1/datasets/dset_a1b2c3d4e5f6"), "{}"));
    EXPECT_EQ(u.response.status, 200);
    EXPECT_EQ(backend.last_op, Operation::update_dataset);
    ASSERT_EQ(backend.last_params.size(), 5u);  // no If-Match: the unconditional call
    EXPECT_EQ(backend.last_params[3], "dset_a1b2c3d4e5f6");
    EXPECT_EQ(backend.last_params[4], "{}");
    backend.next.row->data = "{}";
    Outcome d = handlers.handle(authed("DELETE", "/v1/datasets/dset_a1b2c3d4e5f6"));
    EXPECT_EQ(d.response.status, 200);
    EXPECT_EQ(backend.last_op, Operation::delete_dataset);
    EXPECT_EQ(backend.last_params.size(), 4u);
    EXPECT_EQ(json(d)["data"].MemberCount(), 0u);
}

TEST_F(FrontHandlers, IfMatchGoesToTheDatabaseAsOneList) {
    HttpRequest patch = with_json(authed("PATCH", "/v1/datasets/dset_a1b2c3d4e5f6"), "{}");
    patch.headers.emplace_back("If-Match", "\"a\"");
    patch.headers.emplace_back("if-match", "\"b\"");
    handlers.handle(patch);
    EXPECT_EQ(backend.last_params[5], "\"a\", \"b\"");
    HttpRequest del = authed("DELETE", "/v1/datasets/dset_a1b2c3d4e5f6");
    del.headers.emplace_back("If-Match", "*");
    handlers.handle(del);
    EXPECT_EQ(backend.last_params[4], "*");
}

TEST_F(FrontHandlers, OneDatasetCarriesItsEntityTagAndIfNoneMatchGives304) {
    backend.next.row->data = "{\"dataset_id\":\"dset_a1b2c3d4e5f6\"}";
    Outcome got = handlers.handle(authed("GET", "/v1/datasets/dset_a1b2c3d4e5f6"));
    ASSERT_EQ(got.response.status, 200);
    std::string tag;
    for (const auto& [k, v] : got.response.headers) {
        if (k == "ETag") tag = v;
    }
    EXPECT_EQ(tag, ipto::entity_tag(backend.next.row->data));
    HttpRequest again = authed("GET", "/v1/datasets/dset_a1b2c3d4e5f6");
    again.headers.emplace_back("If-None-Match", "W/" + tag);
    Outcome not_modified = handlers.handle(again);
    EXPECT_EQ(not_modified.response.status, 304);
    EXPECT_TRUE(not_modified.response.body.empty());
    EXPECT_TRUE(not_modified.response.content_type.empty());
    HttpRequest other = authed("GET", "/v1/datasets/dset_a1b2c3d4e5f6");
    other.headers.emplace_back("If-None-Match", "\"other\"");
    EXPECT_EQ(handlers.handle(other).response.status, 200);
}

TEST_F(FrontHandlers, MediaTypeIsChecked) {
    HttpRequest none = authed("POST", "/v1/datasets");
    none.body = "{}";
    EXPECT_EQ(handlers.handle(none).response.status, 415);
    HttpRequest text = authed("PATCH", "/v1/datasets/dset_a1b2c3d4e5f6");
    text.headers.emplace_back("Content-Type", "text/plain");
    text.body = "{}";
    EXPECT_EQ(code(handlers.handle(text)), "unsupported_media_type");
    HttpRequest latin = authed("POST", "/v1/datasets");
    latin.headers.emplace_back("Content-Type", "application/json; charset=latin1");
    EXPECT_EQ(handlers.handle(latin).response.status, 415);
    EXPECT_EQ(backend.calls, 0);
    HttpRequest ok = authed("POST", "/v1/datasets");
    ok.headers.emplace_back("content-type", "Application/JSON; Charset=\"UTF-8\"");
    ok.body = "{}";
    EXPECT_EQ(handlers.handle(ok).response.status, 201);
}

TEST_F(FrontHandlers, BodyMustBeUtf8WithoutNul) {
    for (std::string body : {std::string("{\"name\":\"a\0b\"}", 14), std::string("{\"name\":\"\xff\"}"),
                             std::string("\xc0\xaf")}) {
        Outcome o = handlers.handle(with_json(authed("POST", "/v1/datasets"), body));
        EXPECT_EQ(o.response.status, 400);
        EXPECT_EQ(code(o), "invalid_json");
    }
    EXPECT_EQ(backend.calls, 0);
    // Not JSON, but UTF-8: that is the database's to say.
    EXPECT_EQ(handlers.handle(with_json(authed("POST", "/v1/datasets"), "not json")).response.status, 201);
}

TEST_F(FrontHandlers, AnIdNoDatasetCanHaveIs404WithoutDatabase) {
    Outcome o = handlers.handle(authed("GET", std::string("/v1/datasets/a\0b", 16)));
    EXPECT_EQ(o.response.status, 404);
    EXPECT_EQ(code(o), "not_found");
    EXPECT_EQ(backend.calls, 0);
}

TEST_F(FrontHandlers, DatabaseErrorsPassThroughTheEnvelope) {
    backend.next.row.reset();
    backend.next.error = from_pg_error("IP422", "visibility must be one of private, restricted, listed", "",
                                       std::string("visibility"));
    Outcome o = handlers.handle(with_json(authed("POST", "/v1/datasets"), R"({"visibility":"public"})"));
    EXPECT_EQ(o.response.status, 422);
    auto d = json(o);
    EXPECT_STREQ(d["error"]["code"].GetString(), "validation_error");
    EXPECT_STREQ(d["error"]["field"].GetString(), "visibility");
    EXPECT_FALSE(o.tenant);
    EXPECT_FALSE(header(o, "Location"));
}

TEST_F(FrontHandlers, RejectEarlyNeedsNoBody) {
    EXPECT_FALSE(handlers.reject_early(with_json(authed("POST", "/v1/datasets"), "")));
    auto unauth = handlers.reject_early(request("POST", "/v1/datasets"));
    ASSERT_TRUE(unauth);
    EXPECT_EQ(unauth->response.status, 401);
    auto route = handlers.reject_early(request("POST", "/elsewhere"));
    ASSERT_TRUE(route);
    EXPECT_EQ(route->response.status, 404);
    auto media = handlers.reject_early(authed("PATCH", "/v1/datasets/x"));
    ASSERT_TRUE(media);
    EXPECT_EQ(media->response.status, 415);
    EXPECT_EQ(backend.calls, 0);
}

TEST_F(FrontHandlers, ErrorOutcomeCarriesTheRoute) {
    Outcome o = handlers.error(request("POST", "/v1/datasets"), front_error(FrontError::payload_too_large));
    EXPECT_EQ(o.response.status, 413);
    EXPECT_EQ(o.route, "/v1/datasets");
    EXPECT_EQ(code(o), "payload_too_large");
}

}  // namespace
}  // namespace ipto::front
