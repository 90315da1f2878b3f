#include "handlers.hpp"

#include <exception>

#include "credentials.hpp"
#include "envelope.hpp"
#include "error_map.hpp"
#include "etag.hpp"
#include "json_text.hpp"
#include "log.hpp"
#include "media_type.hpp"
#include "openapi.hpp"
#include "query_params.hpp"
#include "request_id.hpp"
#include "router.hpp"
#include "sha256.hpp"

namespace ipto::front {
namespace {

// Overwrites a secret before its memory is freed (not optimised away).
void wipe(std::string& s) {
    volatile char* p = s.data();
    for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
    s.clear();
}

bool takes_body(Operation op) { return op == Operation::create_dataset || op == Operation::update_dataset; }

bool names_dataset(Operation op) {
    return op == Operation::get_dataset || op == Operation::update_dataset || op == Operation::delete_dataset;
}

// The RateLimit header fields (IETF draft-ietf-httpapi-ratelimit-headers-06)
// for a tenant with a limit: its burst, the window in which a full bucket
// refills, what is left, and when the bucket is full again.
void add_rate_headers(HeaderList& headers, const RateVerdict& v) {
    if (!v.limited) return;
    headers.emplace_back("RateLimit-Policy", std::to_string(v.limit) + ";w=" + std::to_string(v.window_seconds));
    headers.emplace_back("RateLimit-Limit", std::to_string(v.limit));
    headers.emplace_back("RateLimit-Remaining", std::to_string(v.remaining));
    headers.emplace_back("RateLimit-Reset", std::to_string(v.reset_seconds));
}

// A list-valued header sent on several lines is one list (RFC 9110 §5.3).
std::optional<std::string> joined_header(const HttpRequest& request, std::string_view name) {
    std::optional<std::string> out;
    for (const auto& [k, v] : request.headers) {
        if (!iequals(k, name)) continue;
        out = out ? *out + ", " + v : v;
    }
    return out;
}

}  // namespace

CredentialParams credential_params(const HttpRequest& request) {
    if (request.header_count("Authorization") > 1 || request.header_count("X-API-Key") > 1) {
        throw ipto::Error(ipto::ErrorKind::ambiguous_credentials, "a credential header was sent more than once", {},
                          "send exactly one credential");
    }
    ipto::PresentedCredential c = ipto::parse_request_credential(request.header("Authorization"),
                                                                 request.header("X-API-Key"));
    CredentialParams p;
    p.kind = std::string(ipto::credential_kind_name(c.kind));
    p.public_part = c.public_part;
    p.digest = ipto::to_hex(ipto::sha256(c.secret));
    wipe(c.secret);
    return p;
}

Handlers::Handlers(Backend& backend, const Metrics& metrics, WorkerCount workers, RateLimits* limits)
    : backend_(backend), metrics_(metrics), workers_(std::move(workers)), limits_(limits) {}

void Handlers::set_json(Outcome& out, int status, std::string body) const {
    out.response.status = status;
    out.response.content_type = "application/json; charset=utf-8";
    out.response.body = std::move(body);
}

void Handlers::set_not_modified(Outcome& out, std::size_t representation_length) const {
    // No content; Content-Length, if sent, must be that of the 200 (RFC 9110 §8.6).
    out.response.status = 304;
    out.response.content_type.clear();
    out.response.body.clear();
    out.response.headers.emplace_back("Content-Length", std::to_string(representation_length));
}

void Handlers::set_error(Outcome& out, const ApiError& error) const {
    out.response.headers.clear();
    for (const auto& h : error.headers) out.response.headers.push_back(h);
    out.response.headers.emplace_back("Cache-Control", "no-store");
    set_json(out, error.status, error_envelope(error, out.request_id, current_timestamp()));
}

Outcome Handlers::error(const HttpRequest& request, const ApiError& error) const {
    Outcome out;
    out.request_id = new_request_id();
    out.route = match_route(request.method, request.path).route;
    set_error(out, error);
    return out;
}

bool Handlers::screen(const HttpRequest& request, const RouteMatch& m, Outcome& out) const {
    if (m.outcome == RouteMatch::Outcome::not_found) {
        set_error(out, front_error(FrontError::route_not_found));
        return true;
    }
    if (m.outcome == RouteMatch::Outcome::method_not_allowed) {
        ApiError e = front_error(FrontError::method_not_allowed,
                                 request.method + " is not allowed on " + m.route + "; allowed: " + m.allow);
        e.headers.emplace_back("Allow", m.allow);
        set_error(out, e);
        return true;
    }
    if (!is_api_operation(m.operation)) return false;

    // 1. Who is asking: checked before anything reaches the database.
    try {
        (void)credential_params(request);
    } catch (const ipto::Error& e) {
        set_error(out, from_core_error(e));
        return true;
    }
    // 2. Query parameters: only GET /v1/datasets takes any.
    QueryParams query = parse_query_string(request.query);
    if (m.operation == Operation::list_datasets) {
        ListQueryResult screened = screen_list_query(query);
        if (screened.error) {
            set_error(out, *screened.error);
            return true;
        }
    } else if (auto e = screen_no_query(query)) {
        set_error(out, *e);
        return true;
    }
    // 3. The body's media type (its content is checked once it is read).
    if (takes_body(m.operation)) {
        auto content_type = request.header("Content-Type");
        if (!content_type || !is_json_media_type(*content_type)) {
            set_error(out, front_error(FrontError::unsupported_media_type));
            return true;
        }
    }
    return false;
}

std::optional<Outcome> Handlers::reject_early(const HttpRequest& request) const {
    Outcome out;
    out.request_id = new_request_id();
    try {
        RouteMatch m = match_route(request.method, request.path);
        out.route = m.route;
        if (screen(request, m, out)) return out;
    } catch (const std::exception& e) {
        log_event("error", "handler_exception", {{"request_id", out.request_id}, {"what", e.what()}});
        set_error(out, front_error(FrontError::internal));
        return out;
    }
    return std::nullopt;
}

Outcome Handlers::handle(const HttpRequest& request) const {
    Outcome out;
    out.request_id = new_request_id();
    out.route = std::string(kUnmatchedRoute);
    try {
        RouteMatch m = match_route(request.method, request.path);
        out.route = m.route;
        if (screen(request, m, out)) return out;
        switch (m.operation) {
            case Operation::healthz:
                set_json(out, 200, "{\"status\":\"ok\"}");
                break;
            case Operation::readyz:
                if (backend_.ready()) {
                    set_json(out, 200, "{\"status\":\"ready\"}");
                } else {
                    set_error(out, front_error(FrontError::unavailable));
                }
                break;
            case Operation::metrics:
                out.response.status = 200;
                out.response.content_type = "text/plain; version=0.0.4; charset=utf-8";
                out.response.body = metrics_.render(backend_.pool_stats(), workers_ ? workers_() : 0);
                out.response.body += "# HELP ipto_rate_limited_total Requests refused for a tenant's rate limit.\n"
                                     "# TYPE ipto_rate_limited_total counter\nipto_rate_limited_total " +
                                     std::to_string(limits_ ? limits_->refused() : 0) + "\n";
                break;
            case Operation::openapi:
                set_json(out, 200, std::string(openapi_document()));
                break;
            default:
                handle_api(request, m.operation, m.dataset_id, out);
        }
    } catch (const std::exception& e) {
        log_event("error", "handler_exception", {{"request_id", out.request_id}, {"what", e.what()}});
        set_error(out, front_error(FrontError::internal));
    } catch (...) {
        log_event("error", "handler_exception", {{"request_id", out.request_id}});
        set_error(out, front_error(FrontError::internal));
    }
    return out;
}

void Handlers::handle_api(const HttpRequest& request, Operation op, const std::string& dataset_id,
                          Outcome& out) const {
    // screen() has passed: the credential parses, the query and media type are fine.
    CredentialParams credential = credential_params(request);
    ListQuery list;
    if (op == Operation::list_datasets) list = screen_list_query(parse_query_string(request.query)).query;

    // The body's content: UTF-8 without NUL. Whether it parses, and what it
    // says, is the database's to judge.
    if (takes_body(op) && !is_screened_json_text(request.body)) {
        set_error(out, front_error(FrontError::invalid_json_body));
        return;
    }

    // 4. An id no dataset can have (a NUL would cut the C string short).
    if (names_dataset(op) && !is_screened_json_text(dataset_id)) {
        set_error(out, front_error(FrontError::dataset_not_found));
        return;
    }

    // Conditional writes: If-Match goes to the database, which checks it
    // under the row's lock in the write's own transaction.
    std::optional<std::string> if_match = joined_header(request, "If-Match");
    if (if_match && !is_screened_json_text(*if_match)) {
        set_error(out, front_error(FrontError::bad_request, "the If-Match header must be text", "If-Match"));
        return;
    }

    // The tenant's rate limit, before the database is asked anything.
    RateVerdict rate;
    if (limits_) rate = limits_->admit(CredentialTenants::credential_key(credential.kind, credential.public_part));
    if (!rate.allowed) {
        ApiError e = front_error(FrontError::rate_limited);
        e.headers.emplace_back("Retry-After", std::to_string(rate.retry_after));
        add_rate_headers(e.headers, rate);
        set_error(out, e);
        return;
    }

    CallParams params{credential.kind, credential.public_part, credential.digest};
    switch (op) {
        case Operation::create_dataset: {
            std::optional<std::string> key;
            if (request.header_count("Idempotency-Key") > 1) {
                set_error(out, front_error(FrontError::bad_request, "the Idempotency-Key header was sent more than once",
                                           "Idempotency-Key"));
                return;
            }
            if (auto k = request.header("Idempotency-Key")) {
                if (!is_screened_json_text(*k)) {
                    set_error(out, front_error(FrontError::bad_request, "the Idempotency-Key header must be UTF-8 text",
                                               "Idempotency-Key"));
                    return;
                }
                key = std::string(*k);
            }
            params.emplace_back(request.body);
            params.push_back(std::move(key));
            break;
        }
        case Operation::list_datasets:
            params.push_back(list.cursor);
            params.push_back(list.limit);
            params.push_back(list.status);
            params.push_back(list.visibility);
            params.push_back(list.owner);
            break;
        case Operation::get_dataset:
            params.emplace_back(dataset_id);
            break;
        case Operation::delete_dataset:
            params.emplace_back(dataset_id);
            if (if_match) params.push_back(if_match);
            break;
        case Operation::update_dataset:
            params.emplace_back(dataset_id);
            params.emplace_back(request.body);
            if (if_match) params.push_back(if_match);
            break;
        default:
            set_error(out, front_error(FrontError::internal));
            return;
    }

    CallOutcome result = backend_.call(op, params, out.request_id);
    if (result.error) {
        set_error(out, *result.error);
        return;
    }
    add_rate_headers(out.response.headers, rate);
    const CallRow& row = *result.row;
    out.tenant = row.tenant_id;
    if (op == Operation::list_datasets || op == Operation::delete_dataset) {
        out.response.headers.emplace_back("Cache-Control", "no-store");
    } else {
        // One dataset: a strong validator of exactly this representation.
        std::string tag = entity_tag(row.data);
        out.response.headers.emplace_back("ETag", tag);
        if (op == Operation::get_dataset) {
            // Caches may keep it but must revalidate: If-None-Match, then 304.
            out.response.headers.emplace_back("Cache-Control", "private, no-cache");
            auto none_match = joined_header(request, "If-None-Match");
            if (none_match && entity_tag_matches(*none_match, tag, TagComparison::weak)) {
                std::string would_be = success_envelope(row.data, out.request_id, current_timestamp());
                set_not_modified(out, would_be.size());
                return;
            }
        } else {
            out.response.headers.emplace_back("Cache-Control", "no-store");
        }
    }
    if (op == Operation::create_dataset) {
        if (row.resource_id) out.response.headers.emplace_back("Location", "/v1/datasets/" + *row.resource_id);
        set_json(out, 201, success_envelope(row.data, out.request_id, current_timestamp()));
    } else {
        set_json(out, 200, success_envelope(row.data, out.request_id, current_timestamp()));
    }
}

}  // namespace ipto::front
