// A dataset as the API shows it: its fields, always in the order of
// docs/api.md ("Dataset").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ipto {

struct DatasetRecord {
    std::string dataset_id;
    std::string tenant_id;
    std::string name;
    std::optional<std::string> description;
    std::string source_modality;
    std::string monetization_mode;
    std::string pricing_model;
    std::string visibility;
    std::string status;
    std::int64_t object_count = 0;
    std::int64_t active_object_count = 0;
    std::int64_t total_bytes = 0;
    std::int64_t created_at_us = 0;  // microseconds since the Unix epoch
    std::int64_t updated_at_us = 0;
    std::optional<std::int64_t> last_ingest_at_us;
};

void append_dataset_json(std::string& out, const DatasetRecord& d);
std::string dataset_json(const DatasetRecord& d);

// {"datasets": [...], "total": N, "next_cursor": "..." | null}
std::string dataset_page_json(const std::vector<DatasetRecord>& page, std::int64_t total,
                              const std::optional<std::string>& next_cursor);

}  // namespace ipto
