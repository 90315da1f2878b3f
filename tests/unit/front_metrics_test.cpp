// The Prometheus text format of /metrics.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "metrics.hpp"

namespace ipto::front {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

bool has_line(const std::string& text, const std::string& line) {
    for (const auto& l : lines_of(text)) {
        if (l == line) return true;
    }
    return false;
}

TEST(FrontMetrics, EmptyRegistryStillHasPoolGauges) {
    Metrics m;
    PoolStats pool;
    pool.in_use = 2;
    pool.idle = 3;
    pool.waiting = 1;
    pool.size = 8;
    std::string text = m.render(pool, 64);
    EXPECT_TRUE(has_line(text, "# TYPE ipto_http_requests_total counter"));
    EXPECT_TRUE(has_line(text, "# TYPE ipto_http_request_duration_seconds histogram"));
    EXPECT_TRUE(has_line(text, "# TYPE ipto_db_pool_connections gauge"));
    EXPECT_TRUE(has_line(text, "ipto_db_pool_connections{state=\"in_use\"} 2"));
    EXPECT_TRUE(has_line(text, "ipto_db_pool_connections{state=\"idle\"} 3"));
    EXPECT_TRUE(has_line(text, "ipto_db_pool_waiting 1"));
    EXPECT_TRUE(has_line(text, "ipto_db_pool_max 8"));
    EXPECT_TRUE(has_line(text, "ipto_http_worker_threads 64"));
    EXPECT_EQ(text.back(), '\n');
}

TEST(FrontMetrics, CountersAndHistogram) {
    Metrics m;
    m.observe("/v1/datasets", "GET", 200, 0.004);
    m.observe("/v1/datasets", "GET", 200, 0.2);
    m.observe("/v1/datasets", "POST", 201, 3.0);
    m.observe("/v1/datasets/{id}", "GET", 404, 20.0);
    std::string text = m.render(PoolStats{}, 1);
    EXPECT_TRUE(has_line(text, "ipto_http_requests_total{route=\"/v1/datasets\",method=\"GET\",status=\"200\"} 2"));
    EXPECT_TRUE(has_line(text, "ipto_http_requests_total{route=\"/v1/datasets\",method=\"POST\",status=\"201\"} 1"));
    EXPECT_TRUE(has_line(text, "ipto_http_requests_total{route=\"/v1/datasets/{id}\",method=\"GET\",status=\"404\"} 1"));
    // Buckets are cumulative and end with +Inf = count.
    EXPECT_TRUE(has_line(text, "ipto_http_request_duration_seconds_bucket{route=\"/v1/datasets\",le=\"0.001\"} 0"));
    EXPECT_TRUE(has_line(text, "ipto_http_request_duration_seconds_bucket{route=\"/v1/datasets\",le=\"0.005\"} 1"));
    EXPECT_TRUE(has_line(text, "ipto_http_request_duration_seconds_bucket{route=\"/v1/datasets\",le=\"0.25\"} 2"));
    EXPECT_TRUE(has_line(text, "ipto_http_request_duration_seconds_bucket{route=\"/v1/datasets\",le=\"2.5\"} 2"));
    EXPECT_TRUE(has_line(text, "ipto_http_request_duration_seconds_bucket{route=\"/v1/datasets\",le=\"5\"} 3"));
    EXPECT_TRUE(has_line(text, "ipto_http_request_duration_seconds_bucket{route=\"/v1/datasets\",le=\"+Inf\"} 3"));
    EXPECT_TRUE(has_line(text, "ipto_http_request_duration_seconds_count{route=\"/v1/datasets\"} 3"));
    EXPECT_TRUE(has_line(text, "ipto_http_request_duration_seconds_bucket{route=\"/v1/datasets/{id}\",le=\"5\"} 0"));
    EXPECT_TRUE(has_line(text, "ipto_http_request_duration_seconds_bucket{route=\"/v1/datasets/{id}\",le=\"+Inf\"} 1"));
    std::smatch sum;
    ASSERT_TRUE(std::regex_search(text, sum,
                                  std::regex("ipto_http_request_duration_seconds_sum\\{route=\"/v1/datasets\"\\} ([0-9.e+-]+)")));
    EXPECT_NEAR(std::stod(sum[1]), 3.204, 1e-9);
}

TEST(FrontMetrics, EveryLineIsWellFormed) {
    Metrics m;
    m.observe("/healthz", "GET", 200, 0.0001);
    m.observe("unmatched", "GET", 404, 0.0001);
    std::string text = m.render(PoolStats{}, 1);
    std::regex comment("^# (HELP|TYPE) [a-z_]+ .+$");
    std::regex sample("^[a-z_]+(\\{([a-z_]+=\"([^\"\\\\\\n]|\\\\.)*\",?)+\\})? [0-9.e+-]+$");
    for (const auto& line : lines_of(text)) {
        EXPECT_TRUE(std::regex_match(line, comment) || std::regex_match(line, sample)) << line;
    }
}

TEST(FrontMetrics, LabelEscaping) {
    EXPECT_EQ(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

}  // namespace
}  // namespace ipto::front
