#include "sql_values.hpp"

#include <memory>

#include "errors.hpp"
#include "spi.hpp"

namespace ipto::sql {
namespace {

std::string varlena_string(Datum d) {
    struct varlena* t = pg::call([&] { return pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(d))); });
    return std::string(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

}  // namespace

std::optional<std::string> arg_text(FunctionCallInfo fcinfo, int n) {
    if (PG_ARGISNULL(n)) return std::nullopt;
    return varlena_string(PG_GETARG_DATUM(n));
}

std::string arg_text_required(FunctionCallInfo fcinfo, int n, const char* field) {
    auto v = arg_text(fcinfo, n);
    if (!v) throw Error(ErrorKind::validation, std::string(field) + " must not be null", field);
    return *v;
}

std::optional<std::int64_t> arg_int64(FunctionCallInfo fcinfo, int n) {
    if (PG_ARGISNULL(n)) return std::nullopt;
    return PG_GETARG_INT64(n);
}

std::optional<std::int64_t> arg_timestamp_us(FunctionCallInfo fcinfo, int n) {
    if (PG_NARGS() <= n || PG_ARGISNULL(n)) return std::nullopt;
    return DatumGetTimestampTz(PG_GETARG_DATUM(n)) + spi::kPgEpochUnixUs;
}

std::optional<std::string> arg_text_if_declared(FunctionCallInfo fcinfo, int n) {
    if (PG_NARGS() <= n) return std::nullopt;
    return arg_text(fcinfo, n);
}

std::optional<std::vector<std::string>> arg_text_array(FunctionCallInfo fcinfo, int n) {
    if (PG_ARGISNULL(n)) return std::nullopt;
    Datum d = PG_GETARG_DATUM(n);
    ArrayType* a = pg::call([&] { return DatumGetArrayTypeP(d); });
    Datum* items = nullptr;
    bool* item_nulls = nullptr;
    int count = 0;
    pg::call([&] { deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &items, &item_nulls, &count); });
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i) {
        if (item_nulls[i]) throw Error(ErrorKind::validation, "an array element is null", "scopes");
        out.push_back(varlena_string(items[i]));
    }
    return out;
}

std::optional<std::string> arg_jsonb_text(FunctionCallInfo fcinfo, int n) {
    if (PG_ARGISNULL(n)) return std::nullopt;
    Datum d = PG_GETARG_DATUM(n);
    char* s = pg::call([&] { return DatumGetCString(DirectFunctionCall1(jsonb_out, d)); });
    return std::string(s);
}

Datum text_datum(const std::string& s) {
    const char* data = s.data();
    int len = static_cast<int>(s.size());
    return PointerGetDatum(pg::call([&] { return cstring_to_text_with_len(data, len); }));
}

Datum void_datum() { return static_cast<Datum>(0); }

namespace {
Datum ts(std::int64_t unix_us) { return TimestampTzGetDatum(unix_us - spi::kPgEpochUnixUs); }
}  // namespace

Datum dataset_values(const DatasetRecord& d, Datum* v, bool* n) {
    for (int i = 0; i < 15; ++i) n[i] = false;
    v[0] = text_datum(d.dataset_id);
    v[1] = text_datum(d.tenant_id);
    v[2] = text_datum(d.name);
    if (d.description) v[3] = text_datum(*d.description); else n[3] = true;
    v[4] = text_datum(d.source_modality);
    v[5] = text_datum(d.monetization_mode);
    v[6] = text_datum(d.pricing_model);
    v[7] = text_datum(d.visibility);
    v[8] = text_datum(d.status);
    v[9] = Int64GetDatum(d.object_count);
    v[10] = Int64GetDatum(d.active_object_count);
    v[11] = Int64GetDatum(d.total_bytes);
    v[12] = ts(d.created_at_us);
    v[13] = ts(d.updated_at_us);
    if (d.last_ingest_at_us) v[14] = ts(*d.last_ingest_at_us); else n[14] = true;
    return 0;
}

namespace {
TupleDesc result_desc(FunctionCallInfo fcinfo) {
    TupleDesc desc = nullptr;
    TypeFuncClass c = pg::call([&] { return get_call_result_type(fcinfo, nullptr, &desc); });
    if (c != TYPEFUNC_COMPOSITE) throw Error(ErrorKind::internal, "function must return a row type");
    return pg::call([&] { return BlessTupleDesc(desc); });
}

Datum form(TupleDesc desc, Datum* values, bool* nulls) {
    HeapTuple t = pg::call([&] { return heap_form_tuple(desc, values, nulls); });
    return HeapTupleGetDatum(t);
}
}  // namespace

Datum dataset_tuple(FunctionCallInfo fcinfo, const DatasetRecord& d) {
    TupleDesc desc = result_desc(fcinfo);
    Datum values[15];
    bool nulls[15];
    dataset_values(d, values, nulls);
    return form(desc, values, nulls);
}

Datum row_of_texts(FunctionCallInfo fcinfo, const std::vector<std::optional<std::string>>& columns) {
    TupleDesc desc = result_desc(fcinfo);
    std::vector<Datum> values(columns.size());
    std::unique_ptr<bool[]> nulls(new bool[columns.size()]);
    for (std::size_t i = 0; i < columns.size(); ++i) {
        nulls[i] = !columns[i];
        values[i] = columns[i] ? text_datum(*columns[i]) : 0;
    }
    return form(desc, values.data(), nulls.get());
}

RowSink::RowSink(FunctionCallInfo fcinfo) : fcinfo_(fcinfo) {
    FunctionCallInfo f = fcinfo;
    pg::call([&] { InitMaterializedSRF(f, 0); });
}

void RowSink::put(Datum* values, bool* nulls) {
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo_->resultinfo);
    pg::call([&] { tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls); });
}

void RowSink::put_all(const spi::Result& rows, int columns) {
    std::vector<Datum> values(static_cast<std::size_t>(columns));
    std::unique_ptr<bool[]> nulls(new bool[static_cast<std::size_t>(columns)]);
    for (std::uint64_t i = 0; i < rows.rows(); ++i) {
        for (int c = 0; c < columns; ++c) values[static_cast<std::size_t>(c)] = rows.datum(i, c + 1, &nulls[c]);
        put(values.data(), nulls.get());
    }
}


}  // namespace ipto::sql
