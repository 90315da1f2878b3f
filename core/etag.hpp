// Entity tags of a dataset (RFC 9110 §8.8.3): a strong validator derived
// from the representation itself, so the front (for If-None-Match) and the
// extension (for If-Match, under the row's lock) compute the same tag from
// the same JSON without storing a version anywhere.
#pragma once

#include <string>
#include <string_view>

namespace ipto {

// "\"" + 32 hex digits of SHA-256(representation) + "\"": any change of any
// field, counters included, changes it.
std::string entity_tag(std::string_view representation);

// Whether a field value of If-Match or If-None-Match (`*`, or a list of
// entity tags) matches `tag`, an entity tag as entity_tag() makes it.
// Strong comparison (If-Match) refuses weak tags (W/"…"); weak comparison
// (If-None-Match) ignores the W/ prefix. A malformed list matches nothing.
enum class TagComparison { strong, weak };
bool entity_tag_matches(std::string_view field_value, std::string_view tag, TagComparison comparison);

}  // namespace ipto
