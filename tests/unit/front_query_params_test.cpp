// Query strings: parsing, and the screening of GET /v1/datasets' parameters.
#include <gtest/gtest.h>

#include "json_text.hpp"
#include "query_params.hpp"

namespace ipto::front {
namespace {

TEST(FrontQueryParams, Parse) {
    EXPECT_EQ(parse_query_string(""), QueryParams{});
    EXPECT_EQ(parse_query_string("limit=20"), (QueryParams{{"limit", "20"}}));
    EXPECT_EQ(parse_query_string("a=1&b=x%20y&c=p+q"), (QueryParams{{"a", "1"}, {"b", "x y"}, {"c", "p q"}}));
    EXPECT_EQ(parse_query_string("flag&&x="), (QueryParams{{"flag", ""}, {"x", ""}}));
    EXPECT_EQ(parse_query_string("a=%zz&b=%4"), (QueryParams{{"a", "%zz"}, {"b", "%4"}}));
    EXPECT_EQ(parse_query_string("cursor=abc-_Z09"), (QueryParams{{"cursor", "abc-_Z09"}}));
    EXPECT_EQ(parse_query_string("%6C%69mit=5"), (QueryParams{{"limit", "5"}}));
    EXPECT_EQ(parse_query_string("a=b=c"), (QueryParams{{"a", "b=c"}}));
}

TEST(FrontQueryParams, AllAllowedParametersPassRaw) {
    auto r = screen_list_query(parse_query_string("cursor=c1&limit=abc&status=archived&visibility=listed&owner=me"));
    ASSERT_FALSE(r.error);
    EXPECT_EQ(r.query.cursor, "c1");
    EXPECT_EQ(r.query.limit, "abc");  // SQL judges values (422), not the front
    EXPECT_EQ(r.query.status, "archived");
    EXPECT_EQ(r.query.visibility, "listed");
    EXPECT_EQ(r.query.owner, "me");
}

TEST(FrontQueryParams, AbsentParametersAreNull) {
    auto r = screen_list_query({});
    ASSERT_FALSE(r.error);
    EXPECT_FALSE(r.query.cursor);
    EXPECT_FALSE(r.query.limit);
    EXPECT_FALSE(r.query.status);
    EXPECT_FALSE(r.query.visibility);
    EXPECT_FALSE(r.query.owner);
    auto empty = screen_list_query(parse_query_string("limit="));
    ASSERT_FALSE(empty.error);
    EXPECT_EQ(empty.query.limit, "");  // present but empty: SQL says why it is wrong
}

TEST(FrontQueryParams, UnknownParameterIsNamed) {
    for (const char* q : {"foo=1", "limit=1&offset=5", "Limit=1", "page=2", "cursor=x&sort=name"}) {
        auto r = screen_list_query(parse_query_string(q));
        ASSERT_TRUE(r.error) << q;
        EXPECT_EQ(r.error->status, 400);
        EXPECT_EQ(r.error->code, "bad_request");
        ASSERT_TRUE(r.error->field);
        EXPECT_NE(r.error->message.find(*r.error->field), std::string::npos);
    }
    auto r = screen_list_query(parse_query_string("limit=1&offset=5"));
    EXPECT_EQ(r.error->field, "offset");
}

TEST(FrontQueryParams, RepeatedParameterIsNamed) {
    for (const char* name : {"cursor", "limit", "status", "visibility", "owner"}) {
        std::string q = std::string(name) + "=a&" + name + "=b";
        auto r = screen_list_query(parse_query_string(q));
        ASSERT_TRUE(r.error) << q;
        EXPECT_EQ(r.error->code, "bad_request");
        EXPECT_EQ(r.error->field, name);
    }
    auto same = screen_list_query(parse_query_string("limit=5&limit=5"));
    ASSERT_TRUE(same.error);
}

TEST(FrontQueryParams, ValuesMustBeText) {
    auto nul = screen_list_query(parse_query_string("status=a%00b"));
    ASSERT_TRUE(nul.error);
    EXPECT_EQ(nul.error->field, "status");
    auto bad = screen_list_query(parse_query_string("owner=%FF"));
    ASSERT_TRUE(bad.error);
    EXPECT_EQ(bad.error->field, "owner");
}

TEST(FrontQueryParams, UnprintableNamesAreMadeSafe) {
    auto r = screen_list_query(parse_query_string("%FF%00x=1"));
    ASSERT_TRUE(r.error);
    ASSERT_TRUE(r.error->field);
    EXPECT_TRUE(is_screened_json_text(*r.error->field));
    EXPECT_TRUE(is_screened_json_text(r.error->message));
}

TEST(FrontQueryParams, NoQueryEndpoints) {
    EXPECT_FALSE(screen_no_query({}));
    auto e = screen_no_query(parse_query_string("x=1"));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "bad_request");
    EXPECT_EQ(e->field, "x");
}

TEST(FrontQueryParams, Printable) {
    EXPECT_EQ(printable("abc"), "abc");
    EXPECT_EQ(printable("ünï"), "ünï");
    EXPECT_EQ(printable("a\xff"), "a\xEF\xBF\xBD");
    EXPECT_EQ(printable("a\nb"), "a\xEF\xBF\xBD" "b");
    EXPECT_EQ(printable("abcdef", 3), "abc\xE2\x80\xA6");
}

}  // namespace
}  // namespace ipto::front
