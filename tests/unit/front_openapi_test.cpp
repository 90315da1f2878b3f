// The OpenAPI document parses and describes every route the router knows.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cctype>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "openapi.hpp"
#include "router.hpp"

namespace ipto::front {
namespace {

class FrontOpenApi : public ::testing::Test {
protected:
    void SetUp() override {
        std::string_view text = openapi_document();
        doc.Parse(text.data(), text.size());
        ASSERT_FALSE(doc.HasParseError()) << "offset " << doc.GetErrorOffset();
    }

    const rapidjson::Value* resolve(const rapidjson::Value& v) const {
        if (v.IsObject() && v.HasMember("$ref")) {
            std::string ref = v["$ref"].GetString();
            EXPECT_EQ(ref.rfind("#/components/", 0), 0u) << ref;
            const rapidjson::Value* at = &doc;
            std::size_t pos = 2;
            while (pos < ref.size()) {
                std::size_t next = ref.find('/', pos);
                std::string part = ref.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
                if (!at->IsObject() || !at->HasMember(part.c_str())) {
                    ADD_FAILURE() << "dangling " << ref;
                    return nullptr;
                }
                at = &(*at)[part.c_str()];
                pos = next == std::string::npos ? ref.size() : next + 1;
            }
            return resolve(*at);
        }
        return &v;
    }

    // Every $ref anywhere in the document resolves.
    void check_refs(const rapidjson::Value& v) {
        if (v.IsObject()) {
            if (v.HasMember("$ref")) resolve(v);
            for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) check_refs(it->value);
        } else if (v.IsArray()) {
            for (const auto& item : v.GetArray()) check_refs(item);
        }
    }

