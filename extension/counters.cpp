// Live counters of a dataset (DESIGN.md §6), kept by statement-level
// triggers on ipto.objects with transition tables: one statement's rows are
// aggregated once, whatever their number.
//
// The counters live in ipto.dataset_counters, one row per (dataset, shard);
// a backend always adds its deltas to its own shard (MyBackendId), so two
// sessions ingesting into one dataset touch different rows and never wait
// for each other's commit. Each delta is added under that row's lock, to
// its latest value: exact under any concurrency. A dataset's counter is the
// sum of its shards.
#include "counters.hpp"

#include "errors.hpp"
#include "spi.hpp"
#include "sql_values.hpp"

using namespace ipto;

namespace ipto::counters {

std::int16_t my_shard() { return static_cast<std::int16_t>(MyBackendId % kShards); }

TriggerData* trigger_data(FunctionCallInfo fcinfo) {
    if (!CALLED_AS_TRIGGER(fcinfo)) throw Error(ErrorKind::internal, "called outside a trigger");
    return reinterpret_cast<TriggerData*>(fcinfo->context);
}

void run_with_transition_tables(FunctionCallInfo fcinfo, std::initializer_list<spi::Statement*> statements,
                                bool with_shard) {
    TriggerData* td = trigger_data(fcinfo);
    spi::Connection spi;
    pg::call([&] { return SPI_register_trigger_data(td); });
    for (spi::Statement* s : statements) {
        spi::Params p;
        if (with_shard) p.int4(my_shard());
        spi::execute(*s, p);
    }
    spi.finish();
}

}  // namespace ipto::counters

namespace {

#define ACTIVE "(status = 'approved' AND indexed_at IS NOT NULL)"

// Adds the deltas of x(tenant_id, dataset_id, n, a, b, last) to shard $1.
// A new shard row's foreign key checks that the dataset exists.
#define ADD_TO_SHARD(source)                                                                              \
    "INSERT INTO ipto.dataset_counters AS c (tenant_id, dataset_id, shard, object_count,"                 \
    " active_object_count, total_bytes, last_ingest_at)"                                                  \
    " SELECT x.tenant_id, x.dataset_id, $1::int2, x.n, x.a, x.b, x.last FROM (" source ") x"             \
    " ON CONFLICT (tenant_id, dataset_id, shard) DO UPDATE SET"                                           \
    " object_count = c.object_count + excluded.object_count,"                                             \
    " active_object_count = c.active_object_count + excluded.active_object_count,"                        \
    " total_bytes = c.total_bytes + excluded.total_bytes,"                                                \
    " last_ingest_at = greatest(c.last_ingest_at, excluded.last_ingest_at)"

// Deltas are applied only to datasets that still exist (the rows of a
// deleted dataset are being purged); the lock keeps a delete from slipping
// in between.
#define STILL_EXISTS(alias)                                                                           \
    " EXISTS (SELECT FROM ipto.datasets d WHERE d.tenant_id = " alias ".tenant_id"                    \
    " AND d.dataset_id = " alias ".dataset_id FOR KEY SHARE) "

}  // namespace

IPTO_FUNCTION(ipto_objects_counters_insert) {
    // One pass over the new rows; then a dataset that does not exist is an
    // error for a person, not a foreign-key message about our bookkeeping.
    static spi::Statement add(
        "WITH x AS MATERIALIZED (SELECT tenant_id, dataset_id, count(*) AS n,"
        "   count(*) FILTER (WHERE " ACTIVE ") AS a, sum(size_bytes)::bigint AS b, statement_timestamp() AS last"
        "   FROM inserted_rows GROUP BY tenant_id, dataset_id),"
        " added AS (" ADD_TO_SHARD("SELECT * FROM x WHERE" STILL_EXISTS("x")) " RETURNING 1)"
        " SELECT x.tenant_id, x.dataset_id, (SELECT count(*) FROM added) FROM x"
        " WHERE NOT EXISTS (SELECT FROM ipto.datasets d WHERE d.tenant_id = x.tenant_id AND d.dataset_id = x.dataset_id)"
        " LIMIT 1",
        {INT4OID});
    TriggerData* td = counters::trigger_data(fcinfo);
    spi::Connection spi;
    pg::call([&] { return SPI_register_trigger_data(td); });
    spi::Params p;
    p.int4(counters::my_shard());
    auto missing = spi::execute(add, p);
    if (missing.rows() > 0) {
        std::string dataset = missing.text_required(0, 2);
        throw Error(ErrorKind::not_found, "dataset " + dataset + " of tenant " + missing.text_required(0, 1) + " does not exist",
                    "dataset_id", "an object belongs to an existing dataset of its tenant");
    }
    spi.finish();
    return PointerGetDatum(nullptr);
}

