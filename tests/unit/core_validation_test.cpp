// The dataset rules of docs/api.md ("Validation" and "List"), shared by the SQL
// face and the REST face: request bodies, list limits and idempotency text.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core_test_helpers.hpp"
#include "errors.hpp"
#include "validation.hpp"

using ipto::BodyPurpose;
using ipto::DatasetFields;
using ipto::ErrorKind;
using ipto_test::ThrowsIptoError;
using ipto_test::ThrowsIptoKind;

namespace {

// ---- helpers ---------------------------------------------------------------

// A JSON string literal for s, written independently of the code under test:
// quotes, backslash and every C0 control escaped, all else raw UTF-8.
std::string js(const std::string& s) {
    static const char kHex[] = "0123456789abcdef";
    std::string out = "\"";
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20) {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 15];
        } else {
            out += ch;
        }
    }
    return out + "\"";
}

DatasetFields create(const std::string& json) { return ipto::parse_dataset_body(json, BodyPurpose::create); }
DatasetFields update(const std::string& json) { return ipto::parse_dataset_body(json, BodyPurpose::update); }

// {"name": <name>} as a create body.
std::string with_name(const std::string& name) { return "{\"name\":" + js(name) + "}"; }

::testing::AssertionResult RejectedOnCreate(const std::string& json, const std::string& field) {
    return ThrowsIptoError([&] { create(json); }, ErrorKind::validation, field);
}
::testing::AssertionResult RejectedOnUpdate(const std::string& json, const std::string& field) {
    return ThrowsIptoError([&] { update(json); }, ErrorKind::validation, field);
}
::testing::AssertionResult InvalidJson(const std::string& json, BodyPurpose purpose) {
    return ThrowsIptoError([&] { ipto::parse_dataset_body(json, purpose); }, ErrorKind::invalid_json, "");
}

std::string repeat(const std::string& unit, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += unit;
    return out;
}

const std::string kE = "\xc3\xa9";              // é, 2 bytes
const std::string kCjk = "\xe6\x97\xa5";        // 日, 3 bytes
const std::string kEmoji = "\xf0\x9f\x98\x80";  // 😀, 4 bytes
const std::string kNbsp = "\xc2\xa0";           // U+00A0
const std::string kIdeoSpace = "\xe3\x80\x80";  // U+3000

struct EnumField {
    const char* name;
    std::vector<std::string> values;
};
const std::vector<EnumField> kEnumFields = {
    {"source_modality", {"document", "image", "video", "audio", "mixed"}},
    {"monetization_mode", {"open", "premium", "restricted"}},
    {"pricing_model", {"demand_curve", "fixed"}},
    {"visibility", {"private", "restricted", "listed"}},
};

const std::vector<std::string> kReadOnlyFields = {"dataset_id",  "tenant_id",  "object_count", "active_object_count",
                                                  "total_bytes", "created_at", "updated_at",   "last_ingest_at"};

// ---- create: defaults and the required name ---------------------------------

TEST(CoreValidation, CreateFillsTheSeedsDefaults) {
    DatasetFields f = create("{\"name\":\"AP Invoices 2025\"}");
    EXPECT_EQ(f.name, std::optional<std::string>("AP Invoices 2025"));
    ASSERT_TRUE(f.description.has_value()) << "description should be set to null";
    EXPECT_FALSE(f.description->has_value()) << "description should be null";
    EXPECT_EQ(f.source_modality, std::optional<std::string>("document"));
    EXPECT_EQ(f.monetization_mode, std::optional<std::string>("open"));
    EXPECT_EQ(f.pricing_model, std::optional<std::string>("demand_curve"));
    EXPECT_EQ(f.visibility, std::optional<std::string>("private"));
    EXPECT_FALSE(f.status.has_value());  // the database makes it active
    EXPECT_FALSE(f.empty());
}

TEST(CoreValidation, CreateKeepsGivenValues) {
    DatasetFields f = create(
        "{\"name\":\"N\",\"description\":\"D\",\"source_modality\":\"video\",\"monetization_mode\":\"premium\","
        "\"pricing_model\":\"fixed\",\"visibility\":\"listed\"}");
    EXPECT_EQ(f.name, std::optional<std::string>("N"));
    ASSERT_TRUE(f.description.has_value());
    EXPECT_EQ(*f.description, std::optional<std::string>("D"));
    EXPECT_EQ(f.source_modality, std::optional<std::string>("video"));
    EXPECT_EQ(f.monetization_mode, std::optional<std::string>("premium"));
    EXPECT_EQ(f.pricing_model, std::optional<std::string>("fixed"));
    EXPECT_EQ(f.visibility, std::optional<std::string>("listed"));
}

TEST(CoreValidation, CreateRequiresName) {
    EXPECT_TRUE(RejectedOnCreate("{}", "name"));
    EXPECT_TRUE(RejectedOnCreate("{\"description\":\"no name\"}", "name"));
    EXPECT_TRUE(RejectedOnCreate("{\"visibility\":\"listed\",\"pricing_model\":\"fixed\"}", "name"));
}

