#include "router.hpp"

namespace ipto::front {
namespace {

struct MethodOp {
    const char* method = nullptr;
    Operation op = Operation::healthz;
};

struct Route {
    const char* pattern;
    const char* allow;  // the Allow header of a 405; HEAD goes wherever GET does
    MethodOp methods[3];
    int count;
};

constexpr Route kItem{"/v1/datasets/{id}",
                      "GET, HEAD, PATCH, DELETE",
                      {{"GET", Operation::get_dataset},
                       {"PATCH", Operation::update_dataset},
                       {"DELETE", Operation::delete_dataset}},
                      3};
constexpr Route kFixed[] = {
    {"/v1/datasets",
     "GET, HEAD, POST",
     {{"GET", Operation::list_datasets}, {"POST", Operation::create_dataset}, {}},
     2},
    {"/healthz", "GET, HEAD", {{"GET", Operation::healthz}, {}, {}}, 1},
    {"/readyz", "GET, HEAD", {{"GET", Operation::readyz}, {}, {}}, 1},
    {"/metrics", "GET, HEAD", {{"GET", Operation::metrics}, {}, {}}, 1},
    {"/v1/openapi.json", "GET, HEAD", {{"GET", Operation::openapi}, {}, {}}, 1},
};

RouteMatch resolve(const Route& route, std::string_view method) {
    RouteMatch m;
    m.route = route.pattern;
    std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
    for (int i = 0; i < route.count; ++i) {
        const MethodOp& mo = route.methods[i];
        if (wanted == mo.method) {
            m.outcome = RouteMatch::Outcome::found;
            m.operation = mo.op;
            return m;
        }
    }
    m.outcome = RouteMatch::Outcome::method_not_allowed;
    m.allow = route.allow;
    return m;
}

}  // namespace

std::string_view method_label(std::string_view method) {
    constexpr std::string_view kMethods[] = {"GET",     "HEAD",  "POST",    "PUT", "PATCH",
                                             "DELETE", "OPTIONS", "TRACE", "CONNECT"};
    for (std::string_view m : kMethods) {
        if (method == m) return m;
    }
    return "other";
}

bool is_api_operation(Operation op) {
    switch (op) {
        case Operation::create_dataset:
        case Operation::list_datasets:
        case Operation::get_dataset:
        case Operation::update_dataset:
        case Operation::delete_dataset: return true;
        default: return false;
    }
}

RouteMatch match_route(std::string_view method, std::string_view path) {
    for (const Route& route : kFixed) {
        if (path == route.pattern) return resolve(route, method);
    }
    constexpr std::string_view kItemPrefix = "/v1/datasets/";
    if (path.size() > kItemPrefix.size() && path.substr(0, kItemPrefix.size()) == kItemPrefix) {
        std::string_view id = path.substr(kItemPrefix.size());
        if (id.find('/') == std::string_view::npos) {
            RouteMatch m = resolve(kItem, method);
            m.dataset_id = std::string(id);
            return m;
        }
    }
    RouteMatch m;
    m.route = std::string(kUnmatchedRoute);
    return m;
}

}  // namespace ipto::front
