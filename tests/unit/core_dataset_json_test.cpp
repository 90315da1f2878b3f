// A dataset as the API shows it: exactly its fields, in the order of
// docs/api.md; counters as JSON integers; timestamps in the API's form.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dataset_json.hpp"

namespace {

constexpr std::int64_t kSecond = 1000000;

const std::vector<std::string> kFieldOrder = {
    "dataset_id",    "tenant_id",           "name",        "description", "source_modality",
    "monetization_mode", "pricing_model",   "visibility",  "status",      "object_count",
    "active_object_count", "total_bytes",   "created_at",  "updated_at",  "last_ingest_at"};

ipto::DatasetRecord sample() {
    ipto::DatasetRecord d;
    d.dataset_id = "dset_a1b2c3d4e5f6";
    d.tenant_id = "tnt_0123456789ab";
    d.name = "AP Invoices 2025";
    d.description = "Accounts payable invoices";
    d.source_modality = "document";
    d.monetization_mode = "open";
    d.pricing_model = "demand_curve";
    d.visibility = "private";
    d.status = "active";
    d.object_count = 3;
    d.active_object_count = 2;
    d.total_bytes = 1048576;
    d.created_at_us = 1775383200 * kSecond;
    d.updated_at_us = 1775383260 * kSecond + 999999;  // floored to :01:00
    d.last_ingest_at_us = 1775383320 * kSecond;
    return d;
}

rapidjson::Document parse(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse(text.c_str(), text.size());
    EXPECT_FALSE(doc.HasParseError()) << "offset " << doc.GetErrorOffset() << " in " << text;
    return doc;
}

std::vector<std::string> member_names(const rapidjson::Value& obj) {
    std::vector<std::string> names;
    for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) names.emplace_back(it->name.GetString());
    return names;
}

TEST(CoreDatasetJson, ExactTextOfAFullRecord) {
    EXPECT_EQ(ipto::dataset_json(sample()),
              "{\"dataset_id\":\"dset_a1b2c3d4e5f6\",\"tenant_id\":\"tnt_0123456789ab\","
              "\"name\":\"AP Invoices 2025\",\"description\":\"Accounts payable invoices\","
              "\"source_modality\":\"document\",\"monetization_mode\":\"open\","
              "\"pricing_model\":\"demand_curve\",\"visibility\":\"private\",\"status\":\"active\","
              "\"object_count\":3,\"active_object_count\":2,\"total_bytes\":1048576,"
              "\"created_at\":\"2026-04-05T10:00:00Z\",\"updated_at\":\"2026-04-05T10:01:00Z\","
              "\"last_ingest_at\":\"2026-04-05T10:02:00Z\"}");
}

TEST(CoreDatasetJson, FieldsInTheSeedsOrder) {
    auto doc = parse(ipto::dataset_json(sample()));
    ASSERT_TRUE(doc.IsObject());
    EXPECT_EQ(member_names(doc), kFieldOrder);
}

TEST(CoreDatasetJson, NullDescriptionAndNullLastIngest) {
    auto d = sample();
    d.description.reset();
    d.last_ingest_at_us.reset();
    d.object_count = d.active_object_count = d.total_bytes = 0;
    std::string text = ipto::dataset_json(d);
    EXPECT_NE(text.find("\"description\":null,"), std::string::npos) << text;
    EXPECT_NE(text.find("\"last_ingest_at\":null}"), std::string::npos) << text;
    auto doc = parse(text);
    ASSERT_TRUE(doc.IsObject());
    EXPECT_EQ(member_names(doc), kFieldOrder);
    EXPECT_TRUE(doc["description"].IsNull());
    EXPECT_TRUE(doc["last_ingest_at"].IsNull());
    EXPECT_TRUE(doc["object_count"].IsInt64());
    EXPECT_EQ(doc["object_count"].GetInt64(), 0);
}

TEST(CoreDatasetJson, EmptyDescriptionIsAStringNotNull) {
    auto d = sample();
    d.description = std::string();
    auto doc = parse(ipto::dataset_json(d));
    ASSERT_TRUE(doc["description"].IsString());
    EXPECT_STREQ(doc["description"].GetString(), "");
}

TEST(CoreDatasetJson, CountersAreJsonIntegers) {
    auto d = sample();
    d.object_count = 1000000;
    d.active_object_count = 999999;
    d.total_bytes = 5LL * 1024 * 1024 * 1024 * 1024;  // 5 TiB: past 32 bits
    std::string text = ipto::dataset_json(d);
    EXPECT_NE(text.find("\"total_bytes\":5497558138880,"), std::string::npos) << text;
    auto doc = parse(text);
    for (const char* f : {"object_count", "active_object_count", "total_bytes"}) {
        ASSERT_TRUE(doc[f].IsInt64()) << f;
        EXPECT_FALSE(doc[f].IsDouble()) << f;
    }
    EXPECT_EQ(doc["object_count"].GetInt64(), 1000000);
    EXPECT_EQ(doc["active_object_count"].GetInt64(), 999999);
    EXPECT_EQ(doc["total_bytes"].GetInt64(), 5497558138880LL);
}

