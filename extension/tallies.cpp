// Tallies of datasets per tenant, visibility and status (and, under tenant
// '*', of listed active datasets in all), so that a list's total is a sum of
// a few rows, not a count over the datasets. Sharded like the counters.
// The delete trigger also records the deleted datasets for the purge.
#include "counters.hpp"
#include "errors.hpp"
#include "purge.hpp"
#include "spi.hpp"

using namespace ipto;

namespace {

// Adds x(tenant_id, visibility, status, n) to shard $1, plus the catalogue-
// wide tally of listed active datasets.
#define ADD_TALLIES(source)                                                                       \
    "INSERT INTO ipto.dataset_tallies AS t (tenant_id, visibility, status, shard, n)"             \
    " SELECT y.tenant_id, y.visibility, y.status, $1::int2, sum(y.n) FROM ("                      \
    "   SELECT x.tenant_id, x.visibility, x.status, x.n FROM (" source ") x"                      \
    "   UNION ALL"                                                                                \
    "   SELECT '*', x.visibility, x.status, x.n FROM (" source ") x"                              \
    "    WHERE x.visibility = 'listed' AND x.status = 'active') y"                                \
    " GROUP BY y.tenant_id, y.visibility, y.status HAVING sum(y.n) <> 0"                          \
    " ON CONFLICT (tenant_id, visibility, status, shard) DO UPDATE SET n = t.n + excluded.n"

}  // namespace

IPTO_FUNCTION(ipto_datasets_tally_insert) {
    static spi::Statement add(ADD_TALLIES("SELECT tenant_id, visibility, status, 1 AS n FROM inserted_rows"), {INT4OID});
    // A deleted dataset's objects are purged by its id: the id cannot come
    // back (only a hand-written INSERT could try) until they are gone.
    static spi::Statement purging(
        "SELECT i.dataset_id FROM inserted_rows i JOIN ipto.deleted_datasets x USING (tenant_id, dataset_id) LIMIT 1", {});
    TriggerData* td = counters::trigger_data(fcinfo);
    spi::Connection spi;
    pg::call([&] { return SPI_register_trigger_data(td); });
    auto clash = spi::execute(purging);
    if (clash.rows() > 0) {
        throw Error(ErrorKind::conflict, "dataset " + clash.text_required(0, 1) + " was deleted and is still being purged",
                    "dataset_id", "use a new id (ipto.new_id('dset')), or wait until ipto.deleted_datasets no longer lists it");
    }
    spi::Params p;
    p.int4(counters::my_shard());
    spi::execute(add, p);
    spi.finish();
    return PointerGetDatum(nullptr);
}

IPTO_FUNCTION(ipto_datasets_tally_update) {
    static spi::Statement shift(ADD_TALLIES("SELECT tenant_id, visibility, status, 1 AS n FROM new_rows"
                                            " UNION ALL SELECT tenant_id, visibility, status, -1 FROM old_rows"),
                                {INT4OID});
    counters::run_with_transition_tables(fcinfo, {&shift}, true);
    return PointerGetDatum(nullptr);
}

IPTO_FUNCTION(ipto_datasets_tally_delete) {
    static spi::Statement subtract(ADD_TALLIES("SELECT tenant_id, visibility, status, -1 AS n FROM deleted_rows"),
                                   {INT4OID});
    // The dataset is gone for every reader now; its objects go after.
    static spi::Statement tombstone(
        "INSERT INTO ipto.deleted_datasets (tenant_id, dataset_id) SELECT tenant_id, dataset_id FROM deleted_rows"
        " WHERE $1::int2 IS NOT NULL ON CONFLICT DO NOTHING",
        {INT4OID});
    counters::run_with_transition_tables(fcinfo, {&subtract, &tombstone}, true);
    purge::start_worker();
    return PointerGetDatum(nullptr);
}

IPTO_FUNCTION(ipto_datasets_tally_truncate) {
    // No dataset is left: nothing is left of any either.
    static spi::Statement clear("DELETE FROM ipto.dataset_tallies", {});
    static spi::Statement objects("TRUNCATE ipto.objects, ipto.deleted_datasets CASCADE", {});
    counters::run_with_transition_tables(fcinfo, {&clear, &objects}, false);
    return PointerGetDatum(nullptr);
}
