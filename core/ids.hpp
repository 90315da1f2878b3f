// Public identifiers: a kind prefix and 12 lowercase hex digits (48 random bits).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ipto {

enum class IdKind { dataset, tenant, object, api_key, request };

std::string_view id_prefix(IdKind kind);  // "dset_", "tnt_", "obj_", "key_", "req_"

constexpr std::size_t kIdRandomBytes = 6;
std::string make_id(IdKind kind, const std::array<std::uint8_t, kIdRandomBytes>& random);

bool is_valid_id(IdKind kind, std::string_view text);

}  // namespace ipto
