// Objects, for the ingest pipeline. Counters are not touched here: the
// triggers on ipto.objects keep them, whatever statement changed the rows.
#include "dataset_store.hpp"
#include "errors.hpp"
#include "ids.hpp"
#include "random.hpp"
#include "spi.hpp"
#include "sql_values.hpp"
#include "validation.hpp"

using namespace ipto;

namespace {

std::string tenant_arg(FunctionCallInfo fcinfo) {
    std::string tenant = sql::arg_text_required(fcinfo, 0, "tenant_id");
    store::require_tenant(tenant);
    return tenant;
}

// An object counts only while its dataset exists: a deleted dataset's
// objects may still be on disk until the purge reaches them.
#define DATASET_EXISTS(o) \
    " EXISTS (SELECT FROM ipto.datasets d WHERE d.tenant_id = " o ".tenant_id AND d.dataset_id = " o ".dataset_id) "

Error object_not_found(const std::string& object_id) {
    return Error(ErrorKind::not_found,
                 "object " + std::string(is_valid_id(IdKind::object, object_id) ? object_id : "(malformed id)") + " not found",
                 "object_id", "the object does not exist or belongs to another tenant");
}

}  // namespace

IPTO_FUNCTION(ipto_add_object) {
    std::string tenant = tenant_arg(fcinfo);
    std::string dataset = sql::arg_text_required(fcinfo, 1, "dataset_id");
    std::string filename = sql::arg_text_required(fcinfo, 2, "filename");
    auto size = sql::arg_int64(fcinfo, 3);
    std::string content_type = sql::arg_text_required(fcinfo, 4, "content_type");
    std::string status = sql::arg_text_required(fcinfo, 5, "status");
    validate_filename(filename);
    if (!size) throw Error(ErrorKind::validation, "size_bytes must not be null", "size_bytes");
    validate_size_bytes(*size);
    validate_content_type(content_type);
    validate_choice("status", status, kObjectStatuses);

    // One statement: the counters' trigger refuses, in the insert's own
    // statement, an object whose dataset does not exist (whichever way
    // objects are inserted); here its refusal is told as this function's.
    // On Citus that is one routed statement, and on the worker the trigger
    // checks the dataset beside the object's shard.
    static spi::Statement insert(
        "INSERT INTO ipto.objects (object_id, tenant_id, dataset_id, filename, size_bytes, content_type, status)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {TEXTOID, TEXTOID, TEXTOID, TEXTOID, INT8OID, TEXTOID, TEXTOID});
    std::string id = ext::new_id(IdKind::object);
    spi::Connection spi;
    spi::Params p;
    p.text(id).text(tenant).text(dataset).text(filename).int8(*size).text(content_type).text(status);
    try {
        spi::execute(insert, p);
    } catch (const pg::PgError& e) {
        const char* state = pg::call([&] { return unpack_sql_state(e.data()->sqlerrcode); });
        if (std::string_view(state) != error_info(ErrorKind::not_found).sqlstate) throw;
        throw Error(ErrorKind::not_found,
                    "dataset " + std::string(is_valid_id(IdKind::dataset, dataset) ? dataset : "(malformed id)") + " not found for tenant " + tenant,
                    "dataset_id", "objects are added to a dataset of the same tenant");
    }
    spi.finish();
    return sql::text_datum(id);
}

IPTO_FUNCTION(ipto_set_object_status) {
    std::string tenant = tenant_arg(fcinfo);
    std::string object = sql::arg_text_required(fcinfo, 1, "object_id");
    std::string status = sql::arg_text_required(fcinfo, 2, "status");
    validate_choice("status", status, kObjectStatuses);
    // An object that leaves "approved" is no longer indexed: its index
    // entries go, and indexed_at is cleared, so counters stay meaningful.
    // Two statements: on Citus, a statement with both would run as one
    // query on the shard, where the counters' trigger could not run its own.
    static spi::Statement update(
        "UPDATE ipto.objects o SET status = $3, updated_at = now(),"
        "   indexed_at = CASE WHEN $3 = 'approved' THEN o.indexed_at END"
        "   WHERE o.tenant_id = $1 AND o.object_id = $2 AND" DATASET_EXISTS("o"),
        {TEXTOID, TEXTOID, TEXTOID});
    static spi::Statement unindex("DELETE FROM ipto.index_entries e WHERE e.tenant_id = $1 AND e.object_id = $2",
                                  {TEXTOID, TEXTOID});
    spi::Connection spi;
    spi::Params p;
    p.text(tenant).text(object).text(status);
    if (spi::execute(update, p).rows() == 0) throw object_not_found(object);
    if (status != "approved") {
        spi::Params u;
        u.text(tenant).text(object);
        spi::execute(unindex, u);
    }
    spi.finish();
    return sql::void_datum();
}

IPTO_FUNCTION(ipto_mark_object_indexed) {
    std::string tenant = tenant_arg(fcinfo);
    std::string object = sql::arg_text_required(fcinfo, 1, "object_id");
    auto chunks = sql::arg_text_array(fcinfo, 2).value_or(std::vector<std::string>{});
    static spi::Statement lock(
        "SELECT o.status, o.dataset_id FROM ipto.objects o WHERE o.tenant_id = $1 AND o.object_id = $2 AND"
        DATASET_EXISTS("o") "FOR NO KEY UPDATE OF o",
        {TEXTOID, TEXTOID});
    static spi::Statement mark(
        "UPDATE ipto.objects SET indexed_at = now(), updated_at = now() WHERE tenant_id = $1 AND object_id = $2",
        {TEXTOID, TEXTOID});
    static spi::Statement add_entries(
        "INSERT INTO ipto.index_entries (tenant_id, object_id, chunk_no, dataset_id, chunk)"
        " SELECT $1, $2, base.n + c.ord, $3, c.chunk"
        " FROM (SELECT coalesce(max(chunk_no), 0) AS n FROM ipto.index_entries"
        "       WHERE tenant_id = $1 AND object_id = $2) base,"
        " unnest($4::text[]) WITH ORDINALITY AS c(chunk, ord)",
        {TEXTOID, TEXTOID, TEXTOID, TEXTARRAYOID});
    spi::Connection spi;
    spi::Params p;
    p.text(tenant).text(object);
    auto r = spi::execute(lock, p);
    if (r.rows() == 0) throw object_not_found(object);
    std::string status = r.text_required(0, 1);
    std::string dataset = r.text_required(0, 2);
    if (status != "approved") {
        throw Error(ErrorKind::validation, "object " + object + " is " + status + ", not approved", "status",
                    "only approved objects are indexed; approve it with ipto.set_object_status first");
    }
    spi::execute(mark, p);
    if (!chunks.empty()) {
        spi::Params e;
        e.text(tenant).text(object).text(dataset).text_array(chunks);
        spi::execute(add_entries, e);
    }
    spi.finish();
    return sql::void_datum();
}

IPTO_FUNCTION(ipto_set_object_metadata) {
    std::string tenant = tenant_arg(fcinfo);
    std::string object = sql::arg_text_required(fcinfo, 1, "object_id");
    std::string key = sql::arg_text_required(fcinfo, 2, "key");
    std::string value = sql::arg_text_required(fcinfo, 3, "value");
    validate_metadata_key(key);
    validate_metadata_value(value);
    static spi::Statement upsert(
        "INSERT INTO ipto.object_metadata (tenant_id, object_id, key, value, dataset_id)"
        " SELECT $1, $2, $3, $4, o.dataset_id FROM ipto.objects o"
        " WHERE o.tenant_id = $1 AND o.object_id = $2 AND" DATASET_EXISTS("o")
        " ON CONFLICT (tenant_id, object_id, key) DO UPDATE SET value = excluded.value",
        {TEXTOID, TEXTOID, TEXTOID, TEXTOID});
    spi::Connection spi;
    spi::Params p;
    p.text(tenant).text(object).text(key).text(value);
    if (spi::execute(upsert, p).rows() == 0) throw object_not_found(object);
    spi.finish();
    return sql::void_datum();
}

IPTO_FUNCTION(ipto_delete_object) {
    std::string tenant = tenant_arg(fcinfo);
    std::string object = sql::arg_text_required(fcinfo, 1, "object_id");
    static spi::Statement remove(
        "DELETE FROM ipto.objects o WHERE o.tenant_id = $1 AND o.object_id = $2 AND" DATASET_EXISTS("o"),
        {TEXTOID, TEXTOID});
    spi::Connection spi;
    spi::Params p;
    p.text(tenant).text(object);
    if (spi::execute(remove, p).rows() == 0) throw object_not_found(object);
    spi.finish();
    return sql::void_datum();
}
