#include "scopes.hpp"

#include "errors.hpp"

namespace ipto {

bool is_known_scope(std::string_view s) { return s == kScopeRead || s == kScopeWrite || s == kScopeAdmin; }

void validate_scopes(const std::vector<std::string>& scopes, const char* field) {
    const char* allowed = "allowed scopes: datasets:read, datasets:write, admin:*";
    if (scopes.empty()) throw Error(ErrorKind::validation, "a credential needs at least one scope", field, allowed);
    for (const auto& s : scopes) {
        if (!is_known_scope(s)) throw Error(ErrorKind::validation, "unknown scope \"" + s + "\"", field, allowed);
    }
}

bool scopes_grant(const std::vector<std::string>& held, std::string_view needed) {
    for (const auto& s : held) {
        if (s == needed || s == kScopeAdmin) return true;
    }
    return false;
}

}  // namespace ipto
