#include "rate_limits.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "log.hpp"
#include "request_id.hpp"

namespace ipto::front {

namespace {

int ceil_seconds(double seconds) { return std::max(1, static_cast<int>(std::ceil(seconds))); }

}  // namespace

RateVerdict RateLimits::admit(const std::string& credential_key) {
    RateVerdict v;
    auto tenant = tenants_.tenant_of(credential_key);
    if (!tenant) return v;
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = states_.find(*tenant);
    if (it == states_.end()) return v;
    State& s = it->second;
    const Limit& l = s.limit;
    v.limited = true;
    v.limit = l.burst;
    v.window_seconds = ceil_seconds(static_cast<double>(l.burst) / l.requests_per_second);
    if (s.allowance >= 1) {
        s.allowance -= 1;
        ++s.used;
    } else {
        v.allowed = false;
        ++refused_;
    }
    // What all fronts have left, seen from here: this front's share, times
    // fronts. Remaining counts whole requests of this front's share only, so
    // a Remaining of 1 or more promises that the next request here passes,
    // and a refusal always says 0.
    double left = std::max(0.0, s.allowance) * l.fronts;
    v.remaining = static_cast<int>(std::floor(std::max(0.0, s.allowance))) * l.fronts;
    v.reset_seconds = static_cast<int>(std::ceil((l.burst - left) / l.requests_per_second));
    // A token for this front comes once the bucket holds one for every front.
    if (!v.allowed) v.retry_after = ceil_seconds((l.fronts - left) / l.requests_per_second);
    return v;
}

RateLimits::Usage RateLimits::take_usage() {
    Usage u;
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [tenant, s] : states_) {
        if (s.used == 0) continue;
        u.tenants.push_back(tenant);
        u.used.push_back(s.used);
        s.used = 0;
    }
    return u;
}

void RateLimits::give_back(const Usage& usage) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t i = 0; i < usage.tenants.size(); ++i) {
        auto it = states_.find(usage.tenants[i]);
        if (it != states_.end()) it->second.used += usage.used[i];
    }
}

void RateLimits::apply(const std::vector<Limit>& limits) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::unordered_map<std::string, State> next;
    for (const Limit& l : limits) {
        State s;
        auto old = states_.find(l.tenant);
        if (old != states_.end()) s.used = old->second.used;  // let through since the sync was sent
        s.limit = l;
        s.limit.fronts = std::max(l.fronts, 1);
        s.allowance = std::max(0.0, l.tokens) / s.limit.fronts - s.used;
        next.emplace(l.tenant, s);
    }
    states_.swap(next);
}

RateSync::RateSync(RateLimits& limits, const std::string& conninfo)
    : limits_(limits),
      pool_(PoolOptions{conninfo, 1, std::chrono::milliseconds(1000), std::chrono::milliseconds(1000)}, nullptr),
      front_id_(std::to_string(::getpid()) + "-" + new_request_id()) {
    thread_ = std::thread([this] { run(); });
}

RateSync::~RateSync() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
}

bool RateSync::sync_once(PGconn* conn, const RateLimits::Usage& usage) {
    // Arrays as text literals: tenant ids are [a-z0-9_], counts digits.
    std::string tenants = "{", used = "{";
    for (std::size_t i = 0; i < usage.tenants.size(); ++i) {
        tenants += (i ? "," : "") + usage.tenants[i];
        used += (i ? "," : "") + std::to_string(usage.used[i]);
    }
    tenants += "}";
    used += "}";
    const char* values[] = {front_id_.c_str(), tenants.c_str(), used.c_str()};
    std::unique_ptr<PGresult, void (*)(PGresult*)> r(
        PQexecParams(conn,
                     "SELECT tenant_id, requests_per_second, burst, tokens, fronts"
                     " FROM ipto.api_rate_sync($1, $2::text[], $3::int4[])",
                     3, nullptr, values, nullptr, nullptr, 0),
        PQclear);
    if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK) return false;
    std::vector<RateLimits::Limit> limits;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
        RateLimits::Limit l;
        l.tenant = PQgetvalue(r.get(), i, 0);
        l.requests_per_second = std::atoi(PQgetvalue(r.get(), i, 1));
        l.burst = std::atoi(PQgetvalue(r.get(), i, 2));
        l.tokens = std::atof(PQgetvalue(r.get(), i, 3));
        l.fronts = std::atoi(PQgetvalue(r.get(), i, 4));
        if (l.requests_per_second > 0 && l.burst > 0) limits.push_back(l);
    }
    limits_.apply(limits);
    return true;
}

void RateSync::run() {
    bool failing = false;
    while (!stop_) {
        auto next = std::chrono::steady_clock::now() + kSyncInterval;
        RateLimits::Usage usage = limits_.take_usage();
        bool ok = false;
        try {
            Pool::Lease lease = pool_.acquire(std::chrono::milliseconds(500));
            ok = sync_once(lease.get(), usage);
            if (!ok && PQstatus(lease.get()) != CONNECTION_OK) lease.mark_broken();
        } catch (const PoolUnavailable&) {
        }
        if (!ok) limits_.give_back(usage);
        if (ok != !failing) {  // a change of state is logged, not every interval
            log_event(ok ? "info" : "warning", ok ? "rate_sync_recovered" : "rate_sync_failed");
            failing = !ok;
        }
        while (!stop_ && std::chrono::steady_clock::now() < next) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
}

}  // namespace ipto::front
