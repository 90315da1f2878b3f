#include "query_params.hpp"

#include "error_map.hpp"
#include "json_text.hpp"
#include "utf8.hpp"

namespace ipto::front {
namespace {

constexpr const char* kListParams[] = {"cursor", "limit", "status", "visibility", "owner"};

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string decode_component(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

ApiError param_error(const std::string& name, std::string message) {
    return front_error(FrontError::bad_request, std::move(message), printable(name));
}

std::string allowed_list() {
    std::string out;
    for (const char* p : kListParams) {
        if (!out.empty()) out += ", ";
        out += p;
    }
    return out;
}

}  // namespace

std::string printable(std::string_view bytes, std::size_t max_chars) {
    std::string out;
    std::size_t chars = 0;
    std::size_t i = 0;
    while (i < bytes.size() && chars < max_chars) {
        // Find the longest well-formed code point starting at i (1 to 4 bytes).
        std::size_t len = 0;
        for (std::size_t n = 1; n <= 4 && i + n <= bytes.size(); ++n) {
            auto one = utf8_length(bytes.substr(i, n));
            if (one && *one == 1) {
                len = n;
                break;
            }
        }
        if (len == 0 || static_cast<unsigned char>(bytes[i]) < 0x20 || bytes[i] == 0x7f) {
            out += "\xEF\xBF\xBD";  // U+FFFD
            i += len == 0 ? 1 : len;
        } else {
            out.append(bytes.substr(i, len));
            i += len;
        }
        ++chars;
    }
    if (i < bytes.size()) out += "\xE2\x80\xA6";  // U+2026: cut here
    return out;
}

QueryParams parse_query_string(std::string_view query) {
    QueryParams out;
    std::size_t pos = 0;
    while (pos <= query.size()) {
        std::size_t amp = query.find('&', pos);
        if (amp == std::string_view::npos) amp = query.size();
        std::string_view piece = query.substr(pos, amp - pos);
        if (!piece.empty()) {
            std::size_t eq = piece.find('=');
            if (eq == std::string_view::npos) {
                out.emplace_back(decode_component(piece), std::string());
            } else {
                out.emplace_back(decode_component(piece.substr(0, eq)), decode_component(piece.substr(eq + 1)));
            }
        }
        pos = amp + 1;
    }
    return out;
}

ListQueryResult screen_list_query(const QueryParams& params) {
    ListQueryResult r;
    std::optional<std::string>* slots[] = {&r.query.cursor, &r.query.limit, &r.query.status, &r.query.visibility,
                                           &r.query.owner};
    for (const auto& [name, value] : params) {
        std::size_t index = sizeof kListParams / sizeof kListParams[0];
        for (std::size_t i = 0; i < sizeof kListParams / sizeof kListParams[0]; ++i) {
            if (name == kListParams[i]) index = i;
        }
        if (index == sizeof kListParams / sizeof kListParams[0]) {
            r.error = param_error(name, "unknown query parameter \"" + printable(name) + "\"; allowed: " + allowed_list());
            return r;
        }
        if (slots[index]->has_value()) {
            r.error = param_error(name, "query parameter \"" + name + "\" was given more than once");
            return r;
        }
        if (!is_screened_json_text(value)) {
            r.error = param_error(name, "query parameter \"" + name + "\" must be UTF-8 text without NUL bytes");
            return r;
        }
        *slots[index] = value;
    }
    return r;
}

std::optional<ApiError> screen_no_query(const QueryParams& params) {
    if (params.empty()) return std::nullopt;
    const std::string& name = params.front().first;
    return param_error(name, "unknown query parameter \"" + printable(name) + "\"; this endpoint takes none");
}

}  // namespace ipto::front
