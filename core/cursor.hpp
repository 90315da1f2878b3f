// The list cursor: an opaque, signed keyset position.
//
// Layout before base64url: version (1) | created_at µs (8, big-endian) |
// dataset id's 6 random bytes | first 12 bytes of HMAC-SHA-256 over those and
// the context (tenant and filters). A cursor is thus bound to who asked and
// with which filters; any other use, or any changed bit, is invalid_cursor.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ipto {

struct CursorPosition {
    std::int64_t created_at_us;  // microseconds since the Unix epoch
    std::string dataset_id;      // dset_…
};

std::string encode_cursor(const CursorPosition& pos, std::string_view key, std::string_view context);

// Throws Error(invalid_cursor, field "cursor") for anything it did not sign.
CursorPosition decode_cursor(std::string_view text, std::string_view key, std::string_view context);

}  // namespace ipto
