// Credentials as clients present them (docs/api.md, Authentication) and as
// ipto mints them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core_test_helpers.hpp"
#include "credentials.hpp"
#include "errors.hpp"

using ipto::CredentialKind;
using ipto::ErrorKind;
using ipto_test::ThrowsIptoError;
using ipto_test::ThrowsIptoKind;

namespace {

using Header = std::optional<std::string_view>;

const std::string kPrefix = "ab12cd34";
const std::string kSecret32 = "ABCDEFGHIJKLMNOPQRSTUVWXyz012345";  // 32 alphanumerics
const std::string kKey = "ipto_" + kPrefix + "_" + kSecret32;
const std::string kSessionId = "Sess1onIdAbCdEf9";                  // 16
const std::string kSessionSecret = "0123456789abcdefghijABCDEFGHIJKL";  // 32
const std::string kSession = kSessionId + kSessionSecret;

const std::string kLowerDigits = "abcdefghijklmnopqrstuvwxyz0123456789";
const std::string kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

ipto::PresentedCredential parse(Header authorization, Header x_api_key) {
    return ipto::parse_request_credential(authorization, x_api_key);
}

::testing::AssertionResult InvalidCredentials(Header authorization, Header x_api_key) {
    return ThrowsIptoKind([&] { parse(authorization, x_api_key); }, ErrorKind::invalid_credentials);
}

// Keys that are not ipto API keys, each for one reason.
std::vector<std::string> malformed_keys() {
    return {
        "ipto_ab12cd3_" + kSecret32,                  // prefix of 7
        "ipto_ab12cd345_" + kSecret32,                // prefix of 9
        "ipto_AB12CD34_" + kSecret32,                 // upper-case prefix
        "ipto_ab12Cd34_" + kSecret32,                 // one upper-case letter in the prefix
        "ipto_ab12-d34_" + kSecret32,                 // '-' in the prefix
        "ipto_" + kPrefix + "_" + kSecret32.substr(1),  // secret of 31
        "ipto_" + kPrefix + "_" + kSecret32.substr(0, 31) + "-",  // '-' in the secret
        "ipto_" + kPrefix + "_" + kSecret32 + "-",    // '-' after a valid secret
        "ipto_" + kPrefix + "_" + kSecret32 + "_x",   // '_' in the secret
        "ipto_" + kPrefix + "_" + std::string(129, 'a'),  // secret over 128
        "ipto_" + kPrefix + "_" + kSecret32.substr(0, 31) + "\xc3\xa9",  // non-ASCII
        "ipto_" + kPrefix + kSecret32,                // no separator
        "ipto_" + kPrefix + "-" + kSecret32,          // wrong separator
        "IPTO_" + kPrefix + "_" + kSecret32,          // upper-case head
        "ipt_" + kPrefix + "_" + kSecret32,           // wrong head
        kPrefix + "_" + kSecret32,                    // no head
        "ipto_",
        "",
    };
}

// ---- parse_request_credential: which header, which scheme -----------------

TEST(CoreCredentials, NeitherHeaderIsUnauthenticated) {
    EXPECT_TRUE(ThrowsIptoKind([] { parse(std::nullopt, std::nullopt); }, ErrorKind::unauthenticated));
}

TEST(CoreCredentials, BothHeadersAreAmbiguous) {
    EXPECT_TRUE(ThrowsIptoKind([] { parse("Bearer " + kKey, kKey); }, ErrorKind::ambiguous_credentials));
    EXPECT_TRUE(ThrowsIptoKind([] { parse("Bearer " + kSession, kKey); }, ErrorKind::ambiguous_credentials));
    // Even when both are malformed or empty: two credentials is the problem.
    EXPECT_TRUE(ThrowsIptoKind([] { parse("Basic x", "nonsense"); }, ErrorKind::ambiguous_credentials));
    EXPECT_TRUE(ThrowsIptoKind([] { parse(Header(""), Header("")); }, ErrorKind::ambiguous_credentials));
}

TEST(CoreCredentials, XApiKeyValid) {
    auto c = parse(std::nullopt, kKey);
    EXPECT_EQ(c.kind, CredentialKind::api_key);
    EXPECT_EQ(c.public_part, kPrefix);
    EXPECT_EQ(c.secret, kSecret32);
}

TEST(CoreCredentials, BearerWithApiKey) {
    auto c = parse("Bearer " + kKey, std::nullopt);
    EXPECT_EQ(c.kind, CredentialKind::api_key);
    EXPECT_EQ(c.public_part, kPrefix);
    EXPECT_EQ(c.secret, kSecret32);
}

TEST(CoreCredentials, BearerWithSessionToken) {
    ASSERT_EQ(kSession.size(), 48u);
    auto c = parse("Bearer " + kSession, std::nullopt);
    EXPECT_EQ(c.kind, CredentialKind::session);
    EXPECT_EQ(c.public_part, kSession.substr(0, 16));
    EXPECT_EQ(c.secret, kSession.substr(16));
    EXPECT_EQ(c.secret.size(), 32u);
}

TEST(CoreCredentials, BearerSchemeIsCaseInsensitive) {
    for (const char* scheme : {"bearer", "BEARER", "Bearer", "bEaReR"}) {
        auto c = parse(std::string(scheme) + " " + kSession, std::nullopt);
        EXPECT_EQ(c.kind, CredentialKind::session) << scheme;
        EXPECT_EQ(c.public_part, kSessionId) << scheme;
        auto k = parse(std::string(scheme) + " " + kKey, std::nullopt);
        EXPECT_EQ(k.kind, CredentialKind::api_key) << scheme;
    }
}

TEST(CoreCredentials, ToleratesExtraSpacesAroundTheToken) {
    auto c = parse("Bearer   " + kKey + "  ", std::nullopt);
    EXPECT_EQ(c.kind, CredentialKind::api_key);
    EXPECT_EQ(c.secret, kSecret32);
}

TEST(CoreCredentials, OtherSchemesAreInvalidCredentials) {
    EXPECT_TRUE(InvalidCredentials("Basic dXNlcjpwYXNzd29yZA==", std::nullopt));
    EXPECT_TRUE(InvalidCredentials("Basic " + kKey, std::nullopt));
    EXPECT_TRUE(InvalidCredentials("Token " + kKey, std::nullopt));
    EXPECT_TRUE(InvalidCredentials("Bearer:" + kKey, std::nullopt));
    EXPECT_TRUE(InvalidCredentials("Bearerx " + kKey, std::nullopt));
    EXPECT_TRUE(InvalidCredentials(kKey, std::nullopt));  // no scheme at all
    EXPECT_TRUE(InvalidCredentials(kSession, std::nullopt));
}

TEST(CoreCredentials, EmptyOrSchemeOnlyAuthorizationIsInvalid) {
    EXPECT_TRUE(InvalidCredentials(Header(""), std::nullopt));
    EXPECT_TRUE(InvalidCredentials("Bearer", std::nullopt));
    EXPECT_TRUE(InvalidCredentials("Bearer ", std::nullopt));
    EXPECT_TRUE(InvalidCredentials("Bearer    ", std::nullopt));
    EXPECT_TRUE(InvalidCredentials("   ", std::nullopt));
}

TEST(CoreCredentials, EmptyXApiKeyIsInvalid) { EXPECT_TRUE(InvalidCredentials(std::nullopt, Header(""))); }

TEST(CoreCredentials, MalformedApiKeysAreInvalidCredentials) {
    for (const std::string& bad : malformed_keys()) {
        EXPECT_TRUE(InvalidCredentials(std::nullopt, bad)) << "X-API-Key: " << bad;
        EXPECT_TRUE(InvalidCredentials("Bearer " + bad, std::nullopt)) << "Bearer " << bad;
        EXPECT_FALSE(ipto::parse_api_key(bad).has_value()) << bad;
    }
}

TEST(CoreCredentials, XApiKeyDoesNotAcceptSessionTokens) {
    EXPECT_TRUE(InvalidCredentials(std::nullopt, kSession));
    EXPECT_TRUE(InvalidCredentials(std::nullopt, "Bearer " + kKey));
}

TEST(CoreCredentials, MalformedSessionTokensAreInvalidCredentials) {
    for (const std::string& bad : {kSession.substr(1),                      // 47
                                   kSession + "a",                          // 49
                                   kSession.substr(0, 47) + "-",            // non-alphanumeric
                                   kSession.substr(0, 47) + "_",
                                   kSession.substr(0, 20) + " " + kSession.substr(21),
                                   std::string(48, '\0'),
                                   std::string(32, 'a')}) {
        EXPECT_TRUE(InvalidCredentials("Bearer " + bad, std::nullopt)) << bad;
        EXPECT_FALSE(ipto::parse_session_token(bad).has_value()) << bad;
    }
}

TEST(CoreCredentials, ErrorsCarryNoField) {
    // Credential errors are not about a body field; the front must not show one.
    try {
        parse("Basic abc", std::nullopt);
        FAIL();
    } catch (const ipto::Error& e) {
        EXPECT_TRUE(e.field().empty());
    }
}

TEST(CoreCredentials, ErrorsNeverEchoTheSecret) {
    const std::string bad = "ipto_" + kPrefix + "_" + kSecret32 + "-";
    const std::string bearer = "Bearer " + bad;
    for (int via_bearer = 0; via_bearer < 2; ++via_bearer) {
        try {
            if (via_bearer) parse(Header(bearer), std::nullopt);
            else parse(std::nullopt, Header(bad));
            FAIL() << "accepted a malformed key";
        } catch (const ipto::Error& e) {
            std::string all = std::string(e.what()) + e.detail() + e.hint();
            EXPECT_EQ(all.find(kSecret32), std::string::npos) << all;
        }
    }
}

// ---- parse_api_key / parse_session_token --------------------------------------

TEST(CoreCredentials, ApiKeySecretLengthBounds) {
    EXPECT_TRUE(ipto::parse_api_key("ipto_" + kPrefix + "_" + std::string(32, 'Z')).has_value());
    EXPECT_TRUE(ipto::parse_api_key("ipto_" + kPrefix + "_" + std::string(128, 'Z')).has_value());
    EXPECT_FALSE(ipto::parse_api_key("ipto_" + kPrefix + "_" + std::string(31, 'Z')).has_value());
    EXPECT_FALSE(ipto::parse_api_key("ipto_" + kPrefix + "_" + std::string(129, 'Z')).has_value());
    auto k = ipto::parse_api_key("ipto_00000000_" + std::string(128, '9'));
    ASSERT_TRUE(k.has_value());
    EXPECT_EQ(k->kind, CredentialKind::api_key);
    EXPECT_EQ(k->public_part, "00000000");
    EXPECT_EQ(k->secret, std::string(128, '9'));
}

TEST(CoreCredentials, ApiKeyPrefixMayUseEveryLowerLetterAndDigit) {
    for (char c : kLowerDigits) {
        std::string prefix(8, c);
        auto k = ipto::parse_api_key("ipto_" + prefix + "_" + kSecret32);
        ASSERT_TRUE(k.has_value()) << c;
        EXPECT_EQ(k->public_part, prefix);
    }
}

TEST(CoreCredentials, SessionTokenSplit) {
    auto s = ipto::parse_session_token(kSession);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->kind, CredentialKind::session);
    EXPECT_EQ(s->public_part, kSessionId);
    EXPECT_EQ(s->secret, kSessionSecret);
    // An API key is never a session token, and the reverse.
    EXPECT_FALSE(ipto::parse_session_token(kKey).has_value());
    EXPECT_FALSE(ipto::parse_api_key(kSession).has_value());
}

