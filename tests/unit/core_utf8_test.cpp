// UTF-8 well-formedness and decoding: names are counted in code points, and a
// body that is not well-formed UTF-8 never reaches a parser.
#include <gtest/gtest.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "utf8.hpp"

namespace {

std::string bytes(std::initializer_list<int> b) {
    std::string s;
    for (int x : b) s += static_cast<char>(x);
    return s;
}

std::vector<char32_t> code_points(const std::string& s) {
    std::vector<char32_t> out;
    ipto::for_each_code_point(s, [&](char32_t c) { out.push_back(c); });
    return out;
}

// Reference: Unicode Table 3-7 (well-formed UTF-8 byte sequences), written
// independently of the code under test.
std::optional<std::size_t> reference_length(const std::string& s) {
    std::size_t i = 0, n = 0;
    auto in = [&](std::size_t k, int lo, int hi) {
        if (k >= s.size()) return false;
        int c = static_cast<unsigned char>(s[k]);
        return c >= lo && c <= hi;
    };
    while (i < s.size()) {
        int c = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        if (c <= 0x7f) len = 1;
        else if (c >= 0xc2 && c <= 0xdf) len = in(i + 1, 0x80, 0xbf) ? 2 : 0;
        else if (c == 0xe0) len = in(i + 1, 0xa0, 0xbf) && in(i + 2, 0x80, 0xbf) ? 3 : 0;
        else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef)
            len = in(i + 1, 0x80, 0xbf) && in(i + 2, 0x80, 0xbf) ? 3 : 0;
        else if (c == 0xed) len = in(i + 1, 0x80, 0x9f) && in(i + 2, 0x80, 0xbf) ? 3 : 0;
        else if (c == 0xf0) len = in(i + 1, 0x90, 0xbf) && in(i + 2, 0x80, 0xbf) && in(i + 3, 0x80, 0xbf) ? 4 : 0;
        else if (c >= 0xf1 && c <= 0xf3)
            len = in(i + 1, 0x80, 0xbf) && in(i + 2, 0x80, 0xbf) && in(i + 3, 0x80, 0xbf) ? 4 : 0;
        else if (c == 0xf4) len = in(i + 1, 0x80, 0x8f) && in(i + 2, 0x80, 0xbf) && in(i + 3, 0x80, 0xbf) ? 4 : 0;
        if (len == 0) return std::nullopt;
        i += len;
        ++n;
    }
    return n;
}

TEST(CoreUtf8, EmptyAndAscii) {
    EXPECT_EQ(ipto::utf8_length(""), std::optional<std::size_t>(0));
    EXPECT_EQ(ipto::utf8_length("hello"), std::optional<std::size_t>(5));
    std::string all_ascii;
    for (int c = 0; c < 0x80; ++c) all_ascii += static_cast<char>(c);
    EXPECT_EQ(ipto::utf8_length(all_ascii), std::optional<std::size_t>(128));  // NUL is a code point
    auto cps = code_points("Az~");
    EXPECT_EQ(cps, (std::vector<char32_t>{U'A', U'z', U'~'}));
}

TEST(CoreUtf8, TwoByteSequences) {
    EXPECT_EQ(ipto::utf8_length("\xc3\xa9"), std::optional<std::size_t>(1));  // é
    EXPECT_EQ(ipto::utf8_length("caf\xc3\xa9"), std::optional<std::size_t>(4));
    EXPECT_EQ(code_points(bytes({0xc2, 0x80})), std::vector<char32_t>{0x80});
    EXPECT_EQ(code_points(bytes({0xdf, 0xbf})), std::vector<char32_t>{0x7ff});
    EXPECT_EQ(code_points("\xc3\xa9"), std::vector<char32_t>{0xe9});
}

TEST(CoreUtf8, ThreeByteSequences) {
    EXPECT_EQ(ipto::utf8_length("\xe2\x82\xac"), std::optional<std::size_t>(1));  // €
    EXPECT_EQ(ipto::utf8_length("\xe3\x80\x80"), std::optional<std::size_t>(1));  // U+3000
    EXPECT_EQ(code_points(bytes({0xe0, 0xa0, 0x80})), std::vector<char32_t>{0x800});
    EXPECT_EQ(code_points(bytes({0xed, 0x9f, 0xbf})), std::vector<char32_t>{0xd7ff});  // just below surrogates
    EXPECT_EQ(code_points(bytes({0xee, 0x80, 0x80})), std::vector<char32_t>{0xe000});  // just above
    EXPECT_EQ(code_points(bytes({0xef, 0xbf, 0xbf})), std::vector<char32_t>{0xffff});
    EXPECT_TRUE(ipto::utf8_length(bytes({0xed, 0x9f, 0xbf})).has_value());
    EXPECT_TRUE(ipto::utf8_length(bytes({0xee, 0x80, 0x80})).has_value());
}

