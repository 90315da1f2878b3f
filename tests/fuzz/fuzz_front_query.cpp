// libFuzzer: the front's query strings. Parsing any bytes, then screening the
// list endpoint's parameters, yields either a named 400 or only the five
// known parameters; printable() always yields UTF-8 without controls.
#include <cstdint>
#include <string_view>

#include "query_params.hpp"
#include "utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view query(reinterpret_cast<const char*>(data), size);
    ipto::front::QueryParams params = ipto::front::parse_query_string(query);
    ipto::front::ListQueryResult r = ipto::front::screen_list_query(params);
    if (!r.error) {
        for (const auto& [k, v] : params) {
            if (k != "cursor" && k != "limit" && k != "status" && k != "visibility" && k != "owner") __builtin_trap();
            if (!ipto::utf8_length(v) || v.find('\0') != std::string::npos) __builtin_trap();
        }
    }
    (void)ipto::front::screen_no_query(params);
    std::string shown = ipto::front::printable(query);
    if (!ipto::utf8_length(shown)) __builtin_trap();
    for (unsigned char c : shown) {
        if (c < 0x20) __builtin_trap();
    }
    return 0;
}
