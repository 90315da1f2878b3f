// Request ids: "req_" + 12 lowercase hex digits from the kernel's CSPRNG.
#pragma once

#include <string>

namespace ipto::front {

std::string new_request_id();

}  // namespace ipto::front
