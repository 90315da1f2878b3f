#include "json_text.hpp"

#include "utf8.hpp"

namespace ipto {

void append_json_string(std::string& out, std::string_view s) {
    static const char kHex[] = "0123456789abcdef";
    out += '"';
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += kHex[c >> 4];
                    out += kHex[c & 15];
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
}

void append_json_int(std::string& out, std::int64_t v) { out += std::to_string(v); }

bool is_screened_json_text(std::string_view body) {
    if (body.find('\0') != std::string_view::npos) return false;
    return utf8_length(body).has_value();
}

}  // namespace ipto
