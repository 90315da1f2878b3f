// An error as the API answers it: HTTP status, stable code, a message for a
// person, the field at fault (if one is), and any headers the status needs.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ipto::front {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct ApiError {
    int status = 500;
    std::string code;
    std::string message;
    std::optional<std::string> field;
    HeaderList headers;  // e.g. WWW-Authenticate, Allow, Retry-After
};

}  // namespace ipto::front
