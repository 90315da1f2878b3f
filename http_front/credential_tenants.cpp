#include "credential_tenants.hpp"

namespace ipto::front {

std::string CredentialTenants::credential_key(const std::string& kind, const std::string& public_part) {
    return kind + ":" + public_part;
}

void CredentialTenants::learn(const std::string& credential, const std::string& tenant_id) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = tenants_.find(credential);
    if (it != tenants_.end()) {
        if (it->second != tenant_id) it->second = tenant_id;
        return;
    }
    if (tenants_.size() >= max_entries_) tenants_.clear();
    tenants_.emplace(credential, tenant_id);
}

std::optional<std::string> CredentialTenants::tenant_of(const std::string& credential) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = tenants_.find(credential);
    if (it == tenants_.end()) return std::nullopt;
    return it->second;
}

std::string CredentialTenants::share_key(const std::string& credential) const {
    auto tenant = tenant_of(credential);
    return tenant ? *tenant : "?" + credential;
}

}  // namespace ipto::front