IPTO_FUNCTION(ipto_objects_counters_update) {
    // Objects never change dataset (objects_keep_identity), so old and new
    // rows group into the same datasets; only status, indexing and size move.
    static spi::Statement shift(ADD_TO_SHARD(
        "SELECT u.tenant_id, u.dataset_id, 0::bigint AS n, sum(u.a)::bigint AS a, sum(u.b)::bigint AS b,"
        " NULL::timestamptz AS last FROM ("
        "   SELECT tenant_id, dataset_id, " ACTIVE "::int AS a, size_bytes AS b FROM new_rows"
        "   UNION ALL"
        "   SELECT tenant_id, dataset_id, -(" ACTIVE "::int), -size_bytes FROM old_rows) u"
        " GROUP BY u.tenant_id, u.dataset_id"
        " HAVING (sum(u.a) <> 0 OR sum(u.b) <> 0) AND" STILL_EXISTS("u")),
        {INT4OID});
    counters::run_with_transition_tables(fcinfo, {&shift}, true);
    return PointerGetDatum(nullptr);
}

IPTO_FUNCTION(ipto_objects_counters_delete) {
    static spi::Statement subtract(ADD_TO_SHARD(
        "SELECT r.tenant_id, r.dataset_id, -count(*) AS n, -count(*) FILTER (WHERE " ACTIVE ") AS a,"
        " -sum(r.size_bytes)::bigint AS b, NULL::timestamptz AS last FROM deleted_rows r"
        " GROUP BY r.tenant_id, r.dataset_id HAVING" STILL_EXISTS("r")),
        {INT4OID});
    counters::run_with_transition_tables(fcinfo, {&subtract}, true);
    return PointerGetDatum(nullptr);
}

IPTO_FUNCTION(ipto_objects_counters_truncate) {
    // TRUNCATE holds ACCESS EXCLUSIVE on objects: no object exists now. The
    // time of the last ingest stays (a delete does not roll it back).
    static spi::Statement zero(
        "UPDATE ipto.dataset_counters SET object_count = 0, active_object_count = 0, total_bytes = 0"
        " WHERE object_count <> 0 OR active_object_count <> 0 OR total_bytes <> 0",
        {});
    counters::run_with_transition_tables(fcinfo, {&zero}, false);
    return PointerGetDatum(nullptr);
}

IPTO_FUNCTION(ipto_objects_keep_identity) {
    TriggerData* td = counters::trigger_data(fcinfo);
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

// Stored (sum of shards) and actual (from the objects) counts per dataset;
// $1 limits to one dataset.
#define STORED_AND_ACTUAL                                                                                     \
    "SELECT d.tenant_id, d.dataset_id,"                                                                       \
    " coalesce(s.n, 0) AS stored_n, coalesce(s.a, 0) AS stored_a, coalesce(s.b, 0) AS stored_b,"              \
    " coalesce(o.n, 0) AS n, coalesce(o.a, 0) AS a, coalesce(o.b, 0) AS b, s.last"                            \
    " FROM ipto.datasets d"                                                                                   \
    " LEFT JOIN (SELECT tenant_id, dataset_id, sum(object_count)::bigint AS n,"                               \
    "            sum(active_object_count)::bigint AS a, sum(total_bytes)::bigint AS b,"                       \
    "            max(last_ingest_at) AS last FROM ipto.dataset_counters"                                      \
    "            WHERE $1::text IS NULL OR dataset_id = $1 GROUP BY tenant_id, dataset_id) s"                 \
    "   USING (tenant_id, dataset_id)"                                                                        \
    " LEFT JOIN (SELECT tenant_id, dataset_id, count(*) AS n, count(*) FILTER (WHERE " ACTIVE ") AS a,"       \
    "            sum(size_bytes)::bigint AS b FROM ipto.objects"                                              \
    "            WHERE $1::text IS NULL OR dataset_id = $1 GROUP BY tenant_id, dataset_id) o"                 \
    "   USING (tenant_id, dataset_id) WHERE $1::text IS NULL OR d.dataset_id = $1"

}  // namespace

