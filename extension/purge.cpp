#include "purge.hpp"

#include "errors.hpp"
#include "spi.hpp"
#include "sql_values.hpp"

extern "C" {
#include <access/xact.h>
#include <pgstat.h>
#include <postmaster/bgworker.h>
#include <tcop/tcopprot.h>
#include <storage/ipc.h>
#include <storage/latch.h>
#include <storage/lmgr.h>
#include <utils/wait_event.h>
#include <utils/snapmgr.h>
}

using namespace ipto;

namespace {


// One batch: up to batch_size rows (index entries, metadata rows, objects,
// and one per finished dataset: its counters and tombstone go once nothing
// else of it is left), oldest deleted dataset first, going on to the next
// while the budget lasts, so a stream of small deletes is purged many a
// transaction rather than one each.
std::int64_t purge_batch(std::int32_t batch_size) {
    // The oldest tombstones, then the first one not taken by another purge.
    // Two steps: a lock is taken on one tenant's row, never in a scan across
    // tenants (which Citus cannot run on distributed tables).
    static spi::Statement oldest(
        "SELECT tenant_id, dataset_id FROM ipto.deleted_datasets ORDER BY deleted_at, tenant_id, dataset_id LIMIT 16",
        {});
    static spi::Statement take(
        "SELECT FROM ipto.deleted_datasets WHERE tenant_id = $1 AND dataset_id = $2 FOR UPDATE SKIP LOCKED",
        {TEXTOID, TEXTOID});
    // Rows picked by their keys within the tenant (Citus runs the whole
    // statement on the tenant's shard; it cannot plan a pick by ctid).
#define PURGE_FROM(table, key)                                                                          \
    "DELETE FROM " table " WHERE tenant_id = $1 AND (" key ") IN (SELECT " key " FROM " table           \
    " WHERE tenant_id = $1 AND dataset_id = $2 LIMIT $3)"
    static spi::Statement entries(PURGE_FROM("ipto.index_entries", "object_id, chunk_no"), {TEXTOID, TEXTOID, INT4OID});
    static spi::Statement metadata(PURGE_FROM("ipto.object_metadata", "object_id, key"), {TEXTOID, TEXTOID, INT4OID});
    static spi::Statement objects(PURGE_FROM("ipto.objects", "object_id"), {TEXTOID, TEXTOID, INT4OID});
#undef PURGE_FROM
    // Last, its counter shards (an ingest that raced the delete may have
    // added one), and the tombstone.
    static spi::Statement done(
        "WITH shards AS (DELETE FROM ipto.dataset_counters WHERE tenant_id = $1 AND dataset_id = $2)"
        " DELETE FROM ipto.deleted_datasets WHERE tenant_id = $1 AND dataset_id = $2",
        {TEXTOID, TEXTOID});
    spi::Connection spi;
    std::int64_t removed = 0;
    while (removed < batch_size) {
        auto r = spi::execute(oldest);
        std::vector<std::pair<std::string, std::string>> candidates;
        for (std::uint64_t i = 0; i < r.rows(); ++i) candidates.emplace_back(r.text_required(i, 1), r.text_required(i, 2));
        std::string tenant, dataset;
        for (const auto& [t, d] : candidates) {
            spi::Params p;
            p.text(t).text(d);
            if (spi::execute(take, p).rows() == 1) {
                tenant = t;
                dataset = d;
                break;
            }
        }
        if (tenant.empty()) break;
        std::int64_t rows = 0;
        for (spi::Statement* s : {&entries, &metadata, &objects}) {
            spi::Params p;
            p.text(tenant).text(dataset).int4(static_cast<std::int32_t>(batch_size - removed - rows));
            rows += static_cast<std::int64_t>(spi::execute(*s, p).rows());
            if (removed + rows >= batch_size) break;
        }
        if (rows == 0) {
            spi::Params p;
            p.text(tenant).text(dataset);
            rows = static_cast<std::int64_t>(spi::execute(done, p).rows());
            if (rows == 0) break;  // not ours to finish after all: leave it for the next batch
        }
        removed += rows;
    }
    spi.finish();
    return removed;
}

}  // namespace

namespace ipto::purge {

void start_worker() {
    TransactionId xid = GetTopTransactionIdIfAny();
    Oid database = MyDatabaseId;
    pg::call([&] {
        BackgroundWorker worker;
        BackgroundWorkerHandle* handle;
        memset(&worker, 0, sizeof worker);
        snprintf(worker.bgw_name, BGW_MAXLEN, "ipto purge of deleted datasets");
        snprintf(worker.bgw_type, BGW_MAXLEN, "ipto purge");
        snprintf(worker.bgw_library_name, BGW_MAXLEN, "ipto");
        snprintf(worker.bgw_function_name, BGW_MAXLEN, "ipto_purge_worker_main");
        worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
        worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
        worker.bgw_restart_time = BGW_NEVER_RESTART;
        worker.bgw_main_arg = ObjectIdGetDatum(database);
        memcpy(worker.bgw_extra, &xid, sizeof xid);
        worker.bgw_notify_pid = 0;
        if (!RegisterDynamicBackgroundWorker(&worker, &handle)) {
            ereport(LOG, (errmsg("ipto: no background worker slot to purge deleted datasets now"),
                          errhint("SELECT ipto.purge_deleted() purges them; raise max_worker_processes")));
        }
    });
}

}  // namespace ipto::purge

