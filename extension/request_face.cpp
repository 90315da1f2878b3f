// The request face (docs/request-face.md): what ipto-front calls, one
// function per endpoint. Each authenticates, checks the scope, and does the
// work in the caller's single statement; the answer is the JSON of the
// envelope's "data", already in the API's field order (docs/api.md).
#include "auth.hpp"
#include "dataset_store.hpp"
#include "errors.hpp"
#include "scopes.hpp"
#include "sha256.hpp"
#include "spi.hpp"
#include "sql_values.hpp"

namespace ipto {
namespace {

auth::Principal principal(FunctionCallInfo fcinfo, std::string_view scope) {
    auto who = auth::authenticate(sql::arg_text(fcinfo, 0), sql::arg_text(fcinfo, 1), sql::arg_text(fcinfo, 2));
    auth::require_scope(who, scope);
    return who;
}

Datum answer(FunctionCallInfo fcinfo, const auth::Principal& who, const std::optional<std::string>& resource,
             const std::string& data) {
    return sql::row_of_texts(fcinfo, {who.tenant_id, resource, data});
}

std::string body_arg(FunctionCallInfo fcinfo, int n) {
    auto body = sql::arg_text(fcinfo, n);
    if (!body) throw Error(ErrorKind::invalid_json, "the request body is empty", {}, "send a JSON object");
    return *body;
}

void validate_idempotency_key(const std::string& key) {
    bool ok = !key.empty() && key.size() <= 255;
    for (char c : key) ok = ok && c >= 0x21 && c <= 0x7e;
    if (!ok) {
        throw Error(ErrorKind::bad_request, "the Idempotency-Key header is not valid", "Idempotency-Key",
                    "use 1 to 255 visible ASCII characters, such as a UUID");
    }
}

struct Replay {
    std::string dataset_id;
    std::string response;
};

// Claims the key for this request, or finds the request that claimed it in
// the last 24 hours. A concurrent first request holds the row lock until it
// commits, so the second waits and then replays its answer.
std::optional<Replay> claim_idempotency_key(const std::string& tenant_id, const std::string& key,
                                            const std::string& request_digest) {
    static spi::Statement claim(
        "INSERT INTO ipto.idempotency_keys AS k (tenant_id, idempotency_key, request_sha256) VALUES ($1, $2, $3)"
        " ON CONFLICT (tenant_id, idempotency_key) DO UPDATE SET request_sha256 = excluded.request_sha256,"
        " dataset_id = NULL, response = NULL, created_at = $4"
        " WHERE k.created_at < $5 RETURNING true",
        {TEXTOID, TEXTOID, BYTEAOID, TIMESTAMPTZOID, TIMESTAMPTZOID});
    static spi::Statement prior(
        "SELECT request_sha256, dataset_id, response FROM ipto.idempotency_keys"
        " WHERE tenant_id = $1 AND idempotency_key = $2",
        {TEXTOID, TEXTOID});
    spi::Connection spi;
    spi::Params p;
    // Times passed in: Citus allows no stable function or operator in an
    // ON CONFLICT clause.
    TimestampTz now = GetCurrentTransactionStartTimestamp();
    p.text(tenant_id).text(key).bytea(request_digest).datum(TimestampTzGetDatum(now), false);
    p.datum(TimestampTzGetDatum(now - 24 * USECS_PER_HOUR), false);
    if (spi::execute(claim, p).rows() == 1) {
        spi.finish();
        return std::nullopt;
    }
    spi::Params q;
    q.text(tenant_id).text(key);
    auto r = spi::execute(prior, q);
    if (r.rows() != 1 || r.bytea(0, 1) != request_digest || !r.text(0, 3)) {
        throw Error(ErrorKind::idempotency_conflict, "this Idempotency-Key was already used with a different request",
                    "Idempotency-Key", "a key may be reused only with the same body, within 24 hours");
    }
    Replay replay{r.text_required(0, 2), r.text_required(0, 3)};
    spi.finish();
    return replay;
}

void remember_response(const std::string& tenant_id, const std::string& key, const std::string& dataset_id,
                       const std::string& response) {
    static spi::Statement remember(
        "UPDATE ipto.idempotency_keys SET dataset_id = $3, response = $4 WHERE tenant_id = $1 AND idempotency_key = $2",
        {TEXTOID, TEXTOID, TEXTOID, TEXTOID});
    spi::Connection spi;
    spi::Params p;
    p.text(tenant_id).text(key).text(dataset_id).text(response);
    spi::execute(remember, p);
    spi.finish();
}

}  // namespace
}  // namespace ipto

using namespace ipto;

IPTO_FUNCTION(ipto_api_create_dataset) {
    auto who = principal(fcinfo, kScopeWrite);
    DatasetFields fields = parse_dataset_body(body_arg(fcinfo, 3), BodyPurpose::create);
    auto key = sql::arg_text(fcinfo, 4);
    if (key) {
        validate_idempotency_key(*key);
        Digest d = sha256(canonical_text(fields));
        std::string digest(reinterpret_cast<const char*>(d.data()), d.size());
        if (auto replay = claim_idempotency_key(who.tenant_id, *key, digest)) {
            return answer(fcinfo, who, replay->dataset_id, replay->response);
        }
    }
    DatasetRecord created = store::create_dataset(who.tenant_id, fields);
    std::string data = dataset_json(created);
    if (key) remember_response(who.tenant_id, *key, created.dataset_id, data);
    return answer(fcinfo, who, created.dataset_id, data);
}

IPTO_FUNCTION(ipto_api_get_dataset) {
    auto who = principal(fcinfo, kScopeRead);
    std::string id = sql::arg_text(fcinfo, 3).value_or("");
    DatasetRecord d = store::get_dataset(who.tenant_id, id);
    return answer(fcinfo, who, d.dataset_id, dataset_json(d));
}

IPTO_FUNCTION(ipto_api_list_datasets) {
    auto who = principal(fcinfo, kScopeRead);
    store::ListQuery q;
    q.cursor = sql::arg_text(fcinfo, 3);
    auto limit = sql::arg_text(fcinfo, 4);
    q.limit = parse_limit(limit ? std::optional<std::string_view>(*limit) : std::nullopt);
    q.status = sql::arg_text(fcinfo, 5);
    q.visibility = sql::arg_text(fcinfo, 6);
    q.owner = sql::arg_text(fcinfo, 7);
    auto page = store::list_datasets(who.tenant_id, q);
    return answer(fcinfo, who, std::nullopt, dataset_page_json(page.datasets, page.total, page.next_cursor));
}

IPTO_FUNCTION(ipto_api_update_dataset) {
    auto who = principal(fcinfo, kScopeWrite);
    std::string id = sql::arg_text(fcinfo, 3).value_or("");
    DatasetFields changes = parse_dataset_body(body_arg(fcinfo, 4), BodyPurpose::update);
    store::Precondition expected;
    expected.if_match = sql::arg_text_if_declared(fcinfo, 5);
    DatasetRecord d = store::update_dataset(who.tenant_id, id, changes, expected);
    return answer(fcinfo, who, d.dataset_id, dataset_json(d));
}

IPTO_FUNCTION(ipto_api_delete_dataset) {
    auto who = principal(fcinfo, kScopeWrite);
    std::string id = sql::arg_text(fcinfo, 3).value_or("");
    store::Precondition expected;
    expected.if_match = sql::arg_text_if_declared(fcinfo, 4);
    store::delete_dataset(who.tenant_id, id, expected);
    return answer(fcinfo, who, id, "{}");
}
