// SHA-256 and HMAC-SHA-256 (FIPS 180-4, RFC 2104): how secrets are stored and
// cursors signed. Plain C++ so the extension and the front share one digest.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ipto {

using Digest = std::array<std::uint8_t, 32>;

Digest sha256(std::string_view data);
Digest hmac_sha256(std::string_view key, std::string_view message);

std::string to_hex(const std::uint8_t* bytes, std::size_t n);
inline std::string to_hex(const Digest& d) { return to_hex(d.data(), d.size()); }

// Compares in time that depends only on the lengths, never on the contents.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace ipto
