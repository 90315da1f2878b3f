// Scopes a credential may carry, and what each grants.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ipto {

inline constexpr std::string_view kScopeRead = "datasets:read";
inline constexpr std::string_view kScopeWrite = "datasets:write";
inline constexpr std::string_view kScopeAdmin = "admin:*";

bool is_known_scope(std::string_view scope);

// Throws a validation error naming `field` for an empty list or an unknown scope.
void validate_scopes(const std::vector<std::string>& scopes, const char* field = "scopes");

// True when `held` grants `needed` (admin:* grants every scope).
bool scopes_grant(const std::vector<std::string>& held, std::string_view needed);

}  // namespace ipto
