#include "dataset_json.hpp"

#include "json_text.hpp"
#include "timestamp.hpp"

namespace ipto {
namespace {

void field(std::string& out, const char* name) {
    if (out.back() != '{') out += ',';
    append_json_string(out, name);
    out += ':';
}

}  // namespace

void append_dataset_json(std::string& out, const DatasetRecord& d) {
    out += '{';
    field(out, "dataset_id"); append_json_string(out, d.dataset_id);
    field(out, "tenant_id"); append_json_string(out, d.tenant_id);
    field(out, "name"); append_json_string(out, d.name);
    field(out, "description");
    if (d.description) append_json_string(out, *d.description); else out += "null";
    field(out, "source_modality"); append_json_string(out, d.source_modality);
    field(out, "monetization_mode"); append_json_string(out, d.monetization_mode);
    field(out, "pricing_model"); append_json_string(out, d.pricing_model);
    field(out, "visibility"); append_json_string(out, d.visibility);
    field(out, "status"); append_json_string(out, d.status);
    field(out, "object_count"); append_json_int(out, d.object_count);
    field(out, "active_object_count"); append_json_int(out, d.active_object_count);
    field(out, "total_bytes"); append_json_int(out, d.total_bytes);
    field(out, "created_at"); append_json_string(out, format_utc_timestamp(d.created_at_us));
    field(out, "updated_at"); append_json_string(out, format_utc_timestamp(d.updated_at_us));
    field(out, "last_ingest_at");
    if (d.last_ingest_at_us) append_json_string(out, format_utc_timestamp(*d.last_ingest_at_us)); else out += "null";
    out += '}';
}

std::string dataset_json(const DatasetRecord& d) {
    std::string out;
    out.reserve(512);
    append_dataset_json(out, d);
    return out;
}

std::string dataset_page_json(const std::vector<DatasetRecord>& page, std::int64_t total,
                              const std::optional<std::string>& next_cursor) {
    std::string out = "{\"datasets\":[";
    out.reserve(64 + 512 * page.size());
    for (std::size_t i = 0; i < page.size(); ++i) {
        if (i) out += ',';
        append_dataset_json(out, page[i]);
    }
    out += "],\"total\":";
    append_json_int(out, total);
    out += ",\"next_cursor\":";
    if (next_cursor) append_json_string(out, *next_cursor); else out += "null";
    out += '}';
    return out;
}

}  // namespace ipto
