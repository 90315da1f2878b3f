// The OpenAPI 3.1 description of what this server does, served at
// GET /v1/openapi.json. Kept beside the code it describes; the e2e suite
// checks every status and shape it observes against it.
#pragma once

#include <string_view>

namespace ipto::front {

std::string_view openapi_document();

}  // namespace ipto::front