// ---- name: length in code points, after trimming -----------------------------

TEST(CoreValidation, NameLengthBounds) {
    EXPECT_NO_THROW(create(with_name("x")));
    EXPECT_NO_THROW(create(with_name(std::string(199, 'a'))));
    EXPECT_EQ(create(with_name(std::string(200, 'a'))).name, std::optional<std::string>(std::string(200, 'a')));
    EXPECT_TRUE(RejectedOnCreate(with_name(std::string(201, 'a')), "name"));
    EXPECT_TRUE(RejectedOnCreate(with_name(std::string(5000, 'a')), "name"));
    EXPECT_TRUE(RejectedOnUpdate(with_name(std::string(201, 'a')), "name"));
    EXPECT_NO_THROW(update(with_name(std::string(200, 'a'))));
}

TEST(CoreValidation, NameLengthCountsCodePointsNotBytes) {
    for (const std::string& unit : {kE, kCjk, kEmoji}) {
        EXPECT_EQ(create(with_name(repeat(unit, 200))).name, std::optional<std::string>(repeat(unit, 200)))
            << unit;
        EXPECT_TRUE(RejectedOnCreate(with_name(repeat(unit, 201)), "name")) << unit;
    }
    // Mixed widths: 100 + 50 + 50 = 200 code points, 600 bytes.
    std::string mixed = repeat("a", 100) + repeat(kE, 50) + repeat(kEmoji, 50);
    EXPECT_NO_THROW(create(with_name(mixed)));
    EXPECT_TRUE(RejectedOnCreate(with_name(mixed + "a"), "name"));
    // The same through a JSON \u escape: "\u00e9" is one character.
    EXPECT_NO_THROW(create("{\"name\":\"" + repeat("\\u00e9", 200) + "\"}"));
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"" + repeat("\\u00e9", 201) + "\"}", "name"));
    // A surrogate pair escape is one character.
    EXPECT_EQ(create("{\"name\":\"" + repeat("\\ud83d\\ude00", 200) + "\"}").name,
              std::optional<std::string>(repeat(kEmoji, 200)));
}

TEST(CoreValidation, NameIsTrimmed) {
    EXPECT_EQ(create(with_name("  AP Invoices  ")).name, std::optional<std::string>("AP Invoices"));
    EXPECT_EQ(create(with_name(kNbsp + "x" + kNbsp)).name, std::optional<std::string>("x"));
    EXPECT_EQ(create(with_name(kIdeoSpace + "x" + kIdeoSpace)).name, std::optional<std::string>("x"));
    EXPECT_EQ(create(with_name(" " + kNbsp + kIdeoSpace + " Caf" + kE + " " + kIdeoSpace)).name,
              std::optional<std::string>("Caf" + kE));
    EXPECT_EQ(create("{\"name\":\"\\u00a0\\u3000x\\u3000\"}").name, std::optional<std::string>("x"));
    // Inner spaces stay as they are.
    EXPECT_EQ(create(with_name(" a  b" + kNbsp + "c ")).name, std::optional<std::string>("a  b" + kNbsp + "c"));
    EXPECT_EQ(update(with_name("  y  ")).name, std::optional<std::string>("y"));
}

TEST(CoreValidation, NameLengthIsCountedAfterTrimming) {
    std::string padded = "   " + std::string(200, 'a') + kIdeoSpace + kNbsp + "  ";
    EXPECT_EQ(create(with_name(padded)).name, std::optional<std::string>(std::string(200, 'a')));
}

TEST(CoreValidation, EmptyOrBlankNameIsRejected) {
    EXPECT_TRUE(RejectedOnCreate(with_name(""), "name"));
    EXPECT_TRUE(RejectedOnCreate(with_name(" "), "name"));
    EXPECT_TRUE(RejectedOnCreate(with_name("   "), "name"));
    EXPECT_TRUE(RejectedOnCreate(with_name(kNbsp), "name"));
    EXPECT_TRUE(RejectedOnCreate(with_name(kIdeoSpace + " " + kNbsp), "name"));
    EXPECT_TRUE(RejectedOnUpdate(with_name(""), "name"));
    EXPECT_TRUE(RejectedOnUpdate(with_name("   "), "name"));
}

TEST(CoreValidation, ControlCharactersInNameAreRejectedAnywhere) {
    const std::vector<std::string> controls = {"\t", "\n", "\r", std::string(1, '\0'), "\x01", "\x1b", "\x1f",
                                               "\x7f", "\xc2\x85" /* U+0085 */, "\xc2\x80", "\xc2\x9f"};
    for (const std::string& c : controls) {
        SCOPED_TRACE(::testing::Message() << "control " << js(c));
        EXPECT_TRUE(RejectedOnCreate(with_name(c + "name"), "name"));
        EXPECT_TRUE(RejectedOnCreate(with_name("na" + c + "me"), "name"));
        EXPECT_TRUE(RejectedOnCreate(with_name("name" + c), "name"));
        EXPECT_TRUE(RejectedOnCreate(with_name(" name " + c + " "), "name"));
        EXPECT_TRUE(RejectedOnUpdate(with_name("na" + c + "me"), "name"));
    }
    // Escaped forms too.
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"a\\tb\"}", "name"));
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"a\\nb\"}", "name"));
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"a\\u0000b\"}", "name"));
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"a\\u007fb\"}", "name"));
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"a\\u0085b\"}", "name"));
}

