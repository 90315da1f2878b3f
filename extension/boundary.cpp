#include "boundary.hpp"

#include <cstdio>
#include <cstring>
#include <new>

#include "errors.hpp"

extern "C" {
PG_MODULE_MAGIC;
}

namespace ipto::pg {

const char* PgError::what() const noexcept {
    return data_ && data_->message ? data_->message : "PostgreSQL error";
}

void throw_pg_error(MemoryContext context) {
    // Runs after PG_CATCH: copy the error out of ErrorContext, then reset it.
    MemoryContextSwitchTo(context);
    ErrorData* data = CopyErrorData();
    FlushErrorState();
    throw PgError(data);
}

namespace {

// Everything ereport needs, in fixed buffers: trivially destructible, so it
// can outlive the exception it came from and be skipped by the longjmp.
struct Report {
    bool pending = false;
    bool internal = false;
    char sqlstate[6] = {};
    char message[1024] = {};
    char detail[1024] = {};
    char hint[512] = {};
    char column[128] = {};
};

void copy(char* to, std::size_t size, const char* from) noexcept { std::snprintf(to, size, "%s", from ? from : ""); }

void fill(Report& r, const Error& e) noexcept {
    const ErrorInfo& info = error_info(e.kind());
    r.pending = true;
    copy(r.sqlstate, sizeof r.sqlstate, info.sqlstate);
    copy(r.message, sizeof r.message, e.what());
    copy(r.detail, sizeof r.detail, e.detail().c_str());
    copy(r.hint, sizeof r.hint, e.hint().c_str());
    copy(r.column, sizeof r.column, e.field().c_str());
}

void fill_internal(Report& r, const char* function, const char* what) noexcept {
    r.pending = true;
    r.internal = true;
    copy(r.sqlstate, sizeof r.sqlstate, error_info(ErrorKind::internal).sqlstate);
    std::snprintf(r.message, sizeof r.message, "internal error in ipto");
    std::snprintf(r.detail, sizeof r.detail, "%s: %s", function, what);
}

[[noreturn]] void raise(const Report& r) {
    const char* s = r.sqlstate;
    int code = MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4]);
    if (r.internal) {
        // The cause goes to the server log only, never to the client.
        ereport(ERROR, (errcode(code), errmsg_internal("%s", r.message), errdetail_log("%s", r.detail)));
    }
    ereport(ERROR, (errcode(code), errmsg_internal("%s", r.message),
                    r.detail[0] ? errdetail_internal("%s", r.detail) : 0, r.hint[0] ? errhint("%s", r.hint) : 0,
                    r.column[0] ? err_generic_string(PG_DIAG_COLUMN_NAME, r.column) : 0));
    pg_unreachable();
}

}  // namespace

Datum guard_entry(FunctionCallInfo fcinfo, Entry entry, const char* name) {
    ErrorData* pg_error = nullptr;
    Report report;
    Datum result = 0;
    try {
        result = entry(fcinfo);
    } catch (const PgError& e) {
        pg_error = e.data();
    } catch (const Error& e) {
        fill(report, e);
    } catch (const std::bad_alloc&) {
        fill_internal(report, name, "out of memory");
        std::snprintf(report.sqlstate, sizeof report.sqlstate, "53200");
        std::snprintf(report.message, sizeof report.message, "out of memory");
    } catch (const std::exception& e) {
        fill_internal(report, name, e.what());
    } catch (...) {
        fill_internal(report, name, "unknown exception");
    }
    // The exception is destroyed; nothing here owns anything.
    if (pg_error) ReThrowError(pg_error);
    if (report.pending) raise(report);
    return result;
}

}  // namespace ipto::pg
