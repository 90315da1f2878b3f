// Live counters of a dataset (docs/counters.md), kept by statement-level
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

#include <algorithm>
#include <map>
#include <vector>
#include <string>
#include <utility>

#include "errors.hpp"
#include "placement.hpp"
#include "restore.hpp"
#include "spi.hpp"
#include "sql_values.hpp"
#include "transition_rows.hpp"

using namespace ipto;

namespace ipto::counters {

std::int16_t my_shard() { return static_cast<std::int16_t>(MyBackendId % kShards); }

namespace {
int own_writes = 0;  // nesting depth of OwnWrite in this backend
}  // namespace

OwnWrite::OwnWrite() { ++own_writes; }
OwnWrite::~OwnWrite() { --own_writes; }
bool own_write() { return own_writes > 0; }

OwnWriteEverywhere::OwnWriteEverywhere() {
    if (!placement::citus_present()) return;
    placement::set_local_on_workers("ipto.counter_write", "on");
    sent_ = true;
}

void OwnWriteEverywhere::finish() {
    if (!sent_) return;
    sent_ = false;
    placement::set_local_on_workers("ipto.counter_write", "off");
}

// A destructor must not throw: an unwinding error aborts the transaction,
// which takes the setting with it.
OwnWriteEverywhere::~OwnWriteEverywhere() = default;

bool own_write_elsewhere() {
    const char* v = pg::call([] { return GetConfigOption("ipto.counter_write", true, false); });
    return v && std::string(v) == "on";
}

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

// One dataset's change from one statement.
struct Delta {
    std::int64_t objects = 0;
    std::int64_t active = 0;
    std::int64_t bytes = 0;
    std::optional<TimestampTz> newest;  // the latest created_at among inserted rows
};
using Deltas = std::map<std::pair<std::string, std::string>, Delta>;

// Where the counted columns are in ipto.objects (looked up by name).
struct Columns {
    int tenant_id, dataset_id, status, indexed_at, size_bytes, created_at;
};

Columns columns_of(TupleDesc desc) {
    Columns c{};
    c.tenant_id = pg::call([&] { return SPI_fnumber(desc, "tenant_id"); });
    c.dataset_id = pg::call([&] { return SPI_fnumber(desc, "dataset_id"); });
    c.status = pg::call([&] { return SPI_fnumber(desc, "status"); });
    c.indexed_at = pg::call([&] { return SPI_fnumber(desc, "indexed_at"); });
    c.size_bytes = pg::call([&] { return SPI_fnumber(desc, "size_bytes"); });
    c.created_at = pg::call([&] { return SPI_fnumber(desc, "created_at"); });
    if (c.tenant_id <= 0 || c.dataset_id <= 0 || c.status <= 0 || c.indexed_at <= 0 || c.size_bytes <= 0 ||
        c.created_at <= 0) {
        throw Error(ErrorKind::internal, "ipto.objects lacks a counted column");
    }
    return c;
}

std::string text_of(Datum d) {
    struct varlena* t = pg::call([&] { return pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(d))); });
    return std::string(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

// Reads a transition table in C++ and adds sign × each row to its dataset's
// delta: one pass over the rows, no SQL per row, no SQL over the table.
void accumulate(Tuplestorestate* rows, TupleDesc desc, int sign, Deltas& deltas) {
    if (!rows) return;
    Columns col = columns_of(desc);
    TupleTableSlot* slot = pg::call([&] { return MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple); });
    pg::call([&] { tuplestore_rescan(rows); });
    for (;;) {
        bool more = pg::call([&] { return tuplestore_gettupleslot(rows, true, false, slot); });
        if (!more) break;
        bool null_tenant, null_dataset, null_status, null_indexed, null_size;
        Datum tenant = pg::call([&] { return slot_getattr(slot, col.tenant_id, &null_tenant); });
        Datum dataset = pg::call([&] { return slot_getattr(slot, col.dataset_id, &null_dataset); });
        Datum status = pg::call([&] { return slot_getattr(slot, col.status, &null_status); });
        pg::call([&] { return slot_getattr(slot, col.indexed_at, &null_indexed); });
        Datum size = pg::call([&] { return slot_getattr(slot, col.size_bytes, &null_size); });
        bool null_created;
        Datum created = pg::call([&] { return slot_getattr(slot, col.created_at, &null_created); });
        if (null_tenant || null_dataset || null_status || null_size) continue;  // NOT NULL columns
        Delta& d = deltas[{text_of(tenant), text_of(dataset)}];
        d.objects += sign;
        if (sign > 0 && !null_created) {
            TimestampTz t = DatumGetTimestampTz(created);
            if (!d.newest || t > *d.newest) d.newest = t;
        }
        if (!null_indexed && text_of(status) == "approved") d.active += sign;
        if (__builtin_add_overflow(d.bytes, sign * DatumGetInt64(size), &d.bytes)) {
            // As SQL's bigint arithmetic would say it.
            pg::call([] {
                ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE), errmsg("bigint out of range")));
            });
        }
    }
    pg::call([&] { ExecDropSingleTupleTableSlot(slot); });
}