TEST(CoreValidation, PrintableNamesAreKept) {
    std::string printable;
    for (int c = 0x21; c < 0x7f; ++c) printable += static_cast<char>(c);  // 94 characters
    EXPECT_EQ(create(with_name(printable)).name, std::optional<std::string>(printable));
    EXPECT_EQ(create(with_name("\xc2\xa1" /* U+00A1, first after C1 */)).name,
              std::optional<std::string>("\xc2\xa1"));
}

TEST(CoreValidation, NormalizeNameDirectly) {
    EXPECT_EQ(ipto::normalize_name("  x  "), "x");
    EXPECT_TRUE(ThrowsIptoError([] { ipto::normalize_name(""); }, ErrorKind::validation, "name"));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::normalize_name("\xff"); }, ErrorKind::validation, "name"));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::normalize_name("ok\xc3"); }, ErrorKind::validation, "name"));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::normalize_name("\xed\xa0\x80"); }, ErrorKind::validation, "name"));
}

// ---- description --------------------------------------------------------------

TEST(CoreValidation, DescriptionLengthBounds) {
    auto body = [](const std::string& d) { return "{\"name\":\"n\",\"description\":" + js(d) + "}"; };
    auto f = create(body(std::string(2000, 'd')));
    ASSERT_TRUE(f.description.has_value() && f.description->has_value());
    EXPECT_EQ(f.description->value(), std::string(2000, 'd'));
    EXPECT_NO_THROW(create(body(std::string(1999, 'd'))));
    EXPECT_TRUE(RejectedOnCreate(body(std::string(2001, 'd')), "description"));
    EXPECT_NO_THROW(create(body(repeat(kE, 2000))));
    EXPECT_NO_THROW(create(body(repeat(kEmoji, 2000))));
    EXPECT_TRUE(RejectedOnCreate(body(repeat(kE, 2001)), "description"));
    EXPECT_TRUE(RejectedOnUpdate("{\"description\":" + js(std::string(2001, 'd')) + "}", "description"));
}

TEST(CoreValidation, DescriptionMayBeNull) {
    auto f = create("{\"name\":\"n\",\"description\":null}");
    ASSERT_TRUE(f.description.has_value());
    EXPECT_FALSE(f.description->has_value());
    // On update, null is a change (clear it), unlike an absent description.
    auto u = update("{\"description\":null}");
    ASSERT_TRUE(u.description.has_value());
    EXPECT_FALSE(u.description->has_value());
    EXPECT_FALSE(u.empty());
    EXPECT_FALSE(update("{\"name\":\"x\"}").description.has_value());
}

TEST(CoreValidation, DescriptionAllowsTabsAndLineBreaks) {
    const std::string d = "line one\nline two\r\n\tindented";
    auto f = create("{\"name\":\"n\",\"description\":" + js(d) + "}");
    ASSERT_TRUE(f.description.has_value() && f.description->has_value());
    EXPECT_EQ(f.description->value(), d);
}

// docs/api.md: a description is null or at most 2000 characters. Any
// character PostgreSQL text can hold is allowed; U+0000 is the one it cannot.
TEST(CoreValidation, DescriptionAllowsControlsButNotNul) {
    for (int c = 1; c < 0x20; ++c) {
        std::string d = "odd ";
        d += static_cast<char>(c);
        d += " here";
        auto f = create("{\"name\":\"n\",\"description\":" + js(d) + "}");
        ASSERT_TRUE(f.description.has_value() && f.description->has_value()) << c;
        EXPECT_EQ(f.description->value(), d) << c;
    }
    EXPECT_TRUE(RejectedOnUpdate("{\"description\":\"\\u0000\"}", "description"));
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"n\",\"description\":\"a\\u0000b\"}", "description"));
}

TEST(CoreValidation, ValidateDescriptionDirectly) {
    EXPECT_NO_THROW(ipto::validate_description(""));
    EXPECT_NO_THROW(ipto::validate_description(std::string(2000, 'x')));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_description(std::string(2001, 'x')); }, ErrorKind::validation,
                                "description"));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_description("\xc3"); }, ErrorKind::validation, "description"));
    EXPECT_NO_THROW(ipto::validate_description("a\x02"));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_description(std::string("a\0b", 3)); }, ErrorKind::validation,
                                "description"));
}

// ---- enumerated fields -----------------------------------------------------------

