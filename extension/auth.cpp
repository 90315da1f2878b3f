#include "auth.hpp"

#include "boundary.hpp"
#include "errors.hpp"
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
}

}  // namespace

Principal authenticate(const std::optional<std::string>& kind, const std::optional<std::string>& credential_id,
                       const std::optional<std::string>& digest_hex) {
    static spi::Statement api_key(
        "SELECT tenant_id, secret_sha256, scopes,"
        " revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()),"
        " last_used_at IS NULL OR last_used_at < now() - interval '1 minute', api_key_id"
        " FROM ipto.api_keys WHERE prefix = $1",
        {TEXTOID});
    static spi::Statement session(
        "SELECT tenant_id, secret_sha256, scopes, revoked_at IS NULL AND expires_at > now(), false, session_id"
        " FROM ipto.sessions WHERE session_id = $1",
        {TEXTOID});
    // Written at most once a minute per key: a read stays (almost) read-only.
    static spi::Statement touch("UPDATE ipto.api_keys SET last_used_at = now() WHERE api_key_id = $1", {TEXTOID});

    auto digest = digest_bytes(digest_hex);
    if (!kind || !credential_id || !digest) throw invalid();
    spi::Statement* lookup = *kind == "api_key" ? &api_key : *kind == "session" ? &session : nullptr;
    if (!lookup) throw invalid();

    spi::Connection spi;
    spi::Params p;
    p.text(*credential_id);
    auto r = spi::execute(*lookup, p);
    // Compare even when nothing was found, so timing does not tell.
    std::string stored = r.rows() == 1 ? r.bytea(0, 2) : std::string(32, '\0');
    bool match = constant_time_equal(stored, *digest);
    if (r.rows() != 1 || !match || !r.boolean(0, 4)) throw invalid();
    Principal who{r.text_required(0, 1), r.text_array(0, 3)};
    if (r.boolean(0, 5)) {
        spi::Params t;
        t.text(r.text_required(0, 6));
        spi::execute(touch, t);
    }
    spi.finish();
    set_request_tenant(who.tenant_id);
    return who;
}

void require_scope(const Principal& principal, std::string_view scope) {
    if (scopes_grant(principal.scopes, scope)) return;
    throw Error(ErrorKind::insufficient_scope, "this request needs the scope " + std::string(scope), {},
                "use a credential whose scopes include " + std::string(scope) + " or admin:*");
}

}  // namespace ipto::auth
