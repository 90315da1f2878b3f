// UTF-8 checks shared by validation and the front's body screening.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace ipto {

// Number of code points, or nullopt when the bytes are not well-formed UTF-8
// (overlongs, surrogates and values past U+10FFFF are not well-formed).
std::optional<std::size_t> utf8_length(std::string_view s);

// Calls f(code_point) for each code point of well-formed UTF-8.
template <typename F>
void for_each_code_point(std::string_view s, F&& f);

// Decodes one code point at s[i]; advances i. Assumes well-formed input.
char32_t utf8_next(std::string_view s, std::size_t& i);

template <typename F>
void for_each_code_point(std::string_view s, F&& f) {
    for (std::size_t i = 0; i < s.size();) f(utf8_next(s, i));
}

}  // namespace ipto