TEST(CoreValidation, EveryEnumValueIsAccepted) {
    for (const auto& field : kEnumFields) {
        for (const auto& value : field.values) {
            std::string body = "{\"name\":\"n\",\"" + std::string(field.name) + "\":" + js(value) + "}";
            DatasetFields f = create(body);
            std::optional<std::string> got = std::string(field.name) == "source_modality"     ? f.source_modality
                                              : std::string(field.name) == "monetization_mode" ? f.monetization_mode
                                              : std::string(field.name) == "pricing_model"     ? f.pricing_model
                                                                                               : f.visibility;
            EXPECT_EQ(got, std::optional<std::string>(value)) << field.name;
            EXPECT_NO_THROW(update("{\"" + std::string(field.name) + "\":" + js(value) + "}")) << field.name;
        }
    }
}

TEST(CoreValidation, AllowedValueListsMatchTheContract) {
    auto as_strings = [](const std::vector<std::string_view>& v) { return std::vector<std::string>(v.begin(), v.end()); };
    EXPECT_EQ(as_strings(ipto::kSourceModalities), kEnumFields[0].values);
    EXPECT_EQ(as_strings(ipto::kMonetizationModes), kEnumFields[1].values);
    EXPECT_EQ(as_strings(ipto::kPricingModels), kEnumFields[2].values);
    EXPECT_EQ(as_strings(ipto::kVisibilities), kEnumFields[3].values);
    EXPECT_EQ(as_strings(ipto::kDatasetStatuses), (std::vector<std::string>{"active", "archived"}));
    EXPECT_EQ(as_strings(ipto::kOwnerFilters), (std::vector<std::string>{"me", "others"}));
    EXPECT_EQ(as_strings(ipto::kObjectStatuses),
              (std::vector<std::string>{"pending", "staged", "under_review", "approved", "rejected", "expired"}));
}

TEST(CoreValidation, WrongEnumValueIsRejectedNamingTheField) {
    for (const auto& field : kEnumFields) {
        const std::string f = field.name;
        for (const std::string& bad : {std::string("nonsense"), std::string(""), field.values[0] + " ",
                                       " " + field.values[0], field.values[0] + "s",
                                       std::string(1, static_cast<char>(field.values[0][0] - 32)) +
                                           field.values[0].substr(1),  // Capitalised
                                       std::string("active"), std::string(300, 'z')}) {
            EXPECT_TRUE(RejectedOnCreate("{\"name\":\"n\",\"" + f + "\":" + js(bad) + "}", f)) << f << "=" << bad;
            EXPECT_TRUE(RejectedOnUpdate("{\"" + f + "\":" + js(bad) + "}", f)) << f << "=" << bad;
        }
    }
    // Values of one field are not values of another.
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"n\",\"visibility\":\"premium\"}", "visibility"));
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"n\",\"monetization_mode\":\"listed\"}", "monetization_mode"));
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"n\",\"source_modality\":\"fixed\"}", "source_modality"));
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"n\",\"pricing_model\":\"open\"}", "pricing_model"));
}

TEST(CoreValidation, EnumErrorListsTheAllowedValues) {
    try {
        create("{\"name\":\"n\",\"visibility\":\"public\"}");
        FAIL() << "accepted visibility public";
    } catch (const ipto::Error& e) {
        EXPECT_EQ(e.field(), "visibility");
        std::string all = std::string(e.what()) + " " + e.detail() + " " + e.hint();
        EXPECT_NE(std::string(e.what()).find("public"), std::string::npos) << e.what();
        for (const char* v : {"private", "restricted", "listed"}) EXPECT_NE(all.find(v), std::string::npos) << all;
    }
}

TEST(CoreValidation, ValidateChoiceDirectly) {
    EXPECT_NO_THROW(ipto::validate_choice("owner", "me", ipto::kOwnerFilters));
    EXPECT_NO_THROW(ipto::validate_choice("owner", "others", ipto::kOwnerFilters));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_choice("owner", "all", ipto::kOwnerFilters); },
                                ErrorKind::validation, "owner"));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_choice("status", "\xff\xfe", ipto::kObjectStatuses); },
                                ErrorKind::validation, "status"));
    for (auto s : ipto::kObjectStatuses) EXPECT_NO_THROW(ipto::validate_choice("status", s, ipto::kObjectStatuses));
}

// ---- status: update only ---------------------------------------------------------------

TEST(CoreValidation, StatusOnCreateIsRejected) {
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"n\",\"status\":\"active\"}", "status"));
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"n\",\"status\":\"archived\"}", "status"));
    EXPECT_TRUE(RejectedOnCreate("{\"status\":\"active\",\"name\":\"n\"}", "status"));
}

TEST(CoreValidation, StatusOnUpdate) {
    EXPECT_EQ(update("{\"status\":\"active\"}").status, std::optional<std::string>("active"));
    EXPECT_EQ(update("{\"status\":\"archived\"}").status, std::optional<std::string>("archived"));
    for (const char* bad : {"deleted", "Active", "ARCHIVED", "", "archived ", "private"}) {
        EXPECT_TRUE(RejectedOnUpdate(std::string("{\"status\":") + js(bad) + "}", "status")) << bad;
    }
}

// ---- JSON types ---------------------------------------------------------------------------

