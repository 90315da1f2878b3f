// Routing, as a pure function: method + decoded path -> an operation, or why
// not (404 for an unknown path, 405 with the Allow list for a known one).
#pragma once

#include <string>
#include <string_view>

namespace ipto::front {

enum class Operation {
    create_dataset,
    list_datasets,
    get_dataset,
    update_dataset,
    delete_dataset,
    healthz,
    readyz,
    metrics,
    openapi,
};

// True for the five dataset endpoints (credential, database call).
bool is_api_operation(Operation op);

struct RouteMatch {
    enum class Outcome { found, not_found, method_not_allowed };
    Outcome outcome = Outcome::not_found;
    Operation operation = Operation::healthz;  // meaningful when found
    std::string route;      // the pattern, e.g. "/v1/datasets/{id}"; "unmatched" for 404
    std::string dataset_id; // the {id} segment, as received (decoded)
    std::string allow;      // for 405: e.g. "GET, HEAD, POST"
};

// The route label for requests that match no route (bounded metric labels).
inline constexpr std::string_view kUnmatchedRoute = "unmatched";

// HEAD is routed as GET (cpp-httplib answers it with GET's headers, no body).
RouteMatch match_route(std::string_view method, std::string_view path);

// The method as logs and metric labels show it: a standard method as it is,
// anything else "other". cpp-httplib 0.11.4 hands its logger and error
// handler whatever bytes a malformed request line began with.
std::string_view method_label(std::string_view method);

}  // namespace ipto::front
