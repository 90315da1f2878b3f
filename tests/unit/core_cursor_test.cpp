// The list cursor: opaque (base64url), signed, bound to the key and to the
// context (tenant and filters). Anything it did not sign is invalid_cursor
// naming "cursor" (docs/api.md, List).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "base64url.hpp"
#include "core_test_helpers.hpp"
#include "cursor.hpp"
#include "errors.hpp"

using ipto::CursorPosition;
using ipto::ErrorKind;
using ipto_test::ThrowsIptoError;

namespace {

const std::string kKey = "server-cursor-key-0123456789abcdef";
const std::string kContext = "tnt_0123456789ab|status=|visibility=listed|owner=";

::testing::AssertionResult InvalidCursor(const std::string& text, const std::string& key = kKey,
                                         const std::string& context = kContext) {
    return ThrowsIptoError([&] { ipto::decode_cursor(text, key, context); }, ErrorKind::invalid_cursor, "cursor");
}

std::string sample_cursor() { return ipto::encode_cursor({1775383200123456, "dset_a1b2c3d4e5f6"}, kKey, kContext); }

TEST(CoreCursor, RoundTripsSeveralPositions) {
    const std::vector<CursorPosition> positions = {
        {0, "dset_000000000000"},
        {1, "dset_ffffffffffff"},
        {-1, "dset_0123456789ab"},
        {1775383200000000, "dset_a1b2c3d4e5f6"},
        {1775383200123456, "dset_a1b2c3d4e5f6"},
        {-2208988800000000, "dset_00000000ff00"},
        {std::numeric_limits<std::int64_t>::max(), "dset_fedcba987654"},
        {std::numeric_limits<std::int64_t>::min(), "dset_010203040506"},
    };
    for (const auto& p : positions) {
        std::string text = ipto::encode_cursor(p, kKey, kContext);
        CursorPosition back = ipto::decode_cursor(text, kKey, kContext);
        EXPECT_EQ(back.created_at_us, p.created_at_us) << text;
        EXPECT_EQ(back.dataset_id, p.dataset_id) << text;
    }
}

TEST(CoreCursor, TextIsOpaqueBase64urlAndShort) {
    std::string text = sample_cursor();
    EXPECT_FALSE(text.empty());
    EXPECT_LE(text.size(), 64u);
    EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("a1b2c3d4e5f6"), std::string::npos) << "the dataset id shows in clear";
    EXPECT_TRUE(ipto::base64url_decode(text).has_value());
}

TEST(CoreCursor, DistinctPositionsGiveDistinctCursors) {
    std::string a = ipto::encode_cursor({100, "dset_a1b2c3d4e5f6"}, kKey, kContext);
    std::string b = ipto::encode_cursor({101, "dset_a1b2c3d4e5f6"}, kKey, kContext);
    std::string c = ipto::encode_cursor({100, "dset_a1b2c3d4e5f7"}, kKey, kContext);
    EXPECT_NE(a, b);
    EXPECT_NE(a, c);
    EXPECT_NE(b, c);
}

TEST(CoreCursor, WrongKeyIsInvalid) {
    std::string text = sample_cursor();
    EXPECT_TRUE(InvalidCursor(text, "another-key"));
    EXPECT_TRUE(InvalidCursor(text, ""));
    EXPECT_TRUE(InvalidCursor(text, kKey + "x"));
    EXPECT_NO_THROW(ipto::decode_cursor(text, kKey, kContext));
}

TEST(CoreCursor, WrongContextIsInvalid) {
    std::string text = sample_cursor();
    // Another tenant, or the same tenant with other filters.
    EXPECT_TRUE(InvalidCursor(text, kKey, "tnt_ba9876543210|status=|visibility=listed|owner="));
    EXPECT_TRUE(InvalidCursor(text, kKey, "tnt_0123456789ab|status=active|visibility=listed|owner="));
    EXPECT_TRUE(InvalidCursor(text, kKey, "tnt_0123456789ab|status=|visibility=|owner="));
    EXPECT_TRUE(InvalidCursor(text, kKey, ""));
    EXPECT_TRUE(InvalidCursor(text, kKey, kContext + " "));
    // And a cursor made for an empty context is not valid for another one.
    std::string empty_ctx = ipto::encode_cursor({5, "dset_a1b2c3d4e5f6"}, kKey, "");
    EXPECT_NO_THROW(ipto::decode_cursor(empty_ctx, kKey, ""));
    EXPECT_TRUE(InvalidCursor(empty_ctx, kKey, kContext));
}

