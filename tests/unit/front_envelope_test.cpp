// The envelope's shape, checked by parsing it as a client would.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <regex>
#include <set>

#include "envelope.hpp"
#include "error_map.hpp"
#include "request_id.hpp"

namespace ipto::front {
namespace {

std::vector<std::string> keys(const rapidjson::Value& v) {
    std::vector<std::string> out;
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) out.emplace_back(it->name.GetString());
    return out;
}

rapidjson::Document parse(const std::string& text) {
    rapidjson::Document d;
    d.Parse(text.c_str(), text.size());
    EXPECT_FALSE(d.HasParseError()) << text;
    return d;
}

TEST(FrontEnvelope, SuccessSplicesDataAsIs) {
    std::string data = R"({"dataset_id":"dset_a1b2c3d4e5f6","name":"AP \"Invoices\"","total_bytes":0})";
    std::string body = success_envelope(data, "req_0123456789ab", "2026-04-05T10:00:00Z");
    auto d = parse(body);
    ASSERT_TRUE(d.IsObject());
    EXPECT_EQ(keys(d), (std::vector<std::string>{"data", "request_id", "timestamp"}));
    EXPECT_STREQ(d["data"]["name"].GetString(), "AP \"Invoices\"");
    EXPECT_STREQ(d["request_id"].GetString(), "req_0123456789ab");
    EXPECT_STREQ(d["timestamp"].GetString(), "2026-04-05T10:00:00Z");
    EXPECT_NE(body.find(data), std::string::npos);  // byte for byte: field order kept
}

TEST(FrontEnvelope, EmptyDataForDelete) {
    auto d = parse(success_envelope("{}", "req_0123456789ab", "2026-04-05T10:00:00Z"));
    ASSERT_TRUE(d["data"].IsObject());
    EXPECT_EQ(d["data"].MemberCount(), 0u);
}

TEST(FrontEnvelope, ErrorWithoutField) {
    ApiError e = front_error(FrontError::route_not_found);
    auto d = parse(error_envelope(e, "req_0123456789ab", "2026-04-05T10:00:00Z"));
    EXPECT_EQ(keys(d), (std::vector<std::string>{"error", "request_id", "timestamp"}));
    EXPECT_EQ(keys(d["error"]), (std::vector<std::string>{"code", "message"}));
    EXPECT_STREQ(d["error"]["code"].GetString(), "not_found");
}

TEST(FrontEnvelope, ErrorWithField) {
    ApiError e = from_pg_error("IP422", "visibility \"public\" is not allowed", "allowed: private, restricted, listed",
                               std::string("visibility"));
    auto d = parse(error_envelope(e, "req_0123456789ab", "2026-04-05T10:00:00Z"));
    EXPECT_EQ(keys(d["error"]), (std::vector<std::string>{"code", "message", "field"}));
    EXPECT_STREQ(d["error"]["code"].GetString(), "validation_error");
    EXPECT_STREQ(d["error"]["field"].GetString(), "visibility");
    EXPECT_STREQ(d["error"]["message"].GetString(),
                 "visibility \"public\" is not allowed; allowed: private, restricted, listed");
}

TEST(FrontEnvelope, MessagesAreEscaped) {
    ApiError e = front_error(FrontError::bad_request, "line\nbreak \"quoted\" back\\slash \x01 ünï");
    auto d = parse(error_envelope(e, "req_0123456789ab", "2026-04-05T10:00:00Z"));
    EXPECT_STREQ(d["error"]["message"].GetString(), "line\nbreak \"quoted\" back\\slash \x01 ünï");
}

TEST(FrontEnvelope, RequestIdFormatAndUniqueness) {
    std::regex format("^req_[0-9a-f]{12}$");
    std::set<std::string> seen;
    for (int i = 0; i < 2000; ++i) {
        std::string id = new_request_id();
        EXPECT_TRUE(std::regex_match(id, format)) << id;
        seen.insert(id);
    }
    EXPECT_EQ(seen.size(), 2000u);
}

TEST(FrontEnvelope, TimestampFormat) {
    EXPECT_TRUE(std::regex_match(current_timestamp(), std::regex("^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]Z$")))
        << current_timestamp();
}

}  // namespace
}  // namespace ipto::front
