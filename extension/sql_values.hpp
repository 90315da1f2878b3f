// Arguments in, results out: converting between fmgr Datums and C++ values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "boundary.hpp"
#include "dataset_json.hpp"
#include "spi.hpp"

namespace ipto::sql {

std::optional<std::string> arg_text(FunctionCallInfo fcinfo, int n);
// A NULL is a validation error naming `field`.
std::string arg_text_required(FunctionCallInfo fcinfo, int n, const char* field);
std::optional<std::int64_t> arg_int64(FunctionCallInfo fcinfo, int n);
// A timestamptz argument in microseconds since 1970; nullopt for NULL or
// when the call has fewer than n + 1 arguments (an older signature).
std::optional<std::int64_t> arg_timestamp_us(FunctionCallInfo fcinfo, int n);
// The same for text.
std::optional<std::string> arg_text_if_declared(FunctionCallInfo fcinfo, int n);
std::optional<std::vector<std::string>> arg_text_array(FunctionCallInfo fcinfo, int n);
std::optional<std::string> arg_jsonb_text(FunctionCallInfo fcinfo, int n);

Datum text_datum(const std::string& s);
Datum void_datum();

// A dataset as the composite type ipto.dataset (or any row type whose first
// fifteen columns are the dataset's).
Datum dataset_values(const DatasetRecord& d, Datum* values, bool* nulls);
Datum dataset_tuple(FunctionCallInfo fcinfo, const DatasetRecord& d);

// Builds the function's declared row type from text values (nullopt = NULL).
Datum row_of_texts(FunctionCallInfo fcinfo, const std::vector<std::optional<std::string>>& columns);

// A set-returning function's rows, materialized (InitMaterializedSRF).
class RowSink {
public:
    explicit RowSink(FunctionCallInfo fcinfo);
    void put(Datum* values, bool* nulls);
    // Every row of an SPI result whose columns are the function's, in order
    // (before the SPI connection finishes: the values are copied here).
    void put_all(const spi::Result& rows, int columns);

private:
    FunctionCallInfo fcinfo_;
};

}  // namespace ipto::sql
