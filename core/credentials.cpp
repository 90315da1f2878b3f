#include "credentials.hpp"

#include "errors.hpp"

namespace ipto {
namespace {

constexpr std::string_view kLowerDigits = "abcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::string_view kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::size_t kPrefixLength = 8;
constexpr std::size_t kMinSecret = 32;
constexpr std::size_t kMaxSecret = 128;
constexpr std::size_t kMintedSecret = 40;
constexpr std::size_t kSessionId = 16;
constexpr std::size_t kSessionSecret = 32;

bool all_of(std::string_view s, std::string_view alphabet) {
    for (char c : s) {
        if (alphabet.find(c) == std::string_view::npos) return false;
    }
    return true;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

Error malformed(std::string message) {
    return Error(ErrorKind::invalid_credentials, std::move(message), {},
                 "send \"Authorization: Bearer <token or API key>\" or \"X-API-Key: ipto_<prefix>_<secret>\"");
}

}  // namespace

std::string_view credential_kind_name(CredentialKind kind) {
    return kind == CredentialKind::api_key ? "api_key" : "session";
}

std::optional<PresentedCredential> parse_api_key(std::string_view t) {
    constexpr std::string_view kHead = "ipto_";
    if (t.size() < kHead.size() + kPrefixLength + 1 + kMinSecret || t.substr(0, kHead.size()) != kHead) return std::nullopt;
    std::string_view prefix = t.substr(kHead.size(), kPrefixLength);
    if (t[kHead.size() + kPrefixLength] != '_') return std::nullopt;
    std::string_view secret = t.substr(kHead.size() + kPrefixLength + 1);
    if (secret.size() > kMaxSecret || !all_of(prefix, kLowerDigits) || !all_of(secret, kAlnum)) return std::nullopt;
    return PresentedCredential{CredentialKind::api_key, std::string(prefix), std::string(secret)};
}

std::optional<PresentedCredential> parse_session_token(std::string_view t) {
    if (t.size() != kSessionId + kSessionSecret || !all_of(t, kAlnum)) return std::nullopt;
    return PresentedCredential{CredentialKind::session, std::string(t.substr(0, kSessionId)),
                               std::string(t.substr(kSessionId))};
}

PresentedCredential parse_request_credential(std::optional<std::string_view> authorization,
                                             std::optional<std::string_view> x_api_key) {
    if (authorization && x_api_key) {
        throw Error(ErrorKind::ambiguous_credentials, "both an Authorization and an X-API-Key header were sent", {},
                    "send exactly one credential");
    }
    if (x_api_key) {
        auto key = parse_api_key(trim_spaces(*x_api_key));
        if (!key) throw malformed("the X-API-Key header is not an ipto API key");
        return *key;
    }
    if (!authorization) {
        throw Error(ErrorKind::unauthenticated, "this request needs a credential", {},
                    "send \"Authorization: Bearer <token or API key>\" or \"X-API-Key: ipto_<prefix>_<secret>\"");
    }
    std::string_view h = trim_spaces(*authorization);
    std::size_t space = h.find(' ');
    if (space == std::string_view::npos || !iequals(h.substr(0, space), "bearer")) {
        throw malformed("the Authorization header must use the Bearer scheme");
    }
    std::string_view token = trim_spaces(h.substr(space + 1));
    if (auto key = parse_api_key(token)) return *key;
    if (auto session = parse_session_token(token)) return *session;
    throw malformed("the bearer token is not an ipto API key or session token");
}

std::string random_string(const RandomSource& random, std::size_t n, std::string_view alphabet) {
    // Accept bytes below the largest multiple of the alphabet size: uniform.
    const unsigned limit = 256 - (256 % alphabet.size());
    std::string out;
    out.reserve(n);
    std::uint8_t buf[64];
    while (out.size() < n) {
        random(buf, sizeof buf);
        for (std::uint8_t b : buf) {
            if (b < limit && out.size() < n) out += alphabet[b % alphabet.size()];
        }
    }
    return out;
}

MintedCredential mint_api_key(const RandomSource& random) {
    MintedCredential c;
    c.public_part = random_string(random, kPrefixLength, kLowerDigits);
    c.secret = random_string(random, kMintedSecret, kAlnum);
    c.whole = "ipto_" + c.public_part + "_" + c.secret;
    return c;
}

MintedCredential mint_session_token(const RandomSource& random) {
    MintedCredential c;
    c.public_part = random_string(random, kSessionId, kAlnum);
    c.secret = random_string(random, kSessionSecret, kAlnum);
    c.whole = c.public_part + c.secret;
    return c;
}

}  // namespace ipto
