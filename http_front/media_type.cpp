#include "media_type.hpp"

#include "http_message.hpp"

namespace ipto::front {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

bool is_json_media_type(std::string_view content_type) {
    std::size_t semi = content_type.find(';');
    if (!iequals(trim(content_type.substr(0, semi)), "application/json")) return false;
    while (semi != std::string_view::npos) {
        std::string_view rest = content_type.substr(semi + 1);
        std::size_t next = rest.find(';');
        std::string_view param = trim(rest.substr(0, next));
        semi = next == std::string_view::npos ? next : semi + 1 + next;
        std::size_t eq = param.find('=');
        if (eq == std::string_view::npos) {
            if (param.empty()) continue;
            return false;
        }
        if (!iequals(trim(param.substr(0, eq)), "charset")) continue;
        std::string_view value = trim(param.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        if (!iequals(value, "utf-8") && !iequals(value, "utf8")) return false;
    }
    return true;
}

}  // namespace ipto::front
