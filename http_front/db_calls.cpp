#include "db_calls.hpp"

#include <memory>
#include <vector>

namespace ipto::front {
namespace {

// Columns are selected by name, so the row's shape is checked, not assumed.
// Parameter types are left to the server: it resolves them from the
// function's signature (text throughout, per the contract).
constexpr Statement kStatements[] = {
    {Operation::create_dataset, "ipto_create_dataset",
     "SELECT tenant_id, resource_id, data FROM ipto.api_create_dataset($1, $2, $3, $4, $5)", 5},
    {Operation::list_datasets, "ipto_list_datasets",
     "SELECT tenant_id, resource_id, data FROM ipto.api_list_datasets($1, $2, $3, $4, $5, $6, $7, $8)", 8},
    {Operation::get_dataset, "ipto_get_dataset",
     "SELECT tenant_id, resource_id, data FROM ipto.api_get_dataset($1, $2, $3, $4)", 4},
    {Operation::update_dataset, "ipto_update_dataset",
     "SELECT tenant_id, resource_id, data FROM ipto.api_update_dataset($1, $2, $3, $4, $5)", 5},
    {Operation::delete_dataset, "ipto_delete_dataset",
     "SELECT tenant_id, resource_id, data FROM ipto.api_delete_dataset($1, $2, $3, $4)", 4},
    // With If-Match (extension 0.3 on): prepared where the database has them.
    {Operation::update_dataset, "ipto_update_dataset_if_match",
     "SELECT tenant_id, resource_id, data FROM ipto.api_update_dataset($1, $2, $3, $4, $5, $6)", 6, true},
    {Operation::delete_dataset, "ipto_delete_dataset_if_match",
     "SELECT tenant_id, resource_id, data FROM ipto.api_delete_dataset($1, $2, $3, $4, $5)", 5, true},
};

constexpr const char* kUndefinedFunction = "42883";

struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

std::string field(const PGresult* r, int code) {
    const char* v = PQresultErrorField(r, code);
    return v ? v : "";
}

std::optional<std::string> value_at(const PGresult* r, int column) {
    if (column < 0 || PQgetisnull(r, 0, column)) return std::nullopt;
    return std::string(PQgetvalue(r, 0, column), static_cast<std::size_t>(PQgetlength(r, 0, column)));
}

}  // namespace

const Statement* statement_for(Operation op, std::size_t param_count) {
    for (const Statement& s : kStatements) {
        if (s.operation == op && static_cast<std::size_t>(s.param_count) == param_count) return &s;
    }
    return nullptr;
}

bool prepare_statement(PGconn* conn, const Statement& s) {
    Result r(PQprepare(conn, s.name, s.sql, s.param_count, nullptr));
    return r && PQresultStatus(r.get()) == PGRES_COMMAND_OK;
}

std::string prepare_statements(PGconn* conn) {
    for (const Statement& s : kStatements) {
        Result r(PQprepare(conn, s.name, s.sql, s.param_count, nullptr));
        // A database still at an older version lacks the newer signatures:
        // those calls answer 503 until ALTER EXTENSION ipto UPDATE.
        if (s.optional && r && field(r.get(), PG_DIAG_SQLSTATE) == kUndefinedFunction) continue;
        if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
            std::string why = std::string("preparing ") + s.name + ": ";
            if (r) {
                why += field(r.get(), PG_DIAG_SQLSTATE) + " " + field(r.get(), PG_DIAG_MESSAGE_PRIMARY);
            } else {
                why += PQerrorMessage(conn);
            }
            return why;
        }
    }
    return {};
}

ExecResult execute_statement(PGconn* conn, const Statement& statement, const CallParams& params) {
    ExecResult out;
    std::vector<const char*> values;
    std::vector<int> lengths;
    values.reserve(params.size());
    for (const auto& p : params) {
        values.push_back(p ? p->c_str() : nullptr);
        lengths.push_back(p ? static_cast<int>(p->size()) : 0);
    }
    Result r(PQexecPrepared(conn, statement.name, static_cast<int>(values.size()), values.data(), lengths.data(),
                            nullptr, 0));
    ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_TUPLES_OK) {
        const PGresult* res = r.get();
        int data = PQfnumber(res, "data");
        if (PQntuples(res) != 1 || data < 0 || PQgetisnull(res, 0, data)) {
            out.kind = ExecResult::Kind::bad_shape;
            return out;
        }
        out.kind = ExecResult::Kind::ok;
        out.row.data = *value_at(res, data);
        out.row.tenant_id = value_at(res, PQfnumber(res, "tenant_id"));
        out.row.resource_id = value_at(res, PQfnumber(res, "resource_id"));
        return out;
    }
    // A dead connection is told apart from an SQL error by the connection's
    // state, not by the result (libpq's own errors carry no SQLSTATE).
    if (PQstatus(conn) != CONNECTION_OK) {
        out.kind = ExecResult::Kind::connection_lost;
        if (r) out.sqlstate = field(r.get(), PG_DIAG_SQLSTATE);
        out.message = PQerrorMessage(conn);
        return out;
    }
    if (status != PGRES_FATAL_ERROR || !r) {
        out.kind = ExecResult::Kind::bad_shape;
        return out;
    }
    out.kind = ExecResult::Kind::sql_error;
    out.sqlstate = field(r.get(), PG_DIAG_SQLSTATE);
    out.message = field(r.get(), PG_DIAG_MESSAGE_PRIMARY);
    out.detail = field(r.get(), PG_DIAG_MESSAGE_DETAIL);
    const char* column = PQresultErrorField(r.get(), PG_DIAG_COLUMN_NAME);
    if (column && *column) out.column = std::string(column);
    return out;
}

}  // namespace ipto::front
