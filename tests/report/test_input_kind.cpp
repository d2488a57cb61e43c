// analyze's input kind (issue 15): a float label map is refused with kind = "auto", never segmented.
#include <gtest/gtest.h>

#include "emorph/error.hpp"
#include "emorph/report/input_kind.hpp"

namespace emorph {
namespace {

template <class T>
AnyVolume volume_with_values(int distinct, T offset) {
  Volume<T> v({4, 8, 8}, {1, 1, 1});
  for (int64_t i = 0; i < v.size(); ++i) v.data()[i] = static_cast<T>(i % distinct) + offset;
  return AnyVolume(std::move(v));
}

std::string error_of(const AnyVolume& v, const std::string& kind) {
  try {
    is_label_input(v, kind, "flt.tif");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(InputKind, AutoTakesFewValuedUint8ForLabelsAndAnythingElseForGrey) {
  EXPECT_TRUE(is_label_input(volume_with_values<uint8_t>(4, 0), "auto", "x"));
  EXPECT_TRUE(is_label_input(volume_with_values<uint8_t>(8, 0), "auto", "x"));   // the bound is inclusive
  EXPECT_FALSE(is_label_input(volume_with_values<uint8_t>(9, 0), "auto", "x"));
  EXPECT_FALSE(is_label_input(volume_with_values<uint16_t>(200, 0), "auto", "x"));
  EXPECT_FALSE(is_label_input(volume_with_values<int32_t>(9, 0), "auto", "x"));
  EXPECT_FALSE(is_label_input(volume_with_values<float>(9, 0.25f), "auto", "x"));  // grey data: many levels
}

TEST(InputKind, AutoRefusesAFloatLabelMapNamingTheFileAndTheKey) {
  for (int distinct : {1, 4, 8}) {
    const std::string e = error_of(volume_with_values<float>(distinct, 0.25f), "auto");
    EXPECT_NE(e.find("flt.tif"), std::string::npos) << e;
    EXPECT_NE(e.find(std::to_string(distinct) + " distinct values"), std::string::npos) << e;
    EXPECT_NE(e.find("kind = \"grey\""), std::string::npos) << e;
  }
}

// Issue 14/16 follow-up: a uint16 or int32 label map (0/1/2, or 0/85/170 as a viewer saves it) is a
// label volume under auto, as a uint8 one is; then to_label_volume converts it losslessly.
TEST(InputKind, AutoTakesFewValuedWideIntegersForLabels) {
  EXPECT_TRUE(is_label_input(volume_with_values<uint16_t>(3, 0), "auto", "x"));
  EXPECT_TRUE(is_label_input(volume_with_values<int32_t>(8, 0), "auto", "x"));  // inclusive bound, as uint8
  EXPECT_TRUE(is_label_input(volume_with_values<int16_t>(1, 0), "auto", "x"));
  Volume<uint16_t> v({4, 8, 8}, {1, 1, 1});
  for (int64_t i = 0; i < v.size(); ++i) v.data()[i] = static_cast<uint16_t>(85 * (i % 3));
  AnyVolume any(std::move(v));
  EXPECT_TRUE(is_label_input(any, "auto", "x"));
  EXPECT_FALSE(is_label_input(any, "grey", "x"));  // kind = "grey" still segments it
}

TEST(InputKind, AutoRefusesAFewValuedIntegerMapWhoseValuesAreNotLabels) {
  for (int which : {0, 1}) {
    const std::string e = error_of(which ? volume_with_values<int32_t>(2, -1) : volume_with_values<uint16_t>(3, 1000), "auto");
    EXPECT_NE(e.find("flt.tif"), std::string::npos) << e;
    EXPECT_NE(e.find("0..255"), std::string::npos) << e;
    EXPECT_NE(e.find("kind = \"grey\""), std::string::npos) << e;
  }
}

TEST(InputKind, AnExplicitKindIsObeyed) {
  const AnyVolume f = volume_with_values<float>(4, 0.25f);
  EXPECT_FALSE(is_label_input(f, "grey", "x"));
  EXPECT_TRUE(is_label_input(f, "labels", "x"));  // then to_label_volume refuses the floats
  EXPECT_FALSE(is_label_input(volume_with_values<uint8_t>(3, 0), "grey", "x"));
}

}  // namespace
}  // namespace emorph