TEST(CoreValidation, WrongJsonTypesAreRejectedNamingTheField) {
    const std::vector<std::string> non_strings = {"1", "0", "-1.5", "1e3", "true", "false", "[]", "[\"x\"]",
                                                  "{}", "{\"a\":\"b\"}"};
    for (const char* field : {"name", "source_modality", "monetization_mode", "pricing_model", "visibility"}) {
        for (const auto& v : non_strings) {
            std::string rest = std::string(field) == "name" ? "" : ",\"name\":\"n\"";
            EXPECT_TRUE(RejectedOnCreate("{\"" + std::string(field) + "\":" + v + rest + "}", field))
                << field << "=" << v;
            EXPECT_TRUE(RejectedOnUpdate("{\"" + std::string(field) + "\":" + v + "}", field)) << field << "=" << v;
        }
    }
    for (const auto& v : non_strings) {
        EXPECT_TRUE(RejectedOnCreate("{\"name\":\"n\",\"description\":" + v + "}", "description")) << v;
        EXPECT_TRUE(RejectedOnUpdate("{\"description\":" + v + "}", "description")) << v;
        EXPECT_TRUE(RejectedOnUpdate("{\"status\":" + v + "}", "status")) << v;
    }
}

TEST(CoreValidation, NullIsOnlyAllowedForDescription) {
    for (const char* field : {"name", "source_modality", "monetization_mode", "pricing_model", "visibility"}) {
        std::string rest = std::string(field) == "name" ? "" : ",\"name\":\"n\"";
        EXPECT_TRUE(RejectedOnCreate("{\"" + std::string(field) + "\":null" + rest + "}", field)) << field;
        EXPECT_TRUE(RejectedOnUpdate("{\"" + std::string(field) + "\":null}", field)) << field;
    }
    EXPECT_TRUE(RejectedOnUpdate("{\"status\":null}", "status"));
}

// ---- unknown, read-only and duplicate fields --------------------------------------------------

TEST(CoreValidation, UnknownFieldIsRejectedNamingIt) {
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"n\",\"colour\":\"red\"}", "colour"));
    EXPECT_TRUE(RejectedOnCreate("{\"colour\":\"red\",\"name\":\"n\"}", "colour"));
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"n\",\"Name\":\"n\"}", "Name"));  // keys are case-sensitive
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"n\",\"\":1}", ""));
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"n\",\"visibility \":\"private\"}", "visibility "));
    EXPECT_TRUE(RejectedOnUpdate("{\"colour\":null}", "colour"));
    EXPECT_TRUE(RejectedOnUpdate("{\"name\":\"n\",\"tags\":[]}", "tags"));
    EXPECT_TRUE(RejectedOnUpdate("{\"caf\\u00e9\":1}", "caf" + kE));
}

TEST(CoreValidation, ReadOnlyFieldsAreRejectedNamingThem) {
    for (const auto& field : kReadOnlyFields) {
        for (const char* value : {"\"x\"", "0", "null"}) {
            EXPECT_TRUE(RejectedOnCreate("{\"name\":\"n\",\"" + field + "\":" + value + "}", field))
                << field << "=" << value;
            EXPECT_TRUE(RejectedOnUpdate("{\"" + field + "\":" + value + "}", field)) << field << "=" << value;
        }
    }
}

TEST(CoreValidation, ReadOnlyErrorSaysReadOnly) {
    try {
        update("{\"dataset_id\":\"dset_a1b2c3d4e5f6\"}");
        FAIL();
    } catch (const ipto::Error& e) {
        EXPECT_NE(std::string(e.what()).find("read-only"), std::string::npos) << e.what();
    }
}

TEST(CoreValidation, DuplicateKeyIsRejected) {
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"a\",\"name\":\"b\"}", "name"));
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"a\",\"name\":\"a\"}", "name"));
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"a\",\"visibility\":\"listed\",\"visibility\":\"private\"}", "visibility"));
    EXPECT_TRUE(RejectedOnUpdate("{\"description\":null,\"description\":null}", "description"));
    EXPECT_TRUE(RejectedOnUpdate("{\"status\":\"active\",\"status\":\"archived\"}", "status"));
    // Written differently, but the same key once decoded.
    EXPECT_TRUE(RejectedOnCreate("{\"name\":\"a\",\"n\\u0061me\":\"b\"}", "name"));
}

// ---- bodies that are not objects, or not JSON ----------------------------------------------------

TEST(CoreValidation, NonObjectBodyIsValidationWithNoField) {
    for (const char* body : {"[]", "1", "\"x\"", "null", "true", "[{\"name\":\"n\"}]", "  []  ", "-0", "\"\""}) {
        EXPECT_TRUE(RejectedOnCreate(body, "")) << body;
        EXPECT_TRUE(RejectedOnUpdate(body, "")) << body;
    }
}

