#include "database.hpp"

#include <algorithm>
#include <memory>

#include "db_calls.hpp"
#include "error_map.hpp"
#include "log.hpp"

namespace ipto::front {
namespace {

bool is_retry_safe(Operation op) { return op == Operation::list_datasets || op == Operation::get_dataset; }

CallOutcome failure(ApiError e) {
    CallOutcome out;
    out.error = std::move(e);
    return out;
}

CallOutcome unavailable_from(const PoolUnavailable& e, const std::string& request_id) {
    if (e.reason() == PoolUnavailable::Reason::timeout) {
        log_event("warning", "pool_exhausted", {{"request_id", request_id}});
        return failure(front_error(FrontError::pool_exhausted));
    }
    if (e.reason() == PoolUnavailable::Reason::connect_failed) {
        log_event("error", "database_unavailable", {{"request_id", request_id}, {"reason", e.what()}});
    }
    return failure(front_error(FrontError::unavailable));
}

}  // namespace

Database::Database(PoolOptions options, std::chrono::milliseconds acquire_wait)
    : pool_(options, prepare_statements), acquire_wait_(acquire_wait), fair_(options.size) {}

CallOutcome Database::call(Operation op, const CallParams& params, const std::string& request_id) {
    const Statement* statement = statement_for(op, params.size());
    if (!statement) return failure(front_error(FrontError::internal));
    const int attempts = is_retry_safe(op) ? 2 : 1;
    // Every call starts with the credential's kind and public part.
    const std::string credential = CredentialTenants::credential_key(params.at(0).value_or(""), params.at(1).value_or(""));
    auto deadline = std::chrono::steady_clock::now() + acquire_wait_;
    std::optional<FairShare::Turn> turn = fair_.enter(tenants_.share_key(credential), deadline);
    if (!turn) {
        log_event("warning", "pool_exhausted", {{"request_id", request_id}});
        return failure(front_error(FrontError::pool_exhausted));
    }
    for (int attempt = 1;; ++attempt) {
        Pool::Lease lease;
        try {
            lease = pool_.acquire(std::chrono::duration_cast<std::chrono::milliseconds>(
                std::max(deadline - std::chrono::steady_clock::now(), std::chrono::steady_clock::duration::zero())));
        } catch (const PoolUnavailable& e) {
            return unavailable_from(e, request_id);
        }
        ExecResult r = execute_statement(lease.get(), *statement, params);
        // A statement the database lacked when this connection was opened:
        // the extension may have been updated since.
        if (r.kind == ExecResult::Kind::sql_error && r.sqlstate == kStatementMissing &&
            prepare_statement(lease.get(), *statement)) {
            r = execute_statement(lease.get(), *statement, params);
        }
        switch (r.kind) {
            case ExecResult::Kind::ok: {
                if (r.row.tenant_id) tenants_.learn(credential, *r.row.tenant_id);
                CallOutcome out;
                out.row = std::move(r.row);
                return out;
            }
            case ExecResult::Kind::sql_error: {
                if (r.sqlstate == kStatementMissing) {
                    log_event("error", "database_outdated",
                              {{"request_id", request_id}, {"statement", statement->name},
                               {"hint", "run ALTER EXTENSION ipto UPDATE"}});
                    return failure(front_error(FrontError::unavailable));
                }
                ApiError e = from_pg_error(r.sqlstate, r.message, r.detail, r.column);
                if (e.status >= 500) {
                    // The SQLSTATE and message stay here; the client sees a generic error.
                    log_event("error", "database_error",
                              {{"request_id", request_id}, {"statement", statement->name}, {"sqlstate", r.sqlstate},
                               {"message", r.message}});
                    if (is_unavailable_sqlstate(r.sqlstate)) lease.mark_broken();
                }
                return failure(std::move(e));
            }
            case ExecResult::Kind::connection_lost:
                lease.mark_broken();
                log_event("warning", "connection_lost",
                          {{"request_id", request_id}, {"statement", statement->name}, {"sqlstate", r.sqlstate},
                           {"attempt", std::to_string(attempt)}});
                if (attempt < attempts) continue;
                return failure(front_error(FrontError::unavailable));
            case ExecResult::Kind::bad_shape:
                log_event("error", "unexpected_result", {{"request_id", request_id}, {"statement", statement->name}});
                return failure(front_error(FrontError::internal));
        }
        return failure(front_error(FrontError::internal));
    }
}

bool Database::ready() {
    try {
        Pool::Lease lease = pool_.acquire(std::chrono::milliseconds(1000));
        std::unique_ptr<PGresult, void (*)(PGresult*)> r(PQexec(lease.get(), "SELECT 1"), PQclear);
        if (r && PQresultStatus(r.get()) == PGRES_TUPLES_OK) return true;
        if (PQstatus(lease.get()) != CONNECTION_OK) lease.mark_broken();
        return false;
    } catch (const PoolUnavailable&) {
        return false;
    }
}

}  // namespace ipto::front
