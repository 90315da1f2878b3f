// Authentication for the request face: a credential's kind, public part and
// the SHA-256 of its secret, checked against what is stored, in constant time.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ipto::auth {

struct Principal {
    std::string tenant_id;
    std::vector<std::string> scopes;
};

// Throws invalid_credentials for anything but a live credential (unknown,
// revoked, expired, wrong secret: one answer, so none is told apart). On
// success the transaction's ipto.tenant_id is the principal's tenant, which
// row-level security keys on.
Principal authenticate(const std::optional<std::string>& kind, const std::optional<std::string>& credential_id,
                       const std::optional<std::string>& digest_hex);

// Throws insufficient_scope naming the scope needed.
void require_scope(const Principal& principal, std::string_view scope);

}  // namespace ipto::auth
