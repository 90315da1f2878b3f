// Live counters of a dataset (DESIGN.md §6), kept by statement-level
// triggers on ipto.objects with transition tables: one UPDATE of the
// touched datasets per statement, whatever the number of rows. The UPDATE
// adds deltas under the dataset row's lock, so concurrent statements
// serialise on that row and each applies its delta to the latest value.
#include "errors.hpp"
#include "spi.hpp"
#include "sql_values.hpp"

using namespace ipto;

namespace {

#define ACTIVE "(status = 'approved' AND indexed_at IS NOT NULL)"

TriggerData* trigger_data(FunctionCallInfo fcinfo) {
    if (!CALLED_AS_TRIGGER(fcinfo)) throw Error(ErrorKind::internal, "called outside a trigger");
    return reinterpret_cast<TriggerData*>(fcinfo->context);
}

// Runs `statement` with the trigger's transition tables visible by name.
Datum apply(FunctionCallInfo fcinfo, spi::Statement& statement) {
    TriggerData* td = trigger_data(fcinfo);
    spi::Connection spi;
    pg::call([&] { return SPI_register_trigger_data(td); });
    spi::execute(statement);
    spi.finish();
    return PointerGetDatum(nullptr);
}

}  // namespace

IPTO_FUNCTION(ipto_objects_counters_insert) {
    static spi::Statement add(
        "UPDATE ipto.datasets d SET object_count = d.object_count + x.n,"
        " active_object_count = d.active_object_count + x.a, total_bytes = d.total_bytes + x.b,"
        " last_ingest_at = greatest(d.last_ingest_at, statement_timestamp())"
        " FROM (SELECT tenant_id, dataset_id, count(*) AS n, count(*) FILTER (WHERE " ACTIVE ") AS a,"
        "       sum(size_bytes)::bigint AS b FROM inserted_rows GROUP BY tenant_id, dataset_id) x"
        " WHERE d.tenant_id = x.tenant_id AND d.dataset_id = x.dataset_id",
        {});
    return apply(fcinfo, add);
}

IPTO_FUNCTION(ipto_objects_counters_update) {
    // Objects never change dataset (objects_keep_identity), so old and new
    // rows group into the same datasets; only status, indexing and size move.
    static spi::Statement shift(
        "UPDATE ipto.datasets d SET active_object_count = d.active_object_count + x.a,"
        " total_bytes = d.total_bytes + x.b"
        " FROM (SELECT tenant_id, dataset_id, sum(a)::bigint AS a, sum(b)::bigint AS b FROM ("
        "         SELECT tenant_id, dataset_id, " ACTIVE "::int AS a, size_bytes AS b FROM new_rows"
        "         UNION ALL"
        "         SELECT tenant_id, dataset_id, -(" ACTIVE "::int), -size_bytes FROM old_rows) u"
        "       GROUP BY tenant_id, dataset_id) x"
        " WHERE d.tenant_id = x.tenant_id AND d.dataset_id = x.dataset_id AND (x.a <> 0 OR x.b <> 0)",
        {});
    return apply(fcinfo, shift);
}

IPTO_FUNCTION(ipto_objects_counters_delete) {
    static spi::Statement subtract(
        "UPDATE ipto.datasets d SET object_count = d.object_count - x.n,"
        " active_object_count = d.active_object_count - x.a, total_bytes = d.total_bytes - x.b"
        " FROM (SELECT tenant_id, dataset_id, count(*) AS n, count(*) FILTER (WHERE " ACTIVE ") AS a,"
        "       sum(size_bytes)::bigint AS b FROM deleted_rows GROUP BY tenant_id, dataset_id) x"
        " WHERE d.tenant_id = x.tenant_id AND d.dataset_id = x.dataset_id",
        {});
    return apply(fcinfo, subtract);
}

IPTO_FUNCTION(ipto_objects_counters_truncate) {
    // TRUNCATE holds ACCESS EXCLUSIVE on objects: no object exists now.
    static spi::Statement zero(
        "UPDATE ipto.datasets SET object_count = 0, active_object_count = 0, total_bytes = 0"
        " WHERE object_count <> 0 OR active_object_count <> 0 OR total_bytes <> 0",
        {});
    return apply(fcinfo, zero);
}

