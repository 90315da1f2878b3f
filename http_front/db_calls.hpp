// The request face as prepared statements (docs/request-face.md): one per
// endpoint, prepared once on every pooled connection right after connect,
// executed with PQexecPrepared, one round trip per request.
#pragma once

#include <libpq-fe.h>

#include <optional>
#include <string>

#include "backend.hpp"
#include "router.hpp"

namespace ipto::front {

struct Statement {
    Operation operation;
    const char* name;
    const char* sql;
    int param_count;
    bool optional = false;  // newer than the oldest extension version served
};

// The statement of an API operation taking that many parameters; nullptr
// for operations without one.
const Statement* statement_for(Operation op, std::size_t param_count);

// SQLSTATE of a call whose statement this connection could not prepare.
constexpr const char* kStatementMissing = "26000";

// Prepares one statement (one the connection lacked); false if it cannot.
bool prepare_statement(PGconn* conn, const Statement& statement);

// Prepares every statement on a new connection; "" on success, else why not.
std::string prepare_statements(PGconn* conn);

struct ExecResult {
    enum class Kind {
        ok,               // row is set
        sql_error,        // the server raised an error (sqlstate, message, ...)
        connection_lost,  // the connection broke during the call
        bad_shape,        // the function answered, but not one (tenant_id, resource_id, data) row
    };
    Kind kind = Kind::bad_shape;
    CallRow row;
    std::string sqlstate;
    std::string message;
    std::string detail;
    std::optional<std::string> column;
};

ExecResult execute_statement(PGconn* conn, const Statement& statement, const CallParams& params);

}  // namespace ipto::front
