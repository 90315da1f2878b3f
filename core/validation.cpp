#include "validation.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "errors.hpp"
#include "utf8.hpp"

namespace ipto {

const std::vector<std::string_view> kSourceModalities = {"document", "image", "video", "audio", "mixed"};
const std::vector<std::string_view> kMonetizationModes = {"open", "premium", "restricted"};
const std::vector<std::string_view> kPricingModels = {"demand_curve", "fixed"};
const std::vector<std::string_view> kVisibilities = {"private", "restricted", "listed"};
const std::vector<std::string_view> kDatasetStatuses = {"active", "archived"};
const std::vector<std::string_view> kObjectStatuses = {"pending", "staged", "under_review", "approved", "rejected", "expired"};
const std::vector<std::string_view> kOwnerFilters = {"me", "others"};

namespace {

constexpr std::string_view kWritableOnCreate =
    "name, description, source_modality, monetization_mode, pricing_model, visibility";
constexpr std::string_view kWritableOnUpdate =
    "name, description, source_modality, monetization_mode, pricing_model, visibility, status";
const std::vector<std::string_view> kReadOnly = {"dataset_id", "tenant_id", "object_count", "active_object_count",
                                                 "total_bytes", "created_at", "updated_at", "last_ingest_at"};

// What a person sees of a value they sent: quoted, and short.
std::string quoted(std::string_view v) {
    constexpr std::size_t kShown = 40;
    std::string out = "\"";
    if (v.size() <= kShown) {
        out += v;
    } else {
        std::size_t cut = kShown;
        while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xc0) == 0x80) --cut;  // whole code points
        out += v.substr(0, cut);
        out += "…";
    }
    return out + "\"";
}

std::string join(const std::vector<std::string_view>& values) {
    std::string out;
    for (auto v : values) {
        if (!out.empty()) out += ", ";
        out += v;
    }
    return out;
}

bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7f && c <= 0x9f); }

bool is_trimmable_space(char32_t c) {
    return c == 0x20 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
           c == 0x202f || c == 0x205f || c == 0x3000;
}

const char* json_type_name(const rapidjson::Value& v) {
    switch (v.GetType()) {
        case rapidjson::kNullType: return "null";
        case rapidjson::kFalseType:
        case rapidjson::kTrueType: return "a boolean";
        case rapidjson::kObjectType: return "an object";
        case rapidjson::kArrayType: return "an array";
        case rapidjson::kStringType: return "a string";
        case rapidjson::kNumberType: return "a number";
    }
    return "a value";
}

void require_utf8(const char* field, std::string_view v) {
    if (!utf8_length(v)) throw Error(ErrorKind::validation, std::string(field) + " is not valid UTF-8", field);
}

std::string string_field(const char* field, const rapidjson::Value& v, const char* expected) {
    if (!v.IsString()) {
        throw Error(ErrorKind::validation, std::string(field) + " must be " + expected + ", not " + json_type_name(v),
                    field);
    }
    return std::string(v.GetString(), v.GetStringLength());
}

}  // namespace

std::string normalize_name(std::string_view raw) {
    require_utf8("name", raw);
    std::size_t begin = 0, end;
    bool control = false;
    for_each_code_point(raw, [&](char32_t c) { control = control || is_control(c); });
    if (control) {
        throw Error(ErrorKind::validation, "name contains a control character", "name",
                    "a name is 1 to 200 characters of printable text");
    }
    // Trim leading and trailing spaces, one whole code point at a time.
    for (std::size_t i = 0; i < raw.size();) {
        if (!is_trimmable_space(utf8_next(raw, i))) break;
        begin = i;
    }
    std::size_t last_kept = begin;
    for (std::size_t i = begin; i < raw.size();) {
        bool space = is_trimmable_space(utf8_next(raw, i));
        if (!space) last_kept = i;
    }
    end = last_kept;
    std::string name(raw.substr(begin, end - begin));
    std::size_t n = *utf8_length(name);
    if (n == 0) {
        throw Error(ErrorKind::validation, "name is empty", "name", "a name is 1 to 200 characters after trimming spaces");
    }
    if (n > kNameMax) {
        throw Error(ErrorKind::validation, "name is " + std::to_string(n) + " characters long", "name",
                    "a name is 1 to 200 characters after trimming spaces");
    }
    return name;
}

