// libFuzzer: JSON string writing. Any UTF-8 text, escaped by us, parses
// back to itself.
#include <cstdint>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "json_text.hpp"
#include "utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    if (!ipto::utf8_length(text)) return 0;
    std::string json;
    ipto::append_json_string(json, text);
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
    if (doc.HasParseError() || !doc.IsString()) __builtin_trap();
    if (std::string_view(doc.GetString(), doc.GetStringLength()) != text) __builtin_trap();
    return 0;
}