TEST(CoreDatasetJson, TextValuesAreEscaped) {
    auto d = sample();
    d.name = "Q\"1\" \\ caf\xc3\xa9";
    d.description = "line 1\nline 2\ttab \x01";
    std::string text = ipto::dataset_json(d);
    auto doc = parse(text);
    ASSERT_TRUE(doc.IsObject());
    EXPECT_EQ(std::string(doc["name"].GetString()), d.name);
    EXPECT_EQ(std::string(doc["description"].GetString()), *d.description);
    EXPECT_EQ(member_names(doc), kFieldOrder);
}

TEST(CoreDatasetJson, TimestampsInApiForm) {
    auto d = sample();
    d.created_at_us = 1709210096 * kSecond + 500000;
    d.updated_at_us = 0;
    d.last_ingest_at_us = -1;
    auto doc = parse(ipto::dataset_json(d));
    EXPECT_STREQ(doc["created_at"].GetString(), "2024-02-29T12:34:56Z");
    EXPECT_STREQ(doc["updated_at"].GetString(), "1970-01-01T00:00:00Z");
    EXPECT_STREQ(doc["last_ingest_at"].GetString(), "1969-12-31T23:59:59Z");
}

TEST(CoreDatasetJson, AppendAddsToExistingText) {
    std::string out = "{\"data\":";
    ipto::append_dataset_json(out, sample());
    out += "}";
    auto doc = parse(out);
    ASSERT_TRUE(doc.IsObject());
    ASSERT_TRUE(doc["data"].IsObject());
    EXPECT_EQ(member_names(doc["data"]), kFieldOrder);
    EXPECT_EQ(out, "{\"data\":" + ipto::dataset_json(sample()) + "}");
}

TEST(CoreDatasetJson, PageWithNullNextCursor) {
    std::string text = ipto::dataset_page_json({}, 0, std::nullopt);
    EXPECT_EQ(text, "{\"datasets\":[],\"total\":0,\"next_cursor\":null}");
    auto doc = parse(text);
    ASSERT_TRUE(doc.IsObject());
    EXPECT_EQ(member_names(doc), (std::vector<std::string>{"datasets", "total", "next_cursor"}));
    EXPECT_TRUE(doc["datasets"].IsArray());
    EXPECT_EQ(doc["datasets"].Size(), 0u);
    EXPECT_TRUE(doc["total"].IsInt64());
    EXPECT_TRUE(doc["next_cursor"].IsNull());
}

TEST(CoreDatasetJson, PageWithNextCursorAndRecords) {
    auto a = sample();
    auto b = sample();
    b.dataset_id = "dset_000000000001";
    b.name = "Second";
    b.description.reset();
    b.last_ingest_at_us.reset();
    std::string text = ipto::dataset_page_json({a, b}, 57, std::string("AQAGTlKx-_abc"));
    EXPECT_EQ(text, "{\"datasets\":[" + ipto::dataset_json(a) + "," + ipto::dataset_json(b) +
                        "],\"total\":57,\"next_cursor\":\"AQAGTlKx-_abc\"}");
    auto doc = parse(text);
    ASSERT_TRUE(doc.IsObject());
    EXPECT_EQ(member_names(doc), (std::vector<std::string>{"datasets", "total", "next_cursor"}));
    ASSERT_TRUE(doc["datasets"].IsArray());
    ASSERT_EQ(doc["datasets"].Size(), 2u);
    EXPECT_STREQ(doc["datasets"][0]["dataset_id"].GetString(), "dset_a1b2c3d4e5f6");
    EXPECT_STREQ(doc["datasets"][1]["dataset_id"].GetString(), "dset_000000000001");
    EXPECT_TRUE(doc["datasets"][1]["description"].IsNull());
    for (const auto& item : doc["datasets"].GetArray()) EXPECT_EQ(member_names(item), kFieldOrder);
    ASSERT_TRUE(doc["total"].IsInt64());
    EXPECT_EQ(doc["total"].GetInt64(), 57);
    ASSERT_TRUE(doc["next_cursor"].IsString());
    EXPECT_STREQ(doc["next_cursor"].GetString(), "AQAGTlKx-_abc");
}

TEST(CoreDatasetJson, PageOfManyRecordsParses) {
    std::vector<ipto::DatasetRecord> page;
    for (int i = 0; i < 100; ++i) {
        auto d = sample();
        d.name = "Dataset \"" + std::to_string(i) + "\"";
        if (i % 2) d.description.reset();
        page.push_back(d);
    }
    auto doc = parse(ipto::dataset_page_json(page, 1234567, std::string("cursor")));
    ASSERT_TRUE(doc.IsObject());
    ASSERT_EQ(doc["datasets"].Size(), 100u);
    EXPECT_EQ(std::string(doc["datasets"][42]["name"].GetString()), "Dataset \"42\"");
    EXPECT_EQ(doc["total"].GetInt64(), 1234567);
}

}  // namespace
