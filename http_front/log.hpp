// Log output: one JSON object per line, each line one write(2), so lines from
// concurrent threads never interleave. Request lines go to stdout (see
// access_log.hpp), server events to stderr. Nothing secret is ever passed here.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace ipto::front {

void write_line(int fd, std::string line);

// {"ts": …, "level": …, "event": …, <fields as JSON strings>}
void log_event(std::string_view level, std::string_view event,
               std::initializer_list<std::pair<std::string_view, std::string_view>> fields = {});

}  // namespace ipto::front
