#include "errors.hpp"

namespace ipto {
namespace {

// Class "IP" is ours (SQLSTATE classes beginning I-Z are implementation-defined).
constexpr ErrorInfo kErrors[] = {
    {ErrorKind::validation, "IP422", "validation_error", 422},
    {ErrorKind::not_found, "IP404", "not_found", 404},
    {ErrorKind::forbidden, "IP403", "forbidden", 403},
    {ErrorKind::insufficient_scope, "IP4S3", "insufficient_scope", 403},
    {ErrorKind::invalid_credentials, "IP401", "invalid_credentials", 401},
    {ErrorKind::unauthenticated, "IP4U1", "unauthenticated", 401},
    {ErrorKind::idempotency_conflict, "IP409", "idempotency_conflict", 409},
    {ErrorKind::invalid_cursor, "IP4C0", "invalid_cursor", 400},
    {ErrorKind::invalid_json, "IP4J0", "invalid_json", 400},
    {ErrorKind::bad_request, "IP400", "bad_request", 400},
    {ErrorKind::ambiguous_credentials, "IP4A0", "ambiguous_credentials", 400},
    {ErrorKind::conflict, "IP4X9", "conflict", 409},
    {ErrorKind::precondition_failed, "IP412", "precondition_failed", 412},
    {ErrorKind::internal, "IP500", "internal_error", 500},
};

}  // namespace

const ErrorInfo& error_info(ErrorKind kind) {
    return kErrors[static_cast<int>(kind)];
}

const ErrorInfo* error_info_by_sqlstate(std::string_view sqlstate) {
    for (const auto& info : kErrors) {
        if (sqlstate == info.sqlstate) return &info;
    }
    return nullptr;
}

}  // namespace ipto
