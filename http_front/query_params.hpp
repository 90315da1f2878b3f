// Query strings: parsed from the raw request target (not cpp-httplib's
// req.params, which also mixes in form bodies), then screened per endpoint.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api_error.hpp"

namespace ipto::front {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=x%20y" -> {{"a","1"},{"b","x y"}}, in order. '+' is a space
// (HTML forms); a malformed %-escape is kept literally. Empty pieces are skipped.
QueryParams parse_query_string(std::string_view query);

// What GET /v1/datasets passes to SQL; absent parameters are SQL NULL.
struct ListQuery {
    std::optional<std::string> cursor;
    std::optional<std::string> limit;
    std::optional<std::string> status;
    std::optional<std::string> visibility;
    std::optional<std::string> owner;
};

struct ListQueryResult {
    ListQuery query;
    std::optional<ApiError> error;  // 400 bad_request naming the parameter in "field"
};

// Only cursor, limit, status, visibility and owner, each at most once, each
// UTF-8 text without NUL. Values are not judged here: SQL validates them.
ListQueryResult screen_list_query(const QueryParams& params);

// Endpoints that take no query parameters: any parameter is a 400.
std::optional<ApiError> screen_no_query(const QueryParams& params);

// Makes arbitrary bytes safe to quote in a JSON message: invalid UTF-8 and
// control characters become U+FFFD, and long text is cut.
std::string printable(std::string_view bytes, std::size_t max_chars = 64);

}  // namespace ipto::front
