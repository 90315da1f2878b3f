// libFuzzer: request bodies through validation. Any input either fails with
// one of our errors or yields fields that obey every rule.
#include <cstdint>
#include <string_view>

#include <rapidjson/document.h>

#include "dataset_json.hpp"
#include "errors.hpp"
#include "utf8.hpp"
#include "validation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    for (auto purpose : {ipto::BodyPurpose::create, ipto::BodyPurpose::update}) {
        try {
            ipto::DatasetFields f = ipto::parse_dataset_body(body, purpose);
            if (f.name) {
                auto n = ipto::utf8_length(*f.name);
                if (!n || *n < 1 || *n > ipto::kNameMax) __builtin_trap();
            }
            if (purpose == ipto::BodyPurpose::create && !f.name) __builtin_trap();
            (void)ipto::canonical_text(f);
            ipto::DatasetRecord r;
            r.dataset_id = "dset_000000000000";
            r.tenant_id = "tnt_000000000000";
            r.name = f.name.value_or("x");
            if (f.description) r.description = *f.description;
            std::string json = ipto::dataset_json(r);
            rapidjson::Document doc;
            doc.Parse(json.data(), json.size());
            if (doc.HasParseError() || !doc.IsObject() || doc["name"].GetString() != r.name) __builtin_trap();
        } catch (const ipto::Error& e) {
            if (e.kind() != ipto::ErrorKind::validation && e.kind() != ipto::ErrorKind::invalid_json) __builtin_trap();
            if (!ipto::utf8_length(e.what()) || !ipto::utf8_length(e.field())) __builtin_trap();
        }
    }
    return 0;
}
