#include "log.hpp"

#include <unistd.h>

#include <cerrno>

#include "envelope.hpp"
#include "json_text.hpp"
#include "query_params.hpp"

namespace ipto::front {

void write_line(int fd, std::string line) {
    line += '\n';
    const char* p = line.data();
    std::size_t left = line.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;  // a closed log pipe must not take the server down
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

void log_event(std::string_view level, std::string_view event,
               std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
    std::string out = "{\"ts\":";
    append_json_string(out, current_timestamp());
    out += ",\"level\":";
    append_json_string(out, level);
    out += ",\"event\":";
    append_json_string(out, event);
    for (const auto& [key, value] : fields) {
        out += ',';
        append_json_string(out, key);
        out += ':';
        // libpq messages span lines; a log line must not.
        std::string flat(value);
        for (char& c : flat) {
            if (c == '\n' || c == '\r' || c == '\t') c = ' ';
        }
        append_json_string(out, printable(flat, 2000));
    }
    out += '}';
    write_line(STDERR_FILENO, std::move(out));
}

}  // namespace ipto::front