    rapidjson::Document doc;
};

TEST_F(FrontOpenApi, IsOpenApi31) {
    EXPECT_STREQ(doc["openapi"].GetString(), "3.1.0");
    EXPECT_TRUE(doc["info"].HasMember("title"));
    EXPECT_TRUE(doc["info"].HasMember("version"));
    check_refs(doc);
}

TEST_F(FrontOpenApi, EveryRoutedOperationIsDescribed) {
    struct Case {
        const char* method;
        const char* path;
        const char* key;
        std::vector<const char*> statuses;
    } cases[] = {
        {"POST", "/v1/datasets", "post", {"201", "400", "401", "403", "409", "413", "415", "422", "500", "503"}},
        {"GET", "/v1/datasets", "get", {"200", "400", "401", "403", "422", "500", "503"}},
        {"GET", "/v1/datasets/dset_a1b2c3d4e5f6", "get", {"200", "401", "403", "404", "500", "503"}},
        {"PATCH", "/v1/datasets/dset_a1b2c3d4e5f6", "patch", {"200", "400", "401", "403", "404", "413", "415", "422", "503"}},
        {"DELETE", "/v1/datasets/dset_a1b2c3d4e5f6", "delete", {"200", "401", "403", "404", "503"}},
        {"GET", "/healthz", "get", {"200"}},
        {"GET", "/readyz", "get", {"200", "503"}},
        {"GET", "/metrics", "get", {"200"}},
        {"GET", "/v1/openapi.json", "get", {"200"}},
    };
    for (const auto& c : cases) {
        RouteMatch m = match_route(c.method, c.path);
        ASSERT_EQ(m.outcome, RouteMatch::Outcome::found) << c.path;
        ASSERT_TRUE(doc["paths"].HasMember(m.route.c_str())) << m.route;
        const auto& item = doc["paths"][m.route.c_str()];
        ASSERT_TRUE(item.HasMember(c.key)) << m.route << " " << c.key;
        const auto& responses = item[c.key]["responses"];
        for (const char* status : c.statuses) {
            EXPECT_TRUE(responses.HasMember(status)) << c.method << " " << m.route << " " << status;
        }
    }
    for (const char* status : {"400", "404", "405", "413", "414", "416"}) {
        EXPECT_TRUE(doc["x-ipto-front-errors"]["responses"].HasMember(status)) << status;
    }
}

TEST_F(FrontOpenApi, DatasetSchemaHasTheApiFieldsInOrder) {
    const auto& dataset = doc["components"]["schemas"]["Dataset"];
    std::vector<std::string> fields = {"dataset_id",      "tenant_id",         "name",          "description",
                                       "source_modality", "monetization_mode", "pricing_model", "visibility",
                                       "status",          "object_count",      "active_object_count", "total_bytes",
                                       "created_at",      "updated_at",        "last_ingest_at"};
    std::vector<std::string> props, required;
    for (auto it = dataset["properties"].MemberBegin(); it != dataset["properties"].MemberEnd(); ++it) {
        props.emplace_back(it->name.GetString());
    }
    for (const auto& r : dataset["required"].GetArray()) required.emplace_back(r.GetString());
    EXPECT_EQ(props, fields);
    EXPECT_EQ(required, fields);
    std::vector<std::string> page;
    for (const auto& r : doc["components"]["schemas"]["DatasetPage"]["required"].GetArray()) page.emplace_back(r.GetString());
    EXPECT_EQ(page, (std::vector<std::string>{"datasets", "total", "next_cursor"}));
}

TEST_F(FrontOpenApi, ErrorEnvelopeSchema) {
    const auto& env = doc["components"]["schemas"]["ErrorEnvelope"];
    EXPECT_EQ(env["required"].Size(), 3u);
    const auto& error = doc["components"]["schemas"]["Error"];
    EXPECT_TRUE(error["properties"].HasMember("field"));
    EXPECT_EQ(error["required"].Size(), 2u);  // field only where one is at fault
}

// What generated clients need to accept the natural calls (see openapi.cpp):
// no Content-Type header parameter (a body's media type is requestBody's),
// and no default keyword in a request schema (openapi-typescript would make
// the property required), while the defaults are still stated.
TEST_F(FrontOpenApi, FitForGeneratedClients) {
    const auto& paths = doc["paths"];
    for (auto p = paths.MemberBegin(); p != paths.MemberEnd(); ++p) {
        for (auto op = p->value.MemberBegin(); op != p->value.MemberEnd(); ++op) {
            const rapidjson::Value& holder = std::string(op->name.GetString()) == "parameters" ? p->value : op->value;
            if (!holder.IsObject() || !holder.HasMember("parameters")) continue;
            for (const auto& param : holder["parameters"].GetArray()) {
                const rapidjson::Value* resolved = resolve(param);
                ASSERT_NE(resolved, nullptr);
                std::string in = (*resolved)["in"].GetString(), name = (*resolved)["name"].GetString();
                for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                EXPECT_FALSE(in == "header" && (name == "content-type" || name == "accept"))
                    << p->name.GetString() << " " << op->name.GetString() << " declares " << name;
            }
        }
        for (const char* method : {"post", "patch"}) {
            if (!p->value.HasMember(method)) continue;
            const auto& body = p->value[method]["requestBody"];
            EXPECT_TRUE(body["content"].HasMember("application/json")) << p->name.GetString() << " " << method;
            EXPECT_NE(std::string(body["description"].GetString()).find("415"), std::string::npos);
        }
    }
    std::function<void(const rapidjson::Value&, const std::string&)> no_default = [&](const rapidjson::Value& v,
                                                                                     const std::string& where) {
        if (v.IsObject()) {
            EXPECT_FALSE(v.HasMember("default")) << where;
            for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) no_default(it->value, where + "." + it->name.GetString());
        } else if (v.IsArray()) {
            for (const auto& item : v.GetArray()) no_default(item, where);
        }
    };
    const auto& schemas = doc["components"]["schemas"];
    no_default(schemas["DatasetCreate"], "DatasetCreate");
    no_default(schemas["DatasetUpdate"], "DatasetUpdate");
    std::vector<std::string> required;
    for (const auto& r : schemas["DatasetCreate"]["required"].GetArray()) required.emplace_back(r.GetString());
    EXPECT_EQ(required, std::vector<std::string>{"name"});
    const auto& props = schemas["DatasetCreate"]["properties"];
    for (auto [field, value] : {std::pair{"source_modality", "document"}, {"monetization_mode", "open"},
                                {"pricing_model", "demand_curve"}, {"visibility", "private"}}) {
        std::string text = props[field]["description"].GetString();
        EXPECT_NE(text.find(std::string("when absent, ") + value + "."), std::string::npos) << field << ": " << text;
    }
}

TEST_F(FrontOpenApi, ListParameters) {
    const auto& params = doc["paths"]["/v1/datasets"]["get"]["parameters"];
    std::vector<std::string> names;
    for (const auto& p : params.GetArray()) names.emplace_back(p["name"].GetString());
    EXPECT_EQ(names, (std::vector<std::string>{"cursor", "limit", "status", "visibility", "owner"}));
}

}  // namespace
}  // namespace ipto::front
