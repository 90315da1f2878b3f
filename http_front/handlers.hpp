// The front's request handling, independent of the HTTP library: route,
// screen (credential, query, media type, body), call the database once, and
// wrap the answer in the envelope. Never throws.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "api_error.hpp"
#include "backend.hpp"
#include "http_message.hpp"
#include "metrics.hpp"
#include "rate_limits.hpp"
#include "router.hpp"

namespace ipto::front {

struct Outcome {
    HttpResponse response;
    std::string request_id;
    std::string route;                  // pattern, for the log and metrics
    std::optional<std::string> tenant;  // authenticated tenant, when the database said
};

class Handlers {
public:
    using WorkerCount = std::function<std::size_t()>;

    // limits: per-tenant rate limits, or nullptr for none.
    Handlers(Backend& backend, const Metrics& metrics, WorkerCount workers = {}, RateLimits* limits = nullptr);

    Outcome handle(const HttpRequest& request) const;

    // The answer a request gets whatever its body says (unknown route, 405,
    // credential, query, media type), or nullopt. Lets the HTTP layer refuse
    // a request before reading a body of up to 1 MiB.
    std::optional<Outcome> reject_early(const HttpRequest& request) const;

    // An error with the envelope, for errors found outside handle() (e.g. by
    // the HTTP layer: 413, malformed requests). Routes the request for its label.
    Outcome error(const HttpRequest& request, const ApiError& error) const;

private:
    void handle_api(const HttpRequest& request, Operation op, const std::string& dataset_id, Outcome& out) const;
    // Route-level and header-level checks; true when `out` holds the answer.
    bool screen(const HttpRequest& request, const RouteMatch& m, Outcome& out) const;
    void set_error(Outcome& out, const ApiError& error) const;
    void set_json(Outcome& out, int status, std::string body) const;
    void set_not_modified(Outcome& out, std::size_t representation_length) const;

    Backend& backend_;
    const Metrics& metrics_;
    WorkerCount workers_;
    RateLimits* limits_;
};

// The credential as the request face takes it: kind, public part, and the
// lowercase hex SHA-256 of the secret (the secret itself never leaves).
struct CredentialParams {
    std::string kind;
    std::string public_part;
    std::string digest;
};

// Throws ipto::Error (unauthenticated, invalid_credentials, ambiguous_credentials).
CredentialParams credential_params(const HttpRequest& request);

}  // namespace ipto::front