IPTO_FUNCTION(ipto_objects_keep_identity) {
    TriggerData* td = trigger_data(fcinfo);
    HeapTuple old_row = td->tg_trigtuple;
    HeapTuple new_row = td->tg_newtuple;
    TupleDesc desc = td->tg_relation->rd_att;
    for (const char* column : {"object_id", "tenant_id", "dataset_id"}) {
        int att = pg::call([&] { return SPI_fnumber(desc, column); });
        bool old_null = false, new_null = false;
        Datum a = pg::call([&] { return heap_getattr(old_row, att, desc, &old_null); });
        Datum b = pg::call([&] { return heap_getattr(new_row, att, desc, &new_null); });
        bool same = old_null == new_null &&
                    (old_null || pg::call([&] { return DatumGetBool(DirectFunctionCall2Coll(texteq, C_COLLATION_OID, a, b)); }));
        if (!same) {
            throw Error(ErrorKind::validation, std::string("an object's ") + column + " cannot change", column,
                        "objects do not move between datasets or tenants; add a new object and delete this one");
        }
    }
    return PointerGetDatum(new_row);
}

namespace {

// Actual counts, from the objects themselves; $1 limits to one dataset.
#define ACTUAL_COUNTS                                                                                  \
    "SELECT d.tenant_id, d.dataset_id, d.object_count, d.active_object_count, d.total_bytes,"          \
    " coalesce(o.n, 0) AS n, coalesce(o.a, 0) AS a, coalesce(o.b, 0) AS b FROM ipto.datasets d"       \
    " LEFT JOIN (SELECT tenant_id, dataset_id, count(*) AS n, count(*) FILTER (WHERE " ACTIVE ") AS a," \
    "            sum(size_bytes)::bigint AS b FROM ipto.objects"                                       \
    "            WHERE $1::text IS NULL OR dataset_id = $1 GROUP BY tenant_id, dataset_id) o"          \
    "   USING (tenant_id, dataset_id) WHERE $1::text IS NULL OR d.dataset_id = $1"

}  // namespace

IPTO_FUNCTION(ipto_verify_counters) {
    static spi::Statement verify(
        "SELECT x.dataset_id, c.counter, c.stored, c.actual FROM (" ACTUAL_COUNTS ") x"
        " CROSS JOIN LATERAL (VALUES ('object_count', x.object_count, x.n),"
        "   ('active_object_count', x.active_object_count, x.a), ('total_bytes', x.total_bytes, x.b))"
        "   AS c(counter, stored, actual)"
        " WHERE c.stored <> c.actual ORDER BY 1, 2",
        {TEXTOID});
    sql::RowSink sink(fcinfo);
    spi::Connection spi;
    spi::Params p;
    p.null();
    auto r = spi::execute(verify, p);
    for (std::uint64_t i = 0; i < r.rows(); ++i) {
        Datum values[4];
        bool nulls[4] = {false, false, false, false};
        values[0] = r.datum(i, 1, &nulls[0]);
        values[1] = r.datum(i, 2, &nulls[1]);
        values[2] = r.datum(i, 3, &nulls[2]);
        values[3] = r.datum(i, 4, &nulls[3]);
        sink.put(values, nulls);
    }
    spi.finish();
    return sql::void_datum();
}

IPTO_FUNCTION(ipto_rebuild_counters) {
    // First lock the datasets: writers still in flight finish their deltas
    // first; the recount then runs on a newer snapshot that sees them, and
    // later writers add theirs on top of the rebuilt values.
    static spi::Statement lock(
        "SELECT FROM ipto.datasets WHERE $1::text IS NULL OR dataset_id = $1"
        " ORDER BY tenant_id, dataset_id FOR NO KEY UPDATE",
        {TEXTOID});
    static spi::Statement rebuild(
        "UPDATE ipto.datasets d SET object_count = x.n, active_object_count = x.a, total_bytes = x.b"
        " FROM (" ACTUAL_COUNTS ") x"
        " WHERE d.tenant_id = x.tenant_id AND d.dataset_id = x.dataset_id"
        "   AND (x.object_count, x.active_object_count, x.total_bytes) IS DISTINCT FROM (x.n, x.a, x.b)",
        {TEXTOID});
    auto only = sql::arg_text(fcinfo, 0);
    spi::Connection spi;
    spi::Params p;
    p.opt_text(only);
    auto locked = spi::execute(lock, p);
    if (only && locked.rows() == 0) {
        throw Error(ErrorKind::not_found, "dataset not found", "dataset_id", "pass an existing dataset id, or NULL for all");
    }
    std::int64_t fixed = static_cast<std::int64_t>(spi::execute(rebuild, p).rows());
    spi.finish();
    return Int64GetDatum(fixed);
}
