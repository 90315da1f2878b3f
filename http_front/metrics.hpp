// Prometheus metrics (text exposition format 0.0.4):
//   ipto_http_requests_total{route,method,status}         counter
//   ipto_http_request_duration_seconds{route}             histogram
//   ipto_db_pool_connections{state="in_use"|"idle"}       gauge
//   ipto_db_pool_waiting                                  gauge
//   ipto_http_worker_threads                              gauge
// Labels are route patterns, never paths, so their number stays bounded.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "pool.hpp"

namespace ipto::front {

inline constexpr std::array<double, 12> kDurationBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                             0.1,   0.25,   0.5,   1.0,  2.5,   5.0};

class Metrics {
public:
    void observe(std::string_view route, std::string_view method, int status, double seconds);
    std::string render(const PoolStats& pool, std::size_t worker_threads) const;

private:
    struct Histogram {
        std::array<std::uint64_t, kDurationBuckets.size()> buckets{};  // non-cumulative
        std::uint64_t count = 0;
        double sum = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
    std::map<std::string, Histogram> durations_;
};

// A label value with \, " and newline escaped.
std::string escape_label(std::string_view v);

}  // namespace ipto::front
