#include "cursor.hpp"

#include <array>

#include "base64url.hpp"
#include "errors.hpp"
#include "ids.hpp"
#include "sha256.hpp"

namespace ipto {
namespace {

constexpr char kVersion = 1;
constexpr std::size_t kMacBytes = 12;
constexpr std::size_t kPayloadBytes = 1 + 8 + kIdRandomBytes;
constexpr std::size_t kMaxCursorText = 64;

std::string mac(std::string_view payload, std::string_view key, std::string_view context) {
    std::string message(payload);
    message += '\x1f';
    message += context;
    Digest d = hmac_sha256(key, message);
    return std::string(reinterpret_cast<const char*>(d.data()), kMacBytes);
}

Error invalid() {
    return Error(ErrorKind::invalid_cursor, "the cursor is not valid", "cursor",
                 "pass the next_cursor of a previous response unchanged, with the same filters");
}

int hex_value(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

}  // namespace

std::string encode_cursor(const CursorPosition& pos, std::string_view key, std::string_view context) {
    std::string payload(1, kVersion);
    auto t = static_cast<std::uint64_t>(pos.created_at_us);
    for (int i = 7; i >= 0; --i) payload += static_cast<char>((t >> (8 * i)) & 0xff);
    std::string_view hex = std::string_view(pos.dataset_id).substr(id_prefix(IdKind::dataset).size());
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        payload += static_cast<char>(hex_value(hex[i]) << 4 | hex_value(hex[i + 1]));
    }
    return base64url_encode(payload + mac(payload, key, context));
}

CursorPosition decode_cursor(std::string_view text, std::string_view key, std::string_view context) {
    if (text.size() > kMaxCursorText) throw invalid();
    auto raw = base64url_decode(text);
    if (!raw || raw->size() != kPayloadBytes + kMacBytes || (*raw)[0] != kVersion) throw invalid();
    std::string_view payload = std::string_view(*raw).substr(0, kPayloadBytes);
    if (!constant_time_equal(std::string_view(*raw).substr(kPayloadBytes), mac(payload, key, context))) throw invalid();
    std::uint64_t t = 0;
    for (int i = 1; i <= 8; ++i) t = (t << 8) | static_cast<unsigned char>(payload[i]);
    std::array<std::uint8_t, kIdRandomBytes> id{};
    for (std::size_t i = 0; i < kIdRandomBytes; ++i) id[i] = static_cast<std::uint8_t>(payload[9 + i]);
    return CursorPosition{static_cast<std::int64_t>(t), make_id(IdKind::dataset, id)};
}

}  // namespace ipto
