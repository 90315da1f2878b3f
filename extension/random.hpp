// Strong randomness (pg_strong_random) for identifiers and credentials.
#pragma once

#include <string>

#include "credentials.hpp"
#include "ids.hpp"

namespace ipto::ext {

RandomSource strong_random();
std::string new_id(IdKind kind);

}  // namespace ipto::ext
