// Rate limits in the front: what one front lets through between two syncs,
// and what it tells the client. No database, no clock: the tests drive the
// sync's halves (take_usage, apply) by hand.
#include <gtest/gtest.h>

#include "credential_tenants.hpp"
#include "rate_limits.hpp"

using ipto::front::CredentialTenants;
using ipto::front::RateLimits;

namespace {

struct FrontRateLimits : ::testing::Test {
    CredentialTenants tenants;
    RateLimits limits{tenants};
    const std::string key = CredentialTenants::credential_key("api_key", "abcdefgh");

    void SetUp() override { tenants.learn(key, "tnt_000000000001"); }
    void limit(int rate, int burst, double tokens, int fronts) {
        limits.apply({{"tnt_000000000001", rate, burst, tokens, fronts}});
    }
    int admitted(int tries) {
        int n = 0;
        for (int i = 0; i < tries; ++i) n += limits.admit(key).allowed ? 1 : 0;
        return n;
    }
};

TEST_F(FrontRateLimits, UnknownCredentialsAndUnlimitedTenantsPass) {
    auto v = limits.admit(CredentialTenants::credential_key("api_key", "zzzzzzzz"));
    EXPECT_TRUE(v.allowed);
    EXPECT_FALSE(v.limited);
    v = limits.admit(key);  // no limit applied yet
    EXPECT_TRUE(v.allowed);
    EXPECT_FALSE(v.limited);
}

TEST_F(FrontRateLimits, AFrontLetsThroughItsShareOfTheBucketUntilTheNextSync) {
    limit(10, 20, 20, 2);  // 20 tokens left, 2 fronts: 10 for this one
    EXPECT_EQ(admitted(50), 10);
    auto refused = limits.admit(key);
    EXPECT_FALSE(refused.allowed);
    EXPECT_TRUE(refused.limited);
    EXPECT_EQ(refused.limit, 20);
    EXPECT_EQ(refused.window_seconds, 2);
    EXPECT_EQ(refused.remaining, 0);
    EXPECT_GE(refused.retry_after, 1);
    EXPECT_EQ(limits.refused(), 41u);
    // The sync reports what was let through, once.
    auto usage = limits.take_usage();
    ASSERT_EQ(usage.tenants.size(), 1u);
    EXPECT_EQ(usage.used[0], 10);
    EXPECT_TRUE(limits.take_usage().tenants.empty());
}

TEST_F(FrontRateLimits, RemainingNeverPromisesARequestThisFrontWouldRefuse) {
    limit(10, 20, 3, 2);  // 3 tokens between 2 fronts: 1.5 for this one
    auto last = limits.admit(key);
    EXPECT_TRUE(last.allowed);
    EXPECT_EQ(last.remaining, 0);  // half a token is left here, not one
    auto refused = limits.admit(key);
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.remaining, 0);
    limits.take_usage();
    limit(10, 20, 7, 2);  // the next sync: 3.5 here, so 2.5 after one more
    auto passed = limits.admit(key);
    EXPECT_TRUE(passed.allowed);
    EXPECT_EQ(passed.remaining, 4);  // two whole ones here, two at the other front
    EXPECT_EQ(admitted(2), 2);
    EXPECT_FALSE(limits.admit(key).allowed);
}

TEST_F(FrontRateLimits, ADebtLetsNothingThroughAndRemovingTheLimitLetsAllThrough) {
    limit(5, 10, -3, 1);
    EXPECT_EQ(admitted(5), 0);
    EXPECT_EQ(limits.admit(key).retry_after, 1);  // a token for this front within a second at 5/s
    limits.apply({});
    EXPECT_EQ(admitted(100), 100);
}

TEST_F(FrontRateLimits, RequestsLetThroughWhileASyncIsInFlightCountAgainstItsAnswer) {
    limit(100, 100, 100, 1);
    EXPECT_EQ(admitted(30), 30);
    auto usage = limits.take_usage();          // sent: 30 used
    EXPECT_EQ(admitted(5), 5);                 // while the sync runs
    limit(100, 100, 70, 1);                    // the answer counts the 30, not the 5
    EXPECT_EQ(admitted(100), 65);
    limits.give_back(usage);                   // had the sync failed, counted next time
    EXPECT_EQ(limits.take_usage().used[0], 30 + 5 + 65);
}

}  // namespace