TEST(CoreCredentials, KindNames) {
    EXPECT_EQ(ipto::credential_kind_name(CredentialKind::api_key), "api_key");
    EXPECT_EQ(ipto::credential_kind_name(CredentialKind::session), "session");
}

// ---- random_string and minting ------------------------------------------------

// Every byte the same.
ipto::RandomSource constant_source(std::uint8_t value) {
    return [value](std::uint8_t* p, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) p[i] = value;
    };
}

// 0, 1, 2, ... 255, 0, ... across calls, starting at `start`.
ipto::RandomSource counter_source(unsigned start = 0) {
    auto counter = std::make_shared<unsigned>(start);
    return [counter](std::uint8_t* p, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>((*counter)++);
    };
}

ipto::RandomSource seeded_source(std::uint32_t seed) {
    auto rng = std::make_shared<std::mt19937>(seed);
    return [rng](std::uint8_t* p, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>((*rng)() >> 24);
    };
}

void expect_api_key_parses(const ipto::MintedCredential& m) {
    EXPECT_EQ(m.whole, "ipto_" + m.public_part + "_" + m.secret);
    EXPECT_EQ(m.public_part.size(), 8u);
    EXPECT_GE(m.secret.size(), 32u);
    EXPECT_LE(m.secret.size(), 128u);
    auto k = ipto::parse_api_key(m.whole);
    ASSERT_TRUE(k.has_value()) << m.whole;
    EXPECT_EQ(k->public_part, m.public_part);
    EXPECT_EQ(k->secret, m.secret);
    auto via_header = parse(std::nullopt, m.whole);
    EXPECT_EQ(via_header.kind, CredentialKind::api_key);
    EXPECT_EQ(via_header.secret, m.secret);
    auto via_bearer = parse("Bearer " + m.whole, std::nullopt);
    EXPECT_EQ(via_bearer.kind, CredentialKind::api_key);
    EXPECT_EQ(via_bearer.public_part, m.public_part);
}

