#include "dataset_store.hpp"

#include <algorithm>

#include "cursor.hpp"
#include "errors.hpp"
#include "etag.hpp"
#include "ids.hpp"
#include "placement.hpp"
#include "spi.hpp"

namespace ipto::store {
namespace {

// A dataset row's own columns, from ipto.datasets aliased d. Its live
// counters are added after (with_counters): the sums of its shards in
// ipto.dataset_counters, read in a statement of their own so that every
// statement stays on the owner's shard on Citus.
#define DATASET_COLUMNS                                                                                   \
    " d.dataset_id, d.tenant_id, d.name, d.description, d.source_modality, d.monetization_mode,"           \
    " d.pricing_model, d.visibility, d.status, d.created_at, d.updated_at "

// Who may see a dataset: its owner; anyone, if listed and active; a tenant
// the owner granted, if restricted. $1 is the asking tenant. Through the
// grants: for a database older than 0.4 (no grantees on the row).
#define VISIBLE_TO_1                                                                              \
    " (d.tenant_id = $1 OR (d.visibility = 'listed' AND d.status = 'active')"                     \
    " OR (d.visibility = 'restricted' AND EXISTS (SELECT FROM ipto.dataset_grants g"              \
    " WHERE g.tenant_id = d.tenant_id AND g.dataset_id = d.dataset_id AND g.grantee_tenant_id = $1))) "

// The same, read from the dataset's own row (0.4: ipto.datasets.grantees),
// so that Citus routes the statement to the owner's shard alone.
#define VISIBLE_TO_1_ON_ROW                                                                        \
    " (d.tenant_id = $1 OR (d.visibility = 'listed' AND d.status = 'active')"                      \
    " OR (d.visibility = 'restricted' AND $1 = ANY (d.grantees))) "

DatasetRecord record(const spi::Result& r, std::uint64_t row) {
    DatasetRecord d;
    d.dataset_id = r.text_required(row, 1);
    d.tenant_id = r.text_required(row, 2);
    d.name = r.text_required(row, 3);
    d.description = r.text(row, 4);
    d.source_modality = r.text_required(row, 5);
    d.monetization_mode = r.text_required(row, 6);
    d.pricing_model = r.text_required(row, 7);
    d.visibility = r.text_required(row, 8);
    d.status = r.text_required(row, 9);
    d.created_at_us = *r.timestamp_us(row, 10);
    d.updated_at_us = *r.timestamp_us(row, 11);
    return d;
}

// Fills in the live counters of datasets read with DATASET_COLUMNS.
void with_counters(std::vector<DatasetRecord*> datasets) {
    if (datasets.empty()) return;
#define SUMS_WHERE(tenants)                                                                                \
    "SELECT tenant_id, dataset_id, sum(object_count)::bigint, sum(active_object_count)::bigint,"           \
    " sum(total_bytes)::bigint, max(last_ingest_at) FROM ipto.dataset_counters"                            \
    " WHERE " tenants " AND dataset_id = ANY ($2) GROUP BY tenant_id, dataset_id"
    // One tenant's datasets: its shard alone (Citus routes an equality on
    // the tenant, not an array of them).
    static spi::Statement one_tenant(SUMS_WHERE("tenant_id = $1"), {TEXTOID, TEXTARRAYOID});
    static spi::Statement tenants(SUMS_WHERE("tenant_id = ANY ($1)"), {TEXTARRAYOID, TEXTARRAYOID});
#undef SUMS_WHERE
    std::vector<std::string> owners, ids;
    for (const DatasetRecord* d : datasets) {
        if (std::find(owners.begin(), owners.end(), d->tenant_id) == owners.end()) owners.push_back(d->tenant_id);
        ids.push_back(d->dataset_id);
    }
    spi::Params p;
    if (owners.size() == 1) p.text(owners[0]);
    else p.text_array(owners);
    p.text_array(ids);
    auto r = spi::execute(owners.size() == 1 ? one_tenant : tenants, p);
    for (std::uint64_t i = 0; i < r.rows(); ++i) {
        std::string tenant = r.text_required(i, 1), id = r.text_required(i, 2);
        for (DatasetRecord* d : datasets) {
            if (d->tenant_id != tenant || d->dataset_id != id) continue;
            d->object_count = r.int8(i, 3);
            d->active_object_count = r.int8(i, 4);
            d->total_bytes = r.int8(i, 5);
            d->last_ingest_at_us = r.timestamp_us(i, 6);
        }
    }
}

DatasetRecord counted(DatasetRecord d) {
    with_counters({&d});
    return d;
}

// The owner of a dataset id, from the id directory (one shard: the
// owner's, on Citus). A database of an older version has no directory.
std::optional<std::string> owner_of(std::string_view dataset_id) {
    static spi::Statement owner("SELECT tenant_id FROM ipto.dataset_directory WHERE dataset_id = $1", {TEXTOID});
    spi::Params p;
    p.text(dataset_id);
    auto r = spi::execute(owner, p);
    if (r.rows() == 0) return std::nullopt;
    return r.text_required(0, 1);
}

bool has_directory() { return placement::has_relation("dataset_directory"); }

// The dataset, if `tenant_id` may see it: its owner from the id directory,
// then its row on the owner's shard (one worker on Citus, whoever asks).
std::optional<DatasetRecord> visible_dataset(const std::string& tenant_id, std::string_view dataset_id) {
    static spi::Statement owned_by("SELECT" DATASET_COLUMNS "FROM ipto.datasets d"
                                   " WHERE d.tenant_id = $3 AND d.dataset_id = $2 AND" VISIBLE_TO_1_ON_ROW,
                                   {TEXTOID, TEXTOID, TEXTOID});
    static spi::Statement any_owner("SELECT" DATASET_COLUMNS "FROM ipto.datasets d WHERE d.dataset_id = $2 AND" VISIBLE_TO_1
                                    "ORDER BY d.tenant_id = $1 DESC LIMIT 1",
                                    {TEXTOID, TEXTOID});
    spi::Params p;
    p.text(tenant_id).text(dataset_id);
    if (!has_directory()) {
        auto r = spi::execute(any_owner, p);
        if (r.rows() == 0) return std::nullopt;
        return record(r, 0);
    }
    auto owner = owner_of(dataset_id);
    if (!owner) return std::nullopt;
    p.text(*owner);
    auto r = spi::execute(owned_by, p);
    if (r.rows() == 0) return std::nullopt;
    return record(r, 0);
}

Error dataset_not_found(std::string_view dataset_id) {
    return Error(ErrorKind::not_found, "dataset " + std::string(is_valid_id(IdKind::dataset, dataset_id) ? dataset_id : "(malformed id)") + " not found",
                 "dataset_id", "the dataset does not exist or is not visible to this tenant");
}

// After an owner-only statement touched nothing: 403 if the tenant can see
// the dataset (someone else's), 404 if it cannot.
[[noreturn]] void refuse_non_owner(const std::string& tenant_id, std::string_view dataset_id) {
    if (visible_dataset(tenant_id, dataset_id)) {
        throw Error(ErrorKind::forbidden, "dataset " + std::string(dataset_id) + " belongs to another tenant",
                    "dataset_id", "only the owning tenant may change or delete a dataset");
    }
    throw dataset_not_found(dataset_id);
}

const std::string& cursor_key() {
    // Read once per backend: the key changes only when a restore brings the
    // source's back (start the fronts once a restore has finished).
    static std::string key;
    if (key.empty()) {
        static spi::Statement read("SELECT cursor_key FROM ipto.settings", {});
        auto r = spi::execute(read);
        if (r.rows() != 1) throw Error(ErrorKind::internal, "ipto.settings has no cursor key");
        key = r.bytea(0, 1);
    }
    return key;
}

std::string cursor_context(const std::string& tenant_id, const ListQuery& q) {
    std::string c = tenant_id;
    for (const auto* f : {&q.status, &q.visibility, &q.owner}) {
        c += '\x1f';
        c += f->value_or("\x1e");
    }
    return c;
}

// Locks the owned dataset row and checks what the write expects of it.
// Runs inside the caller's SPI connection, before the write.
void check_precondition(const std::string& tenant_id, std::string_view dataset_id, const Precondition& expected) {
    static spi::Statement lock("SELECT FROM ipto.datasets WHERE tenant_id = $1 AND dataset_id = $2 FOR UPDATE",
                               {TEXTOID, TEXTOID});
    static spi::Statement current("SELECT" DATASET_COLUMNS "FROM ipto.datasets d WHERE d.tenant_id = $1 AND d.dataset_id = $2",
                                  {TEXTOID, TEXTOID});
    spi::Params p;
    p.text(tenant_id).text(dataset_id);
    if (spi::execute(lock, p).rows() == 0) refuse_non_owner(tenant_id, dataset_id);
    DatasetRecord d = counted(record(spi::execute(current, p), 0));
    if (expected.if_match && !entity_tag_matches(*expected.if_match, entity_tag(dataset_json(d)), TagComparison::strong)) {
        throw Error(ErrorKind::precondition_failed, "dataset " + d.dataset_id + " has changed since that entity tag",
                    "If-Match", "read the dataset again and send its current ETag");
    }
    if (expected.updated_at_us && *expected.updated_at_us != d.updated_at_us) {
        throw Error(ErrorKind::precondition_failed, "dataset " + d.dataset_id + " has changed since that version",
                    "expected_updated_at", "read the dataset again and pass its current updated_at");
    }
}

}  // namespace

void require_tenant(const std::string& tenant_id) {
    if (is_valid_id(IdKind::tenant, tenant_id)) {
        static spi::ReplicaStatement exists("SELECT FROM {tenants} WHERE tenant_id = $1", {TEXTOID});
        spi::Connection spi;
        spi::Params p;
        p.text(tenant_id);
        bool found = spi::execute(exists.here(), p).rows() > 0;
        spi.finish();
        if (found) return;
    }
    throw Error(ErrorKind::not_found, "tenant " + std::string(is_valid_id(IdKind::tenant, tenant_id) ? tenant_id : "(malformed id)") + " not found", "tenant_id",
                "create one with ipto.create_tenant(name)");
}

DatasetRecord create_dataset(const std::string& tenant_id, const DatasetFields& f) {
    // The row goes in without an id: its trigger draws one in the owner's
    // shard and enters it in the id directory beside the row, where ids are
    // unique across tenants (a clash is drawn again, never surfaced).
    static spi::Statement insert(
        "INSERT INTO ipto.datasets AS d (tenant_id, name, description, source_modality,"
        " monetization_mode, pricing_model, visibility) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " RETURNING" DATASET_COLUMNS,
        {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID});
    // A database of an older version: no directory, ids drawn and checked here.
    static spi::Statement insert_unique(
        "INSERT INTO ipto.datasets AS d (dataset_id, tenant_id, name, description, source_modality,"
        " monetization_mode, pricing_model, visibility)"
        " SELECT $1, $2, $3, $4, $5, $6, $7, $8"
        " WHERE NOT EXISTS (SELECT FROM ipto.datasets x WHERE x.dataset_id = $1)"
        " RETURNING" DATASET_COLUMNS,
        {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID});
    spi::Connection spi;
    const bool directory = has_directory();
    for (int attempt = 0; attempt < (directory ? 1 : 4); ++attempt) {
        spi::Params p;
        if (!directory) p.text(placement::new_dataset_id(tenant_id));
        p.text(tenant_id).text(*f.name).opt_text(*f.description);
        p.text(*f.source_modality).text(*f.monetization_mode).text(*f.pricing_model).text(*f.visibility);
        auto r = spi::execute(directory ? insert : insert_unique, p);
        if (r.rows() == 1) {
            DatasetRecord d = record(r, 0);  // a new dataset counts nothing yet
            spi.finish();
            return d;
        }
    }
    throw Error(ErrorKind::internal, "could not allocate a dataset id");
}

DatasetRecord get_dataset(const std::string& tenant_id, std::string_view dataset_id) {
    if (!is_valid_id(IdKind::dataset, dataset_id)) throw dataset_not_found(dataset_id);
    // The row with its counters summed beside it, in one statement.
#define COUNTED_COLUMNS DATASET_COLUMNS ", coalesce(c.n, 0), coalesce(c.a, 0), coalesce(c.b, 0), c.last"
#define COUNTERS_OF_D(owner)                                                                                \
    " LEFT JOIN LATERAL (SELECT sum(k.object_count)::bigint AS n, sum(k.active_object_count)::bigint AS a," \
    "   sum(k.total_bytes)::bigint AS b, max(k.last_ingest_at) AS last FROM ipto.dataset_counters k"        \
    "   WHERE k.tenant_id = " owner " AND k.dataset_id = d.dataset_id) c ON true"
    // On one node: the owner from the id directory, joined (the most
    // frequent read, as cheap as before the directory).
    static spi::Statement at_once(
        "SELECT" COUNTED_COLUMNS
        " FROM ipto.dataset_directory x JOIN ipto.datasets d ON d.tenant_id = x.tenant_id AND d.dataset_id = x.dataset_id"
        COUNTERS_OF_D("d.tenant_id") " WHERE x.dataset_id = $2 AND" VISIBLE_TO_1_ON_ROW,
        {TEXTOID, TEXTOID});
    // On Citus, a statement stays on one shard only when it names the owner
    // ($3): the directory (another shard's table) cannot join in. So an id
    // placed in the caller's shard is first tried as the caller's own (the
    // most frequent read: one statement); otherwise the directory names the
    // owner, and one statement reads on the owner's shard.
    static spi::Statement owned_by(
        "SELECT" COUNTED_COLUMNS " FROM ipto.datasets d" COUNTERS_OF_D("$3")
        " WHERE d.tenant_id = $3 AND d.dataset_id = $2 AND" VISIBLE_TO_1_ON_ROW,
        {TEXTOID, TEXTOID, TEXTOID});
#undef COUNTERS_OF_D
#undef COUNTED_COLUMNS
    auto counted_row = [](const spi::Result& r) {
        DatasetRecord d = record(r, 0);
        d.object_count = r.int8(0, 12);
        d.active_object_count = r.int8(0, 13);
        d.total_bytes = r.int8(0, 14);
        d.last_ingest_at_us = r.timestamp_us(0, 15);
        return d;
    };
    spi::Connection spi;
    std::optional<DatasetRecord> found;
    if (!has_directory()) {
        // A database of an older version: the row, then its counters.
        if (auto d = visible_dataset(tenant_id, dataset_id)) found = counted(std::move(*d));
    } else if (!placement::citus_present()) {
        spi::Params p;
        p.text(tenant_id).text(dataset_id);
        auto r = spi::execute(at_once, p);
        if (r.rows() > 0) found = counted_row(r);
    } else {
        auto read_from = [&](const std::string& owner) {
            spi::Params p;
            p.text(tenant_id).text(dataset_id).text(owner);
            auto r = spi::execute(owned_by, p);
            if (r.rows() > 0) found = counted_row(r);
        };
        if (placement::dataset_id_placed(tenant_id, dataset_id)) read_from(tenant_id);
        if (!found) {
            auto owner = owner_of(dataset_id);
            if (owner && *owner != tenant_id) read_from(*owner);
        }
    }
    if (!found) throw dataset_not_found(dataset_id);
    spi.finish();
    return std::move(*found);
}

void validate_list_query(const ListQuery& q) {
    validate_limit(q.limit);
    if (q.status) validate_choice("status", *q.status, kDatasetStatuses);
    if (q.visibility) validate_choice("visibility", *q.visibility, kVisibilities);
    if (q.owner) validate_choice("owner", *q.owner, kOwnerFilters);
}

DatasetPage list_datasets(const std::string& tenant_id, ListQuery q) {
    validate_list_query(q);
    // Three ordered streams, each an index range scan from the cursor on:
    // the tenant's own, the catalogue's listed ones, and the restricted ones
    // granted to it. Each gives at most a page; the merge keeps the first
    // page of all. The tenant's own listed datasets come in both of the
    // first two streams, and are kept from the first: the top of the
    // catalogue stream minus them still holds every other listed dataset
    // that can make the page. Only owner=others must skip them in the scan.
    // $4 (owner) and the filters switch whole streams off. Deep pages cost
    // what the first does.
#define AFTER_CURSOR " AND (d.created_at, d.dataset_id) < ($5, $6) ORDER BY d.created_at DESC, d.dataset_id DESC LIMIT $7"
    static spi::Statement page(
        "SELECT" DATASET_COLUMNS "FROM (SELECT * FROM ("
        "  (SELECT d.*, 1 AS stream FROM ipto.datasets d WHERE ($4::text IS NULL OR $4 = 'me') AND d.tenant_id = $1"
        "     AND ($2::text IS NULL OR d.status = $2) AND ($3::text IS NULL OR d.visibility = $3)" AFTER_CURSOR ")"
        "  UNION ALL"
        "  (SELECT d.*, 2 FROM ipto.datasets d WHERE ($4::text IS NULL OR $4 = 'others')"
        "     AND ($2::text IS NULL OR $2 = 'active') AND ($3::text IS NULL OR $3 = 'listed')"
        "     AND d.visibility = 'listed' AND d.status = 'active' AND ($4::text IS NULL OR d.tenant_id <> $1)"
        AFTER_CURSOR ")"
        "  UNION ALL"
        "  (SELECT d.*, 3 FROM ipto.dataset_grants g JOIN ipto.datasets d"
        "     ON d.tenant_id = g.tenant_id AND d.dataset_id = g.dataset_id"
        "   WHERE ($4::text IS NULL OR $4 = 'others') AND ($3::text IS NULL OR $3 = 'restricted')"
        "     AND g.grantee_tenant_id = $1 AND d.visibility = 'restricted'"
        "     AND ($2::text IS NULL OR d.status = $2)" AFTER_CURSOR ")"
        " ) streams WHERE NOT (stream = 2 AND tenant_id = $1)"
        " ORDER BY created_at DESC, dataset_id DESC LIMIT $7) d"
        " ORDER BY d.created_at DESC, d.dataset_id DESC",
        {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TIMESTAMPTZOID, TEXTOID, INT4OID});
#undef AFTER_CURSOR
    // The same three streams, counted from the tallies kept by triggers
    // (and the tenant's grants), never by scanning datasets.
#define TALLY(where) "(SELECT coalesce(sum(n), 0)::bigint FROM ipto.dataset_tallies WHERE " where ")"
    static spi::Statement count(
        "SELECT (CASE WHEN $4::text IS NULL OR $4 = 'me' THEN " TALLY("tenant_id = $1 AND ($2::text IS NULL OR status = $2)"
        "   AND ($3::text IS NULL OR visibility = $3)") " ELSE 0 END)"
        " + (CASE WHEN ($4::text IS NULL OR $4 = 'others') AND ($2::text IS NULL OR $2 = 'active')"
        "     AND ($3::text IS NULL OR $3 = 'listed') THEN " TALLY("tenant_id = ANY ($5)")
        "     - " TALLY("tenant_id = $1 AND visibility = 'listed' AND status = 'active'") " ELSE 0 END)"
        " + (CASE WHEN ($4::text IS NULL OR $4 = 'others') AND ($3::text IS NULL OR $3 = 'restricted') THEN"
        "     (SELECT count(*) FROM ipto.dataset_grants g JOIN ipto.datasets d"
        "        ON d.tenant_id = g.tenant_id AND d.dataset_id = g.dataset_id"
        "      WHERE g.grantee_tenant_id = $1 AND d.visibility = 'restricted' AND ($2::text IS NULL OR d.status = $2))"
        "   ELSE 0 END)",
        {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTARRAYOID});
#undef TALLY
    placement::OneConnectionPerWorker fan_out;  // the catalogue's streams and its total span every shard
    spi::Connection spi;
    const std::string context = cursor_context(tenant_id, q);
    std::optional<CursorPosition> after;
    if (q.cursor) after = decode_cursor(*q.cursor, cursor_key(), context);

    spi::Params p;
    p.text(tenant_id).opt_text(q.status).opt_text(q.visibility).opt_text(q.owner);
    // No cursor: start above every row ('infinity' sorts after any time).
    if (after) p.timestamp_us(after->created_at_us).text(after->dataset_id);
    else p.datum(TimestampTzGetDatum(DT_NOEND), false).text("");
    p.int4(q.limit + 1);  // one more than asked tells whether a next page exists
    auto r = spi::execute(page, p);
    DatasetPage out;
    for (std::uint64_t i = 0; i < r.rows() && i < static_cast<std::uint64_t>(q.limit); ++i) out.datasets.push_back(record(r, i));
    std::vector<DatasetRecord*> shown;
    for (DatasetRecord& d : out.datasets) shown.push_back(&d);
    with_counters(shown);
    if (r.rows() > static_cast<std::uint64_t>(q.limit)) {
        const DatasetRecord& last = out.datasets.back();
        out.next_cursor = encode_cursor({last.created_at_us, last.dataset_id}, cursor_key(), context);
    }
    spi::Params c;
    c.text(tenant_id).opt_text(q.status).opt_text(q.visibility).opt_text(q.owner).text_array(placement::catalogue_keys());
    auto total = spi::execute(count, c);
    out.total = static_cast<std::int64_t>(total.int8(0, 1));
    spi.finish();
    return out;
}

DatasetRecord update_dataset(const std::string& tenant_id, std::string_view dataset_id, const DatasetFields& f,
                             const Precondition& expected) {
    if (!is_valid_id(IdKind::dataset, dataset_id)) throw dataset_not_found(dataset_id);
    // updated_at moves only when a value really changes.
#define NEW_VALUES                                                                                        \
    "COALESCE($3, d.name), CASE WHEN $4 THEN $5 ELSE d.description END, COALESCE($6, d.source_modality)," \
    " COALESCE($7, d.monetization_mode), COALESCE($8, d.pricing_model), COALESCE($9, d.visibility),"      \
    " COALESCE($10, d.status)"
    // $11: the transaction's time (now(), passed in: Citus plans no
    // volatile or stable function inside a CASE).
    static spi::Statement update(
        "UPDATE ipto.datasets d SET (name, description, source_modality, monetization_mode, pricing_model,"
        " visibility, status, updated_at) = (" NEW_VALUES ","
        " CASE WHEN (" NEW_VALUES ") IS DISTINCT FROM (d.name, d.description, d.source_modality,"
        " d.monetization_mode, d.pricing_model, d.visibility, d.status) THEN $11 ELSE d.updated_at END)"
        " WHERE d.tenant_id = $1 AND d.dataset_id = $2 RETURNING" DATASET_COLUMNS,
        {TEXTOID, TEXTOID, TEXTOID, BOOLOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TIMESTAMPTZOID});
#undef NEW_VALUES
    static spi::Statement owned("SELECT" DATASET_COLUMNS "FROM ipto.datasets d WHERE d.tenant_id = $1 AND d.dataset_id = $2",
                                {TEXTOID, TEXTOID});
    spi::Connection spi;
    if (expected.any()) check_precondition(tenant_id, dataset_id, expected);
    spi::Params p;
    p.text(tenant_id).text(dataset_id);
    spi::Result r;
    if (f.empty()) {
        r = spi::execute(owned, p);  // nothing to write: no new row version
    } else {
        p.opt_text(f.name).boolean(f.description.has_value());
        if (f.description) p.opt_text(*f.description); else p.null();
        p.opt_text(f.source_modality).opt_text(f.monetization_mode).opt_text(f.pricing_model);
        p.opt_text(f.visibility).opt_text(f.status).datum(TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()), false);
        r = spi::execute(update, p);
    }
    if (r.rows() == 0) refuse_non_owner(tenant_id, dataset_id);
    DatasetRecord d = counted(record(r, 0));
    spi.finish();
    return d;
}

