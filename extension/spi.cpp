#include "spi.hpp"

#include <cstring>

#include "errors.hpp"
#include "placement.hpp"

namespace ipto::spi {

Connection::Connection() {
    int rc = pg::call([] { return SPI_connect(); });
    if (rc != SPI_OK_CONNECT) throw Error(ErrorKind::internal, "SPI_connect failed");
    open_ = true;
}

void Connection::finish() {
    if (!open_) return;
    open_ = false;
    pg::call([] { return SPI_finish(); });
}

SPIPlanPtr Statement::plan() {
    if (plan_) return plan_;
    const char* sql = sql_;
    int n = static_cast<int>(types_.size());
    Oid* types = types_.data();
    // Generic plans: our statements are written for them (parameters,
    // keyset conditions), and replanning each call costs more than it saves.
    // Citus cannot route a generic plan of most of them (it needs the
    // tenant's value to find the shard), so there every call is planned
    // with its values.
    int options = placement::citus_present() && plans_ == Plans::as_installed ? CURSOR_OPT_CUSTOM_PLAN
                                                                              : CURSOR_OPT_GENERIC_PLAN;
    SPIPlanPtr p = pg::call([&] { return SPI_prepare_cursor(sql, n, types, options); });
    if (!p) throw Error(ErrorKind::internal, std::string("SPI_prepare failed: ") + SPI_result_code_string(SPI_result));
    pg::call([&] { return SPI_keepplan(p); });
    plan_ = p;
    return plan_;
}

namespace {

// `sql` with each {name} replaced by where(name), or by ipto.name where that
// gives nothing; `placed` tells whether where() gave a table for every name.
template <typename Where>
std::string fill_tables(const char* sql, Where where, bool& placed) {
    std::string out;
    placed = true;
    for (const char* c = sql; *c;) {
        const char* close = *c == '{' ? std::strchr(c, '}') : nullptr;
        if (!close) {
            out += *c++;
            continue;
        }
        std::string table(c + 1, close);
        auto found = where(table);
        placed = placed && found.has_value();
        out += found.value_or("ipto." + table);
        c = close + 1;
    }
    return out;
}

}  // namespace

Statement& ColocatedStatement::beside(Oid relation) {
    for (auto& [rel, statement] : by_relation_) {
        if (rel == relation) return *statement;
    }
    bool on_shard = false;
    std::string sql = fill_tables(sql_, [&](const std::string& t) { return placement::colocated_shard(relation, t); }, on_shard);
    auto statement = std::make_unique<Statement>(std::move(sql), types_,
                                                 on_shard ? Statement::Plans::generic : Statement::Plans::as_installed);
    by_relation_.emplace_back(relation, std::move(statement));
    return *by_relation_.back().second;
}

Statement& ReplicaStatement::here() {
    if (statement_ && (on_copy_ || !placement::citus_present())) return *statement_;
    bool on_copy = false;
    std::string sql = fill_tables(sql_, placement::local_replica, on_copy);
    if (!statement_ || on_copy) {  // the first time, or the copies have come
        statement_ = std::make_unique<Statement>(std::move(sql), types_,
                                                 on_copy ? Statement::Plans::generic : Statement::Plans::as_installed);
        on_copy_ = on_copy;
    }
    return *statement_;
}

Params& Params::datum(Datum v, bool is_null) {
    values_.push_back(v);
    nulls_ += is_null ? 'n' : ' ';
    return *this;
}

Params& Params::null() { return datum(0, true); }

Params& Params::text(std::string_view v) {
    const char* data = v.data();
    int len = static_cast<int>(v.size());
    struct varlena* t = pg::call([&] { return cstring_to_text_with_len(data, len); });
    return datum(PointerGetDatum(t), false);
}

Params& Params::opt_text(const std::optional<std::string>& v) { return v ? text(*v) : null(); }
Params& Params::int8(std::int64_t v) { return datum(Int64GetDatum(v), false); }
Params& Params::int4(std::int32_t v) { return datum(Int32GetDatum(v), false); }
Params& Params::boolean(bool v) { return datum(BoolGetDatum(v), false); }

Params& Params::bytea(std::string_view v) {
    const char* data = v.data();
    std::size_t len = v.size();
    ::bytea* b = pg::call([&] {
        auto* out = static_cast<::bytea*>(palloc(VARHDRSZ + len));
        SET_VARSIZE(out, VARHDRSZ + len);
        memcpy(VARDATA(out), data, len);
        return out;
    });
    return datum(PointerGetDatum(b), false);
}

Params& Params::timestamp_us(std::optional<std::int64_t> unix_us) {
    if (!unix_us) return null();
    return datum(TimestampTzGetDatum(*unix_us - kPgEpochUnixUs), false);
}

Params& Params::text_array(const std::vector<std::string>& v) {
    std::vector<Datum> elems;
    elems.reserve(v.size());
    for (const auto& s : v) {
        const char* data = s.data();
        int len = static_cast<int>(s.size());
        elems.push_back(PointerGetDatum(pg::call([&] { return cstring_to_text_with_len(data, len); })));
    }
    Datum* items = elems.data();
    int n = static_cast<int>(elems.size());
    ArrayType* a = pg::call([&] { return construct_array(items, n, TEXTOID, -1, false, TYPALIGN_INT); });
    return datum(PointerGetDatum(a), false);
}

Datum Result::datum(std::uint64_t row, int col, bool* is_null) const {
    HeapTuple t = table_->vals[row];
    TupleDesc d = table_->tupdesc;
    bool n = false;
    Datum v = pg::call([&] { return SPI_getbinval(t, d, col, &n); });
    *is_null = n;
    return v;
}

std::optional<std::string> Result::text(std::uint64_t row, int col) const {
    bool n;
    Datum v = datum(row, col, &n);
    if (n) return std::nullopt;
    struct varlena* t = pg::call([&] { return pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(v))); });
    return std::string(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

std::string Result::text_required(std::uint64_t row, int col) const {
    auto v = text(row, col);
    if (!v) throw Error(ErrorKind::internal, "unexpected NULL in a required column");
    return *v;
}

std::string Result::bytea(std::uint64_t row, int col) const { return text_required(row, col); }

std::int64_t Result::int8(std::uint64_t row, int col) const {
    bool n;
    Datum v = datum(row, col, &n);
    return n ? 0 : DatumGetInt64(v);
}

bool Result::boolean(std::uint64_t row, int col) const {
    bool n;
    Datum v = datum(row, col, &n);
    return !n && DatumGetBool(v);
}

std::optional<std::int64_t> Result::timestamp_us(std::uint64_t row, int col) const {
    bool n;
    Datum v = datum(row, col, &n);
    if (n) return std::nullopt;
    return DatumGetTimestampTz(v) + kPgEpochUnixUs;
}

std::vector<std::string> Result::text_array(std::uint64_t row, int col) const {
    bool n;
    Datum v = datum(row, col, &n);
    std::vector<std::string> out;
    if (n) return out;
    ArrayType* a = pg::call([&] { return DatumGetArrayTypeP(v); });
    Datum* items = nullptr;
    bool* item_nulls = nullptr;
    int count = 0;
    pg::call([&] { deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &items, &item_nulls, &count); });
    for (int i = 0; i < count; ++i) {
        if (item_nulls[i]) continue;
        struct varlena* t = pg::call([&] { return pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(items[i]))); });
        out.emplace_back(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
    }
    return out;
}

