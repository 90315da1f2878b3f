// What loading a pg_dump needs: the dump brings back the data, and the
// triggers recompute what is derived from it (docs/lifecycle.md).
#pragma once

namespace ipto::restore {

// True while a dump is being loaded: the statement is a COPY and row-level
// security is off, as both pg_restore and a plain-format dump run in psql
// set it. Only relaxes an order the load cannot keep (a parallel pg_restore
// loads ipto.objects before or alongside ipto.datasets); counting is the
// same either way.
bool loading_dump();

}  // namespace ipto::restore
