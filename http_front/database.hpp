// The real Backend: the pool, the prepared statements, and what to do when
// the database is away (503, never a hang) or a connection dies mid-call
// (GETs are retried once on a fresh connection; writes are not, since the
// first attempt may have committed).
#pragma once

#include <chrono>

#include "backend.hpp"
#include "pool.hpp"

namespace ipto::front {

class Database : public Backend {
public:
    explicit Database(PoolOptions options, std::chrono::milliseconds acquire_wait = std::chrono::seconds(5));

    CallOutcome call(Operation op, const CallParams& params, const std::string& request_id) override;
    bool ready() override;
    PoolStats pool_stats() const override { return pool_.stats(); }

private:
    Pool pool_;
    std::chrono::milliseconds acquire_wait_;
};

}  // namespace ipto::front
