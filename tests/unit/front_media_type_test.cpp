// Which Content-Types a body may come with.
#include <gtest/gtest.h>

#include "media_type.hpp"

namespace ipto::front {
namespace {

TEST(FrontMediaType, Accepted) {
    for (const char* t : {"application/json", "Application/JSON", "application/json; charset=utf-8",
                          "application/json;charset=UTF-8", "application/json; charset=\"utf-8\"",
                          "application/json ; charset=utf8", " application/json", "application/json;",
                          "application/json; foo=bar"}) {
        EXPECT_TRUE(is_json_media_type(t)) << t;
    }
}

TEST(FrontMediaType, Refused) {
    for (const char* t : {"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                          "application/jsonx", "application/json-patch+json", "application/json; charset=latin1",
                          "application/json; charset=utf-16", "application/json; junk", "json"}) {
        EXPECT_FALSE(is_json_media_type(t)) << t;
    }
}

}  // namespace
}  // namespace ipto::front
