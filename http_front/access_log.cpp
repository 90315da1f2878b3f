#include "access_log.hpp"

#include <unistd.h>

#include <cstdio>

#include "json_text.hpp"
#include "log.hpp"

namespace ipto::front {

std::string format_access_line(const AccessRecord& r) {
    std::string out = "{\"ts\":";
    append_json_string(out, r.timestamp);
    out += ",\"request_id\":";
    append_json_string(out, r.request_id);
    out += ",\"method\":";
    append_json_string(out, r.method);
    out += ",\"route\":";
    append_json_string(out, r.route);
    out += ",\"status\":";
    append_json_int(out, r.status);
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.3f", r.duration_ms < 0 ? 0.0 : r.duration_ms);
    out += ",\"duration_ms\":";
    out += ms;
    out += ",\"tenant\":";
    if (r.tenant) {
        append_json_string(out, *r.tenant);
    } else {
        out += "null";
    }
    out += '}';
    return out;
}

void write_access_line(const AccessRecord& r) { write_line(STDOUT_FILENO, format_access_line(r)); }

}  // namespace ipto::front