// Adds a delta to this backend's shard of the dataset's counters, if the
// dataset exists (a deleted dataset's rows are being purged). No lock on the
// dataset row, which every ingest would otherwise write: an ingest that
// races a delete of its dataset lands with it in the purge, as if it had
// come first. Returns false when the dataset does not exist.
//
// The last ingest is the creation time of the newest object inserted (no
// later than now): a restored object brings its own time back with it.
// While a dump is being loaded the dataset may not be there yet (a parallel
// pg_restore loads the tables in any order), so the delta is kept anyway.
bool add_to_shard(Oid relation, const std::string& tenant, const std::string& dataset, const Delta& d) {
    static spi::ColocatedStatement upsert(
        "INSERT INTO {dataset_counters} AS c (tenant_id, dataset_id, shard, object_count, active_object_count,"
        " total_bytes, last_ingest_at)"
        " SELECT $1, $2, $3::int2, $4, $5, $6, $7"
        " WHERE $8 OR EXISTS (SELECT FROM {datasets} d WHERE d.tenant_id = $1 AND d.dataset_id = $2)"
        " ON CONFLICT (tenant_id, dataset_id, shard) DO UPDATE SET"  // this backend's shard row
        " object_count = c.object_count + excluded.object_count,"
        " active_object_count = c.active_object_count + excluded.active_object_count,"
        " total_bytes = c.total_bytes + excluded.total_bytes,"
        " last_ingest_at = greatest(c.last_ingest_at, excluded.last_ingest_at) RETURNING true",
        {TEXTOID, TEXTOID, INT4OID, INT8OID, INT8OID, INT8OID, TIMESTAMPTZOID, BOOLOID});
    // On a Citus worker the trigger fires on the objects shard, and the
    // statement names the co-located shards: a plain local statement (through
    // the distributed tables, Citus could not route this INSERT ... SELECT).
    spi::Params p;
    p.text(tenant).text(dataset).int4(counters::my_shard()).int8(d.objects).int8(d.active).int8(d.bytes);
    // No later than the statement.
    std::optional<TimestampTz> newest = d.newest;
    if (newest) newest = std::min(*newest, GetCurrentStatementStartTimestamp());
    p.datum(TimestampTzGetDatum(newest.value_or(0)), !newest);
    counters::OwnWrite own;
    p.boolean(restore::loading_dump());
    return spi::execute(upsert.beside(relation), p).rows() == 1;
}

// Applies every delta of a statement, in a fixed order (so two statements
// touching the same datasets lock their shard rows in the same order).
void apply(FunctionCallInfo fcinfo, bool ingest) {
    TriggerData* td = counters::trigger_data(fcinfo);
    TupleDesc desc = td->tg_relation->rd_att;
    Deltas deltas;
    accumulate(td->tg_newtable, desc, +1, deltas);
    accumulate(td->tg_oldtable, desc, -1, deltas);
    spi::Connection spi;
    for (const auto& [key, d] : deltas) {
        if (!ingest && d.objects == 0 && d.active == 0 && d.bytes == 0) continue;
        if (!add_to_shard(td->tg_relation->rd_id, key.first, key.second, d) && ingest) {
            throw Error(ErrorKind::not_found, "dataset " + key.second + " of tenant " + key.first + " does not exist",
                        "dataset_id", "an object belongs to an existing dataset of its tenant");
        }
    }
    spi.finish();
}

}  // namespace

