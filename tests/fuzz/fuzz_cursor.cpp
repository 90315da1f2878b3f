// libFuzzer: cursors. Anything not signed by us is invalid_cursor; anything
// that decodes encodes back to the same text.
#include <cstdint>
#include <string_view>

#include "cursor.hpp"
#include "errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::string key(32, 'k');
    try {
        ipto::CursorPosition p = ipto::decode_cursor(text, key, "tnt_000000000001");
        if (ipto::encode_cursor(p, key, "tnt_000000000001") != text) __builtin_trap();
    } catch (const ipto::Error& e) {
        if (e.kind() != ipto::ErrorKind::invalid_cursor || e.field() != "cursor") __builtin_trap();
    }
    return 0;
}
