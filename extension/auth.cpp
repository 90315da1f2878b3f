#include "auth.hpp"

#include <map>

#include "boundary.hpp"
#include "errors.hpp"
#include "ids.hpp"
#include "placement.hpp"
#include "scopes.hpp"
#include "sha256.hpp"
#include "spi.hpp"

namespace ipto::auth {
namespace {

Error invalid() {
    return Error(ErrorKind::invalid_credentials, "the credential is not valid", {},
                 "it is unknown, revoked or expired; ask the tenant's operator for a new one");
}

std::optional<std::string> digest_bytes(const std::optional<std::string>& hex) {
    if (!hex || hex->size() != 64) return std::nullopt;
    std::string out(32, '\0');
    for (std::size_t i = 0; i < 32; ++i) {
        int v = 0;
        for (int k = 0; k < 2; ++k) {
            char c = (*hex)[2 * i + k];
            int x = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
            if (x < 0) return std::nullopt;
            v = v * 16 + x;
        }
        out[i] = static_cast<char>(v);
    }
    return out;
}

void set_request_tenant(const std::string& tenant_id) {
    const char* value = tenant_id.c_str();
    // Local to the function call (its SET clause opens a GUC nest level).
    pg::call([&] {
        return set_config_option("ipto.tenant_id", value, PGC_USERSET, PGC_S_SESSION, GUC_ACTION_LOCAL, true, 0, false);
    });
    if (!placement::citus_present()) return;
    // On Citus, a statement's shard queries run in other sessions, on the
    // workers: the tenant goes there too, so the policies there see it.
    if (!is_valid_id(IdKind::tenant, tenant_id)) throw Error(ErrorKind::internal, "a stored tenant id is malformed");
    placement::set_local_on_workers("ipto.tenant_id", tenant_id);
}

// When the key was last used: written at most once a minute per key and
// backend, so a read stays (almost) read-only. Kept with the tenant's rows
// (a write to the global credential tables would reach every node).
std::map<std::string, TimestampTz> touched;  // committed touches of this backend
std::optional<std::pair<std::string, TimestampTz>> touch_pending;

void on_transaction_end(XactEvent event, void*) {
    if (event == XACT_EVENT_COMMIT && touch_pending) {
        if (touched.size() > 10000) touched.clear();  // bounded: a forgotten key is only touched again
        touched[touch_pending->first] = touch_pending->second;
    }
    if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT) touch_pending.reset();
}

void touch_api_key(const std::string& tenant_id, const std::string& api_key_id) {
    static bool registered = false;
    if (!registered) {
        pg::call([] { RegisterXactCallback(on_transaction_end, nullptr); });
        registered = true;
    }
    TimestampTz now = GetCurrentTransactionStartTimestamp();
    auto it = touched.find(api_key_id);
    if (it != touched.end() && now - it->second < 60 * USECS_PER_SEC && now >= it->second) return;
    static spi::Statement touch(
        "INSERT INTO ipto.api_key_uses AS u (tenant_id, api_key_id, last_used_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (tenant_id, api_key_id) DO UPDATE SET last_used_at = excluded.last_used_at"
        " WHERE u.last_used_at < $4",
        {TEXTOID, TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID});
    // A database of an older version keeps the time on the key itself.
    static spi::Statement touch_key(
        "UPDATE ipto.api_keys SET last_used_at = $3 WHERE api_key_id = $2"
        " AND $1::text IS NOT NULL AND (last_used_at IS NULL OR last_used_at < $4)",
        {TEXTOID, TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID});
    spi::Params p;
    // Times computed here: Citus allows no stable function or operator in
    // an ON CONFLICT clause.
    p.text(tenant_id).text(api_key_id).datum(TimestampTzGetDatum(now), false);
    p.datum(TimestampTzGetDatum(now - 60 * USECS_PER_SEC), false);
    spi::execute(placement::has_relation("api_key_uses") ? touch : touch_key, p);
    touch_pending.emplace(api_key_id, now);
}

}  // namespace

Principal authenticate(const std::optional<std::string>& kind, const std::optional<std::string>& credential_id,
                       const std::optional<std::string>& digest_hex) {
    // Credentials are global tables: on Citus, every node's copy answers.
    static spi::ReplicaStatement api_key(
        "SELECT tenant_id, secret_sha256, scopes,"
        " revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()), true, api_key_id"
        " FROM {api_keys} WHERE prefix = $1",
        {TEXTOID});
    static spi::ReplicaStatement session(
        "SELECT tenant_id, secret_sha256, scopes, revoked_at IS NULL AND expires_at > now(), false, session_id"
        " FROM {sessions} WHERE session_id = $1",
        {TEXTOID});

    auto digest = digest_bytes(digest_hex);
    if (!kind || !credential_id || !digest) throw invalid();
    spi::ReplicaStatement* lookup = *kind == "api_key" ? &api_key : *kind == "session" ? &session : nullptr;
    if (!lookup) throw invalid();

    spi::Connection spi;
    spi::Params p;
    p.text(*credential_id);
    auto r = spi::execute(lookup->here(), p);
    // Compare even when nothing was found, so timing does not tell.
    std::string stored = r.rows() == 1 ? r.bytea(0, 2) : std::string(32, '\0');
    bool match = constant_time_equal(stored, *digest);
    if (r.rows() != 1 || !match || !r.boolean(0, 4)) throw invalid();
    Principal who{r.text_required(0, 1), r.text_array(0, 3)};
    std::optional<std::string> key_id;
    if (r.boolean(0, 5)) key_id = r.text_required(0, 6);
    spi.finish();
    set_request_tenant(who.tenant_id);
    if (key_id) {
        spi::Connection touching;  // under the tenant's policies
        touch_api_key(who.tenant_id, *key_id);
        touching.finish();
    }
    return who;
}

void require_scope(const Principal& principal, std::string_view scope) {
    if (scopes_grant(principal.scopes, scope)) return;
    throw Error(ErrorKind::insufficient_scope, "this request needs the scope " + std::string(scope), {},
                "use a credential whose scopes include " + std::string(scope) + " or admin:*");
}

}  // namespace ipto::auth
