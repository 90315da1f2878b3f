#include "etag.hpp"

#include "sha256.hpp"

namespace ipto {

std::string entity_tag(std::string_view representation) {
    Digest d = sha256(representation);
    return "\"" + to_hex(d.data(), 16) + "\"";
}

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

// etagc = "!" / %x23-7E / obs-text
bool is_etagc(char c) {
    auto u = static_cast<unsigned char>(c);
    return u == 0x21 || (u >= 0x23 && u <= 0x7e) || u >= 0x80;
}

}  // namespace

bool entity_tag_matches(std::string_view v, std::string_view tag, TagComparison comparison) {
    std::size_t i = 0;
    auto skip_space = [&] {
        while (i < v.size() && is_space(v[i])) ++i;
    };
    skip_space();
    if (i < v.size() && v[i] == '*') {
        ++i;
        skip_space();
        return i == v.size();
    }
    bool matched = false, any = false;
    while (i < v.size()) {
        // #entity-tag: empty elements between commas are allowed.
        if (v[i] == ',') {
            ++i;
            skip_space();
            continue;
        }
        bool weak = false;
        if (v.compare(i, 2, "W/") == 0) {
            weak = true;
            i += 2;
        }
        if (i >= v.size() || v[i] != '"') return false;
        std::size_t start = i++;
        while (i < v.size() && is_etagc(v[i])) ++i;
        if (i >= v.size() || v[i] != '"') return false;
        std::string_view opaque = v.substr(start, ++i - start);
        any = true;
        if (opaque == tag && (!weak || comparison == TagComparison::weak)) matched = true;
        skip_space();
        if (i < v.size() && v[i] != ',') return false;
    }
    return any && matched;
}

}  // namespace ipto
