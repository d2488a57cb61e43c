// Issue 15: list options refuse empty lists, empty items and repeated names; phase names may not
// hold '|'; voxel sizes outside 1e-6..1e6 um are unit mistakes; thread counts are bounded.
#include <gtest/gtest.h>

#include "emorph/error.hpp"
#include "emorph/parallel.hpp"
#include "emorph/parse.hpp"
#include "emorph/phase_table.hpp"
#include "emorph/text.hpp"
#include "support/input_error.hpp"

using namespace emorph;

using test::input_error_message;

TEST(ParseLists, EmptyItemsAndEmptyListsAreRefused) {
  EXPECT_EQ(split_list("a,b,c", "--x"), (std::vector<std::string>{"a", "b", "c"}));
  for (const std::string bad : {"", ",", "a,", ",a", "a,,b"}) {
    const std::string msg = input_error_message([&] { split_list(bad, "--x"); });
    EXPECT_EQ(msg.rfind("--x: ", 0), 0u) << "'" << bad << "' -> " << msg;
  }
  EXPECT_NE(input_error_message([] { parse_double_list("1,2,", "--range"); }).find("empty item"), std::string::npos);
  EXPECT_NE(input_error_message([] { parse_name_values("pore=0,", "--phases"); }).find("empty item"), std::string::npos);
  EXPECT_NE(input_error_message([] { parse_name_values("", "--phases"); }).find("empty list"), std::string::npos);
}

TEST(ParseLists, RepeatedNamesAreRefused) {
  EXPECT_NE(input_error_message([] { parse_name_list("pore,NMC,pore", "--classes"); }).find("'pore' is given twice"), std::string::npos);
  EXPECT_NE(input_error_message([] { parse_name_values("NMC=50,NMC=50", "--wt"); }).find("--wt: 'NMC' is given twice"), std::string::npos);
  EXPECT_NE(input_error_message([] { PhaseTable::parse("pore=0,pore=1", "--phases"); }).find("twice"), std::string::npos);
  EXPECT_EQ(parse_name_list("pore,NMC", "--classes").size(), 2u);
}

TEST(ParseLists, PhaseNamesMayNotHoldTheInterfaceSeparator) {
  const std::string msg = input_error_message([] { PhaseTable::parse("pore=0,a|b=1", "--phases"); });
  EXPECT_NE(msg.find("--phases"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'|'"), std::string::npos) << msg;
}

TEST(ParseLists, ImplausibleVoxelSizesNameTheCause) {
  for (const std::string bad : {"1e-300", "1e300", "0.32,0.32,1e-9"}) {
    const std::string msg = input_error_message([&] { parse_spacing(bad, "--voxel"); });
    EXPECT_NE(msg.find("plausible range"), std::string::npos) << bad << ": " << msg;
  }
  EXPECT_EQ(parse_spacing("0.005").dx, 0.005);  // FIB/SEM scale stays fine
  EXPECT_EQ(parse_spacing("1000").dz, 1000);
}

TEST(ParseLists, ThreadCountsAreBounded) {
  const int before = thread_count();
  EXPECT_NE(input_error_message([] { set_threads(100000); }).find("--threads"), std::string::npos);
  EXPECT_EQ(thread_count(), before);  // a refused value changes nothing
  EXPECT_NO_THROW(set_threads(256));  // the floor of the bound
  set_threads(before);
}

TEST(ParseLists, PrintableEscapesControlAndInvalidBytes) {
  EXPECT_EQ(printable("plain text"), "plain text");
  EXPECT_EQ(printable(std::string("a\0b\n", 4)), "a\\x00b\\x0a");
  EXPECT_EQ(printable("\xce\xbcm \xe2\x82"), "\xce\xbcm \\xe2\\x82");  // valid UTF-8 kept, cut sequence escaped
}
