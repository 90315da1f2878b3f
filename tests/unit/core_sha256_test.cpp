// SHA-256 (FIPS 180-4 vectors), HMAC-SHA-256 (RFC 4231) and the constant-time
// comparison: secrets are stored as these digests and cursors signed with them.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "sha256.hpp"

namespace {

std::string hex_sha(const std::string& s) { return ipto::to_hex(ipto::sha256(s)); }
std::string hex_hmac(const std::string& k, const std::string& m) { return ipto::to_hex(ipto::hmac_sha256(k, m)); }

TEST(CoreSha256, NistEmptyString) {
    EXPECT_EQ(hex_sha(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(CoreSha256, NistAbc) {
    EXPECT_EQ(hex_sha("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CoreSha256, Nist448Bits) {
    // FIPS 180-2 appendix B.2: 56 bytes, so the padding spills into a second block.
    const std::string msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    ASSERT_EQ(msg.size(), 56u);
    EXPECT_EQ(hex_sha(msg), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(CoreSha256, NistOneMillionA) {
    EXPECT_EQ(hex_sha(std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(CoreSha256, PaddingBoundaries) {
    // Lengths around the 55/56/64-byte padding edges; bytes (7i+3) mod 256.
    // Expected values from Python's hashlib.
    struct Case {
        std::size_t n;
        const char* hex;
    } cases[] = {
        {55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"},
        {56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"},
        {57, "35df609437dcfea3279283ab79fd554e2bf78f8f7ae2de532d8ee300b09e8f73"},
        {63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"},
        {64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"},
        {65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"},
        {119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"},
        {120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"},
        {128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"},
    };
    for (const auto& c : cases) {
        std::string msg;
        for (std::size_t i = 0; i < c.n; ++i) msg += static_cast<char>((i * 7 + 3) % 256);
        EXPECT_EQ(hex_sha(msg), c.hex) << "length " << c.n;
    }
}

TEST(CoreSha256, HashesEmbeddedNulBytes) {
    // A string_view with NULs: every byte counts, none ends the input.
    std::string a("a\0b", 3), b("a\0c", 3);
    EXPECT_NE(hex_sha(a), hex_sha(b));
    EXPECT_NE(hex_sha(a), hex_sha("a"));
}

TEST(CoreSha256, HmacRfc4231Case1) {
    EXPECT_EQ(hex_hmac(std::string(20, '\x0b'), "Hi There"),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(CoreSha256, HmacRfc4231Case2) {
    EXPECT_EQ(hex_hmac("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CoreSha256, HmacRfc4231Case6KeyLongerThanBlock) {
    EXPECT_EQ(hex_hmac(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(CoreSha256, HmacRfc4231Case7LongKeyAndLongData) {
    EXPECT_EQ(hex_hmac(std::string(131, '\xaa'),
                       "This is a test using a larger than block-size key and a larger than block-size data. "
                       "The key needs to be hashed before being used by the HMAC algorithm."),
              "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(CoreSha256, HmacKeyOfExactlyOneBlockIsNotHashed) {
    // 64 bytes is used as is; 65 is hashed first (values from Python's hmac).
    EXPECT_EQ(hex_hmac(std::string(64, 'k'), "msg"),
              "d62ad25bb128e96ab6ef43464aaf2bb91b5b85f013381e9ba6be747e8d0911b2");
    EXPECT_EQ(hex_hmac(std::string(65, 'k'), "msg"),
              "c65585780e821bd312cfaa440c33cb28d6af6b323d4977ae83934834ce589e38");
}

TEST(CoreSha256, ToHexIsLowercaseTwoDigitsPerByte) {
    const std::uint8_t bytes[] = {0x00, 0x0f, 0xa0, 0xff, 0x7e};
    EXPECT_EQ(ipto::to_hex(bytes, sizeof bytes), "000fa0ff7e");
    EXPECT_EQ(ipto::to_hex(bytes, 0), "");
    EXPECT_EQ(ipto::to_hex(ipto::sha256("abc")).size(), 64u);
}

TEST(CoreSha256, ConstantTimeEqualEqual) {
    EXPECT_TRUE(ipto::constant_time_equal("", ""));
    EXPECT_TRUE(ipto::constant_time_equal("secret", "secret"));
    std::string a("x\0y", 3), b("x\0y", 3);
    EXPECT_TRUE(ipto::constant_time_equal(a, b));
}

TEST(CoreSha256, ConstantTimeEqualDiffer) {
    EXPECT_FALSE(ipto::constant_time_equal("secret", "secreT"));
    EXPECT_FALSE(ipto::constant_time_equal("secret", "Secret"));
    EXPECT_FALSE(ipto::constant_time_equal("secret", "sedret"));
    // Bytes past a NUL still count.
    std::string a("x\0y", 3), b("x\0z", 3);
    EXPECT_FALSE(ipto::constant_time_equal(a, b));
    // High bit differences.
    EXPECT_FALSE(ipto::constant_time_equal(std::string("\x80", 1), std::string("\0", 1)));
    EXPECT_FALSE(ipto::constant_time_equal("\xff", "\x7f"));
    // Every single-bit difference at every position of a 32-byte value.
    std::string base(32, 'q');
    for (std::size_t i = 0; i < base.size(); ++i) {
        for (int bit = 0; bit < 8; ++bit) {
            std::string other = base;
            other[i] = static_cast<char>(other[i] ^ (1 << bit));
            EXPECT_FALSE(ipto::constant_time_equal(base, other)) << i << ":" << bit;
        }
    }
}

TEST(CoreSha256, ConstantTimeEqualDifferentLengths) {
    EXPECT_FALSE(ipto::constant_time_equal("secret", "secret2"));
    EXPECT_FALSE(ipto::constant_time_equal("secret2", "secret"));
    EXPECT_FALSE(ipto::constant_time_equal("", "a"));
    EXPECT_FALSE(ipto::constant_time_equal(std::string("a\0", 2), "a"));
}

}  // namespace
