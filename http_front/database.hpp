// The real Backend: the pool (entered through a fair share per tenant), the
// prepared statements, and what to do when
// the database is away (503, never a hang) or a connection dies mid-call
// (GETs are retried once on a fresh connection; writes are not, since the
// first attempt may have committed).
#pragma once

#include <chrono>

#include "backend.hpp"
#include "credential_tenants.hpp"
#include "fair_share.hpp"
#include "pool.hpp"

namespace ipto::front {

class Database : public Backend {
public:
    explicit Database(PoolOptions options, std::chrono::milliseconds acquire_wait = std::chrono::seconds(5));

    CallOutcome call(Operation op, const CallParams& params, const std::string& request_id) override;
    bool ready() override;
    PoolStats pool_stats() const override { return pool_.stats(); }

    // Which tenant a credential is (learned from answers), for fair shares
    // and rate limits.
    const CredentialTenants& credential_tenants() const { return tenants_; }
    FairShare::Stats fair_share_stats() const { return fair_.stats(); }

private:
    Pool pool_;
    std::chrono::milliseconds acquire_wait_;
    FairShare fair_;
    CredentialTenants tenants_;
};

}  // namespace ipto::front
