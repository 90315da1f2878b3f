// The purge of deleted datasets' rows: in bounded batches, after the
// delete returned, by a background worker (or by ipto.purge_deleted()).
#pragma once

namespace ipto::purge {

// Asks the postmaster for a worker that purges this database once the
// current transaction has ended. Without a free worker slot the rows wait
// for the next delete, or for ipto.purge_deleted(); nothing is lost.
void start_worker();

}  // namespace ipto::purge