TEST(CoreCursor, EverySingleBitFlipIsInvalid) {
    std::string text = sample_cursor();
    auto raw = ipto::base64url_decode(text);
    ASSERT_TRUE(raw.has_value());
    ASSERT_FALSE(raw->empty());
    for (std::size_t i = 0; i < raw->size(); ++i) {
        for (int bit = 0; bit < 8; ++bit) {
            std::string flipped = *raw;
            flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
            EXPECT_TRUE(InvalidCursor(ipto::base64url_encode(flipped))) << "byte " << i << " bit " << bit;
        }
    }
}

TEST(CoreCursor, EveryChangedCharacterIsInvalid) {
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string text = sample_cursor();
    for (std::size_t i = 0; i < text.size(); ++i) {
        for (char c : alphabet) {
            if (c == text[i]) continue;
            std::string changed = text;
            changed[i] = c;
            EXPECT_TRUE(InvalidCursor(changed)) << changed;
        }
    }
}

TEST(CoreCursor, TruncatedIsInvalid) {
    std::string text = sample_cursor();
    for (std::size_t n = 0; n < text.size(); ++n) {
        EXPECT_TRUE(InvalidCursor(text.substr(0, n))) << "first " << n << " characters";
        EXPECT_TRUE(InvalidCursor(text.substr(text.size() - n))) << "last " << n << " characters";
    }
}

TEST(CoreCursor, ExtendedIsInvalid) {
    std::string text = sample_cursor();
    for (const char* tail : {"A", "AA", "AAA", "AAAA", "_", "--", "0000"}) {
        EXPECT_TRUE(InvalidCursor(text + tail)) << tail;
        EXPECT_TRUE(InvalidCursor(tail + text)) << tail;
    }
    auto raw = ipto::base64url_decode(text);
    ASSERT_TRUE(raw.has_value());
    EXPECT_TRUE(InvalidCursor(ipto::base64url_encode(*raw + std::string(1, '\0'))));
    EXPECT_TRUE(InvalidCursor(ipto::base64url_encode(*raw + *raw)));
}

TEST(CoreCursor, EmptyIsInvalid) { EXPECT_TRUE(InvalidCursor("")); }

TEST(CoreCursor, NonBase64CharactersAreInvalid) {
    std::string text = sample_cursor();
    for (char c : {'+', '/', '=', '.', ' ', '\n', '%', '~', '\0'}) {
        std::string changed = text;
        changed[text.size() / 2] = c;
        EXPECT_TRUE(InvalidCursor(changed)) << int(c);
    }
    EXPECT_TRUE(InvalidCursor(text + "="));
    EXPECT_TRUE(InvalidCursor(text + "=="));
    EXPECT_TRUE(InvalidCursor(" " + text));
    EXPECT_TRUE(InvalidCursor(text + "\n"));
    EXPECT_TRUE(InvalidCursor("not a cursor"));
    EXPECT_TRUE(InvalidCursor("null"));
    EXPECT_TRUE(InvalidCursor("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"));
}

TEST(CoreCursor, OverlongTextIsInvalid) {
    std::string text = sample_cursor();
    EXPECT_TRUE(InvalidCursor(text + text));
    EXPECT_TRUE(InvalidCursor(std::string(65, 'A')));
    EXPECT_TRUE(InvalidCursor(std::string(100000, 'A')));
}

TEST(CoreCursor, ForgedValidBase64OfRightLengthIsInvalid) {
    // Right length and right version byte but no valid signature.
    std::string raw = ipto::base64url_decode(sample_cursor()).value();
    std::string forged(raw.size(), '\0');
    forged[0] = raw[0];
    EXPECT_TRUE(InvalidCursor(ipto::base64url_encode(forged)));
    EXPECT_TRUE(InvalidCursor(ipto::base64url_encode(std::string(raw.size(), '\x01'))));
}

}  // namespace
