// libFuzzer: credential headers. The first byte picks which headers are
// present; the rest is split between them at the first 0xff byte.
#include <cstdint>
#include <optional>
#include <string_view>

#include "credentials.hpp"
#include "errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    std::size_t cut = rest.find('\xff');
    std::string_view first = rest.substr(0, cut);
    std::string_view second = cut == std::string_view::npos ? std::string_view() : rest.substr(cut + 1);
    std::optional<std::string_view> authorization, api_key;
    if (data[0] & 1) authorization = first;
    if (data[0] & 2) api_key = second;
    try {
        ipto::PresentedCredential c = ipto::parse_request_credential(authorization, api_key);
        if (c.kind == ipto::CredentialKind::api_key) {
            if (c.public_part.size() != 8 || c.secret.size() < 32) __builtin_trap();
        } else if (c.public_part.size() != 16 || c.secret.size() != 32) {
            __builtin_trap();
        }
    } catch (const ipto::Error& e) {
        auto k = e.kind();
        if (k != ipto::ErrorKind::unauthenticated && k != ipto::ErrorKind::ambiguous_credentials &&
            k != ipto::ErrorKind::invalid_credentials) {
            __builtin_trap();
        }
    }
    return 0;
}