TEST(CoreValidation, TextThatIsNotJsonIsInvalidJson) {
    const std::vector<std::string> bodies = {
        "{",
        "",
        "   ",
        "{\"name\":}",
        "{} x",
        "{}{}",
        "{\"name\":\"n\"",
        "{\"name\" \"n\"}",
        "{'name':'n'}",
        "{name:\"n\"}",
        "{\"name\":\"n\",}",           // trailing comma
        "/* c */ {\"name\":\"n\"}",   // comments
        "{\"name\":\"n\"} // c",
        "{\"x\":NaN}",
        "{\"x\":Infinity}",
        "{\"x\":01}",
        "{\"name\":\"a\nb\"}",           // raw newline inside a string
        "{\"name\":\"\\x41\"}",          // not a JSON escape
        "{\"name\":\"\\u12\"}",
        "{\"name\":\"\xff\"}",           // invalid UTF-8 in a string
        "{\"name\":\"\xc0\x80\"}",       // overlong
        "{\"name\":\"\xed\xa0\x80\"}",   // encoded surrogate
        "{\"\xff\":1}",                  // invalid UTF-8 in a key
        "{\"name\":\"\\ud800\"}",        // lone high surrogate escape
    };
    for (const auto& b : bodies) {
        EXPECT_TRUE(InvalidJson(b, BodyPurpose::create)) << js(b);
        EXPECT_TRUE(InvalidJson(b, BodyPurpose::update)) << js(b);
    }
}

TEST(CoreValidation, EmbeddedNulIsNeverAccepted) {
    // The body is a string_view: nothing after a NUL may be ignored.
    for (const std::string& b : {std::string("{}\0", 3), std::string("{}\0 garbage", 11),
                                 std::string("{\"name\":\"n\"}\0{", 14), std::string("\0{}", 3),
                                 std::string("{\"name\":\"a\0b\"}", 14)}) {
        EXPECT_TRUE(InvalidJson(b, BodyPurpose::create)) << js(b);
        EXPECT_TRUE(InvalidJson(b, BodyPurpose::update)) << js(b);
    }
}

TEST(CoreValidation, LoneLowSurrogateEscapeIsNeverAccepted) {
    // Whatever layer catches it, a name can never hold an unpaired surrogate.
    for (const char* body : {"{\"name\":\"\\udc00\"}", "{\"name\":\"a\\udfffb\"}", "{\"name\":\"\\ude00\\ud83d\"}"}) {
        try {
            auto f = create(body);
            ADD_FAILURE() << "accepted " << body << " as name " << js(f.name.value_or(""));
        } catch (const ipto::Error& e) {
            EXPECT_TRUE(e.kind() == ErrorKind::invalid_json ||
                        (e.kind() == ErrorKind::validation && e.field() == "name"))
                << body << ": " << e.what();
        }
    }
}

TEST(CoreValidation, DeepNestingReturnsAnErrorWithoutCrashing) {
    const std::size_t depth = 100000;
    const std::string closed = std::string(depth, '[') + std::string(depth, ']');
    EXPECT_TRUE(RejectedOnCreate(closed, ""));
    EXPECT_TRUE(RejectedOnUpdate(closed, ""));
    const std::string unclosed(depth, '[');
    EXPECT_TRUE(InvalidJson(unclosed, BodyPurpose::create));
    const std::string in_name = "{\"name\":" + closed + "}";
    EXPECT_TRUE(RejectedOnCreate(in_name, "name"));
    std::string objects;
    for (std::size_t i = 0; i < depth; ++i) objects += "{\"a\":";
    objects += "1" + std::string(depth, '}');
    EXPECT_TRUE(RejectedOnCreate(objects, "a"));
    EXPECT_TRUE(ThrowsIptoKind([&] { create("{\"name\":\"n\",\"description\":" + closed + "}"); },
                               ErrorKind::validation));
}

// ---- update ------------------------------------------------------------------------------------------

TEST(CoreValidation, UpdateWithEmptyObjectChangesNothing) {
    EXPECT_TRUE(update("{}").empty());
    EXPECT_TRUE(update(" { } ").empty());
    EXPECT_TRUE(update("\n{\n}\n").empty());
}

TEST(CoreValidation, UpdateFillsNoDefaults) {
    DatasetFields f = update("{\"visibility\":\"listed\"}");
    EXPECT_EQ(f.visibility, std::optional<std::string>("listed"));
    EXPECT_FALSE(f.name.has_value());
    EXPECT_FALSE(f.description.has_value());
    EXPECT_FALSE(f.source_modality.has_value());
    EXPECT_FALSE(f.monetization_mode.has_value());
    EXPECT_FALSE(f.pricing_model.has_value());
    EXPECT_FALSE(f.status.has_value());
    EXPECT_FALSE(f.empty());
}

TEST(CoreValidation, EmptyReportsEachField) {
    DatasetFields f;
    EXPECT_TRUE(f.empty());
    f.status = "active";
    EXPECT_FALSE(f.empty());
    f = DatasetFields{};
    f.description = std::optional<std::string>();
    EXPECT_FALSE(f.empty());
}

