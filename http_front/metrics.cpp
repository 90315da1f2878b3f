#include "metrics.hpp"

#include <cstdio>

namespace ipto::front {
namespace {

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

std::string bucket_bound(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

}  // namespace

std::string escape_label(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

void Metrics::observe(std::string_view route, std::string_view method, int status, double seconds) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++requests_[std::make_tuple(std::string(route), std::string(method), status)];
    Histogram& h = durations_[std::string(route)];
    for (std::size_t i = 0; i < kDurationBuckets.size(); ++i) {
        if (seconds <= kDurationBuckets[i]) {
            ++h.buckets[i];
            break;
        }
    }
    ++h.count;
    h.sum += seconds;
}

std::string Metrics::render(const PoolStats& pool, std::size_t worker_threads) const {
    std::string out;
    out += "# HELP ipto_http_requests_total HTTP requests answered, by route pattern, method and status.\n";
    out += "# TYPE ipto_http_requests_total counter\n";
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [key, count] : requests_) {
        out += "ipto_http_requests_total{route=\"" + escape_label(std::get<0>(key)) + "\",method=\"" +
               escape_label(std::get<1>(key)) + "\",status=\"" + std::to_string(std::get<2>(key)) + "\"} " +
               std::to_string(count) + "\n";
    }
    out += "# HELP ipto_http_request_duration_seconds Time from handling a request to its response being written.\n";
    out += "# TYPE ipto_http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : durations_) {
        std::string label = "route=\"" + escape_label(route) + "\"";
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < kDurationBuckets.size(); ++i) {
            cumulative += h.buckets[i];
            out += "ipto_http_request_duration_seconds_bucket{" + label + ",le=\"" + bucket_bound(kDurationBuckets[i]) +
                   "\"} " + std::to_string(cumulative) + "\n";
        }
        out += "ipto_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
        out += "ipto_http_request_duration_seconds_sum{" + label + "} " + number(h.sum) + "\n";
        out += "ipto_http_request_duration_seconds_count{" + label + "} " + std::to_string(h.count) + "\n";
    }
    out += "# HELP ipto_db_pool_connections Database connections of this front, by state.\n";
    out += "# TYPE ipto_db_pool_connections gauge\n";
    out += "ipto_db_pool_connections{state=\"in_use\"} " + std::to_string(pool.in_use) + "\n";
    out += "ipto_db_pool_connections{state=\"idle\"} " + std::to_string(pool.idle) + "\n";
    out += "# HELP ipto_db_pool_max Most database connections this front opens.\n";
    out += "# TYPE ipto_db_pool_max gauge\n";
    out += "ipto_db_pool_max " + std::to_string(pool.size) + "\n";
    out += "# HELP ipto_db_pool_waiting Requests waiting for a free database connection.\n";
    out += "# TYPE ipto_db_pool_waiting gauge\n";
    out += "ipto_db_pool_waiting " + std::to_string(pool.waiting) + "\n";
    out += "# HELP ipto_http_worker_threads HTTP worker threads running (idle keep-alive connections hold one each).\n";
    out += "# TYPE ipto_http_worker_threads gauge\n";
    out += "ipto_http_worker_threads " + std::to_string(worker_threads) + "\n";
    return out;
}

}  // namespace ipto::front
