#include "placement.hpp"

#include <cctype>
#include <map>
#include <set>

#include "errors.hpp"
#include "ids.hpp"
#include "random.hpp"
#include "spi.hpp"

namespace ipto::placement {
namespace {

constexpr HashRange kWhole{INT32_MIN, INT32_MAX};

}  // namespace

bool citus_present() {
    static bool present = false;  // once installed, it stays for the backend's life
    if (!present) present = OidIsValid(pg::call([] { return get_extension_oid("citus", true); }));
    return present;
}

void coordinate_transaction() {
    using Fn = void (*)();
    static Fn use_coordinated = nullptr;
    if (!use_coordinated) {
        // Citus's own entry point (citus.so exports it); no SQL function does this.
        use_coordinated = reinterpret_cast<Fn>(pg::call([] {
            return reinterpret_cast<void*>(load_external_function("$libdir/citus", "UseCoordinatedTransaction", true, nullptr));
        }));
    }
    pg::call([&] { use_coordinated(); });
}

void set_local_on_workers(const char* name, const std::string& value) {
    for (char c : value) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
            throw Error(ErrorKind::internal, std::string("not a plain value for ") + name);
        }
    }
    pg::call([] {
        return set_config_option("citus.propagate_set_commands", "local", PGC_USERSET, PGC_S_SESSION,
                                 GUC_ACTION_LOCAL, true, 0, false);
    });
    coordinate_transaction();
    // Citus sends SET LOCAL only when issued from a block or a function.
    std::string set = std::string("DO $set$BEGIN SET LOCAL ") + name + " = '" + value + "'; END$set$";
    const char* sql = set.c_str();
    spi::Connection spi;
    int rc = pg::call([&] { return SPI_execute(sql, false, 0); });
    if (rc != SPI_OK_UTILITY) throw Error(ErrorKind::internal, std::string("could not set ") + name);
    spi.finish();
}

OneConnectionPerWorker::OneConnectionPerWorker() {
    if (!citus_present()) return;
    // A nest level of its own, as a function's SET clause has: the setting
    // goes back when this ends, not at the end of the caller's transaction.
    pg::call([&] {
        int level = NewGUCNestLevel();
        set_config_option("citus.max_adaptive_executor_pool_size", "1", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
                          true, 0, false);
        nest_level_ = level;
    });
}

OneConnectionPerWorker::~OneConnectionPerWorker() {
    if (nest_level_ < 0) return;
    try {
        pg::call([&] { AtEOXact_GUC(true, nest_level_); });
    } catch (...) {
        // Only memory bookkeeping can fail here; the transaction's end resets it.
    }
}

std::optional<std::string> colocated_shard(Oid relation, const std::string& table) {
    if (!citus_present()) return std::nullopt;
    static std::map<std::pair<Oid, std::string>, std::optional<std::string>> known;
    auto key = std::make_pair(relation, table);
    if (auto it = known.find(key); it != known.end()) return it->second;
    // A shard is named <table>_<shard id>; Citus's catalog says whether that
    // id is a shard of that table, and which shard of `table` holds the same
    // hash range (co-located shards are placed together).
    std::string name = pg::call([&] {
        char* n = get_rel_name(relation);
        return n ? static_cast<const char*>(n) : "";
    });
    std::optional<std::string> out;
    auto cut = name.rfind('_');
    if (cut != std::string::npos && cut + 1 < name.size() &&
        name.find_first_not_of("0123456789", cut + 1) == std::string::npos) {
        static spi::Statement beside(
            "SELECT t.shardid::text FROM pg_catalog.pg_dist_shard f JOIN pg_catalog.pg_dist_shard t"
            " ON t.shardminvalue = f.shardminvalue AND t.shardmaxvalue = f.shardmaxvalue"
            " WHERE f.shardid = $1::int8 AND f.logicalrelid = to_regclass('ipto.' || quote_ident($2))"
            " AND t.logicalrelid = to_regclass('ipto.' || quote_ident($3))",
            {TEXTOID, TEXTOID, TEXTOID});
        spi::Connection spi;
        spi::Params p;
        p.text(name.substr(cut + 1)).text(name.substr(0, cut)).text(table);
        auto r = spi::execute(beside, p);
        if (r.rows() == 1) {
            std::string shard = table + "_" + r.text_required(0, 1);
            out = std::string("ipto.") + pg::call([&] { return quote_identifier(shard.c_str()); });
        }
        spi.finish();
    }
    known.emplace(key, out);
    return out;
}