void validate_description(std::string_view d) {
    require_utf8("description", d);
    std::size_t n = *utf8_length(d);
    if (n > kDescriptionMax) {
        throw Error(ErrorKind::validation, "description is " + std::to_string(n) + " characters long", "description",
                    "a description is at most 2000 characters, or null");
    }
    // PostgreSQL text cannot hold U+0000; every other character is the
    // caller's to choose.
    if (d.find('\0') != std::string_view::npos) {
        throw Error(ErrorKind::validation, "description contains a NUL character (U+0000)", "description",
                    "a description is text of at most 2000 characters, or null");
    }
}

void validate_choice(const char* field, std::string_view value, const std::vector<std::string_view>& allowed) {
    for (auto a : allowed) {
        if (a == value) return;
    }
    if (!utf8_length(value)) value = "(invalid UTF-8)";
    throw Error(ErrorKind::validation, std::string(field) + " " + quoted(value) + " is not allowed", field,
                "allowed values: " + join(allowed));
}

void validate_dataset_fields(DatasetFields& f, BodyPurpose purpose) {
    if (f.name) f.name = normalize_name(*f.name);
    if (f.description && *f.description) validate_description(**f.description);
    if (f.source_modality) validate_choice("source_modality", *f.source_modality, kSourceModalities);
    if (f.monetization_mode) validate_choice("monetization_mode", *f.monetization_mode, kMonetizationModes);
    if (f.pricing_model) validate_choice("pricing_model", *f.pricing_model, kPricingModels);
    if (f.visibility) validate_choice("visibility", *f.visibility, kVisibilities);
    if (f.status) {
        if (purpose == BodyPurpose::create) {
            throw Error(ErrorKind::validation, "status cannot be set when creating a dataset", "status",
                        "a new dataset is active; archive it with an update");
        }
        validate_choice("status", *f.status, kDatasetStatuses);
    }
    if (purpose == BodyPurpose::create) {
        if (!f.name) throw Error(ErrorKind::validation, "name is required", "name", "a name is 1 to 200 characters");
        if (!f.description) f.description = std::optional<std::string>();
        if (!f.source_modality) f.source_modality = "document";
        if (!f.monetization_mode) f.monetization_mode = "open";
        if (!f.pricing_model) f.pricing_model = "demand_curve";
        if (!f.visibility) f.visibility = "private";
    }
}

DatasetFields parse_dataset_body(std::string_view json, BodyPurpose purpose) {
    // RapidJSON takes a NUL after the root value for the end of the text, so
    // "{}\0garbage" would parse; a raw NUL is never part of JSON text.
    if (std::size_t nul = json.find('\0'); nul != std::string_view::npos) {
        throw Error(ErrorKind::invalid_json,
                    "the request body is not valid JSON: a NUL byte at byte " + std::to_string(nul), {},
                    "send a JSON object, UTF-8 encoded");
    }
    rapidjson::Document doc;
    // Iterative: nesting depth cannot exhaust the stack.
    doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
    if (doc.HasParseError()) {
        throw Error(ErrorKind::invalid_json,
                    std::string("the request body is not valid JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()) +
                        " at byte " + std::to_string(doc.GetErrorOffset()),
                    {}, "send a JSON object, UTF-8 encoded");
    }
    if (!doc.IsObject()) {
        throw Error(ErrorKind::validation, std::string("the request body must be a JSON object, not ") + json_type_name(doc),
                    {}, std::string("fields: ") + std::string(purpose == BodyPurpose::create ? kWritableOnCreate : kWritableOnUpdate));
    }
    DatasetFields f;
    std::vector<std::string_view> seen;
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
        std::string_view key(it->name.GetString(), it->name.GetStringLength());
        std::string key_text = utf8_length(key) ? std::string(key) : std::string("(invalid UTF-8)");
        for (auto s : seen) {
            if (s == key) throw Error(ErrorKind::validation, "field " + quoted(key_text) + " appears more than once", key_text);
        }
        seen.push_back(key);
        const rapidjson::Value& v = it->value;
        if (key == "name") {
            f.name = string_field("name", v, "a string");
        } else if (key == "description") {
            if (v.IsNull()) f.description = std::optional<std::string>();
            else f.description = std::optional<std::string>(string_field("description", v, "a string or null"));
        } else if (key == "source_modality") {
            f.source_modality = string_field("source_modality", v, "a string");
        } else if (key == "monetization_mode") {
            f.monetization_mode = string_field("monetization_mode", v, "a string");
        } else if (key == "pricing_model") {
            f.pricing_model = string_field("pricing_model", v, "a string");
        } else if (key == "visibility") {
            f.visibility = string_field("visibility", v, "a string");
        } else if (key == "status") {
            f.status = string_field("status", v, "a string");
        } else {
            bool read_only = false;
            for (auto r : kReadOnly) read_only = read_only || r == key;
            std::string writable(purpose == BodyPurpose::create ? kWritableOnCreate : kWritableOnUpdate);
            if (read_only) throw Error(ErrorKind::validation, key_text + " is read-only", key_text, "writable fields: " + writable);
            throw Error(ErrorKind::validation, "unknown field " + quoted(key_text), key_text, "writable fields: " + writable);
        }
    }
    validate_dataset_fields(f, purpose);
    return f;
}

