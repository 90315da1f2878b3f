#include "envelope.hpp"

#include <chrono>

#include "json_text.hpp"
#include "timestamp.hpp"

namespace ipto::front {
namespace {

void append_tail(std::string& out, std::string_view request_id, std::string_view timestamp) {
    out += ",\"request_id\":";
    append_json_string(out, request_id);
    out += ",\"timestamp\":";
    append_json_string(out, timestamp);
    out += '}';
}

}  // namespace

std::string success_envelope(std::string_view data_json, std::string_view request_id, std::string_view timestamp) {
    std::string out;
    out.reserve(data_json.size() + 80);
    out += "{\"data\":";
    out += data_json;
    append_tail(out, request_id, timestamp);
    return out;
}

std::string error_envelope(const ApiError& error, std::string_view request_id, std::string_view timestamp) {
    std::string out;
    out.reserve(error.message.size() + 160);
    out += "{\"error\":{\"code\":";
    append_json_string(out, error.code);
    out += ",\"message\":";
    append_json_string(out, error.message);
    if (error.field) {
        out += ",\"field\":";
        append_json_string(out, *error.field);
    }
    out += '}';
    append_tail(out, request_id, timestamp);
    return out;
}

std::string current_timestamp() {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    return format_utc_timestamp(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

}  // namespace ipto::front
