// A trigger's transition table read in C++, a pass over its rows with no
// SQL: on Citus a trigger fires on a shard, where no statement can read a
// transition table (nor join one with a distributed table).
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "boundary.hpp"

namespace ipto::transition {

// The named text columns of every row, in the order given (a NULL reads
// as an empty string; the columns read here are NOT NULL).
std::vector<std::vector<std::string>> text_columns(Tuplestorestate* rows, TupleDesc desc,
                                                   std::initializer_list<const char*> names);

// Whether the trigger fired on a Citus shard (a table named like
// "datasets_102008") rather than on the table the statement named.
bool on_shard(TriggerData* td, const char* table);

}  // namespace ipto::transition
