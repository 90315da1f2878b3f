#include "ids.hpp"

#include "sha256.hpp"

namespace ipto {

std::string_view id_prefix(IdKind kind) {
    switch (kind) {
        case IdKind::dataset: return "dset_";
        case IdKind::tenant: return "tnt_";
        case IdKind::object: return "obj_";
        case IdKind::api_key: return "key_";
        case IdKind::request: return "req_";
    }
    return "";
}

std::string make_id(IdKind kind, const std::array<std::uint8_t, kIdRandomBytes>& random) {
    std::string id(id_prefix(kind));
    id += to_hex(random.data(), random.size());
    return id;
}

bool is_valid_id(IdKind kind, std::string_view text) {
    std::string_view prefix = id_prefix(kind);
    if (text.size() != prefix.size() + 2 * kIdRandomBytes || text.substr(0, prefix.size()) != prefix) return false;
    for (char c : text.substr(prefix.size())) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

}  // namespace ipto