// ipto.purge_deleted(batch_size): one bounded batch, in the caller's
// transaction. Returns the rows removed; 0 when nothing is left.
IPTO_FUNCTION(ipto_purge_deleted) {
    auto batch = sql::arg_int64(fcinfo, 0).value_or(10000);
    if (batch < 1 || batch > 1000000) {
        throw Error(ErrorKind::validation, "batch_size is out of range", "batch_size", "1 to 1000000");
    }
    return Int64GetDatum(purge_batch(static_cast<std::int32_t>(batch)));
}

// The worker's steps, each a whole transaction of its own: nothing of the
// worker holds a snapshot between them, so a worker never holds back the
// xmin horizon (and with it pruning and vacuum) while it waits or rests.
static int64 purge_worker_sql(const char* sql) {
    SetCurrentStatementStartTimestamp();
    StartTransactionCommand();
    SPI_connect();
    PushActiveSnapshot(GetTransactionSnapshot());
    pgstat_report_activity(STATE_RUNNING, sql);
    int rc = SPI_execute(sql, false, 1);
    bool isnull = true;
    int64 value = 0;
    if (rc == SPI_OK_SELECT && SPI_processed == 1) {
        value = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
    }
    SPI_finish();
    PopActiveSnapshot();
    CommitTransactionCommand();
    pgstat_report_activity(STATE_IDLE, NULL);
    return isnull ? 0 : value;
}

#define PURGE_LOCK "pg_catalog.hashtext('ipto.purge')"

// The worker: waits for the deleting transaction to end, then purges batch
// by batch until nothing is left. One worker per database purges at a time,
// holding a session advisory lock; every delete starts a worker, and one
// that finds the lock taken leaves at once, since the holder will see its
// tombstone: the holder, once it finds nothing, lets go of the lock and only
// then looks again (a tombstone committed before a newcomer gave up is
// visible to that look). Plain C style on purpose: nothing here owns a C++
// object, so an error (FATAL in a worker) unwinds nothing.
extern "C" PGDLLEXPORT void ipto_purge_worker_main(Datum arg);

void ipto_purge_worker_main(Datum arg) {
    TransactionId xid;
    memcpy(&xid, MyBgworkerEntry->bgw_extra, sizeof xid);
    pqsignal(SIGTERM, die);
    BackgroundWorkerUnblockSignals();
    BackgroundWorkerInitializeConnectionByOid(DatumGetObjectId(arg), InvalidOid, 0);
    pgstat_report_appname("ipto purge");

    StartTransactionCommand();  // no snapshot: waiting holds back nothing
    if (TransactionIdIsValid(xid)) XactLockTableWait(xid, NULL, NULL, XLTW_None);
    CommitTransactionCommand();

    if (purge_worker_sql("SELECT pg_catalog.pg_try_advisory_lock(" PURGE_LOCK ")::int4::int8") == 0) proc_exit(0);
    for (;;) {
        CHECK_FOR_INTERRUPTS();
        TimestampTz started = GetCurrentTimestamp();
        int64 removed = purge_worker_sql("SELECT ipto.purge_deleted(50000)");
        long rest_ms;
        if (removed > 0) {
            // Rest half as long as the batch took: busy T, idle T/2, so this
            // worker (one per database at a time) is busy at most two thirds
            // of the time and takes at most two thirds of one core; the
            // requests being served keep the rest. (Rests are whole
            // milliseconds, at least 1: only batches of a few milliseconds,
            // the last of a purge, can go a little over.)
            rest_ms = Max((long) ((GetCurrentTimestamp() - started) / 1000) / 2, 1);
        } else {
            purge_worker_sql("SELECT pg_catalog.pg_advisory_unlock(" PURGE_LOCK ")::int4::int8");
            if (purge_worker_sql("SELECT count(*) FROM (SELECT 1 FROM ipto.deleted_datasets LIMIT 1) t") == 0) break;
            if (purge_worker_sql("SELECT pg_catalog.pg_try_advisory_lock(" PURGE_LOCK ")::int4::int8") == 0) break;
            rest_ms = 100;  // left: locked by a purge_deleted() in progress, or just committed
        }
        (void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, rest_ms, PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
    }
    proc_exit(0);
}
