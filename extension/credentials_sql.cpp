// API keys and sessions: minted here, shown once, stored as prefix or id
// plus the SHA-256 of the secret.
#include <string>

#include "credentials.hpp"
#include "dataset_store.hpp"
#include "errors.hpp"
#include "random.hpp"
#include "scopes.hpp"
#include "sha256.hpp"
#include "spi.hpp"
#include "sql_values.hpp"
#include "validation.hpp"

using namespace ipto;

namespace {

std::string digest_of(const std::string& secret) {
    Digest d = sha256(secret);
    return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

std::vector<std::string> scopes_arg(FunctionCallInfo fcinfo, int n) {
    auto scopes = sql::arg_text_array(fcinfo, n);
    if (!scopes) throw Error(ErrorKind::validation, "scopes must not be null", "scopes", "for example ARRAY['datasets:read']");
    validate_scopes(*scopes);
    return *scopes;
}

}  // namespace

IPTO_FUNCTION(ipto_create_api_key) {
    std::string tenant = sql::arg_text_required(fcinfo, 0, "tenant_id");
    std::string name = sql::arg_text_required(fcinfo, 1, "name");
    validate_credential_name(name);
    std::vector<std::string> scopes = scopes_arg(fcinfo, 2);
    bool expires = !PG_ARGISNULL(3);
    Datum expires_at = expires ? PG_GETARG_DATUM(3) : 0;
    store::require_tenant(tenant);

    static spi::Statement insert(
        "INSERT INTO ipto.api_keys (api_key_id, tenant_id, name, prefix, secret_sha256, scopes, expires_at)"
        " SELECT $1, $2, $3, $4, $5, $6, $7 WHERE $7 IS NULL OR $7 > now()"
        " ON CONFLICT DO NOTHING RETURNING api_key_id",
        {TEXTOID, TEXTOID, TEXTOID, TEXTOID, BYTEAOID, TEXTARRAYOID, TIMESTAMPTZOID});
    static spi::Statement in_future("SELECT $1 > now()", {TIMESTAMPTZOID});
    spi::Connection spi;
    if (expires) {
        spi::Params f;
        f.datum(expires_at, false);
        if (!spi::execute(in_future, f).boolean(0, 1)) {
            throw Error(ErrorKind::validation, "expires_at is not in the future", "expires_at",
                        "pass a future time, or NULL for a key that does not expire");
        }
    }
    for (int attempt = 0; attempt < 4; ++attempt) {
        MintedCredential key = mint_api_key(ext::strong_random());
        spi::Params p;
        p.text(ext::new_id(IdKind::api_key)).text(tenant).text(name).text(key.public_part).bytea(digest_of(key.secret));
        p.text_array(scopes).datum(expires_at, !expires);
        if (spi::execute(insert, p).rows() == 1) {
            spi.finish();
            return sql::text_datum(key.whole);
        }
    }
    throw Error(ErrorKind::internal, "could not allocate an API key prefix");
}

IPTO_FUNCTION(ipto_revoke_api_key) {
    std::string id = sql::arg_text_required(fcinfo, 0, "api_key_id");
    static spi::Statement revoke(
        "UPDATE ipto.api_keys SET revoked_at = coalesce(revoked_at, $2) WHERE api_key_id = $1", {TEXTOID, TIMESTAMPTZOID});
    spi::Connection spi;
    spi::Params p;
    p.text(id).datum(TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()), false);  // now(), for Citus
    if (spi::execute(revoke, p).rows() == 0) {
        throw Error(ErrorKind::not_found, "API key " + std::string(is_valid_id(IdKind::api_key, id) ? id : "(malformed id)") + " not found", "api_key_id",
                    "API key ids look like key_0123456789ab; see ipto.api_keys");
    }
    spi.finish();
    return sql::void_datum();
}

IPTO_FUNCTION(ipto_create_session) {
    std::string tenant = sql::arg_text_required(fcinfo, 0, "tenant_id");
    std::vector<std::string> scopes = scopes_arg(fcinfo, 1);
    if (PG_ARGISNULL(2)) throw Error(ErrorKind::validation, "ttl must not be null", "ttl", "for example interval '24 hours'");
    Datum ttl = PG_GETARG_DATUM(2);
    store::require_tenant(tenant);
    static spi::Statement insert(
        "INSERT INTO ipto.sessions (session_id, tenant_id, secret_sha256, scopes, expires_at)"
        " SELECT $1, $2, $3, $4, now() + $5 WHERE now() + $5 > now()"
        " ON CONFLICT DO NOTHING RETURNING session_id",
        {TEXTOID, TEXTOID, BYTEAOID, TEXTARRAYOID, INTERVALOID});
    static spi::Statement positive("SELECT now() + $1 > now()", {INTERVALOID});
    spi::Connection spi;
    spi::Params check;
    check.datum(ttl, false);
    if (!spi::execute(positive, check).boolean(0, 1)) {
        throw Error(ErrorKind::validation, "ttl is not positive", "ttl", "a session lives for a positive interval, such as '1 hour'");
    }
    for (int attempt = 0; attempt < 4; ++attempt) {
        MintedCredential token = mint_session_token(ext::strong_random());
        spi::Params p;
        p.text(token.public_part).text(tenant).bytea(digest_of(token.secret)).text_array(scopes).datum(ttl, false);
        if (spi::execute(insert, p).rows() == 1) {
            spi.finish();
            return sql::text_datum(token.whole);
        }
    }
    throw Error(ErrorKind::internal, "could not allocate a session id");
}

IPTO_FUNCTION(ipto_revoke_session) {
    // The whole token, or its public id (its first 16 characters, as in
    // ipto.sessions.session_id): revoking by id keeps the secret out of any
    // statement log.
    std::string token = sql::arg_text_required(fcinfo, 0, "token");
    static spi::Statement find("SELECT secret_sha256 FROM ipto.sessions WHERE session_id = $1", {TEXTOID});
    static spi::Statement revoke(
        "UPDATE ipto.sessions SET revoked_at = coalesce(revoked_at, $2) WHERE session_id = $1", {TEXTOID, TIMESTAMPTZOID});
    auto parsed = parse_session_token(token);
    std::string id = parsed ? parsed->public_part : token;
    bool id_only = !parsed;
    if (id_only && (id.size() != 16 || id.find_first_not_of(
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != std::string::npos)) {
        throw Error(ErrorKind::validation, "token is not a session token or session id", "token",
                    "pass the session id (ipto.sessions.session_id, the token's first 16 characters) or the whole token");
    }
    spi::Connection spi;
    spi::Params p;
    p.text(id);
    auto r = spi::execute(find, p);
    if (r.rows() != 1 || (!id_only && !constant_time_equal(r.bytea(0, 1), digest_of(parsed->secret)))) {
        throw Error(ErrorKind::not_found, "session not found", "token", "it may have been mistyped");
    }
    spi::Params q;
    q.text(id).datum(TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()), false);  // now(), for Citus
    spi::execute(revoke, q);
    spi.finish();
    return sql::void_datum();
}