TEST(CoreValidation, ValidateFieldsOnCreateFillsDefaultsAndTrims) {
    DatasetFields f;
    f.name = "  n  ";
    ipto::validate_dataset_fields(f, BodyPurpose::create);
    EXPECT_EQ(f.name, std::optional<std::string>("n"));
    EXPECT_EQ(f.visibility, std::optional<std::string>("private"));
    DatasetFields missing;
    EXPECT_TRUE(ThrowsIptoError([&] { ipto::validate_dataset_fields(missing, BodyPurpose::create); },
                                ErrorKind::validation, "name"));
    DatasetFields none;
    EXPECT_NO_THROW(ipto::validate_dataset_fields(none, BodyPurpose::update));
    EXPECT_TRUE(none.empty());
}

// ---- list limit ---------------------------------------------------------------------------------------

TEST(CoreValidation, LimitDefaultsTo20) { EXPECT_EQ(ipto::parse_limit(std::nullopt), 20); }

TEST(CoreValidation, LimitInRange) {
    EXPECT_EQ(ipto::parse_limit(std::string_view("1")), 1);
    EXPECT_EQ(ipto::parse_limit(std::string_view("20")), 20);
    EXPECT_EQ(ipto::parse_limit(std::string_view("99")), 99);
    EXPECT_EQ(ipto::parse_limit(std::string_view("100")), 100);
    for (int n = 1; n <= 100; ++n) EXPECT_EQ(ipto::parse_limit(std::to_string(n)), n);
}

TEST(CoreValidation, LimitOutOfRangeOrNotAWholeNumber) {
    for (const char* t : {"0", "101", "-1", "abc", "1.5", "", "99999999999", "1000", "4294967297",
                          "18446744073709551617", " 1", "1 ", "+1", "1e2", "0x10", "\xef\xbc\x91" /* fullwidth 1 */,
                          "\xff", "２0"}) {
        EXPECT_TRUE(ThrowsIptoError([&] { ipto::parse_limit(std::string_view(t)); }, ErrorKind::validation, "limit"))
            << "\"" << t << "\"";
    }
    EXPECT_TRUE(ThrowsIptoError([&] { ipto::parse_limit(std::string_view("1\0", 2)); }, ErrorKind::validation,
                                "limit"));
}

TEST(CoreValidation, ValidateLimitDirectly) {
    EXPECT_NO_THROW(ipto::validate_limit(1));
    EXPECT_NO_THROW(ipto::validate_limit(100));
    for (std::int64_t bad : {std::int64_t(0), std::int64_t(101), std::int64_t(-1), INT64_MAX, INT64_MIN,
                             std::int64_t(4294967297LL)}) {
        EXPECT_TRUE(ThrowsIptoError([&] { ipto::validate_limit(bad); }, ErrorKind::validation, "limit")) << bad;
    }
}

// ---- canonical text (idempotency) -------------------------------------------------------------------

std::string canon_create(const std::string& json) { return ipto::canonical_text(create(json)); }

TEST(CoreValidation, CanonicalTextIgnoresKeyOrderAndWhitespace) {
    const std::string a =
        "{\"name\":\"AP\",\"description\":\"d\",\"source_modality\":\"image\",\"monetization_mode\":\"premium\","
        "\"pricing_model\":\"fixed\",\"visibility\":\"listed\"}";
    const std::string b =
        "{ \"visibility\" : \"listed\" ,\n \"pricing_model\":\"fixed\",\t\"monetization_mode\":\"premium\",\r\n"
        "  \"source_modality\":\"image\", \"description\":\"d\", \"name\":\"AP\" }";
    EXPECT_EQ(canon_create(a), canon_create(b));
    EXPECT_EQ(canon_create("{\"name\":\"x\",\"visibility\":\"listed\"}"),
              canon_create("{\"visibility\":\"listed\",\"name\":\"x\"}"));
}

TEST(CoreValidation, CanonicalTextIsOfTheFieldsAfterDefaultsAndTrimming) {
    // Spelling out a default or escaping a character gives the same dataset.
    EXPECT_EQ(canon_create("{\"name\":\"x\"}"),
              canon_create("{\"name\":\"x\",\"description\":null,\"source_modality\":\"document\","
                           "\"monetization_mode\":\"open\",\"pricing_model\":\"demand_curve\",\"visibility\":\"private\"}"));
    EXPECT_EQ(canon_create("{\"name\":\"x\"}"), canon_create("{\"name\":\"  x \"}"));
    EXPECT_EQ(canon_create("{\"name\":\"caf\xc3\xa9\"}"), canon_create("{\"name\":\"caf\\u00e9\"}"));
}

