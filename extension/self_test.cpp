// ipto._boundary_test(what): makes each kind of failure happen inside an
// entry point, so the tests can show each is reported cleanly and the
// backend lives on. Executable by superusers only.
#include <new>
#include <stdexcept>

#include "errors.hpp"
#include "spi.hpp"
#include "sql_values.hpp"

using namespace ipto;

IPTO_FUNCTION(ipto_boundary_test) {
    std::string what = sql::arg_text_required(fcinfo, 0, "what");
    std::string owned(1000, 'x');  // a C++ object alive while each failure unwinds
    if (what == "ipto_error") throw Error(ErrorKind::validation, "a validation error from C++", "what", "allowed: anything");
    if (what == "std_exception") throw std::runtime_error("a std::runtime_error from C++");
    if (what == "bad_alloc") throw std::bad_alloc();
    if (what == "unknown") throw 42;
    if (what == "pg_error") {
        // A PostgreSQL error raised by a direct call: division_by_zero.
        pg::call([] { return DirectFunctionCall2(int4div, Int32GetDatum(1), Int32GetDatum(0)); });
    }
    if (what == "spi_error") {
        static spi::Statement failing("SELECT 1 / (random() * 0)::int", {});
        spi::Connection spi;
        spi::execute(failing);
        spi.finish();
    }
    if (what == "ok") return sql::text_datum("ok " + std::to_string(owned.size()));
    throw Error(ErrorKind::validation, "unknown failure \"" + what + "\"", "what",
                "one of: ok, ipto_error, std_exception, bad_alloc, unknown, pg_error, spi_error");
}
