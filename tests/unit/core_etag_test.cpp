// Entity tags: derived from the representation, compared as RFC 9110 §13.1
// says for If-Match (strong) and If-None-Match (weak).
#include <gtest/gtest.h>

#include "etag.hpp"

using ipto::entity_tag;
using ipto::entity_tag_matches;
using ipto::TagComparison;

namespace {

const std::string kJson = R"({"dataset_id":"dset_0123456789ab","object_count":1})";

TEST(CoreEtag, IsAQuotedStrongTagThatFollowsEveryByte) {
    std::string tag = entity_tag(kJson);
    ASSERT_EQ(tag.size(), 34u);
    EXPECT_EQ(tag.front(), '"');
    EXPECT_EQ(tag.back(), '"');
    EXPECT_EQ(tag.find_first_not_of("0123456789abcdef", 1), 33u);
    EXPECT_EQ(entity_tag(kJson), tag);
    std::string counted = kJson;
    counted[counted.size() - 2] = '2';  // a counter moved
    EXPECT_NE(entity_tag(counted), tag);
}

TEST(CoreEtag, StrongComparisonForIfMatch) {
    std::string tag = entity_tag(kJson);
    EXPECT_TRUE(entity_tag_matches(tag, tag, TagComparison::strong));
    EXPECT_TRUE(entity_tag_matches("*", tag, TagComparison::strong));
    EXPECT_TRUE(entity_tag_matches(" * ", tag, TagComparison::strong));
    EXPECT_TRUE(entity_tag_matches("\"other\", " + tag, tag, TagComparison::strong));
    EXPECT_TRUE(entity_tag_matches(",," + tag + " ,", tag, TagComparison::strong));
    EXPECT_FALSE(entity_tag_matches("W/" + tag, tag, TagComparison::strong));
    EXPECT_FALSE(entity_tag_matches("\"other\"", tag, TagComparison::strong));
    EXPECT_FALSE(entity_tag_matches(tag.substr(1, 32), tag, TagComparison::strong));  // unquoted
}

TEST(CoreEtag, WeakComparisonForIfNoneMatch) {
    std::string tag = entity_tag(kJson);
    EXPECT_TRUE(entity_tag_matches("W/" + tag, tag, TagComparison::weak));
    EXPECT_TRUE(entity_tag_matches(tag, tag, TagComparison::weak));
    EXPECT_TRUE(entity_tag_matches("*", tag, TagComparison::weak));
}

TEST(CoreEtag, MalformedListsMatchNothing) {
    std::string tag = entity_tag(kJson);
    for (std::string bad : {std::string(""), std::string(" "), std::string("*, ") + tag, tag + " x",
                            tag + tag, std::string("\"unterminated"), std::string("W/"), std::string(","),
                            "\"a\"b\", " + tag, "\"a\x7f\", " + tag}) {
        EXPECT_FALSE(entity_tag_matches(bad, tag, TagComparison::strong)) << bad;
        EXPECT_FALSE(entity_tag_matches(bad, tag, TagComparison::weak)) << bad;
    }
}

}  // namespace