TEST(CoreValidation, CanonicalTextDiffersWhenAnyFieldDiffers) {
    const std::string base =
        "{\"name\":\"AP\",\"description\":\"d\",\"source_modality\":\"image\",\"monetization_mode\":\"premium\","
        "\"pricing_model\":\"fixed\",\"visibility\":\"listed\"}";
    const std::string c0 = canon_create(base);
    const std::vector<std::string> variants = {
        "{\"name\":\"AP2\",\"description\":\"d\",\"source_modality\":\"image\",\"monetization_mode\":\"premium\","
        "\"pricing_model\":\"fixed\",\"visibility\":\"listed\"}",
        "{\"name\":\"ap\",\"description\":\"d\",\"source_modality\":\"image\",\"monetization_mode\":\"premium\","
        "\"pricing_model\":\"fixed\",\"visibility\":\"listed\"}",
        "{\"name\":\"AP\",\"description\":\"e\",\"source_modality\":\"image\",\"monetization_mode\":\"premium\","
        "\"pricing_model\":\"fixed\",\"visibility\":\"listed\"}",
        "{\"name\":\"AP\",\"description\":null,\"source_modality\":\"image\",\"monetization_mode\":\"premium\","
        "\"pricing_model\":\"fixed\",\"visibility\":\"listed\"}",
        "{\"name\":\"AP\",\"description\":\"\",\"source_modality\":\"image\",\"monetization_mode\":\"premium\","
        "\"pricing_model\":\"fixed\",\"visibility\":\"listed\"}",
        "{\"name\":\"AP\",\"description\":\"d\",\"source_modality\":\"video\",\"monetization_mode\":\"premium\","
        "\"pricing_model\":\"fixed\",\"visibility\":\"listed\"}",
        "{\"name\":\"AP\",\"description\":\"d\",\"source_modality\":\"image\",\"monetization_mode\":\"open\","
        "\"pricing_model\":\"fixed\",\"visibility\":\"listed\"}",
        "{\"name\":\"AP\",\"description\":\"d\",\"source_modality\":\"image\",\"monetization_mode\":\"premium\","
        "\"pricing_model\":\"demand_curve\",\"visibility\":\"listed\"}",
        "{\"name\":\"AP\",\"description\":\"d\",\"source_modality\":\"image\",\"monetization_mode\":\"premium\","
        "\"pricing_model\":\"fixed\",\"visibility\":\"restricted\"}",
    };
    std::vector<std::string> all = {c0};
    for (const auto& v : variants) {
        std::string c = canon_create(v);
        EXPECT_NE(c, c0) << v;
        all.push_back(c);
    }
    // All variants are pairwise distinct.
    for (std::size_t i = 0; i < all.size(); ++i) {
        for (std::size_t j = i + 1; j < all.size(); ++j) EXPECT_NE(all[i], all[j]) << i << " vs " << j;
    }
}

TEST(CoreValidation, CanonicalTextCannotBeConfusedByFieldContents) {
    // Moving text between name and description must not produce the same text.
    EXPECT_NE(canon_create("{\"name\":\"a\",\"description\":\"b\"}"),
              canon_create("{\"name\":\"ab\",\"description\":\"\"}"));
    EXPECT_NE(canon_create("{\"name\":\"a\",\"description\":\"~\"}"), canon_create("{\"name\":\"a\"}"));
    EXPECT_NE(canon_create("{\"name\":\"a=b\"}"), canon_create("{\"name\":\"a\",\"description\":\"b\"}"));
}

// ---- object, tenant and credential fields -------------------------------------------------------------

TEST(CoreValidation, ObjectFields) {
    EXPECT_NO_THROW(ipto::validate_filename("invoice.pdf"));
    EXPECT_NO_THROW(ipto::validate_filename(std::string(1024, 'f')));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_filename(""); }, ErrorKind::validation, "filename"));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_filename(std::string(1025, 'f')); }, ErrorKind::validation,
                                "filename"));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_filename("a\nb"); }, ErrorKind::validation, "filename"));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_filename("\xff"); }, ErrorKind::validation, "filename"));

    EXPECT_NO_THROW(ipto::validate_size_bytes(0));
    EXPECT_NO_THROW(ipto::validate_size_bytes(INT64_MAX));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_size_bytes(-1); }, ErrorKind::validation, "size_bytes"));

    EXPECT_NO_THROW(ipto::validate_content_type("application/pdf"));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_content_type(""); }, ErrorKind::validation, "content_type"));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_content_type(std::string(256, 'c')); }, ErrorKind::validation,
                                "content_type"));

    EXPECT_NO_THROW(ipto::validate_metadata_key(std::string(128, 'k')));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_metadata_key(std::string(129, 'k')); }, ErrorKind::validation,
                                "key"));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_metadata_key(""); }, ErrorKind::validation, "key"));

    EXPECT_NO_THROW(ipto::validate_metadata_value(""));
    EXPECT_NO_THROW(ipto::validate_metadata_value(std::string(8192, 'v')));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_metadata_value(std::string(8193, 'v')); }, ErrorKind::validation,
                                "value"));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_metadata_value("\xc3"); }, ErrorKind::validation, "value"));
}

TEST(CoreValidation, CredentialNames) {
    EXPECT_NO_THROW(ipto::validate_credential_name("ci key"));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_credential_name(""); }, ErrorKind::validation, "name"));
    EXPECT_TRUE(ThrowsIptoError([] { ipto::validate_credential_name("x\x7f"); }, ErrorKind::validation, "name"));
}

}  // namespace
