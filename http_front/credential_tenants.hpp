// Which tenant a credential belongs to, as the database said in earlier
// answers. The front learns it only after a call (authentication is the
// database's), and uses it before the next one: to queue a request under
// its tenant for a fair share of the database, and to apply the tenant's
// rate limit. A credential not seen yet is its own key until its first
// answer. Bounded: when full it starts over.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace ipto::front {

class CredentialTenants {
public:
    explicit CredentialTenants(std::size_t max_entries = 100000) : max_entries_(max_entries) {}

    // "kind:public part": what identifies a credential without its secret.
    static std::string credential_key(const std::string& kind, const std::string& public_part);

    void learn(const std::string& credential, const std::string& tenant_id);
    std::optional<std::string> tenant_of(const std::string& credential) const;
    // The tenant if known, else the credential itself ("?" + credential).
    std::string share_key(const std::string& credential) const;

private:
    const std::size_t max_entries_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::string> tenants_;
};

}  // namespace ipto::front
