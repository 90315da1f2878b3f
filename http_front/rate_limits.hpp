// Per-tenant rate limits, enforced in the front before a request costs the
// database anything, without a database round trip per request.
//
// The bucket of each limited tenant lives in the database
// (ipto.tenant_limits) and is shared by every front. A sync thread calls
// ipto.api_rate_sync every kSyncInterval: it reports how many requests of
// each limited tenant this front let through since the last sync, and gets
// back what is left in each bucket and how many fronts are present. Until
// the next sync, this front lets through its share of what is left
// (tokens / fronts). So a limit holds across fronts up to what one sync
// interval lets slip, a debt the bucket then carries; a change of limit
// reaches every front at its next sync. A credential's tenant is known from
// the database's earlier answers (CredentialTenants): a credential's first
// request is never refused.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "credential_tenants.hpp"
#include "pool.hpp"

namespace ipto::front {

constexpr std::chrono::milliseconds kSyncInterval{100};

struct RateVerdict {
    bool allowed = true;
    bool limited = false;   // the tenant has a limit: the headers apply
    int limit = 0;          // burst
    int window_seconds = 0; // burst / rate, rounded up
    int remaining = 0;      // about what all fronts may still let through now
    int reset_seconds = 0;  // until the bucket is full again
    int retry_after = 0;    // when refused: whole seconds, at least 1
};

class RateLimits {
public:
    explicit RateLimits(const CredentialTenants& tenants) : tenants_(tenants) {}

    RateVerdict admit(const std::string& credential_key);

    // The sync's two halves (separate, so tests drive them without a database).
    struct Usage {
        std::vector<std::string> tenants;
        std::vector<int> used;
    };
    Usage take_usage();
    void give_back(const Usage& usage);  // a sync that failed: count it next time
    struct Limit {
        std::string tenant;
        int requests_per_second = 0;
        int burst = 0;
        double tokens = 0;
        int fronts = 1;
    };
    void apply(const std::vector<Limit>& limits);  // the complete set: others are unlimited

    std::uint64_t refused() const { return refused_.load(); }

private:
    struct State {
        Limit limit;
        double allowance = 0;  // this front's share until the next sync
        int used = 0;          // let through since the last sync
    };
    const CredentialTenants& tenants_;
    std::mutex mutex_;
    std::unordered_map<std::string, State> states_;
    std::atomic<std::uint64_t> refused_{0};
};

// The thread that keeps RateLimits in step with the database.
class RateSync {
public:
    RateSync(RateLimits& limits, const std::string& conninfo);
    ~RateSync();  // stops and joins the thread
    RateSync(const RateSync&) = delete;
    RateSync& operator=(const RateSync&) = delete;

private:
    void run();
    bool sync_once(PGconn* conn, const RateLimits::Usage& usage);

    RateLimits& limits_;
    Pool pool_;
    std::string front_id_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace ipto::front