Result execute(Statement& statement, Params& params, long max_rows) {
    SPIPlanPtr plan = statement.plan();
    Datum* values = params.values();
    const char* nulls = params.nulls();
    int rc;
    if (placement::citus_present() && statement.plans() == Statement::Plans::as_installed) {
        // Citus sends a statement's values to the workers as text, written
        // in the session's DateStyle: with 'Postgres' or 'SQL' a time zone
        // goes as an abbreviation (IST) that a worker may read as another
        // zone. ISO writes the offset. (An error unwinds the setting with
        // the (sub)transaction. A statement on local shards alone, planned
        // generic, goes nowhere and needs none of this.)
        rc = pg::call([&] {
            int nest = NewGUCNestLevel();
            set_config_option("datestyle", "ISO, MDY", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
            int n = SPI_execute_plan(plan, values, nulls, false, max_rows);
            AtEOXact_GUC(true, nest);
            return n;
        });
    } else {
        rc = pg::call([&] { return SPI_execute_plan(plan, values, nulls, false, max_rows); });
    }
    if (rc < 0) throw Error(ErrorKind::internal, std::string("SPI_execute_plan failed: ") + SPI_result_code_string(rc));
    Result r;
    r.table_ = SPI_tuptable;
    r.rows_ = SPI_processed;
    return r;
}

Result execute(Statement& statement) {
    Params none;
    return execute(statement, none, 0);
}

}  // namespace ipto::spi
