// The API's timestamp form: UTC, YYYY-MM-DDTHH:MM:SSZ, whole seconds.
#pragma once

#include <cstdint>
#include <string>

namespace ipto {

// From microseconds since 1970-01-01T00:00:00Z; sub-second parts are dropped
// (floor, so a time never appears later than it was).
std::string format_utc_timestamp(std::int64_t unix_micros);

}  // namespace ipto
