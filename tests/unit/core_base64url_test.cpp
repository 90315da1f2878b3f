// base64url without padding (RFC 4648 §5): the cursor's outer form. Each byte
// string has exactly one accepted encoding.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "base64url.hpp"

namespace {

const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

TEST(CoreBase64url, Rfc4648VectorsWithoutPadding) {
    struct Case {
        const char* plain;
        const char* encoded;
    } cases[] = {{"", ""},           {"f", "Zg"},         {"fo", "Zm8"},         {"foo", "Zm9v"},
                 {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
    for (const auto& c : cases) {
        EXPECT_EQ(ipto::base64url_encode(c.plain), c.encoded) << c.plain;
        auto back = ipto::base64url_decode(c.encoded);
        ASSERT_TRUE(back.has_value()) << c.encoded;
        EXPECT_EQ(*back, c.plain);
    }
}

TEST(CoreBase64url, UsesUrlSafeAlphabet) {
    // 0xfb 0xff is "+/8=" in standard base64.
    EXPECT_EQ(ipto::base64url_encode(std::string("\xfb\xff", 2)), "-_8");
    EXPECT_EQ(ipto::base64url_encode(std::string("\xff\xff\xff", 3)), "____");
    EXPECT_EQ(ipto::base64url_encode(std::string("\xfb\xef\xbe", 3)), "----");
    EXPECT_EQ(ipto::base64url_encode(std::string(3, '\0')), "AAAA");
    auto back = ipto::base64url_decode("-_8");
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, std::string("\xfb\xff", 2));
}

TEST(CoreBase64url, RoundTripsRandomBytesOfLength0To40) {
    std::mt19937 rng(20260405);
    std::uniform_int_distribution<int> byte(0, 255);
    for (std::size_t n = 0; n <= 40; ++n) {
        for (int rep = 0; rep < 50; ++rep) {
            std::string bytes;
            for (std::size_t i = 0; i < n; ++i) bytes += static_cast<char>(byte(rng));
            std::string text = ipto::base64url_encode(bytes);
            EXPECT_EQ(text.size(), (4 * n + 2) / 3) << "length " << n;  // no padding
            EXPECT_EQ(text.find_first_not_of(kAlphabet), std::string::npos) << text;
            auto back = ipto::base64url_decode(text);
            ASSERT_TRUE(back.has_value()) << "length " << n << ": " << text;
            EXPECT_EQ(*back, bytes) << "length " << n;
        }
    }
}

TEST(CoreBase64url, RoundTripsEveryByteValue) {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    auto back = ipto::base64url_decode(ipto::base64url_encode(all));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, all);
}

TEST(CoreBase64url, RejectsPadding) {
    for (const char* t : {"Zg==", "Zg=", "Zm8=", "Zm9v=", "=", "====", "Zm9vYg=="}) {
        EXPECT_FALSE(ipto::base64url_decode(t).has_value()) << t;
    }
}

TEST(CoreBase64url, RejectsStandardAlphabetPlusAndSlash) {
    for (const char* t : {"+", "+/8", "-/8", "+_8", "Zm9v+A", "Zm9v/w", "ab/d", "++++"}) {
        EXPECT_FALSE(ipto::base64url_decode(t).has_value()) << t;
    }
}

TEST(CoreBase64url, RejectsOtherCharacters) {
    for (std::string t : {"Zm9v Yg", "Zm9v\nYg", " Zm9v", "Zm9v.", "Zm9v*", "Zm9v~", "Zm9v\xc3\xa9"}) {
        EXPECT_FALSE(ipto::base64url_decode(t).has_value()) << t;
    }
    EXPECT_FALSE(ipto::base64url_decode(std::string("Zm\0v", 4)).has_value());
}

TEST(CoreBase64url, RejectsLength4kPlus1) {
    for (std::size_t k = 0; k < 6; ++k) {
        std::string t(4 * k + 1, 'A');
        EXPECT_FALSE(ipto::base64url_decode(t).has_value()) << "length " << t.size();
    }
}

TEST(CoreBase64url, RejectsNonZeroTrailingBits) {
    // "f" is "Zg"; "Zh".."Zv" carry the same byte plus stray low bits.
    EXPECT_TRUE(ipto::base64url_decode("Zg").has_value());
    EXPECT_FALSE(ipto::base64url_decode("Zh").has_value());
    EXPECT_FALSE(ipto::base64url_decode("Zv").has_value());
    EXPECT_FALSE(ipto::base64url_decode("Z_").has_value());
    // "fo" is "Zm8"; "Zm9" has a stray low bit.
    EXPECT_TRUE(ipto::base64url_decode("Zm8").has_value());
    EXPECT_FALSE(ipto::base64url_decode("Zm9").has_value());
    EXPECT_FALSE(ipto::base64url_decode("Zm_").has_value());
}

TEST(CoreBase64url, ExactlyOneEncodingPerByteString) {
    // Exhaustive over every 2- and 3-character text: it decodes if and only if
    // it is what the encoder produces for the decoded bytes.
    for (char a : kAlphabet) {
        for (char b : kAlphabet) {
            std::string t2 = {a, b};
            auto d2 = ipto::base64url_decode(t2);
            if (d2) {
                EXPECT_EQ(ipto::base64url_encode(*d2), t2);
            }
            for (char c : kAlphabet) {
                std::string t3 = {a, b, c};
                auto d3 = ipto::base64url_decode(t3);
                if (d3) {
                    EXPECT_EQ(d3->size(), 2u);
                    EXPECT_EQ(ipto::base64url_encode(*d3), t3);
                }
            }
        }
    }
    // And every 1- and 2-byte string has an encoding that decodes back.
    for (int x = 0; x < 256; ++x) {
        std::string one(1, static_cast<char>(x));
        EXPECT_EQ(ipto::base64url_decode(ipto::base64url_encode(one)), one);
        for (int y = 0; y < 256; ++y) {
            std::string two = {static_cast<char>(x), static_cast<char>(y)};
            EXPECT_EQ(ipto::base64url_decode(ipto::base64url_encode(two)), two);
        }
    }
}

}  // namespace