void expect_session_parses(const ipto::MintedCredential& m) {
    EXPECT_EQ(m.whole, m.public_part + m.secret);
    EXPECT_EQ(m.whole.size(), 48u);
    EXPECT_EQ(m.public_part.size(), 16u);
    EXPECT_EQ(m.secret.size(), 32u);
    auto s = ipto::parse_session_token(m.whole);
    ASSERT_TRUE(s.has_value()) << m.whole;
    EXPECT_EQ(s->public_part, m.public_part);
    EXPECT_EQ(s->secret, m.secret);
    auto via_bearer = parse("Bearer " + m.whole, std::nullopt);
    EXPECT_EQ(via_bearer.kind, CredentialKind::session);
    EXPECT_EQ(via_bearer.public_part, m.public_part);
    EXPECT_EQ(via_bearer.secret, m.secret);
}

TEST(CoreCredentials, MintedApiKeyParsesWithConstantSource) {
    for (int v : {0, 1, 35, 61, 100, 200, 247}) {
        auto m = ipto::mint_api_key(constant_source(static_cast<std::uint8_t>(v)));
        SCOPED_TRACE(v);
        expect_api_key_parses(m);
    }
    auto zero = ipto::mint_api_key(constant_source(0));
    EXPECT_EQ(zero.public_part, "aaaaaaaa");
}

