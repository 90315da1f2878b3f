// Shared by the triggers that keep counters and tallies.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "spi.hpp"

namespace ipto::counters {

// Rows per dataset in dataset_counters, and per tenant in dataset_tallies.
constexpr int kShards = 16;

// This backend's shard: concurrent sessions write different rows.
std::int16_t my_shard();

TriggerData* trigger_data(FunctionCallInfo fcinfo);

// Counts in ipto.dataset_counters are written by the counter code alone:
// a row inserted from anywhere else (a restore's COPY, a hand-written
// INSERT) keeps only its last_ingest_at (restore.cpp). The counter code
// holds an OwnWrite while it writes.
class OwnWrite {
public:
    OwnWrite();
    ~OwnWrite();
    OwnWrite(const OwnWrite&) = delete;
    OwnWrite& operator=(const OwnWrite&) = delete;
};
bool own_write();
// The same across a Citus cluster: OwnWriteEverywhere tells the shards the
// statements of this transaction reach (setting ipto.counter_write), and
// own_write_elsewhere() reads it there.
class OwnWriteEverywhere {
public:
    OwnWriteEverywhere();
    ~OwnWriteEverywhere();
    OwnWriteEverywhere(const OwnWriteEverywhere&) = delete;
    OwnWriteEverywhere& operator=(const OwnWriteEverywhere&) = delete;
    void finish();  // before the statements' SPI connection closes

private:
    OwnWrite here_;
    bool sent_ = false;
};
bool own_write_elsewhere();

// Runs statements with the trigger's transition tables visible by name;
// with_shard passes my_shard() as $1.
void run_with_transition_tables(FunctionCallInfo fcinfo, std::initializer_list<spi::Statement*> statements,
                                bool with_shard);

}  // namespace ipto::counters