void delete_dataset(const std::string& tenant_id, std::string_view dataset_id, const Precondition& expected) {
    if (!is_valid_id(IdKind::dataset, dataset_id)) throw dataset_not_found(dataset_id);
    // Grants and idempotency records go with it (foreign keys); its
    // objects, index entries and metadata are purged after the response
    // (the delete trigger records the dataset in ipto.deleted_datasets).
    static spi::Statement remove("DELETE FROM ipto.datasets d WHERE d.tenant_id = $1 AND d.dataset_id = $2",
                                 {TEXTOID, TEXTOID});
    spi::Connection spi;
    if (expected.any()) check_precondition(tenant_id, dataset_id, expected);
    spi::Params p;
    p.text(tenant_id).text(dataset_id);
    if (spi::execute(remove, p).rows() == 0) refuse_non_owner(tenant_id, dataset_id);
    spi.finish();
}

void require_owned(const std::string& tenant_id, std::string_view dataset_id) {
    if (!is_valid_id(IdKind::dataset, dataset_id)) throw dataset_not_found(dataset_id);
    static spi::Statement owned("SELECT FROM ipto.datasets WHERE tenant_id = $1 AND dataset_id = $2 FOR KEY SHARE",
                                {TEXTOID, TEXTOID});
    spi::Connection spi;
    spi::Params p;
    p.text(tenant_id).text(dataset_id);
    if (spi::execute(owned, p).rows() == 0) refuse_non_owner(tenant_id, dataset_id);
    spi.finish();
}

}  // namespace ipto::store