TEST(CoreCredentials, MintedApiKeyParsesWithCounterSource) {
    for (unsigned start : {0u, 7u, 200u, 250u, 255u}) {
        SCOPED_TRACE(start);
        expect_api_key_parses(ipto::mint_api_key(counter_source(start)));
    }
}

TEST(CoreCredentials, MintedSessionTokenParses) {
    for (int v : {0, 1, 61, 100, 247}) {
        SCOPED_TRACE(v);
        expect_session_parses(ipto::mint_session_token(constant_source(static_cast<std::uint8_t>(v))));
    }
    for (unsigned start : {0u, 7u, 200u, 250u, 255u}) {
        SCOPED_TRACE(start);
        expect_session_parses(ipto::mint_session_token(counter_source(start)));
    }
}

TEST(CoreCredentials, MintedCredentialsDifferAcrossDraws) {
    auto source = seeded_source(99);
    std::set<std::string> seen_keys, seen_sessions, seen_prefixes;
    for (int i = 0; i < 500; ++i) {
        auto k = ipto::mint_api_key(source);
        expect_api_key_parses(k);
        EXPECT_TRUE(seen_keys.insert(k.whole).second);
        seen_prefixes.insert(k.public_part);
        auto s = ipto::mint_session_token(source);
        expect_session_parses(s);
        EXPECT_TRUE(seen_sessions.insert(s.whole).second);
    }
    EXPECT_EQ(seen_prefixes.size(), 500u);  // 36^8 possibilities: no collision expected
}

