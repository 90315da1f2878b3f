// Content-Type screening for request bodies.
#pragma once

#include <string_view>

namespace ipto::front {

// "application/json", any case, with optional parameters; a charset
// parameter, if present, must name UTF-8 (the only encoding JSON allows).
bool is_json_media_type(std::string_view content_type);

}  // namespace ipto::front
