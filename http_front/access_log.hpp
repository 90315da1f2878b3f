// The request log: one JSON line per request on stdout.
//   {"ts","request_id","method","route","status","duration_ms","tenant"}
// `route` is the pattern (/v1/datasets/{id}), never the path, and nothing
// from headers or bodies is logged: no secret can reach the log.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ipto::front {

struct AccessRecord {
    std::string_view timestamp;
    std::string_view request_id;
    std::string_view method;
    std::string_view route;
    int status = 0;
    double duration_ms = 0;
    std::optional<std::string_view> tenant;
};

std::string format_access_line(const AccessRecord& r);

void write_access_line(const AccessRecord& r);

}  // namespace ipto::front