TEST(CoreUtf8, FourByteSequences) {
    EXPECT_EQ(ipto::utf8_length("\xf0\x9f\x98\x80"), std::optional<std::size_t>(1));  // 😀
    EXPECT_EQ(code_points("\xf0\x9f\x98\x80"), std::vector<char32_t>{0x1f600});
    EXPECT_EQ(code_points(bytes({0xf0, 0x90, 0x80, 0x80})), std::vector<char32_t>{0x10000});
    EXPECT_EQ(code_points(bytes({0xf4, 0x8f, 0xbf, 0xbf})), std::vector<char32_t>{0x10ffff});
    EXPECT_EQ(ipto::utf8_length("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z"), std::optional<std::size_t>(5));
    EXPECT_EQ(code_points("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z"),
              (std::vector<char32_t>{U'a', 0xe9, 0x20ac, 0x1f600, U'z'}));
}

TEST(CoreUtf8, RejectsOverlongs) {
    EXPECT_FALSE(ipto::utf8_length(bytes({0xc0, 0x80})).has_value());        // NUL, overlong
    EXPECT_FALSE(ipto::utf8_length(bytes({0xc1, 0xbf})).has_value());        // U+007F, overlong
    EXPECT_FALSE(ipto::utf8_length(bytes({0xc0, 0xaf})).has_value());        // '/', overlong
    EXPECT_FALSE(ipto::utf8_length(bytes({0xe0, 0x80, 0x80})).has_value());  // 3-byte overlong
    EXPECT_FALSE(ipto::utf8_length(bytes({0xe0, 0x9f, 0xbf})).has_value());  // U+07FF, overlong
    EXPECT_FALSE(ipto::utf8_length(bytes({0xf0, 0x80, 0x80, 0x80})).has_value());
    EXPECT_FALSE(ipto::utf8_length(bytes({0xf0, 0x8f, 0xbf, 0xbf})).has_value());  // U+FFFF, overlong
    EXPECT_FALSE(ipto::utf8_length("ok" + bytes({0xc0, 0x80}) + "ok").has_value());
}

TEST(CoreUtf8, RejectsSurrogates) {
    EXPECT_FALSE(ipto::utf8_length(bytes({0xed, 0xa0, 0x80})).has_value());  // U+D800
    EXPECT_FALSE(ipto::utf8_length(bytes({0xed, 0xaf, 0xbf})).has_value());  // U+DBFF
    EXPECT_FALSE(ipto::utf8_length(bytes({0xed, 0xb0, 0x80})).has_value());  // U+DC00
    EXPECT_FALSE(ipto::utf8_length(bytes({0xed, 0xbf, 0xbf})).has_value());  // U+DFFF
    // A CESU-8 style pair is two surrogates, not one code point.
    EXPECT_FALSE(ipto::utf8_length(bytes({0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80})).has_value());
}

TEST(CoreUtf8, RejectsBeyondU10FFFF) {
    EXPECT_FALSE(ipto::utf8_length(bytes({0xf4, 0x90, 0x80, 0x80})).has_value());  // U+110000
    EXPECT_FALSE(ipto::utf8_length(bytes({0xf5, 0x80, 0x80, 0x80})).has_value());
    EXPECT_FALSE(ipto::utf8_length(bytes({0xf7, 0xbf, 0xbf, 0xbf})).has_value());
    EXPECT_FALSE(ipto::utf8_length(bytes({0xf8, 0x88, 0x80, 0x80, 0x80})).has_value());  // 5-byte form
    EXPECT_FALSE(ipto::utf8_length(bytes({0xfc, 0x84, 0x80, 0x80, 0x80, 0x80})).has_value());
    EXPECT_FALSE(ipto::utf8_length(bytes({0xfe})).has_value());
    EXPECT_FALSE(ipto::utf8_length(bytes({0xff})).has_value());
}

TEST(CoreUtf8, RejectsTruncatedSequencesAtTheEnd) {
    EXPECT_FALSE(ipto::utf8_length(bytes({0xc3})).has_value());
    EXPECT_FALSE(ipto::utf8_length("abc" + bytes({0xc3})).has_value());
    EXPECT_FALSE(ipto::utf8_length(bytes({0xe2, 0x82})).has_value());
    EXPECT_FALSE(ipto::utf8_length("x" + bytes({0xe2})).has_value());
    EXPECT_FALSE(ipto::utf8_length(bytes({0xf0, 0x9f, 0x98})).has_value());
    EXPECT_FALSE(ipto::utf8_length("x" + bytes({0xf0, 0x9f})).has_value());
    EXPECT_FALSE(ipto::utf8_length(bytes({0xf0})).has_value());
}

