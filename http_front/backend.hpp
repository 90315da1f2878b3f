// What the handlers need from the database, as an interface, so the HTTP
// logic is tested without one (tests/unit/front_handlers_test.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api_error.hpp"
#include "pool.hpp"
#include "router.hpp"

namespace ipto::front {

// The one row every request-face function returns.
struct CallRow {
    std::optional<std::string> tenant_id;    // the authenticated tenant (for the log)
    std::optional<std::string> resource_id;  // the dataset id (Location on create)
    std::string data;                        // JSON text of the envelope's "data"
};

struct CallOutcome {
    std::optional<CallRow> row;     // set on success
    std::optional<ApiError> error;  // set on failure, already mapped
};

// Parameters in the request face's order; nullopt is SQL NULL.
using CallParams = std::vector<std::optional<std::string>>;

class Backend {
public:
    virtual ~Backend() = default;
    // One request-face call. request_id is for server-side log lines only.
    virtual CallOutcome call(Operation op, const CallParams& params, const std::string& request_id) = 0;
    // True when a pooled connection answers SELECT 1.
    virtual bool ready() = 0;
    virtual PoolStats pool_stats() const = 0;
};

}  // namespace ipto::front
