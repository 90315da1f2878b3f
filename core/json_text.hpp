// Writing JSON text by hand where field order matters (docs/api.md), and
// screening raw bodies before they reach a parser or a C string.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ipto {

// Appends s as a JSON string literal (quotes included). s must be UTF-8.
void append_json_string(std::string& out, std::string_view s);
void append_json_int(std::string& out, std::int64_t v);

// True when a body can be JSON text at all: well-formed UTF-8 and no NUL
// byte (a NUL would silently cut a C string short).
bool is_screened_json_text(std::string_view body);

}  // namespace ipto
