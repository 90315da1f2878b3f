// base64url without padding (RFC 4648 §5): the cursor's outer form.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ipto {

std::string base64url_encode(std::string_view bytes);
// nullopt for any character outside the alphabet, a length of 4k+1, or
// non-zero trailing bits (so each byte string has exactly one encoding).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace ipto
