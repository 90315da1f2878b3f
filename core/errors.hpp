// The one table of ipto's error kinds: SQLSTATE, API code and HTTP status.
// The extension raises by kind; the front maps SQLSTATE back to a kind.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace ipto {

enum class ErrorKind {
    validation,            // 422 validation_error
    not_found,             // 404 not_found
    forbidden,             // 403 forbidden
    insufficient_scope,    // 403 insufficient_scope
    invalid_credentials,   // 401 invalid_credentials
    unauthenticated,       // 401 unauthenticated
    idempotency_conflict,  // 409 idempotency_conflict
    invalid_cursor,        // 400 invalid_cursor
    invalid_json,          // 400 invalid_json
    bad_request,           // 400 bad_request
    ambiguous_credentials, // 400 ambiguous_credentials
    conflict,              // 409 conflict: a row inserted into ipto.datasets has the
                           // (tenant_id, dataset_id) of a deleted dataset still
                           // awaiting its purge in ipto.deleted_datasets (raised by
                           // the insert trigger, extension/tallies.cpp). Granting
                           // twice is no error.
    precondition_failed,   // 412 precondition_failed (If-Match, or the expected version, did not match)
    internal,              // 500 internal_error (never shows internals)
};

struct ErrorInfo {
    ErrorKind kind;
    const char* sqlstate;  // five characters, class "IP"
    const char* code;      // the API's stable code
    int http_status;
};

// Every kind, in enum order.
const ErrorInfo& error_info(ErrorKind kind);

// The kind whose SQLSTATE this is; nullptr for SQLSTATEs that are not ours.
const ErrorInfo* error_info_by_sqlstate(std::string_view sqlstate);

// An error for a person: what was wrong (message), what is allowed (detail or
// hint), and the field at fault where there is one.
class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, std::string message, std::string field = {},
          std::string detail = {}, std::string hint = {})
        : std::runtime_error(message), kind_(kind), field_(std::move(field)),
          detail_(std::move(detail)), hint_(std::move(hint)) {}

    ErrorKind kind() const { return kind_; }
    const std::string& field() const { return field_; }
    const std::string& detail() const { return detail_; }
    const std::string& hint() const { return hint_; }

private:
    ErrorKind kind_;
    std::string field_;
    std::string detail_;
    std::string hint_;
};

}  // namespace ipto
