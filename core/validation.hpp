// The dataset rules (docs/api.md, "Validation"), shared by the SQL face and
// the REST face.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ipto {

// Allowed values, in the order error details list them.
extern const std::vector<std::string_view> kSourceModalities;
extern const std::vector<std::string_view> kMonetizationModes;
extern const std::vector<std::string_view> kPricingModels;
extern const std::vector<std::string_view> kVisibilities;
extern const std::vector<std::string_view> kDatasetStatuses;
extern const std::vector<std::string_view> kObjectStatuses;
extern const std::vector<std::string_view> kOwnerFilters;

constexpr std::size_t kNameMax = 200;
constexpr std::size_t kDescriptionMax = 2000;
constexpr int kLimitMin = 1;
constexpr int kLimitMax = 100;
constexpr int kLimitDefault = 20;

// A set of dataset fields; an absent optional means "not given".
struct DatasetFields {
    std::optional<std::string> name;
    std::optional<std::optional<std::string>> description;  // inner nullopt = JSON null
    std::optional<std::string> source_modality;
    std::optional<std::string> monetization_mode;
    std::optional<std::string> pricing_model;
    std::optional<std::string> visibility;
    std::optional<std::string> status;

    bool empty() const {
        return !name && !description && !source_modality && !monetization_mode && !pricing_model && !visibility &&
               !status;
    }
};

enum class BodyPurpose { create, update };

// Parses and validates a request body. Throws Error: invalid_json when the
// text is not JSON; validation (naming the field) for everything else. On
// create, fills the defaults (document, open, demand_curve, private, no
// description) and requires name.
DatasetFields parse_dataset_body(std::string_view json, BodyPurpose purpose);

// Checks every given field and normalises name (trimmed). Throws validation.
void validate_dataset_fields(DatasetFields& fields, BodyPurpose purpose);

// Returns the trimmed name; throws validation naming "name".
std::string normalize_name(std::string_view name);
void validate_description(std::string_view description);
void validate_choice(const char* field, std::string_view value, const std::vector<std::string_view>& allowed);

// A deterministic text of the fields (after defaults), for idempotency.
std::string canonical_text(const DatasetFields& fields);

// List parameters. The REST face passes limit as text.
int parse_limit(std::optional<std::string_view> text);
void validate_limit(std::int64_t limit);

// Object fields.
void validate_filename(std::string_view filename);
void validate_size_bytes(std::int64_t size);
void validate_content_type(std::string_view content_type);
void validate_metadata_key(std::string_view key);
void validate_metadata_value(std::string_view value);
void validate_credential_name(std::string_view name);

}  // namespace ipto