IPTO_FUNCTION(ipto_objects_counters_insert) {
    apply(fcinfo, true);
    return PointerGetDatum(nullptr);
}

IPTO_FUNCTION(ipto_objects_counters_update) {
    // Objects never change dataset (objects_keep_identity): old and new rows
    // meet in the same datasets, and only status, indexing and size move.
    apply(fcinfo, false);
    return PointerGetDatum(nullptr);
}

IPTO_FUNCTION(ipto_objects_counters_delete) {
    apply(fcinfo, false);
    return PointerGetDatum(nullptr);
}

IPTO_FUNCTION(ipto_objects_counters_truncate) {
    // TRUNCATE holds ACCESS EXCLUSIVE on objects: no object exists now. The
    // time of the last ingest stays (a delete does not roll it back). On
    // Citus this fires on every shard and, once, on the table the statement
    // named: the counters of all shards are zeroed there.
    if (transition::on_shard(counters::trigger_data(fcinfo), "objects")) return PointerGetDatum(nullptr);
    static spi::Statement zero(
        "UPDATE ipto.dataset_counters SET object_count = 0, active_object_count = 0, total_bytes = 0"
        " WHERE object_count <> 0 OR active_object_count <> 0 OR total_bytes <> 0",
        {});
    counters::run_with_transition_tables(fcinfo, {&zero}, false);
    return PointerGetDatum(nullptr);
}

namespace {

// Refuses an UPDATE that changes any of `columns` of the row.
Datum keep_identity(FunctionCallInfo fcinfo, const char* what, const std::vector<std::string>& columns,
                    const char* hint) {
    TriggerData* td = counters::trigger_data(fcinfo);
    HeapTuple old_row = td->tg_trigtuple;
    HeapTuple new_row = td->tg_newtuple;
    TupleDesc desc = td->tg_relation->rd_att;
    for (const std::string& column : columns) {
        const char* name = column.c_str();
        int att = pg::call([&] { return SPI_fnumber(desc, name); });
        if (att <= 0) throw Error(ErrorKind::internal, "keep_identity: no column " + column);
        bool old_null = false, new_null = false;
        Datum a = pg::call([&] { return heap_getattr(old_row, att, desc, &old_null); });
        Datum b = pg::call([&] { return heap_getattr(new_row, att, desc, &new_null); });
        bool same = old_null == new_null &&
                    (old_null || pg::call([&] { return DatumGetBool(DirectFunctionCall2Coll(texteq, C_COLLATION_OID, a, b)); }));
        if (!same) throw Error(ErrorKind::validation, std::string(what) + "'s " + column + " cannot change", column, hint);
    }
    return PointerGetDatum(new_row);
}

}  // namespace

IPTO_FUNCTION(ipto_objects_keep_identity) {
    return keep_identity(fcinfo, "an object", {"object_id", "tenant_id", "dataset_id"},
                         "objects do not move between datasets or tenants; add a new object and delete this one");
}

// Ids are public and everything of a dataset is keyed by them (objects,
// counters, the id directory): they never change.
IPTO_FUNCTION(ipto_datasets_keep_identity) {
    return keep_identity(fcinfo, "a dataset", {"dataset_id", "tenant_id"},
                         "a dataset keeps its id and owner; create a new dataset instead");
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
    sink.put_all(r, 4);
    spi.finish();
    return sql::void_datum();
}

