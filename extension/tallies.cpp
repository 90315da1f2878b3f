// Tallies of datasets per tenant, visibility and status (and, under the
// catalogue key of the tenant's shard, of listed active datasets in all),
// so that a list's total is a sum of a few rows, not a count over the
// datasets. Sharded like the counters. The same triggers keep the id
// directory (dataset id -> owner) and record deleted datasets for the
// purge. Rows are read in C++ and written one group at a time, each
// statement on the tenant's own shard (placement.hpp).
#include <map>
#include <tuple>

#include "counters.hpp"
#include "dataset_store.hpp"
#include "errors.hpp"
#include "placement.hpp"
#include "purge.hpp"
#include "spi.hpp"
#include "transition_rows.hpp"

using namespace ipto;

namespace {

using Group = std::tuple<std::string, std::string, std::string>;  // tenant (or catalogue key), visibility, status
using Tallies = std::map<Group, std::int64_t>;

void count_rows(TriggerData* td, Tuplestorestate* rows, int sign, Tallies& tallies) {
    for (const auto& r : transition::text_columns(rows, td->tg_relation->rd_att, {"tenant_id", "visibility", "status"})) {
        tallies[{r[0], r[1], r[2]}] += sign;
        if (r[1] == "listed" && r[2] == "active") tallies[{placement::catalogue_key(r[0]), r[1], r[2]}] += sign;
    }
}

void add_tallies(Oid relation, const Tallies& tallies) {
    static spi::ColocatedStatement add(
        "INSERT INTO {dataset_tallies} AS t (tenant_id, visibility, status, shard, n) VALUES ($1, $2, $3, $4::int2, $5)"
        " ON CONFLICT (tenant_id, visibility, status, shard) DO UPDATE SET n = t.n + excluded.n",
        {TEXTOID, TEXTOID, TEXTOID, INT4OID, INT8OID});
    for (const auto& [group, n] : tallies) {
        if (n == 0) continue;
        spi::Params p;
        p.text(std::get<0>(group)).text(std::get<1>(group)).text(std::get<2>(group)).int4(counters::my_shard()).int8(n);
        spi::execute(add.beside(relation), p);
    }
}

using Keys = std::vector<std::vector<std::string>>;  // (tenant_id, dataset_id) rows

Keys dataset_keys(TriggerData* td, Tuplestorestate* rows) {
    return transition::text_columns(rows, td->tg_relation->rd_att, {"tenant_id", "dataset_id"});
}

// New datasets: not one of a dataset still being purged (its objects are
// purged by its id), and each id in the directory under its owner.
void admit(Oid relation, const Keys& added) {
    static spi::ColocatedStatement purging("SELECT FROM {deleted_datasets} WHERE tenant_id = $1 AND dataset_id = $2",
                                           {TEXTOID, TEXTOID});
    // The id's directory row is in the shard beside the dataset's: an id is
    // placed in its owner's shard, checked below before it is entered.
    static spi::ColocatedStatement owner("SELECT tenant_id FROM {dataset_directory} WHERE dataset_id = $1", {TEXTOID});
    static spi::ColocatedStatement enter("INSERT INTO {dataset_directory} (dataset_id, tenant_id) VALUES ($1, $2)",
                                         {TEXTOID, TEXTOID});
    const bool directory = placement::has_relation("dataset_directory");
    for (const auto& k : added) {
        spi::Params p;
        p.text(k[0]).text(k[1]);
        if (spi::execute(purging.beside(relation), p).rows() > 0) {
            throw Error(ErrorKind::conflict, "dataset " + k[1] + " was deleted and is still being purged", "dataset_id",
                        "use a new id (ipto.create_dataset makes one), or wait until ipto.deleted_datasets no longer lists it");
        }
        if (!directory) continue;
        if (!placement::dataset_id_placed(k[0], k[1])) {
            throw Error(ErrorKind::validation, "dataset id " + k[1] + " is not in the shard of tenant " + k[0], "dataset_id",
                        "on a distributed ipto, create datasets with ipto.create_dataset, which picks an id in the owner's shard");
        }
        spi::Params d;
        d.text(k[1]);
        auto r = spi::execute(owner.beside(relation), d);
        if (r.rows() == 0) {
            spi::Params e;
            e.text(k[1]).text(k[0]);
            spi::execute(enter.beside(relation), e);
        } else if (r.text_required(0, 1) != k[0]) {
            throw Error(ErrorKind::conflict, "dataset id " + k[1] + " belongs to another tenant", "dataset_id",
                        "dataset ids are unique across tenants; ipto.create_dataset picks a new one");
        }
    }
}

// Deleted datasets: gone for every reader now, their objects go after.
void retire(Oid relation, const Keys& removed) {
    static spi::ColocatedStatement tombstone(
        "INSERT INTO {deleted_datasets} (tenant_id, dataset_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        {TEXTOID, TEXTOID});
    static spi::ColocatedStatement leave("DELETE FROM {dataset_directory} WHERE dataset_id = $2 AND tenant_id = $1",
                                         {TEXTOID, TEXTOID});
    const bool directory = placement::has_relation("dataset_directory");
    for (const auto& k : removed) {
        spi::Params p;
        p.text(k[0]).text(k[1]);
        spi::execute(tombstone.beside(relation), p);
        if (directory) spi::execute(leave.beside(relation), p);
    }
}

}  // namespace

// BEFORE INSERT, each row without an id (the trigger's WHEN): an id drawn
// in the owner's shard and entered in the directory beside the row, where
// ids are unique; one taken by another dataset is drawn again, never
// reported. ipto.create_dataset inserts so, in one statement.
IPTO_FUNCTION(ipto_datasets_draw_id) {
    TriggerData* td = counters::trigger_data(fcinfo);
    Relation rel = td->tg_relation;
    HeapTuple row = td->tg_trigtuple;
    int id_column = pg::call([&] { return SPI_fnumber(rel->rd_att, "dataset_id"); });
    int tenant_column = pg::call([&] { return SPI_fnumber(rel->rd_att, "tenant_id"); });
    if (id_column <= 0 || tenant_column <= 0) throw Error(ErrorKind::internal, "datasets_draw_id: no id or tenant column");
    bool null = false;
    Datum tenant_datum = pg::call([&] { return heap_getattr(row, tenant_column, rel->rd_att, &null); });
    if (null) return PointerGetDatum(row);  // the table's NOT NULL says what is wrong
    struct varlena* t = pg::call([&] { return pg_detoast_datum_packed(reinterpret_cast<struct varlena*>(DatumGetPointer(tenant_datum))); });
    std::string tenant(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
    static spi::ColocatedStatement enter(
        "INSERT INTO {dataset_directory} (dataset_id, tenant_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        {TEXTOID, TEXTOID});
    spi::Connection spi;
    std::string id;
    for (int attempt = 0; id.empty(); ++attempt) {
        if (attempt == 8) throw Error(ErrorKind::internal, "could not allocate a dataset id");
        std::string drawn = placement::new_dataset_id(tenant);
        spi::Params p;
        p.text(drawn).text(tenant);
        if (spi::execute(enter.beside(rel->rd_id), p).rows() == 1) id = drawn;
    }
    spi.finish();
    // The row as inserted, with its id: made in the caller's memory context.
    return pg::call([&] {
        Datum value = CStringGetTextDatum(id.c_str());
        bool is_null = false;
        return PointerGetDatum(heap_modify_tuple_by_cols(row, rel->rd_att, 1, &id_column, &value, &is_null));
    });
}

IPTO_FUNCTION(ipto_datasets_tally_insert) {
    TriggerData* td = counters::trigger_data(fcinfo);
    Tallies t;
    count_rows(td, td->tg_newtable, +1, t);
    Keys added = dataset_keys(td, td->tg_newtable);
    spi::Connection spi;
    admit(td->tg_relation->rd_id, added);
    add_tallies(td->tg_relation->rd_id, t);
    spi.finish();
    return PointerGetDatum(nullptr);
}

IPTO_FUNCTION(ipto_datasets_tally_update) {
    TriggerData* td = counters::trigger_data(fcinfo);
    Tallies t;
    count_rows(td, td->tg_newtable, +1, t);
    count_rows(td, td->tg_oldtable, -1, t);
    spi::Connection spi;
    add_tallies(td->tg_relation->rd_id, t);
    spi.finish();
    return PointerGetDatum(nullptr);
}

IPTO_FUNCTION(ipto_datasets_tally_delete) {
    TriggerData* td = counters::trigger_data(fcinfo);
    Tallies t;
    count_rows(td, td->tg_oldtable, -1, t);
    Keys removed = dataset_keys(td, td->tg_oldtable);
    spi::Connection spi;
    add_tallies(td->tg_relation->rd_id, t);
    retire(td->tg_relation->rd_id, removed);
    spi.finish();
    purge::start_worker();
    return PointerGetDatum(nullptr);
}

IPTO_FUNCTION(ipto_datasets_tally_truncate) {
    // No dataset is left: nothing is left of any either. On Citus this
    // fires on every shard and, once, on the table the statement named: the
    // work is done there, for all shards at once.
    TriggerData* td = counters::trigger_data(fcinfo);
    if (transition::on_shard(td, "datasets")) return PointerGetDatum(nullptr);
    static spi::Statement clear("DELETE FROM ipto.dataset_tallies", {});
    static spi::Statement objects("TRUNCATE ipto.objects, ipto.deleted_datasets CASCADE", {});
    static spi::Statement directory("TRUNCATE ipto.dataset_directory", {});
    spi::Connection spi;
    spi::execute(clear);
    spi::execute(objects);
    if (placement::has_relation("dataset_directory")) spi::execute(directory);
    spi.finish();
    return PointerGetDatum(nullptr);
}
