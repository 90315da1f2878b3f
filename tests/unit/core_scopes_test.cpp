// Credential scopes: datasets:read, datasets:write, admin:* (docs/api.md, Scopes).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core_test_helpers.hpp"
#include "errors.hpp"
#include "scopes.hpp"

using ipto::ErrorKind;
using ipto_test::ThrowsIptoError;

namespace {

using Scopes = std::vector<std::string>;

TEST(CoreScopes, KnownScopes) {
    EXPECT_TRUE(ipto::is_known_scope("datasets:read"));
    EXPECT_TRUE(ipto::is_known_scope("datasets:write"));
    EXPECT_TRUE(ipto::is_known_scope("admin:*"));
    EXPECT_EQ(ipto::kScopeRead, "datasets:read");
    EXPECT_EQ(ipto::kScopeWrite, "datasets:write");
    EXPECT_EQ(ipto::kScopeAdmin, "admin:*");
    for (const char* s : {"", "datasets:*", "datasets:delete", "DATASETS:READ", "datasets:read ", " datasets:read",
                          "admin", "admin:", "*", "datasets"}) {
        EXPECT_FALSE(ipto::is_known_scope(s)) << "\"" << s << "\"";
    }
}

TEST(CoreScopes, ValidateAcceptsKnownScopes) {
    EXPECT_NO_THROW(ipto::validate_scopes(Scopes{"datasets:read"}));
    EXPECT_NO_THROW(ipto::validate_scopes(Scopes{"datasets:write"}));
    EXPECT_NO_THROW(ipto::validate_scopes(Scopes{"admin:*"}));
    EXPECT_NO_THROW(ipto::validate_scopes(Scopes{"datasets:read", "datasets:write", "admin:*"}));
}

TEST(CoreScopes, ValidateRejectsEmptyList) {
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_scopes(Scopes{}); }, ErrorKind::validation, "scopes"));
}

TEST(CoreScopes, ValidateRejectsUnknownScope) {
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_scopes(Scopes{"datasets:delete"}); }, ErrorKind::validation,
                                "scopes"));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_scopes(Scopes{"datasets:read", "root"}); },
                                ErrorKind::validation, "scopes"));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_scopes(Scopes{"Datasets:Read"}); }, ErrorKind::validation,
                                "scopes"));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_scopes(Scopes{""}); }, ErrorKind::validation, "scopes"));
}

TEST(CoreScopes, ValidateNamesTheGivenField) {
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_scopes(Scopes{}, "p_scopes"); }, ErrorKind::validation,
                                "p_scopes"));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_scopes(Scopes{"x"}, "p_scopes"); }, ErrorKind::validation,
                                "p_scopes"));
}

TEST(CoreScopes, ValidateErrorSaysWhatIsAllowed) {
    try {
        ipto::validate_scopes(Scopes{"datasets:delete"});
        FAIL() << "no error";
    } catch (const ipto::Error& e) {
        std::string all = std::string(e.what()) + e.detail() + e.hint();
        EXPECT_NE(std::string(e.what()).find("datasets:delete"), std::string::npos) << e.what();
        EXPECT_NE(all.find("datasets:read"), std::string::npos);
        EXPECT_NE(all.find("datasets:write"), std::string::npos);
        EXPECT_NE(all.find("admin:*"), std::string::npos);
    }
}

TEST(CoreScopes, GrantExactScope) {
    EXPECT_TRUE(ipto::scopes_grant(Scopes{"datasets:read"}, ipto::kScopeRead));
    EXPECT_TRUE(ipto::scopes_grant(Scopes{"datasets:write"}, ipto::kScopeWrite));
    EXPECT_TRUE(ipto::scopes_grant(Scopes{"datasets:read", "datasets:write"}, ipto::kScopeWrite));
}

TEST(CoreScopes, ReadDoesNotGrantWrite) {
    EXPECT_FALSE(ipto::scopes_grant(Scopes{"datasets:read"}, ipto::kScopeWrite));
    EXPECT_FALSE(ipto::scopes_grant(Scopes{"datasets:read"}, ipto::kScopeAdmin));
    EXPECT_FALSE(ipto::scopes_grant(Scopes{"datasets:write"}, ipto::kScopeAdmin));
}

TEST(CoreScopes, NothingGrantsNothing) {
    EXPECT_FALSE(ipto::scopes_grant(Scopes{}, ipto::kScopeRead));
    EXPECT_FALSE(ipto::scopes_grant(Scopes{}, ipto::kScopeWrite));
    EXPECT_FALSE(ipto::scopes_grant(Scopes{}, ipto::kScopeAdmin));
}

TEST(CoreScopes, AdminGrantsEveryScope) {
    EXPECT_TRUE(ipto::scopes_grant(Scopes{"admin:*"}, ipto::kScopeRead));
    EXPECT_TRUE(ipto::scopes_grant(Scopes{"admin:*"}, ipto::kScopeWrite));
    EXPECT_TRUE(ipto::scopes_grant(Scopes{"admin:*"}, ipto::kScopeAdmin));
    EXPECT_TRUE(ipto::scopes_grant(Scopes{"datasets:read", "admin:*"}, ipto::kScopeWrite));
}

TEST(CoreScopes, NearMissesGrantNothing) {
    // Only the exact scope text counts: no prefixes, wildcards or case folding.
    EXPECT_FALSE(ipto::scopes_grant(Scopes{"datasets:*"}, ipto::kScopeRead));
    EXPECT_FALSE(ipto::scopes_grant(Scopes{"admin"}, ipto::kScopeRead));
    EXPECT_FALSE(ipto::scopes_grant(Scopes{"ADMIN:*"}, ipto::kScopeRead));
    EXPECT_FALSE(ipto::scopes_grant(Scopes{"datasets:read "}, ipto::kScopeRead));
    EXPECT_FALSE(ipto::scopes_grant(Scopes{"datasets"}, ipto::kScopeRead));
}

}  // namespace
