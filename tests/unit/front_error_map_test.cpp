// Error mapping: every IP SQLSTATE through core's table, connection classes
// to 503, anything else to a 500 that shows nothing.
#include <gtest/gtest.h>

#include "error_map.hpp"

namespace ipto::front {
namespace {

std::optional<std::string> header(const ApiError& e, const std::string& name) {
    for (const auto& [k, v] : e.headers) {
        if (k == name) return v;
    }
    return std::nullopt;
}

TEST(FrontErrorMap, EveryIpSqlstate) {
    struct Case {
        const char* sqlstate;
        int status;
        const char* code;
    } cases[] = {
        {"IP422", 422, "validation_error"},    {"IP404", 404, "not_found"},
        {"IP403", 403, "forbidden"},           {"IP4S3", 403, "insufficient_scope"},
        {"IP401", 401, "invalid_credentials"}, {"IP4U1", 401, "unauthenticated"},
        {"IP409", 409, "idempotency_conflict"}, {"IP4C0", 400, "invalid_cursor"},
        {"IP4J0", 400, "invalid_json"},        {"IP400", 400, "bad_request"},
        {"IP4A0", 400, "ambiguous_credentials"}, {"IP4X9", 409, "conflict"},
    };
    for (const auto& c : cases) {
        ApiError e = from_pg_error(c.sqlstate, "what was wrong", "", std::nullopt);
        EXPECT_EQ(e.status, c.status) << c.sqlstate;
        EXPECT_EQ(e.code, c.code) << c.sqlstate;
        EXPECT_EQ(e.message, "what was wrong") << c.sqlstate;
        EXPECT_FALSE(e.field) << c.sqlstate;
    }
    // Covers core's whole table, kind by kind.
    for (int k = 0; k <= static_cast<int>(ipto::ErrorKind::internal); ++k) {
        const ipto::ErrorInfo& info = ipto::error_info(static_cast<ipto::ErrorKind>(k));
        ApiError e = from_pg_error(info.sqlstate, "m", "", std::nullopt);
        EXPECT_EQ(e.status, info.http_status) << info.sqlstate;
        EXPECT_EQ(e.code, info.code) << info.sqlstate;
    }
}

TEST(FrontErrorMap, MessageJoinsDetailAndFieldComesFromColumn) {
    ApiError e = from_pg_error("IP422", "visibility must be one of the allowed values",
                               "allowed: private, restricted, listed", std::string("visibility"));
    EXPECT_EQ(e.message, "visibility must be one of the allowed values; allowed: private, restricted, listed");
    ASSERT_TRUE(e.field);
    EXPECT_EQ(*e.field, "visibility");
    ApiError no_field = from_pg_error("IP422", "m", "", std::string(""));
    EXPECT_FALSE(no_field.field);
}

TEST(FrontErrorMap, InternalIpErrorShowsNothing) {
    ApiError e = from_pg_error("IP500", "internal error in ipto", "spi.cpp: secret detail", std::nullopt);
    EXPECT_EQ(e.status, 500);
    EXPECT_EQ(e.code, "internal_error");
    EXPECT_EQ(e.message.find("spi.cpp"), std::string::npos);
    EXPECT_EQ(e.message.find("ipto"), std::string::npos);
}

TEST(FrontErrorMap, UnknownSqlstatesAre500WithAGenericMessage) {
    for (const char* s : {"XX000", "42883", "42501", "22P02", "23505", "IP999", "P0001", "", "4"}) {
        ApiError e = from_pg_error(s, "function ipto.api_get_dataset(unknown) does not exist", "d", std::string("c"));
        EXPECT_EQ(e.status, 500) << s;
        EXPECT_EQ(e.code, "internal_error") << s;
        EXPECT_EQ(e.message, front_error(FrontError::internal).message) << s;
        EXPECT_FALSE(e.field) << s;
    }
}

TEST(FrontErrorMap, ConnectionClassesAre503) {
    for (const char* s : {"08000", "08003", "08006", "08001", "08004", "08P01", "57P01", "57P02", "57P03", "53300",
                          "25006", "40P01", "40001"}) {
        EXPECT_TRUE(is_unavailable_sqlstate(s)) << s;
        ApiError e = from_pg_error(s, "terminating connection due to administrator command", "", std::nullopt);
        EXPECT_EQ(e.status, 503) << s;
        EXPECT_EQ(e.code, "unavailable") << s;
        EXPECT_EQ(header(e, "Retry-After"), "1") << s;
    }
    for (const char* s : {"57014", "40002", "XX000", "0800", "080000"}) EXPECT_FALSE(is_unavailable_sqlstate(s)) << s;
}

TEST(FrontErrorMap, Every401NamesTheBearerScheme) {
    ApiError none = from_pg_error("IP4U1", "m", "", std::nullopt);
    EXPECT_EQ(header(none, "WWW-Authenticate"), "Bearer");
    ApiError bad = from_pg_error("IP401", "m", "", std::nullopt);
    ASSERT_TRUE(header(bad, "WWW-Authenticate"));
    EXPECT_EQ(header(bad, "WWW-Authenticate")->rfind("Bearer", 0), 0u);
}

TEST(FrontErrorMap, CoreErrors) {
    ApiError u = from_core_error(ipto::Error(ipto::ErrorKind::unauthenticated, "needs a credential", {}, "send one"));
    EXPECT_EQ(u.status, 401);
    EXPECT_EQ(u.code, "unauthenticated");
    EXPECT_EQ(u.message, "needs a credential; send one");
    EXPECT_EQ(header(u, "WWW-Authenticate"), "Bearer");
    ApiError a = from_core_error(ipto::Error(ipto::ErrorKind::ambiguous_credentials, "both"));
    EXPECT_EQ(a.status, 400);
    EXPECT_EQ(a.code, "ambiguous_credentials");
    EXPECT_EQ(a.message, "both");
    ApiError f = from_core_error(ipto::Error(ipto::ErrorKind::validation, "bad", "name"));
    ASSERT_TRUE(f.field);
    EXPECT_EQ(*f.field, "name");
}

TEST(FrontErrorMap, FrontErrors) {
    struct Case {
        FrontError kind;
        int status;
        const char* code;
    } cases[] = {
        {FrontError::route_not_found, 404, "not_found"},
        {FrontError::dataset_not_found, 404, "not_found"},
        {FrontError::method_not_allowed, 405, "method_not_allowed"},
        {FrontError::payload_too_large, 413, "payload_too_large"},
        {FrontError::uri_too_long, 414, "uri_too_long"},
        {FrontError::unsupported_media_type, 415, "unsupported_media_type"},
        {FrontError::unsupported_encoding, 415, "unsupported_media_type"},
        {FrontError::range_not_satisfiable, 416, "range_not_satisfiable"},
        {FrontError::invalid_json_body, 400, "invalid_json"},
        {FrontError::bad_request, 400, "bad_request"},
        {FrontError::unavailable, 503, "unavailable"},
        {FrontError::pool_exhausted, 503, "unavailable"},
        {FrontError::internal, 500, "internal_error"},
    };
    for (const auto& c : cases) {
        ApiError e = front_error(c.kind);
        EXPECT_EQ(e.status, c.status) << c.code;
        EXPECT_EQ(e.code, c.code);
        EXPECT_FALSE(e.message.empty()) << c.code;
        EXPECT_FALSE(e.field);
    }
    ApiError custom = front_error(FrontError::bad_request, "unknown query parameter", std::string("foo"));
    EXPECT_EQ(custom.message, "unknown query parameter");
    EXPECT_EQ(custom.field, "foo");
}

TEST(FrontErrorMap, HttpLibraryStatuses) {
    EXPECT_EQ(from_http_status(413).code, "payload_too_large");
    EXPECT_EQ(from_http_status(414).code, "uri_too_long");
    EXPECT_EQ(from_http_status(404).code, "not_found");
    EXPECT_EQ(from_http_status(400).code, "bad_request");
    EXPECT_EQ(from_http_status(400).status, 400);
    EXPECT_EQ(from_http_status(416).status, 416);
    EXPECT_EQ(from_http_status(500).code, "internal_error");
    EXPECT_EQ(from_http_status(418).status, 400);
}

TEST(FrontErrorMap, JoinMessage) {
    EXPECT_EQ(join_message("a", ""), "a");
    EXPECT_EQ(join_message("a", "b"), "a; b");
}

}  // namespace
}  // namespace ipto::front
