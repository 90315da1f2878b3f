// The response envelope (DESIGN §3, firm):
//   {"data": …, "request_id": "req_…", "timestamp": "YYYY-MM-DDTHH:MM:SSZ"}
//   {"error": {"code", "message", "field"?}, "request_id", "timestamp"}
#pragma once

#include <string>
#include <string_view>

#include "api_error.hpp"

namespace ipto::front {

// data_json is spliced as it is: the database already shaped it.
std::string success_envelope(std::string_view data_json, std::string_view request_id, std::string_view timestamp);

std::string error_envelope(const ApiError& error, std::string_view request_id, std::string_view timestamp);

// Now, in the API's timestamp form.
std::string current_timestamp();

}  // namespace ipto::front
