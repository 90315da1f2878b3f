// Requests and responses as the handlers see them: plain data, no cpp-httplib,
// so the handlers are unit-tested without sockets (server.cpp converts).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api_error.hpp"

namespace ipto::front {

struct HttpRequest {
    std::string method;
    std::string path;   // percent-decoded
    std::string query;  // raw, without '?'
    HeaderList headers; // as received; names compare case-insensitively
    std::string body;  // decoded (Content-Encoding undone), at most 1 MiB

    // The first value of a header, or nullopt.
    std::optional<std::string_view> header(std::string_view name) const;
    std::size_t header_count(std::string_view name) const;
};

struct HttpResponse {
    int status = 200;
    HeaderList headers;
    std::string content_type = "application/json; charset=utf-8";
    std::string body;
};

bool iequals(std::string_view a, std::string_view b);

}  // namespace ipto::front
