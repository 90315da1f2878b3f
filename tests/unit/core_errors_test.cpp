// The error table: one SQLSTATE per kind, in class "IP", and the API codes and
// HTTP statuses listed in docs/api.md, Errors (the front maps SQLSTATE -> status
// with it).
#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "errors.hpp"

using ipto::ErrorKind;

namespace {

struct Expected {
    ErrorKind kind;
    const char* code;
    int http_status;
};

// Every kind, with the code and status docs/api.md promises.
const std::vector<Expected> kAllKinds = {
    {ErrorKind::validation, "validation_error", 422},
    {ErrorKind::not_found, "not_found", 404},
    {ErrorKind::forbidden, "forbidden", 403},
    {ErrorKind::insufficient_scope, "insufficient_scope", 403},
    {ErrorKind::invalid_credentials, "invalid_credentials", 401},
    {ErrorKind::unauthenticated, "unauthenticated", 401},
    {ErrorKind::idempotency_conflict, "idempotency_conflict", 409},
    {ErrorKind::invalid_cursor, "invalid_cursor", 400},
    {ErrorKind::invalid_json, "invalid_json", 400},
    {ErrorKind::bad_request, "bad_request", 400},
    {ErrorKind::ambiguous_credentials, "ambiguous_credentials", 400},
    {ErrorKind::conflict, "conflict", 409},
    {ErrorKind::precondition_failed, "precondition_failed", 412},
    {ErrorKind::internal, "internal_error", 500},
};

TEST(CoreErrors, TableCoversEveryKindInEnumOrder) {
    // If a kind is added to the enum, this list (and the table) must follow.
    ASSERT_EQ(static_cast<int>(ErrorKind::internal) + 1, static_cast<int>(kAllKinds.size()));
    for (std::size_t i = 0; i < kAllKinds.size(); ++i) {
        EXPECT_EQ(static_cast<int>(kAllKinds[i].kind), static_cast<int>(i));
        EXPECT_EQ(ipto::error_info(kAllKinds[i].kind).kind, kAllKinds[i].kind) << "entry " << i;
    }
}

TEST(CoreErrors, CodesAndHttpStatusesMatchTheContract) {
    for (const auto& e : kAllKinds) {
        const auto& info = ipto::error_info(e.kind);
        EXPECT_STREQ(info.code, e.code);
        EXPECT_EQ(info.http_status, e.http_status) << e.code;
    }
}

TEST(CoreErrors, SqlstatesAreFiveCharactersOfClassIP) {
    for (const auto& e : kAllKinds) {
        std::string s = ipto::error_info(e.kind).sqlstate;
        ASSERT_EQ(s.size(), 5u) << e.code << ": " << s;
        EXPECT_EQ(s.substr(0, 2), "IP") << e.code;
        for (char c : s) {
            // SQLSTATE characters are digits and upper-case Latin letters.
            EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) << e.code << ": " << s;
        }
    }
}

TEST(CoreErrors, SqlstatesAndCodesAreDistinct) {
    std::set<std::string> sqlstates, codes;
    for (const auto& e : kAllKinds) {
        EXPECT_TRUE(sqlstates.insert(ipto::error_info(e.kind).sqlstate).second)
            << "duplicate SQLSTATE " << ipto::error_info(e.kind).sqlstate;
        EXPECT_TRUE(codes.insert(ipto::error_info(e.kind).code).second)
            << "duplicate code " << ipto::error_info(e.kind).code;
    }
    EXPECT_EQ(sqlstates.size(), kAllKinds.size());
}

TEST(CoreErrors, SqlstateLookupRoundTrips) {
    for (const auto& e : kAllKinds) {
        const auto& info = ipto::error_info(e.kind);
        const ipto::ErrorInfo* back = ipto::error_info_by_sqlstate(info.sqlstate);
        ASSERT_NE(back, nullptr) << info.sqlstate;
        EXPECT_EQ(back, &info);
        EXPECT_EQ(back->kind, e.kind);
        // The lookup compares the text, not the pointer.
        std::string copy(info.sqlstate);
        EXPECT_EQ(ipto::error_info_by_sqlstate(copy), &info);
    }
}

TEST(CoreErrors, UnknownSqlstateIsNull) {
    for (const char* s : {"", "IP999", "22P02", "P0001", "XX000", "ip422", "IP42", "IP4222", "IP42 ", " IP42"}) {
        EXPECT_EQ(ipto::error_info_by_sqlstate(s), nullptr) << "\"" << s << "\"";
    }
}

TEST(CoreErrors, ErrorCarriesKindMessageFieldDetailHint) {
    ipto::Error e(ErrorKind::validation, "visibility \"x\" is not allowed", "visibility", "allowed values: a, b",
                  "try a");
    EXPECT_EQ(e.kind(), ErrorKind::validation);
    EXPECT_STREQ(e.what(), "visibility \"x\" is not allowed");
    EXPECT_EQ(e.field(), "visibility");
    EXPECT_EQ(e.detail(), "allowed values: a, b");
    EXPECT_EQ(e.hint(), "try a");

    ipto::Error bare(ErrorKind::not_found, "no such dataset");
    EXPECT_EQ(bare.kind(), ErrorKind::not_found);
    EXPECT_TRUE(bare.field().empty());
    EXPECT_TRUE(bare.detail().empty());
    EXPECT_TRUE(bare.hint().empty());

    // Catchable as std::runtime_error with the message intact.
    try {
        throw ipto::Error(ErrorKind::internal, "boom");
    } catch (const std::runtime_error& r) {
        EXPECT_STREQ(r.what(), "boom");
    }
}

}  // namespace