TEST(CoreCredentials, RandomStringOnlyUsesTheAlphabet) {
    auto source = seeded_source(1);
    for (const std::string& alphabet : {kAlnum, kLowerDigits, std::string("xyz"), std::string("Q")}) {
        std::string s = ipto::random_string(source, 5000, alphabet);
        ASSERT_EQ(s.size(), 5000u);
        EXPECT_EQ(s.find_first_not_of(alphabet), std::string::npos) << alphabet;
    }
    EXPECT_EQ(ipto::random_string(source, 0, kAlnum), "");
    EXPECT_EQ(ipto::random_string(counter_source(), 6, "abc"), "abcabc");
}

// 100 distinct symbols: bytes 0x20..0x83.
std::string hundred_symbols() {
    std::string out;
    for (int i = 0; i < 100; ++i) out += static_cast<char>(0x20 + i);
    return out;
}

TEST(CoreCredentials, RandomStringRejectsBytesThatWouldBias) {
    // With 100 symbols, bytes 200..255 must be skipped (200 is the largest
    // multiple of 100 that fits in a byte), never folded onto 0..55.
    const std::string alphabet = hundred_symbols();
    EXPECT_EQ(ipto::random_string(counter_source(199), 1, alphabet), std::string(1, alphabet[99]));
    EXPECT_EQ(ipto::random_string(counter_source(200), 1, alphabet), std::string(1, alphabet[0]));
    EXPECT_EQ(ipto::random_string(counter_source(255), 1, alphabet), std::string(1, alphabet[0]));
    // For the 62-symbol alphabet, bytes 248..255 are skipped.
    EXPECT_EQ(ipto::random_string(counter_source(248), 1, kAlnum), "A");
    EXPECT_EQ(ipto::random_string(counter_source(247), 1, kAlnum), "9");
}

// Pearson's chi-square of the symbol counts against a uniform distribution.
double chi_square(const std::string& s, const std::string& alphabet) {
    std::map<char, long> counts;
    for (char c : alphabet) counts[c] = 0;
    for (char c : s) ++counts[c];
    const double expected = static_cast<double>(s.size()) / static_cast<double>(alphabet.size());
    double chi = 0;
    for (const auto& [c, n] : counts) {
        double d = static_cast<double>(n) - expected;
        chi += d * d / expected;
    }
    return chi;
}

TEST(CoreCredentials, RandomStringIsRoughlyUniform) {
    // Degrees of freedom k-1; the mean of chi-square is k-1 and its standard
    // deviation sqrt(2(k-1)). The bound is loose (about 6 sigma) so a fair
    // generator never fails, while modulo bias (first symbols 1.5x as likely
    // for 100 symbols) gives a chi-square in the tens of thousands.
    auto source = seeded_source(20260405);
    struct Case {
        std::string alphabet;
        std::size_t draws;
    } cases[] = {{kAlnum, 620000}, {kLowerDigits, 360000}};
    for (const auto& c : cases) {
        std::string s = ipto::random_string(source, c.draws, c.alphabet);
        double k1 = static_cast<double>(c.alphabet.size() - 1);
        double chi = chi_square(s, c.alphabet);
        EXPECT_LT(chi, k1 + 6 * std::sqrt(2 * k1)) << c.alphabet;
    }
    const std::string hundred = hundred_symbols();
    ASSERT_EQ(std::set<char>(hundred.begin(), hundred.end()).size(), 100u);
    std::string s = ipto::random_string(source, 400000, hundred);
    EXPECT_LT(chi_square(s, hundred), 99 + 6 * std::sqrt(2 * 99.0));
}

}  // namespace
