// Hand-written JSON text (string escaping, integers) and body screening.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <limits>
#include <string>

#include "json_text.hpp"

namespace {

std::string js(std::string_view s) {
    std::string out;
    ipto::append_json_string(out, s);
    return out;
}

// Parses `text` (a JSON string literal) with RapidJSON and returns its value.
std::string parse_back(const std::string& text) {
    std::string doc_text = "[" + text + "]";
    rapidjson::Document doc;
    doc.Parse(doc_text.c_str(), doc_text.size());
    EXPECT_FALSE(doc.HasParseError()) << text;
    if (doc.HasParseError() || !doc.IsArray() || doc.Size() != 1 || !doc[0].IsString()) return "<not a string>";
    return std::string(doc[0].GetString(), doc[0].GetStringLength());
}

TEST(CoreJsonText, PlainTextIsQuoted) {
    EXPECT_EQ(js(""), "\"\"");
    EXPECT_EQ(js("AP Invoices 2025"), "\"AP Invoices 2025\"");
}

TEST(CoreJsonText, EscapesQuotesAndBackslash) {
    EXPECT_EQ(js("say \"hi\""), "\"say \\\"hi\\\"\"");
    EXPECT_EQ(js("C:\\path\\"), "\"C:\\\\path\\\\\"");
    EXPECT_EQ(js("\\\""), "\"\\\\\\\"\"");
}

TEST(CoreJsonText, EscapesNewlineReturnTab) {
    EXPECT_EQ(js("a\nb"), "\"a\\nb\"");
    EXPECT_EQ(js("a\rb"), "\"a\\rb\"");
    EXPECT_EQ(js("a\tb"), "\"a\\tb\"");
    EXPECT_EQ(js("\r\n\t"), "\"\\r\\n\\t\"");
}

TEST(CoreJsonText, EscapesOtherControlCharactersInUnicodeForm) {
    EXPECT_EQ(js("\x01"), "\"\\u0001\"");
    EXPECT_EQ(js("\x10"), "\"\\u0010\"");
    // Letters in the hex digits may be in either case; the value must be right.
    EXPECT_EQ(parse_back(js("a\x1f")), "a\x1f");
    EXPECT_EQ(js("a\x1f").substr(0, 5), "\"a\\u0");
    EXPECT_EQ(parse_back(js("\x0b")), "\x0b");
    EXPECT_EQ(js(std::string_view("\0", 1)), "\"\\u0000\"");
    EXPECT_EQ(js(std::string_view("x\0y", 3)), "\"x\\u0000y\"");
    // No raw control byte ever reaches the output.
    for (int c = 0; c < 0x20; ++c) {
        std::string out = js(std::string(1, static_cast<char>(c)));
        for (char o : out) EXPECT_GE(static_cast<unsigned char>(o), 0x20) << "byte " << c;
    }
}

TEST(CoreJsonText, EveryControlCharacterParsesBack) {
    for (int c = 0; c < 0x20; ++c) {
        std::string s = "a";
        s += static_cast<char>(c);
        s += "b";
        EXPECT_EQ(parse_back(js(s)), s) << "byte " << c;
    }
}

TEST(CoreJsonText, Utf8AndPrintableAsciiPassThrough) {
    EXPECT_EQ(js("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    EXPECT_EQ(js("a/b"), "\"a/b\"");
    EXPECT_EQ(js("\x7f"), "\"\x7f\"");
    std::string printable;
    for (int c = 0x20; c < 0x7f; ++c) printable += static_cast<char>(c);
    EXPECT_EQ(parse_back(js(printable)), printable);
    const std::string mixed = "\"quoted\"\\ \n\t\r \x01 caf\xc3\xa9 \xf0\x9f\x98\x80 </script>";
    EXPECT_EQ(parse_back(js(mixed)), mixed);
}

TEST(CoreJsonText, AppendsWithoutDisturbingWhatIsThere) {
    std::string out = "{\"k\":";
    ipto::append_json_string(out, "v");
    out += ',';
    ipto::append_json_int(out, 7);
    EXPECT_EQ(out, "{\"k\":\"v\",7");
}

TEST(CoreJsonText, Integers) {
    auto ji = [](std::int64_t v) {
        std::string out;
        ipto::append_json_int(out, v);
        return out;
    };
    EXPECT_EQ(ji(0), "0");
    EXPECT_EQ(ji(42), "42");
    EXPECT_EQ(ji(-1), "-1");
    EXPECT_EQ(ji(1099511627776), "1099511627776");
    EXPECT_EQ(ji(std::numeric_limits<std::int64_t>::max()), "9223372036854775807");
    EXPECT_EQ(ji(std::numeric_limits<std::int64_t>::min()), "-9223372036854775808");
}

TEST(CoreJsonText, ScreenAcceptsWellFormedText) {
    EXPECT_TRUE(ipto::is_screened_json_text(""));
    EXPECT_TRUE(ipto::is_screened_json_text("{}"));
    EXPECT_TRUE(ipto::is_screened_json_text("{\"name\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}"));
    EXPECT_TRUE(ipto::is_screened_json_text("{\"name\":\"\\u0000\"}"));  // escaped NUL is for the parser to judge
    EXPECT_TRUE(ipto::is_screened_json_text("not json, but clean text"));
}

TEST(CoreJsonText, ScreenRejectsNul) {
    EXPECT_FALSE(ipto::is_screened_json_text(std::string_view("\0", 1)));
    EXPECT_FALSE(ipto::is_screened_json_text(std::string_view("{}\0", 3)));
    EXPECT_FALSE(ipto::is_screened_json_text(std::string_view("{\"name\":\"a\0b\"}", 14)));
    EXPECT_FALSE(ipto::is_screened_json_text(std::string_view("\0{}", 3)));
}

TEST(CoreJsonText, ScreenRejectsInvalidUtf8) {
    EXPECT_FALSE(ipto::is_screened_json_text("{\"name\":\"\xff\"}"));
    EXPECT_FALSE(ipto::is_screened_json_text("{\"name\":\"\xc0\x80\"}"));      // overlong NUL
    EXPECT_FALSE(ipto::is_screened_json_text("{\"name\":\"\xed\xa0\x80\"}"));  // surrogate
    EXPECT_FALSE(ipto::is_screened_json_text("{\"name\":\"\xf4\x90\x80\x80\"}"));
    EXPECT_FALSE(ipto::is_screened_json_text("{\"name\":\"caf\xc3\"}"));
    EXPECT_FALSE(ipto::is_screened_json_text("{}\xc3"));
    EXPECT_FALSE(ipto::is_screened_json_text("\x80{}"));
    EXPECT_FALSE(ipto::is_screened_json_text("\xfe\xff{}"));  // UTF-16 byte order mark
}

}  // namespace
