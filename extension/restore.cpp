// Triggers that make a restored dump equal to its source. Counts are derived
// (the triggers on ipto.objects and ipto.datasets recompute them as the rows
// come back); what cannot be derived is dumped and merged here: each
// dataset's last ingest, and the key that signs list cursors. And a dump's
// rows load in whatever order a parallel pg_restore picks.
#include "restore.hpp"

#include "counters.hpp"
#include "errors.hpp"
#include "spi.hpp"
#include "transition_rows.hpp"

extern "C" {
#include <tcop/pquery.h>
#include <utils/guc.h>
#include <utils/rls.h>
}

using namespace ipto;

namespace ipto::restore {

bool loading_dump() {
    return !row_security && ActivePortal != nullptr && ActivePortal->commandTag == CMDTAG_COPY;
}

}  // namespace ipto::restore

namespace {

Datum column(TriggerData* td, const char* name, bool* is_null) {
    TupleDesc desc = td->tg_relation->rd_att;
    int att = pg::call([&] { return SPI_fnumber(desc, name); });
    if (att <= 0) throw Error(ErrorKind::internal, std::string("a column is missing: ") + name);
    return pg::call([&] { return heap_getattr(td->tg_trigtuple, att, desc, is_null); });
}

}  // namespace

// BEFORE INSERT on ipto.dataset_counters. The counter code's own rows pass.
// Any other row (a restore's COPY, a hand-written INSERT) brings no counts,
// which the objects' triggers already keep; only its last ingest is kept,
// in the dataset's shard -1, never moving it back.
IPTO_FUNCTION(ipto_dataset_counters_insert) {
    TriggerData* td = counters::trigger_data(fcinfo);
    if (counters::own_write()) return PointerGetDatum(td->tg_trigtuple);
    // On a Citus shard, the counter code of another node (rebuild_counters
    // on the coordinator) says so with a setting it sends along.
    if (transition::on_shard(td, "dataset_counters") && counters::own_write_elsewhere()) {
        return PointerGetDatum(td->tg_trigtuple);
    }
    static spi::Statement keep(
        "INSERT INTO ipto.dataset_counters AS c (tenant_id, dataset_id, shard, last_ingest_at)"
        " VALUES ($1, $2, -1, $3)"
        " ON CONFLICT (tenant_id, dataset_id, shard) DO UPDATE"
        " SET last_ingest_at = greatest(c.last_ingest_at, excluded.last_ingest_at)",
        {TEXTOID, TEXTOID, TIMESTAMPTZOID});
    bool null_tenant, null_dataset, null_last;
    Datum tenant = column(td, "tenant_id", &null_tenant);
    Datum dataset = column(td, "dataset_id", &null_dataset);
    Datum last = column(td, "last_ingest_at", &null_last);
    if (null_last || null_tenant || null_dataset) return PointerGetDatum(nullptr);
    spi::Connection spi;
    spi::Params p;
    p.datum(tenant, false).datum(dataset, false).datum(last, false);
    {
        counters::OwnWrite own;
        spi::execute(keep, p);
    }
    spi.finish();
    return PointerGetDatum(nullptr);
}

// BEFORE INSERT on ipto.settings, a single row made at installation. A row
// inserted over it (a restore brings the source's) replaces its values, so
// cursors issued before a dump still resolve after its restore.
IPTO_FUNCTION(ipto_settings_insert) {
    TriggerData* td = counters::trigger_data(fcinfo);
    // On a Citus shard: Citus copying the row into place.
    if (transition::on_shard(td, "settings")) return PointerGetDatum(td->tg_trigtuple);
    static spi::Statement replace("UPDATE ipto.settings SET cursor_key = $1", {BYTEAOID});
    bool null_key;
    Datum key = column(td, "cursor_key", &null_key);
    spi::Connection spi;
    spi::Params p;
    p.datum(key, null_key);
    bool replaced = spi::execute(replace, p).rows() > 0;
    spi.finish();
    return PointerGetDatum(replaced ? nullptr : td->tg_trigtuple);
}

// BEFORE INSERT FOR EACH STATEMENT on the tables with a foreign key to
// another ipto table. pg_dump records no order among an extension's table
// data for a parallel pg_restore, which may load a key before the row it
// points at. So a dump's COPY (by a superuser) runs as a replica would
// (session_replication_role, for its transaction): foreign keys are not
// checked row by row, as for any table pg_restore loads before adding its
// keys; the dump comes from one snapshot in which every key held. The
// triggers that must see the rows fire in every role (ENABLE ALWAYS).
IPTO_FUNCTION(ipto_dump_rows_insert) {
    if (restore::loading_dump() && superuser()) {
        pg::call([] {
            return set_config_option("session_replication_role", "replica", PGC_SUSET, PGC_S_SESSION,
                                     GUC_ACTION_LOCAL, true, 0, false);
        });
    }
    return PointerGetDatum(nullptr);
}
