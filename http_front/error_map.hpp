// Every error the front can answer, in one place: the errors the database
// raises (mapped by SQLSTATE alone, never by message) and the errors the front
// answers itself before or instead of a database call.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api_error.hpp"
#include "errors.hpp"

namespace ipto::front {

// Errors the front answers without the database.
enum class FrontError {
    route_not_found,         // 404 not_found: no such path
    dataset_not_found,       // 404 not_found: an id no dataset can have (NUL, not UTF-8)
    method_not_allowed,      // 405 method_not_allowed (the caller adds Allow)
    payload_too_large,       // 413 payload_too_large: body over 1 MiB
    uri_too_long,            // 414 uri_too_long
    unsupported_media_type,  // 415: POST/PATCH body that is not application/json
    unsupported_encoding,    // 415: a Content-Encoding we do not decode
    range_not_satisfiable,   // 416: httplib rejects a malformed Range header
    invalid_json_body,       // 400 invalid_json: not UTF-8, or a NUL byte
    bad_request,             // 400 bad_request: query parameters, malformed HTTP
    unavailable,             // 503 unavailable: database unreachable
    pool_exhausted,          // 503 unavailable: no connection free in time
    rate_limited,            // 429 rate_limited: over the tenant's limit (the caller adds Retry-After)
    internal,                // 500 internal_error: never says more
};

// The front's own error with its default message, or `message` instead.
ApiError front_error(FrontError kind, std::string message = {}, std::optional<std::string> field = std::nullopt);

// An error raised by core (credential parsing): its kind's status and code;
// the message is what() plus "; " + detail.
ApiError from_core_error(const ipto::Error& e);

// A database error, by SQLSTATE: class IP through core's table; connection
// failures and shutdowns are 503; anything else is a 500 that shows nothing.
// `column` is PG_DIAG_COLUMN_NAME (the field at fault), if present.
ApiError from_pg_error(std::string_view sqlstate, std::string_view message, std::string_view detail,
                       const std::optional<std::string>& column);

// SQLSTATEs that mean "the database is not there right now".
bool is_unavailable_sqlstate(std::string_view sqlstate);

// An error status cpp-httplib produced itself (no handler of ours ran).
ApiError from_http_status(int status);

// The message of an error: primary, plus "; " + detail when there is one.
std::string join_message(std::string_view primary, std::string_view detail);

}  // namespace ipto::front
