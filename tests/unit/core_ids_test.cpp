// Public identifiers: a kind prefix and 12 lowercase hex digits (docs/api.md).
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ids.hpp"

using ipto::IdKind;

namespace {

using Random = std::array<std::uint8_t, ipto::kIdRandomBytes>;

struct KindPrefix {
    IdKind kind;
    const char* prefix;
};
const std::vector<KindPrefix> kKinds = {{IdKind::dataset, "dset_"},
                                        {IdKind::tenant, "tnt_"},
                                        {IdKind::object, "obj_"},
                                        {IdKind::api_key, "key_"},
                                        {IdKind::request, "req_"}};

TEST(CoreIds, PrefixOfEachKind) {
    for (const auto& k : kKinds) EXPECT_EQ(ipto::id_prefix(k.kind), k.prefix);
}

TEST(CoreIds, MakeIdFormatForEachKind) {
    const Random r = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab};
    for (const auto& k : kKinds) {
        EXPECT_EQ(ipto::make_id(k.kind, r), std::string(k.prefix) + "0123456789ab");
    }
    EXPECT_EQ(ipto::make_id(IdKind::dataset, Random{0, 0, 0, 0, 0, 0}), "dset_000000000000");
    EXPECT_EQ(ipto::make_id(IdKind::tenant, Random{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), "tnt_ffffffffffff");
    EXPECT_EQ(ipto::make_id(IdKind::object, Random{0xcd, 0xef, 0x0a, 0xb0, 0x10, 0x9f}), "obj_cdef0ab0109f");
}

TEST(CoreIds, MadeIdsAreValidAndTwelveLowercaseHexDigits) {
    std::mt19937 rng(7);
    for (const auto& k : kKinds) {
        for (int rep = 0; rep < 200; ++rep) {
            Random r;
            for (auto& b : r) b = static_cast<std::uint8_t>(rng());
            std::string id = ipto::make_id(k.kind, r);
            ASSERT_EQ(id.size(), std::string(k.prefix).size() + 12) << id;
            EXPECT_EQ(id.compare(0, std::string(k.prefix).size(), k.prefix), 0) << id;
            EXPECT_EQ(id.find_first_not_of("0123456789abcdef", std::string(k.prefix).size()), std::string::npos) << id;
            EXPECT_TRUE(ipto::is_valid_id(k.kind, id)) << id;
        }
    }
}

TEST(CoreIds, DistinctRandomBytesGiveDistinctIds) {
    Random a = {1, 2, 3, 4, 5, 6}, b = {1, 2, 3, 4, 5, 7};
    EXPECT_NE(ipto::make_id(IdKind::dataset, a), ipto::make_id(IdKind::dataset, b));
}

TEST(CoreIds, IsValidAcceptsWellFormed) {
    EXPECT_TRUE(ipto::is_valid_id(IdKind::dataset, "dset_a1b2c3d4e5f6"));  // the API reference's example
    EXPECT_TRUE(ipto::is_valid_id(IdKind::tenant, "tnt_000000000000"));
    EXPECT_TRUE(ipto::is_valid_id(IdKind::object, "obj_ffffffffffff"));
    EXPECT_TRUE(ipto::is_valid_id(IdKind::api_key, "key_0123456789ab"));
    EXPECT_TRUE(ipto::is_valid_id(IdKind::request, "req_abcdef012345"));
}

TEST(CoreIds, IsValidRejectsUppercaseHex) {
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, "dset_A1B2C3D4E5F6"));
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, "dset_a1b2c3d4e5fF"));
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, "DSET_a1b2c3d4e5f6"));
}

TEST(CoreIds, IsValidRejectsWrongPrefix) {
    EXPECT_FALSE(ipto::is_valid_id(IdKind::tenant, "dset_a1b2c3d4e5f6"));
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, "tnt_a1b2c3d4e5f6"));
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, "dset-a1b2c3d4e5f6"));
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, "dst_a1b2c3d4e5f6"));
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, "a1b2c3d4e5f6"));
    EXPECT_FALSE(ipto::is_valid_id(IdKind::object, "key_a1b2c3d4e5f6"));
    EXPECT_FALSE(ipto::is_valid_id(IdKind::api_key, "obj_a1b2c3d4e5f6"));
    EXPECT_FALSE(ipto::is_valid_id(IdKind::request, "req__1b2c3d4e5f6"));
    // A 4-character prefix padded to 13 characters is not a dset_ id.
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, "tnt_a1b2c3d4e5f67"));
}

TEST(CoreIds, IsValidRejectsWrongDigitCount) {
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, "dset_a1b2c3d4e5f"));    // 11
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, "dset_a1b2c3d4e5f67"));  // 13
    EXPECT_FALSE(ipto::is_valid_id(IdKind::tenant, "tnt_a1b2c3d4e5f"));
    EXPECT_FALSE(ipto::is_valid_id(IdKind::tenant, "tnt_a1b2c3d4e5f67"));
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, "dset_"));
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, ""));
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, "dset_a1b2c3d4e5f6 "));
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, " dset_a1b2c3d4e5f6"));
}

TEST(CoreIds, IsValidRejectsNonHex) {
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, "dset_a1b2c3d4e5fg"));
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, "dset_a1b2c3d4e5f_"));
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, "dset_a1b2c3d4e5f-"));
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, "dset_zzzzzzzzzzzz"));
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, "dset_a1b2c3d4e5f\xc3"));
    EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, std::string("dset_a1b2c3d4e5f\0", 17)));
    // Every non-hex byte in every position.
    for (std::size_t pos = 5; pos < 17; ++pos) {
        for (int c = 0; c < 256; ++c) {
            if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) continue;
            std::string id = "dset_a1b2c3d4e5f6";
            id[pos] = static_cast<char>(c);
            EXPECT_FALSE(ipto::is_valid_id(IdKind::dataset, id)) << pos << ":" << c;
        }
    }
}

}  // namespace
