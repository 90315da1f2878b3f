// Where a tenant's rows live. On one PostgreSQL, everywhere is one place.
// On Citus, tenant-owned tables are hash-distributed by tenant_id in shards
// of fixed hash ranges (docs/SCALE-OUT.md); what a tenant's statement writes
// must stay in its tenant's shard, so that it runs on one worker and a
// trigger on a shard never needs another node:
//  - a dataset's id hashes into its owner's shard, so the id directory
//    (distributed by dataset_id) keeps the id next to the dataset;
//  - the catalogue-wide tally has one row per shard, under a key that
//    hashes into that shard.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pg.hpp"

namespace ipto::placement {

// True when the Citus extension is installed in this database.
bool citus_present();

// Makes this transaction one that Citus coordinates: its statements on the
// workers then run in transaction blocks, which carry the transaction's
// SET LOCAL commands (reads otherwise run outside of one, without them).
void coordinate_transaction();

// On Citus: sets a setting for the rest of the transaction here and in its
// parts on the workers (a coordinated transaction's SET LOCAL; see
// coordinate_transaction). The value must be plain: letters, digits, '_'.
void set_local_on_workers(const char* name, const std::string& value);

// On Citus, while it lives: a statement over many shards reaches each worker
// over one connection, shard after shard, rather than over as many as
// Citus may open (a connection per shard). Citus keeps one connection per
// worker open between statements; every other one would be opened and
// closed again by every call, which costs far more than a list's shard
// queries, each a fraction of a millisecond. Nothing on one node.
class OneConnectionPerWorker {
public:
    OneConnectionPerWorker();
    ~OneConnectionPerWorker();
    OneConnectionPerWorker(const OneConnectionPerWorker&) = delete;
    OneConnectionPerWorker& operator=(const OneConnectionPerWorker&) = delete;

private:
    int nest_level_ = -1;  // the setting's GUC nest level, once set
};

// When `relation` is a shard of a Citus table (a trigger firing on a
// worker), the qualified name of the shard of ipto.`table` co-located with
// it, on the same node; nothing otherwise.
std::optional<std::string> colocated_shard(Oid relation, const std::string& table);

// When ipto.`table` is a Citus reference table with a copy on this node,
// the qualified name of that copy (a plain local table); nothing otherwise.
std::optional<std::string> local_replica(const std::string& table);

// PostgreSQL's hashtext() of a text, which is also Citus's hash of a text
// distribution column.
std::int32_t hash_text(std::string_view s);

struct HashRange {
    std::int32_t min, max;
    bool contains(std::int32_t h) const { return h >= min && h <= max; }
};

// The shard ranges of ipto.datasets: one full range unless distributed.
const std::vector<HashRange>& shard_ranges();
HashRange range_of(std::string_view tenant_id);

// The key of the catalogue tally row for the shard of this tenant: "*" on
// one node, "*N" (the first N that hashes into the shard) on Citus.
std::string catalogue_key(std::string_view tenant_id);
// Every catalogue key, one per shard: the catalogue total is their sum.
std::vector<std::string> catalogue_keys();

// A new dataset id in its owner's shard.
std::string new_dataset_id(std::string_view tenant_id);
// Whether a dataset id is in its owner's shard (always, on one node).
bool dataset_id_placed(std::string_view tenant_id, std::string_view dataset_id);

// Whether the extension's schema has this relation (an older version's
// database, served by this library before ALTER EXTENSION UPDATE, lacks
// the newer ones).
bool has_relation(const char* name);

}  // namespace ipto::placement