TEST(CoreUtf8, RejectsTruncatedSequencesInTheMiddle) {
    EXPECT_FALSE(ipto::utf8_length(bytes({0xc3, 'a'})).has_value());
    EXPECT_FALSE(ipto::utf8_length(bytes({0xe2, 0x82, 'a'})).has_value());
    EXPECT_FALSE(ipto::utf8_length(bytes({0xf0, 0x9f, 0x98, 'a'})).has_value());
    EXPECT_FALSE(ipto::utf8_length(bytes({0xe2, 0xc3, 0xa9})).has_value());
}

TEST(CoreUtf8, RejectsLoneContinuationBytes) {
    EXPECT_FALSE(ipto::utf8_length(bytes({0x80})).has_value());
    EXPECT_FALSE(ipto::utf8_length(bytes({0xbf})).has_value());
    EXPECT_FALSE(ipto::utf8_length("a" + bytes({0x80}) + "b").has_value());
    EXPECT_FALSE(ipto::utf8_length("\xc3\xa9" + bytes({0xa9})).has_value());  // one too many
    EXPECT_FALSE(ipto::utf8_length("\xf0\x9f\x98\x80" + bytes({0x80})).has_value());
}

TEST(CoreUtf8, AgreesWithReferenceOnEveryOneTwoAndThreeByteString) {
    // Exhaustive: 256 + 65,536 + 16,777,216 inputs.
    std::string s;
    std::size_t mismatches = 0;
    for (int a = 0; a < 256; ++a) {
        s.assign(1, static_cast<char>(a));
        if (ipto::utf8_length(s) != reference_length(s) && ++mismatches < 10) ADD_FAILURE() << std::hex << a;
        for (int b = 0; b < 256; ++b) {
            s.assign({static_cast<char>(a), static_cast<char>(b)});
            if (ipto::utf8_length(s) != reference_length(s) && ++mismatches < 10)
                ADD_FAILURE() << std::hex << a << " " << b;
            for (int c = 0; c < 256; ++c) {
                s.assign({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
                if (ipto::utf8_length(s) != reference_length(s) && ++mismatches < 10)
                    ADD_FAILURE() << std::hex << a << " " << b << " " << c;
            }
        }
    }
    EXPECT_EQ(mismatches, 0u);
}

TEST(CoreUtf8, AgreesWithReferenceOnFourByteStrings) {
    // Every lead byte from 0xf0 up, with second bytes across the whole range
    // and a few third/fourth bytes.
    std::size_t mismatches = 0;
    for (int a = 0xf0; a < 256; ++a) {
        for (int b = 0; b < 256; ++b) {
            for (int c : {0x00, 0x7f, 0x80, 0x9f, 0xbf, 0xc0}) {
                for (int d : {0x41, 0x80, 0xbf, 0xc0, 0xff}) {
                    std::string s = bytes({a, b, c, d});
                    if (ipto::utf8_length(s) != reference_length(s) && ++mismatches < 10)
                        ADD_FAILURE() << std::hex << a << " " << b << " " << c << " " << d;
                }
            }
        }
    }
    EXPECT_EQ(mismatches, 0u);
}

TEST(CoreUtf8, DecodesEveryScalarValueItEncodes) {
    // Encode every scalar value (no surrogates) by hand; check length and decoding.
    std::size_t failures = 0;
    for (char32_t cp = 0; cp <= 0x10ffff; ++cp) {
        if (cp >= 0xd800 && cp <= 0xdfff) continue;
        std::string s;
        if (cp < 0x80) {
            s += static_cast<char>(cp);
        } else if (cp < 0x800) {
            s += static_cast<char>(0xc0 | (cp >> 6));
            s += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            s += static_cast<char>(0xe0 | (cp >> 12));
            s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            s += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            s += static_cast<char>(0xf0 | (cp >> 18));
            s += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            s += static_cast<char>(0x80 | (cp & 0x3f));
        }
        std::size_t i = 0;
        char32_t got = ipto::utf8_next(s, i);
        if ((ipto::utf8_length(s) != std::optional<std::size_t>(1) || got != cp || i != s.size()) && ++failures < 10) {
            ADD_FAILURE() << "U+" << std::hex << static_cast<unsigned long>(cp);
        }
    }
    EXPECT_EQ(failures, 0u);
}

TEST(CoreUtf8, NextAdvancesByWholeCodePoints) {
    std::string s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
    std::size_t i = 0;
    EXPECT_EQ(ipto::utf8_next(s, i), U'a');
    EXPECT_EQ(i, 1u);
    EXPECT_EQ(ipto::utf8_next(s, i), char32_t(0xe9));
    EXPECT_EQ(i, 3u);
    EXPECT_EQ(ipto::utf8_next(s, i), char32_t(0x20ac));
    EXPECT_EQ(i, 6u);
    EXPECT_EQ(ipto::utf8_next(s, i), char32_t(0x1f600));
    EXPECT_EQ(i, 10u);
}

}  // namespace