IPTO_FUNCTION(ipto_verify_counters) {
    static spi::Statement verify(
        "SELECT x.dataset_id, c.counter, c.stored, c.actual FROM (" STORED_AND_ACTUAL ") x"
        " CROSS JOIN LATERAL (VALUES ('object_count', x.stored_n, x.n),"
        "   ('active_object_count', x.stored_a, x.a), ('total_bytes', x.stored_b, x.b))"
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
        bool nulls[4];
        for (int c = 0; c < 4; ++c) values[c] = r.datum(i, c + 1, &nulls[c]);
        sink.put(values, nulls);
    }
    spi.finish();
    return sql::void_datum();
}

IPTO_FUNCTION(ipto_rebuild_counters) {
    // Lock each dataset and its shards first: writers in flight finish
    // first (a new shard row's foreign key check waits on the dataset lock),
    // the recount then runs on a newer snapshot that sees them, and later
    // writers add their deltas on top of the rebuilt values.
    static spi::Statement lock_datasets(
        "SELECT FROM ipto.datasets WHERE $1::text IS NULL OR dataset_id = $1 ORDER BY tenant_id, dataset_id FOR UPDATE",
        {TEXTOID});
    static spi::Statement lock_shards(
        "SELECT FROM ipto.dataset_counters WHERE $1::text IS NULL OR dataset_id = $1"
        " ORDER BY tenant_id, dataset_id, shard FOR UPDATE",
        {TEXTOID});
    static spi::Statement wrong("SELECT tenant_id, dataset_id, n, a, b, last FROM (" STORED_AND_ACTUAL ") x"
                                " WHERE (x.stored_n, x.stored_a, x.stored_b) IS DISTINCT FROM (x.n, x.a, x.b)",
                                {TEXTOID});
    // All shards of a dataset become one row holding the actual counts.
    static spi::Statement replace(
        "WITH cleared AS (DELETE FROM ipto.dataset_counters WHERE tenant_id = $1 AND dataset_id = $2 RETURNING 1)"
        " INSERT INTO ipto.dataset_counters (tenant_id, dataset_id, shard, object_count, active_object_count,"
        " total_bytes, last_ingest_at) SELECT $1, $2, -1, $3, $4, $5, $6 FROM (SELECT count(*) FROM cleared) c",
        {TEXTOID, TEXTOID, INT8OID, INT8OID, INT8OID, TIMESTAMPTZOID});
    auto only = sql::arg_text(fcinfo, 0);
    spi::Connection spi;
    spi::Params p;
    p.opt_text(only);
    if (spi::execute(lock_datasets, p).rows() == 0 && only) {
        throw Error(ErrorKind::not_found, "dataset " + *only + " not found", "dataset_id",
                    "pass an existing dataset id, or NULL for all");
    }
    spi::execute(lock_shards, p);
    auto r = spi::execute(wrong, p);
    struct Fix {
        std::string tenant_id, dataset_id;
        std::int64_t n, a, b;
        std::optional<std::int64_t> last;
    };
    std::vector<Fix> fixes;
    for (std::uint64_t i = 0; i < r.rows(); ++i) {
        fixes.push_back({r.text_required(i, 1), r.text_required(i, 2), r.int8(i, 3), r.int8(i, 4), r.int8(i, 5),
                         r.timestamp_us(i, 6)});
    }
    for (const Fix& f : fixes) {
        spi::Params q;
        q.text(f.tenant_id).text(f.dataset_id).int8(f.n).int8(f.a).int8(f.b).timestamp_us(f.last);
        spi::execute(replace, q);
    }
    std::int64_t fixed = static_cast<std::int64_t>(fixes.size());
    spi.finish();
    return Int64GetDatum(fixed);
}
