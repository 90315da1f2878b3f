// Datasets in the database: the operations both faces share, with the
// visibility rules of docs/api.md. Each opens and finishes its own SPI
// connection and returns plain C++ values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dataset_json.hpp"
#include "validation.hpp"

namespace ipto::store {

struct ListQuery {
    std::optional<std::string> cursor;
    int limit = kLimitDefault;
    std::optional<std::string> status;
    std::optional<std::string> visibility;
    std::optional<std::string> owner;  // "me" | "others"
};

struct DatasetPage {
    std::vector<DatasetRecord> datasets;
    std::int64_t total = 0;
    std::optional<std::string> next_cursor;
};

// Throws not_found (field tenant_id) unless the tenant exists.
void require_tenant(const std::string& tenant_id);

// `fields` validated, defaults filled (BodyPurpose::create).
DatasetRecord create_dataset(const std::string& tenant_id, const DatasetFields& fields);
DatasetRecord get_dataset(const std::string& tenant_id, std::string_view dataset_id);
DatasetPage list_datasets(const std::string& tenant_id, ListQuery query);
// What a write expects of the dataset it changes, checked under the row's
// lock in the write's own transaction (so two writers that expect the same
// state cannot both succeed): an If-Match field value (entity tags of the
// dataset's JSON, or `*`), and/or the updated_at the caller last saw.
// Unmet: precondition_failed.
struct Precondition {
    std::optional<std::string> if_match;
    std::optional<std::int64_t> updated_at_us;
    bool any() const { return if_match || updated_at_us; }
};

// `changes` validated (BodyPurpose::update). Not the owner: forbidden if the
// tenant can see it, else not_found.
DatasetRecord update_dataset(const std::string& tenant_id, std::string_view dataset_id, const DatasetFields& changes,
                             const Precondition& expected = {});
void delete_dataset(const std::string& tenant_id, std::string_view dataset_id, const Precondition& expected = {});

// Throws unless the tenant owns the dataset: forbidden if it can see it,
// not_found if it cannot. Locks the dataset row (FOR KEY SHARE) for the
// rest of the transaction.
void require_owned(const std::string& tenant_id, std::string_view dataset_id);

// Validates list filters: a wrong value is a validation error naming it.
void validate_list_query(const ListQuery& query);

}  // namespace ipto::store