std::optional<std::string> local_replica(const std::string& table) {
    if (!citus_present()) return std::nullopt;
    // Kept once the table is Citus's (a reference table's copies stay where
    // they are); asked again while it is not, as before ipto.distribute().
    static std::map<std::string, std::optional<std::string>> known;
    if (auto it = known.find(table); it != known.end()) return it->second;
    static spi::Statement copy(
        "SELECT (SELECT s.shardid::text FROM pg_catalog.pg_dist_shard s JOIN pg_catalog.pg_dist_placement p"
        "        ON p.shardid = s.shardid AND p.groupid = (SELECT groupid FROM pg_catalog.pg_dist_local_group)"
        "        WHERE s.logicalrelid = t.logicalrelid AND t.repmodel = 't' LIMIT 1)"
        " FROM pg_catalog.pg_dist_partition t WHERE t.logicalrelid = to_regclass('ipto.' || quote_ident($1))",
        {TEXTOID});
    spi::Connection spi;
    spi::Params p;
    p.text(table);
    auto r = spi::execute(copy, p);
    std::optional<std::string> out;
    const bool citus_table = r.rows() == 1;
    if (citus_table) {
        if (auto shard = r.text(0, 1)) {
            std::string name = table + "_" + *shard;
            out = std::string("ipto.") + pg::call([&] { return quote_identifier(name.c_str()); });
        }
    }
    spi.finish();
    if (citus_table) known.emplace(table, out);
    return out;
}

std::int32_t hash_text(std::string_view s) {
    const auto* data = reinterpret_cast<const unsigned char*>(s.data());
    int len = static_cast<int>(s.size());
    return DatumGetInt32(pg::call([&] { return hash_any(data, len); }));
}

const std::vector<HashRange>& shard_ranges() {
    // Shard ranges are fixed once the table is distributed (moves keep
    // them); read once, after ipto.distribute().
    static std::vector<HashRange> ranges;
    static const std::vector<HashRange> whole{kWhole};
    if (!ranges.empty()) return ranges;
    if (!citus_present()) return whole;
    static spi::Statement read(
        "SELECT shardminvalue::int4, shardmaxvalue::int4 FROM pg_catalog.pg_dist_shard"
        " WHERE logicalrelid = 'ipto.datasets'::regclass ORDER BY 1",
        {});
    spi::Connection spi;
    auto r = spi::execute(read);
    std::vector<HashRange> found;
    for (std::uint64_t i = 0; i < r.rows(); ++i) {
        found.push_back({static_cast<std::int32_t>(r.int8(i, 1)), static_cast<std::int32_t>(r.int8(i, 2))});
    }
    spi.finish();
    if (found.empty()) return whole;  // not distributed (yet)
    ranges = std::move(found);
    return ranges;
}

HashRange range_of(std::string_view tenant_id) {
    std::int32_t h = hash_text(tenant_id);
    for (const HashRange& r : shard_ranges()) {
        if (r.contains(h)) return r;
    }
    throw Error(ErrorKind::internal, "no shard holds the hash of tenant " + std::string(tenant_id));
}

namespace {

std::string key_in(const HashRange& range) {
    if (range.min == kWhole.min && range.max == kWhole.max) return "*";
    for (int n = 0;; ++n) {
        std::string key = "*" + std::to_string(n);
        if (range.contains(hash_text(key))) return key;
    }
}

}  // namespace

std::string catalogue_key(std::string_view tenant_id) { return key_in(range_of(tenant_id)); }

std::vector<std::string> catalogue_keys() {
    std::vector<std::string> keys;
    for (const HashRange& r : shard_ranges()) keys.push_back(key_in(r));
    return keys;
}

std::string new_dataset_id(std::string_view tenant_id) {
    HashRange range = range_of(tenant_id);
    // With S shards, S tries on average: hashing is cheap next to a write.
    for (;;) {
        std::string id = ext::new_id(IdKind::dataset);
        if (range.contains(hash_text(id))) return id;
    }
}

bool dataset_id_placed(std::string_view tenant_id, std::string_view dataset_id) {
    return range_of(tenant_id).contains(hash_text(dataset_id));
}

bool has_relation(const char* name) {
    static std::set<std::string> seen;
    if (seen.count(name)) return true;
    bool found = OidIsValid(pg::call([&] {
        Oid schema = get_namespace_oid("ipto", true);
        return OidIsValid(schema) ? get_relname_relid(name, schema) : InvalidOid;
    }));
    if (found) seen.insert(name);
    return found;
}

}  // namespace ipto::placement