IPTO_FUNCTION(ipto_rebuild_counters) {
    // One dataset at a time, each statement on its tenant's shard. Lock the
    // dataset (it is not deleted meanwhile) and its shards: writers in
    // flight on an existing shard finish first, and the recount then runs
    // on a newer snapshot that sees their objects. A writer in flight that
    // creates a new shard row is not waited for: the recount does not see
    // its objects and the replacement below does not see its row, so its
    // delta counts once either way. Later writers add on top of the result.
    static spi::Statement all("SELECT tenant_id, dataset_id FROM ipto.datasets ORDER BY tenant_id, dataset_id", {});
    // One dataset: its owner from the id directory, so that only the
    // owner's shard is read (an older version's database has none).
    static spi::Statement owner("SELECT tenant_id FROM ipto.dataset_directory WHERE dataset_id = $1", {TEXTOID});
    static spi::Statement one("SELECT tenant_id, dataset_id FROM ipto.datasets WHERE dataset_id = $1"
                              " AND ($2::text IS NULL OR tenant_id = $2)",
                              {TEXTOID, TEXTOID});
    static spi::Statement lock_dataset(
        "SELECT FROM ipto.datasets WHERE tenant_id = $1 AND dataset_id = $2 FOR UPDATE", {TEXTOID, TEXTOID});
    static spi::Statement lock_shards(
        "SELECT FROM ipto.dataset_counters WHERE tenant_id = $1 AND dataset_id = $2 ORDER BY shard FOR UPDATE",
        {TEXTOID, TEXTOID});
    static spi::Statement recount(
        "SELECT s.n, s.a, s.b, s.last, o.n, o.a, o.b FROM"
        " (SELECT coalesce(sum(object_count), 0)::bigint AS n, coalesce(sum(active_object_count), 0)::bigint AS a,"
        "  coalesce(sum(total_bytes), 0)::bigint AS b, max(last_ingest_at) AS last FROM ipto.dataset_counters"
        "  WHERE tenant_id = $1 AND dataset_id = $2) s,"
        " (SELECT count(*) AS n, count(*) FILTER (WHERE " ACTIVE ") AS a, coalesce(sum(size_bytes), 0)::bigint AS b"
        "  FROM ipto.objects WHERE tenant_id = $1 AND dataset_id = $2) o",
        {TEXTOID, TEXTOID});
    // All shards of a dataset become one row holding the actual counts.
    static spi::Statement clear("DELETE FROM ipto.dataset_counters WHERE tenant_id = $1 AND dataset_id = $2",
                                {TEXTOID, TEXTOID});
    static spi::Statement replace(
        "INSERT INTO ipto.dataset_counters (tenant_id, dataset_id, shard, object_count, active_object_count,"
        " total_bytes, last_ingest_at) VALUES ($1, $2, -1, $3, $4, $5, $6)",
        {TEXTOID, TEXTOID, INT8OID, INT8OID, INT8OID, TIMESTAMPTZOID});
    auto only = sql::arg_text(fcinfo, 0);
    spi::Connection spi;
    spi::Result r;
    if (only) {
        std::optional<std::string> tenant;
        if (placement::has_relation("dataset_directory")) {
            spi::Params o;
            o.text(*only);
            auto found = spi::execute(owner, o);
            tenant = found.rows() == 1 ? found.text(0, 1) : std::optional<std::string>("");
        }
        spi::Params p;
        p.text(*only).opt_text(tenant);
        r = spi::execute(one, p);
    } else {
        r = spi::execute(all);
    }
    std::vector<std::pair<std::string, std::string>> keys;
    for (std::uint64_t i = 0; i < r.rows(); ++i) keys.emplace_back(r.text_required(i, 1), r.text_required(i, 2));
    std::int64_t fixed = 0;
    counters::OwnWriteEverywhere own;
    for (const auto& [tenant, dataset] : keys) {
        spi::Params k;
        k.text(tenant).text(dataset);
        if (spi::execute(lock_dataset, k).rows() == 0) continue;  // deleted meanwhile
        spi::execute(lock_shards, k);
        auto c = spi::execute(recount, k);
        std::int64_t n = c.int8(0, 5), a = c.int8(0, 6), b = c.int8(0, 7);
        if (c.int8(0, 1) == n && c.int8(0, 2) == a && c.int8(0, 3) == b) continue;
        std::optional<std::int64_t> last = c.timestamp_us(0, 4);
        spi::execute(clear, k);
        spi::Params q;
        q.text(tenant).text(dataset).int8(n).int8(a).int8(b).timestamp_us(last);
        spi::execute(replace, q);
        ++fixed;
    }
    if (only && keys.empty()) {
        throw Error(ErrorKind::not_found, "dataset " + *only + " not found", "dataset_id",
                    "pass an existing dataset id, or NULL for all");
    }
    own.finish();
    spi.finish();
    return Int64GetDatum(fixed);
}
