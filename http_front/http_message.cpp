#include "http_message.hpp"

namespace ipto::front {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (iequals(k, name)) return std::string_view(v);
    }
    return std::nullopt;
}

std::size_t HttpRequest::header_count(std::string_view name) const {
    std::size_t n = 0;
    for (const auto& [k, v] : headers) {
        if (iequals(k, name)) ++n;
    }
    return n;
}

}  // namespace ipto::front
