// libFuzzer: routing and media types. Any method and path map to exactly one
// outcome; a found dataset route carries the {id} it matched; a 405 names
// what is allowed.
#include <cstdint>
#include <string_view>

#include "media_type.hpp"
#include "router.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::size_t cut = input.find(' ');
    std::string_view method = input.substr(0, cut);
    std::string_view path = cut == std::string_view::npos ? std::string_view() : input.substr(cut + 1);
    using Outcome = ipto::front::RouteMatch::Outcome;
    ipto::front::RouteMatch m = ipto::front::match_route(method, path);
    if (m.outcome == Outcome::method_not_allowed && m.allow.empty()) __builtin_trap();
    if (m.outcome == Outcome::found && (m.operation == ipto::front::Operation::get_dataset ||
                                        m.operation == ipto::front::Operation::update_dataset ||
                                        m.operation == ipto::front::Operation::delete_dataset)) {
        if (path.find(m.dataset_id) == std::string_view::npos) __builtin_trap();
    }
    (void)ipto::front::is_json_media_type(input);
    return 0;
}
