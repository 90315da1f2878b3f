// libFuzzer: the limit query parameter: 1..100 or a validation error.
#include <cstdint>
#include <string_view>

#include "errors.hpp"
#include "validation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        int limit = ipto::parse_limit(text);
        if (limit < 1 || limit > 100) __builtin_trap();
    } catch (const ipto::Error& e) {
        if (e.kind() != ipto::ErrorKind::validation || e.field() != "limit") __builtin_trap();
    }
    return 0;
}
