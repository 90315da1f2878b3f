// The API's timestamp form: UTC, YYYY-MM-DDTHH:MM:SSZ, whole seconds, floored.
#include <gtest/gtest.h>

#include <cstdint>
#include <ctime>
#include <random>
#include <string>

#include "timestamp.hpp"

namespace {

constexpr std::int64_t kSecond = 1000000;

std::string at(std::int64_t seconds, std::int64_t micros = 0) {
    return ipto::format_utc_timestamp(seconds * kSecond + micros);
}

TEST(CoreTimestamp, Epoch) { EXPECT_EQ(ipto::format_utc_timestamp(0), "1970-01-01T00:00:00Z"); }

TEST(CoreTimestamp, KnownDates) {
    EXPECT_EQ(at(1775383200), "2026-04-05T10:00:00Z");
    EXPECT_EQ(at(946684799), "1999-12-31T23:59:59Z");
    EXPECT_EQ(at(946684800), "2000-01-01T00:00:00Z");
    EXPECT_EQ(at(2147483648), "2038-01-19T03:14:08Z");  // past 32-bit time_t
    EXPECT_EQ(at(253402300799), "9999-12-31T23:59:59Z");
}

TEST(CoreTimestamp, LeapDays) {
    EXPECT_EQ(at(1709164799), "2024-02-28T23:59:59Z");
    EXPECT_EQ(at(1709210096), "2024-02-29T12:34:56Z");
    EXPECT_EQ(at(1709251200), "2024-03-01T00:00:00Z");
    EXPECT_EQ(at(951782400), "2000-02-29T00:00:00Z");  // divisible by 400: leap
    EXPECT_EQ(at(4107542399), "2100-02-28T23:59:59Z");  // divisible by 100: not leap
    EXPECT_EQ(at(4107542400), "2100-03-01T00:00:00Z");
}

TEST(CoreTimestamp, SubSecondIsFloored) {
    EXPECT_EQ(ipto::format_utc_timestamp(1), "1970-01-01T00:00:00Z");
    EXPECT_EQ(ipto::format_utc_timestamp(999999), "1970-01-01T00:00:00Z");
    EXPECT_EQ(ipto::format_utc_timestamp(1000000), "1970-01-01T00:00:01Z");
    EXPECT_EQ(at(1775383200, 999999), "2026-04-05T10:00:00Z");
    EXPECT_EQ(at(1775383199, 999999), "2026-04-05T09:59:59Z");
    EXPECT_EQ(at(1709251199, 999999), "2024-02-29T23:59:59Z");  // never rounds into the next day
}

TEST(CoreTimestamp, NegativeValuesBefore1970) {
    EXPECT_EQ(ipto::format_utc_timestamp(-1), "1969-12-31T23:59:59Z");  // floored, not truncated
    EXPECT_EQ(ipto::format_utc_timestamp(-999999), "1969-12-31T23:59:59Z");
    EXPECT_EQ(ipto::format_utc_timestamp(-1000000), "1969-12-31T23:59:59Z");
    EXPECT_EQ(ipto::format_utc_timestamp(-1000001), "1969-12-31T23:59:58Z");
    EXPECT_EQ(at(-86400), "1969-12-31T00:00:00Z");
    EXPECT_EQ(at(-86400, -1), "1969-12-30T23:59:59Z");
    EXPECT_EQ(at(-14182940), "1969-07-20T20:17:40Z");
    EXPECT_EQ(at(-2208988800), "1900-01-01T00:00:00Z");
    EXPECT_EQ(at(-2208988800, -1), "1899-12-31T23:59:59Z");
}

TEST(CoreTimestamp, AgreesWithGmtime) {
    std::mt19937_64 rng(42);
    // From 1900 to 9999, whole seconds and odd microseconds.
    std::uniform_int_distribution<std::int64_t> secs(-2208988800LL, 253402300799LL);
    for (int i = 0; i < 20000; ++i) {
        std::int64_t s = secs(rng);
        std::time_t t = static_cast<std::time_t>(s);
        std::tm tm{};
        ASSERT_NE(gmtime_r(&t, &tm), nullptr);
        char want[32];
        std::strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm);
        std::int64_t us = static_cast<std::int64_t>(rng() % kSecond);
        ASSERT_EQ(at(s, static_cast<std::int64_t>(us)), want) << s << "s + " << us << "us";
    }
}

TEST(CoreTimestamp, FormIsAlways20Characters) {
    for (std::int64_t s : {0LL, 1LL, -1LL, 1775383200LL, 253402300799LL, -2208988800LL}) {
        std::string t = at(s);
        ASSERT_EQ(t.size(), 20u) << t;
        EXPECT_EQ(t[4], '-');
        EXPECT_EQ(t[7], '-');
        EXPECT_EQ(t[10], 'T');
        EXPECT_EQ(t[13], ':');
        EXPECT_EQ(t[16], ':');
        EXPECT_EQ(t[19], 'Z');
    }
}

}  // namespace
