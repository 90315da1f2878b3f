// Routing: every route, 404 for unknown paths, 405 with the Allow list.
#include <gtest/gtest.h>

#include "router.hpp"

namespace ipto::front {
namespace {

using Outcome = RouteMatch::Outcome;

TEST(FrontRouter, DatasetCollection) {
    auto list = match_route("GET", "/v1/datasets");
    EXPECT_EQ(list.outcome, Outcome::found);
    EXPECT_EQ(list.operation, Operation::list_datasets);
    EXPECT_EQ(list.route, "/v1/datasets");
    auto create = match_route("POST", "/v1/datasets");
    EXPECT_EQ(create.outcome, Outcome::found);
    EXPECT_EQ(create.operation, Operation::create_dataset);
}

TEST(FrontRouter, DatasetItem) {
    struct Case {
        const char* method;
        Operation op;
    } cases[] = {{"GET", Operation::get_dataset},
                 {"PATCH", Operation::update_dataset},
                 {"DELETE", Operation::delete_dataset}};
    for (const auto& c : cases) {
        auto m = match_route(c.method, "/v1/datasets/dset_a1b2c3d4e5f6");
        EXPECT_EQ(m.outcome, Outcome::found) << c.method;
        EXPECT_EQ(m.operation, c.op) << c.method;
        EXPECT_EQ(m.route, "/v1/datasets/{id}");
        EXPECT_EQ(m.dataset_id, "dset_a1b2c3d4e5f6");
    }
}

TEST(FrontRouter, ItemIdIsPassedAsReceived) {
    // Malformed ids are the SQL side's to reject (404), not the router's.
    auto m = match_route("GET", "/v1/datasets/not an id");
    EXPECT_EQ(m.outcome, Outcome::found);
    EXPECT_EQ(m.dataset_id, "not an id");
}

TEST(FrontRouter, OperationsEndpoints) {
    EXPECT_EQ(match_route("GET", "/healthz").operation, Operation::healthz);
    EXPECT_EQ(match_route("GET", "/readyz").operation, Operation::readyz);
    EXPECT_EQ(match_route("GET", "/metrics").operation, Operation::metrics);
    EXPECT_EQ(match_route("GET", "/v1/openapi.json").operation, Operation::openapi);
    for (const char* path : {"/healthz", "/readyz", "/metrics", "/v1/openapi.json"}) {
        EXPECT_EQ(match_route("GET", path).outcome, Outcome::found) << path;
        EXPECT_FALSE(is_api_operation(match_route("GET", path).operation)) << path;
    }
    EXPECT_TRUE(is_api_operation(Operation::create_dataset));
    EXPECT_TRUE(is_api_operation(Operation::delete_dataset));
}

TEST(FrontRouter, HeadIsRoutedAsGet) {
    auto m = match_route("HEAD", "/v1/datasets/dset_a1b2c3d4e5f6");
    EXPECT_EQ(m.outcome, Outcome::found);
    EXPECT_EQ(m.operation, Operation::get_dataset);
    EXPECT_EQ(match_route("HEAD", "/healthz").operation, Operation::healthz);
}

TEST(FrontRouter, UnknownPathsAre404) {
    for (const char* path : {"/", "", "/v1", "/v1/", "/v1/datasets/", "/v1/datasets//x", "/v1/datasets/a/b",
                             "/V1/datasets", "/v1/datasets?x", "/v2/datasets", "/healthz/", "/v1/datasetsx",
                             "//v1/datasets"}) {
        auto m = match_route("GET", path);
        EXPECT_EQ(m.outcome, Outcome::not_found) << path;
        EXPECT_EQ(m.route, kUnmatchedRoute) << path;
    }
}

TEST(FrontRouter, WrongMethodIs405WithAllow) {
    struct Case {
        const char* method;
        const char* path;
        const char* allow;
    } cases[] = {
        {"PUT", "/v1/datasets", "GET, HEAD, POST"},
        {"DELETE", "/v1/datasets", "GET, HEAD, POST"},
        {"PATCH", "/v1/datasets", "GET, HEAD, POST"},
        {"OPTIONS", "/v1/datasets", "GET, HEAD, POST"},
        {"POST", "/v1/datasets/dset_a1b2c3d4e5f6", "GET, HEAD, PATCH, DELETE"},
        {"PUT", "/v1/datasets/dset_a1b2c3d4e5f6", "GET, HEAD, PATCH, DELETE"},
        {"TRACE", "/v1/datasets/x", "GET, HEAD, PATCH, DELETE"},
        {"POST", "/healthz", "GET, HEAD"},
        {"DELETE", "/readyz", "GET, HEAD"},
        {"PUT", "/metrics", "GET, HEAD"},
        {"POST", "/v1/openapi.json", "GET, HEAD"},
    };
    for (const auto& c : cases) {
        auto m = match_route(c.method, c.path);
        EXPECT_EQ(m.outcome, Outcome::method_not_allowed) << c.method << " " << c.path;
        EXPECT_EQ(m.allow, c.allow) << c.method << " " << c.path;
        EXPECT_NE(m.route, kUnmatchedRoute);
    }
}

TEST(FrontRouter, MethodsAreCaseSensitive) {
    // RFC 9110 §9.1: method names are case-sensitive.
    EXPECT_EQ(match_route("get", "/v1/datasets").outcome, Outcome::method_not_allowed);
}

TEST(FrontRouter, MethodLabelsAreBounded) {
    for (const char* m : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}) {
        EXPECT_EQ(method_label(m), m);
    }
    EXPECT_EQ(method_label("get"), "other");
    EXPECT_EQ(method_label("BREW"), "other");
    EXPECT_EQ(method_label(std::string("\xff\x00G", 3)), "other");
    EXPECT_EQ(method_label(""), "other");
}

}  // namespace
}  // namespace ipto::front
