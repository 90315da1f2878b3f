#include "error_map.hpp"

namespace ipto::front {
namespace {

struct FrontErrorInfo {
    FrontError kind;
    int status;
    const char* code;
    const char* message;
};

// The front's own errors. Database errors come from core's table (errors.hpp).
constexpr FrontErrorInfo kFrontErrors[] = {
    {FrontError::route_not_found, 404, "not_found", "no such endpoint; see /v1/openapi.json"},
    {FrontError::dataset_not_found, 404, "not_found", "dataset not found"},
    {FrontError::method_not_allowed, 405, "method_not_allowed", "this endpoint does not support this method"},
    {FrontError::payload_too_large, 413, "payload_too_large", "the request body is larger than 1 MiB (1048576 bytes)"},
    {FrontError::uri_too_long, 414, "uri_too_long", "the request URI is too long"},
    {FrontError::unsupported_media_type, 415, "unsupported_media_type",
     "the request body must be JSON; send Content-Type: application/json"},
    {FrontError::unsupported_encoding, 415, "unsupported_media_type",
     "Content-Encoding is not supported; send the body uncompressed"},
    {FrontError::range_not_satisfiable, 416, "range_not_satisfiable", "the Range header is not satisfiable"},
    {FrontError::invalid_json_body, 400, "invalid_json",
     "the request body is not JSON text: it must be UTF-8 without NUL bytes"},
    {FrontError::bad_request, 400, "bad_request", "the request is malformed"},
    {FrontError::unavailable, 503, "unavailable", "the database is unavailable; try again shortly"},
    {FrontError::pool_exhausted, 503, "unavailable", "the server is busy; try again shortly"},
    {FrontError::rate_limited, 429, "rate_limited", "too many requests for this tenant; try again after Retry-After seconds"},
    {FrontError::internal, 500, "internal_error", "internal error; quote the request_id when reporting it"},
};

const FrontErrorInfo& info_of(FrontError kind) {
    for (const auto& info : kFrontErrors) {
        if (info.kind == kind) return info;
    }
    return kFrontErrors[sizeof kFrontErrors / sizeof kFrontErrors[0] - 1];
}

// Headers that belong to a status rather than to one error.
void add_status_headers(ApiError& e) {
    if (e.status == 401) {
        // RFC 6750 §3: a 401 names the scheme; a rejected credential also says why.
        e.headers.emplace_back("WWW-Authenticate",
                               e.code == "invalid_credentials" ? "Bearer error=\"invalid_token\"" : "Bearer");
    } else if (e.status == 503) {
        e.headers.emplace_back("Retry-After", "1");
    }
}

ApiError make(int status, std::string code, std::string message, std::optional<std::string> field) {
    ApiError e;
    e.status = status;
    e.code = std::move(code);
    e.message = std::move(message);
    if (field && !field->empty()) e.field = std::move(field);
    add_status_headers(e);
    return e;
}

}  // namespace

std::string join_message(std::string_view primary, std::string_view detail) {
    std::string out(primary);
    if (!detail.empty()) {
        out += "; ";
        out += detail;
    }
    return out;
}

ApiError front_error(FrontError kind, std::string message, std::optional<std::string> field) {
    const FrontErrorInfo& info = info_of(kind);
    return make(info.status, info.code, message.empty() ? info.message : std::move(message), std::move(field));
}

ApiError from_core_error(const ipto::Error& e) {
    const ipto::ErrorInfo& info = ipto::error_info(e.kind());
    if (e.kind() == ipto::ErrorKind::internal) return front_error(FrontError::internal);
    return make(info.http_status, info.code, join_message(e.what(), e.detail()), e.field());
}

bool is_unavailable_sqlstate(std::string_view s) {
    if (s.size() != 5) return false;
    if (s.substr(0, 2) == "08") return true;  // connection_exception and its subclasses
    return s == "57P01"     // admin_shutdown: the server is stopping
           || s == "57P02"  // crash_shutdown
           || s == "57P03"  // cannot_connect_now: starting up or in recovery
           || s == "53300"  // too_many_connections
           || s == "25006"  // read_only_sql_transaction: a failover left us on a standby
           // The transaction was rolled back whole and may simply be sent
           // again: a deadlock's victim (on Citus also a distributed
           // deadlock's, as while shards move) or a serialization failure.
           || s == "40P01" || s == "40001";
}

ApiError from_pg_error(std::string_view sqlstate, std::string_view message, std::string_view detail,
                       const std::optional<std::string>& column) {
    if (const ipto::ErrorInfo* info = ipto::error_info_by_sqlstate(sqlstate)) {
        // IP500 is ours but says "internal": its message stays in the server log.
        if (info->kind == ipto::ErrorKind::internal) return front_error(FrontError::internal);
        return make(info->http_status, info->code, join_message(message, detail), column);
    }
    if (is_unavailable_sqlstate(sqlstate)) return front_error(FrontError::unavailable);
    return front_error(FrontError::internal);
}

ApiError from_http_status(int status) {
    switch (status) {
        case 404: return front_error(FrontError::route_not_found);
        case 405: return front_error(FrontError::method_not_allowed);
        case 413: return front_error(FrontError::payload_too_large);
        case 414: return front_error(FrontError::uri_too_long);
        case 415: return front_error(FrontError::unsupported_media_type);
        case 416: return front_error(FrontError::range_not_satisfiable);
        case 503: return front_error(FrontError::unavailable);
        default:
            if (status >= 400 && status < 500) {
                ApiError e = front_error(FrontError::bad_request);
                e.status = status == 400 || status == 417 || status == 431 ? status : 400;
                return e;
            }
            return front_error(FrontError::internal);
    }
}

}  // namespace ipto::front
