// The C++/PostgreSQL boundary: one small mechanism for each direction.
//
// 1. Into PostgreSQL: pg::call(f) runs f under PG_TRY. A PostgreSQL error
//    (ereport/elog longjmp) is copied, the error state flushed, and rethrown
//    as pg::PgError, a C++ exception that keeps the whole ErrorData (SQLSTATE,
//    message, detail, column). The longjmp only ever crosses f's own frame,
//    so f must own nothing: call PostgreSQL functions with plain values.
//
// 2. Out of C++: every SQL-callable function (SQL functions and triggers) is
//    defined with IPTO_FUNCTION, whose wrapper catches every C++ exception,
//    lets it be destroyed, and only then reports it with ereport (a PgError
//    is rethrown as it was, keeping its SQLSTATE). No exception escapes.
#pragma once

#include <exception>
#include <type_traits>

#include "pg.hpp"

namespace ipto::pg {

class PgError : public std::exception {
public:
    explicit PgError(ErrorData* data) : data_(data) {}
    ErrorData* data() const { return data_; }
    const char* what() const noexcept override;

private:
    ErrorData* data_;  // palloc'd in the memory context current at the call
};

[[noreturn]] void throw_pg_error(MemoryContext context);

template <typename F>
auto call(F&& f) -> decltype(f()) {
    using R = decltype(f());
    MemoryContext context = CurrentMemoryContext;
    volatile bool failed = false;
    if constexpr (std::is_void_v<R>) {
        PG_TRY();
        { f(); }
        PG_CATCH();
        { failed = true; }
        PG_END_TRY();
        if (failed) throw_pg_error(context);
    } else {
        static_assert(std::is_trivially_copyable_v<R>, "pg::call returns plain values only");
        volatile R result{};
        PG_TRY();
        { result = f(); }
        PG_CATCH();
        { failed = true; }
        PG_END_TRY();
        if (failed) throw_pg_error(context);
        return result;
    }
}

using Entry = Datum (*)(FunctionCallInfo);
Datum guard_entry(FunctionCallInfo fcinfo, Entry entry, const char* name);

}  // namespace ipto::pg

// Defines a C-callable SQL function `name` whose body is C++.
#define IPTO_FUNCTION(name)                                                   \
    static Datum name##_body(FunctionCallInfo fcinfo);                        \
    extern "C" {                                                              \
    PG_FUNCTION_INFO_V1(name);                                                \
    }                                                                         \
    Datum name(PG_FUNCTION_ARGS) { return ::ipto::pg::guard_entry(fcinfo, name##_body, #name); } \
    static Datum name##_body([[maybe_unused]] FunctionCallInfo fcinfo)
