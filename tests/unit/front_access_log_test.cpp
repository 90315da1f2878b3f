// The request log line: one JSON object, the agreed keys, no secrets.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "access_log.hpp"

namespace ipto::front {
namespace {

TEST(FrontAccessLog, LineShape) {
    AccessRecord r;
    r.timestamp = "2026-04-05T10:00:00Z";
    r.request_id = "req_0123456789ab";
    r.method = "GET";
    r.route = "/v1/datasets/{id}";
    r.status = 200;
    r.duration_ms = 1.23456;
    r.tenant = "tnt_f6e5d4c3b2a1";
    std::string line = format_access_line(r);
    EXPECT_EQ(line.find('\n'), std::string::npos);
    rapidjson::Document d;
    d.Parse(line.c_str());
    ASSERT_FALSE(d.HasParseError()) << line;
    std::vector<std::string> keys;
    for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) keys.emplace_back(it->name.GetString());
    EXPECT_EQ(keys, (std::vector<std::string>{"ts", "request_id", "method", "route", "status", "duration_ms", "tenant"}));
    EXPECT_EQ(d["status"].GetInt(), 200);
    EXPECT_NEAR(d["duration_ms"].GetDouble(), 1.235, 1e-9);
    EXPECT_STREQ(d["tenant"].GetString(), "tnt_f6e5d4c3b2a1");
    EXPECT_STREQ(d["route"].GetString(), "/v1/datasets/{id}");
}

TEST(FrontAccessLog, NullTenant) {
    AccessRecord r;
    r.timestamp = "t";
    r.request_id = "req_0123456789ab";
    r.method = "POST";
    r.route = "unmatched";
    r.status = 404;
    std::string line = format_access_line(r);
    rapidjson::Document d;
    d.Parse(line.c_str());
    ASSERT_FALSE(d.HasParseError()) << line;
    EXPECT_TRUE(d["tenant"].IsNull());
}

}  // namespace
}  // namespace ipto::front