std::string canonical_text(const DatasetFields& f) {
    std::string out;
    auto add = [&](const char* k, const std::optional<std::string>& v) {
        out += k;
        out += v ? "=" + *v : std::string("~");
        out += '\x1f';
    };
    add("name", f.name);
    if (f.description) add("description", *f.description); else add("description", std::nullopt);
    add("source_modality", f.source_modality);
    add("monetization_mode", f.monetization_mode);
    add("pricing_model", f.pricing_model);
    add("visibility", f.visibility);
    add("status", f.status);
    return out;
}

void validate_limit(std::int64_t limit) {
    if (limit < kLimitMin || limit > kLimitMax) {
        throw Error(ErrorKind::validation, "limit " + std::to_string(limit) + " is out of range", "limit",
                    "limit is a whole number from 1 to 100 (default 20)");
    }
}

int parse_limit(std::optional<std::string_view> text) {
    if (!text) return kLimitDefault;
    const char* hint = "limit is a whole number from 1 to 100 (default 20)";
    if (text->empty() || text->size() > 9) {
        throw Error(ErrorKind::validation, "limit " + quoted(*text) + " is not a whole number from 1 to 100", "limit", hint);
    }
    std::int64_t v = 0;
    for (char c : *text) {
        if (c < '0' || c > '9') {
            std::string shown = utf8_length(*text) ? quoted(*text) : std::string("(invalid UTF-8)");
            throw Error(ErrorKind::validation, "limit " + shown + " is not a whole number", "limit", hint);
        }
        v = v * 10 + (c - '0');
    }
    validate_limit(v);
    return static_cast<int>(v);
}

namespace {
void validate_short_text(const char* field, std::string_view v, std::size_t max, const char* what) {
    require_utf8(field, v);
    std::size_t n = *utf8_length(v);
    bool control = false;
    for_each_code_point(v, [&](char32_t c) { control = control || is_control(c); });
    if (n == 0 || n > max || control) {
        throw Error(ErrorKind::validation, std::string(field) + " is not allowed", field, what);
    }
}
}  // namespace

void validate_filename(std::string_view v) {
    validate_short_text("filename", v, 1024, "a filename is 1 to 1024 characters, with no control characters");
}
void validate_size_bytes(std::int64_t size) {
    if (size < 0) throw Error(ErrorKind::validation, "size_bytes is negative", "size_bytes", "size_bytes is 0 or more");
}
void validate_content_type(std::string_view v) {
    validate_short_text("content_type", v, 255, "a content type is 1 to 255 characters, such as application/pdf");
}
void validate_metadata_key(std::string_view v) {
    validate_short_text("key", v, 128, "a metadata key is 1 to 128 characters, with no control characters");
}
void validate_metadata_value(std::string_view v) {
    require_utf8("value", v);
    if (*utf8_length(v) > 8192) throw Error(ErrorKind::validation, "value is too long", "value", "a metadata value is at most 8192 characters");
}
void validate_credential_name(std::string_view v) {
    validate_short_text("name", v, 200, "a key name is 1 to 200 characters, with no control characters");
}

}  // namespace ipto
