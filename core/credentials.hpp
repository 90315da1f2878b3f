// Credentials as clients present them, and as ipto mints them.
//
// API key:  ipto_{prefix}_{secret}; prefix 8 of [a-z0-9] (stored in clear, the
//           lookup key), secret 32..128 of [A-Za-z0-9] (stored as SHA-256).
// Session:  48 of [A-Za-z0-9], opaque to clients; its first 16 characters are
//           the lookup id, the last 32 the secret (stored as SHA-256).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ipto {

enum class CredentialKind { api_key, session };
std::string_view credential_kind_name(CredentialKind kind);  // "api_key", "session"

struct PresentedCredential {
    CredentialKind kind;
    std::string public_part;  // API key prefix or session lookup id
    std::string secret;       // never logged, never sent to the database
};

// From the request headers (nullopt = header absent). Throws:
// unauthenticated (neither), ambiguous_credentials (both),
// invalid_credentials (malformed header, scheme or credential).
PresentedCredential parse_request_credential(std::optional<std::string_view> authorization,
                                             std::optional<std::string_view> x_api_key);

std::optional<PresentedCredential> parse_api_key(std::string_view text);
std::optional<PresentedCredential> parse_session_token(std::string_view text);

// Fills a buffer with bytes from a strong random source.
using RandomSource = std::function<void(std::uint8_t*, std::size_t)>;

// n characters drawn uniformly from alphabet (rejection sampling, no modulo bias).
std::string random_string(const RandomSource& random, std::size_t n, std::string_view alphabet);

struct MintedCredential {
    std::string whole;        // shown once to the caller
    std::string public_part;  // stored
    std::string secret;       // stored only as sha256(secret)
};

MintedCredential mint_api_key(const RandomSource& random);
MintedCredential mint_session_token(const RandomSource& random);

}  // namespace ipto
