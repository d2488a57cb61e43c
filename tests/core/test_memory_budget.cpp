// --memory-limit sizes: units, bad values named after the option, the default share.
#include <gtest/gtest.h>

#include "emorph/error.hpp"
#include "emorph/memory_budget.hpp"

namespace {

TEST(MemoryBudget, ParsesBinaryAndDecimalUnits) {
  EXPECT_EQ(emorph::parse_memory_size("512MiB", "--memory-limit"), uint64_t{512} << 20);
  EXPECT_EQ(emorph::parse_memory_size("4GiB", "--memory-limit"), uint64_t{4} << 30);
  EXPECT_EQ(emorph::parse_memory_size("4gib", "--memory-limit"), uint64_t{4} << 30);
  EXPECT_EQ(emorph::parse_memory_size("16M", "--memory-limit"), uint64_t{16} << 20);
  EXPECT_EQ(emorph::parse_memory_size("1.5GiB", "--memory-limit"), uint64_t{3} << 29);
  EXPECT_EQ(emorph::parse_memory_size("2GB", "--memory-limit"), uint64_t{2000000000});
  EXPECT_EQ(emorph::parse_memory_size("64KiB", "--memory-limit"), uint64_t{65536});
  EXPECT_EQ(emorph::parse_memory_size("1TiB", "--memory-limit"), uint64_t{1} << 40);
  EXPECT_EQ(emorph::parse_memory_size("65536", "--memory-limit"), uint64_t{65536});
}

TEST(MemoryBudget, RefusesBadSizesNamingTheOption) {
  for (const char* bad : {"", "MiB", "-1GiB", "0", "0MiB", "4 parsecs", "1e3", "4GiBs", "1.2.3M", "99999999999TiB"}) {
    try {
      emorph::parse_memory_size(bad, "--memory-limit");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const emorph::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("--memory-limit"), std::string::npos) << e.what();
    }
  }
}

TEST(MemoryBudget, DefaultIsTheDocumentedShareAndTheLimitIsSettable) {
  ASSERT_TRUE(emorph::memory_limit_is_default());
  EXPECT_EQ(emorph::memory_limit(), static_cast<uint64_t>(static_cast<double>(emorph::physical_memory_bytes()) * 0.5));
  emorph::set_memory_limit(uint64_t{16} << 20);
  EXPECT_FALSE(emorph::memory_limit_is_default());
  EXPECT_TRUE(emorph::exceeds_memory_limit((uint64_t{16} << 20) + 1));
  EXPECT_FALSE(emorph::exceeds_memory_limit(uint64_t{16} << 20));
  emorph::set_memory_limit(0);  // back to the default for the other tests
  EXPECT_TRUE(emorph::memory_limit_is_default());
  EXPECT_GT(emorph::peak_resident_bytes(), 0u);
}

}  // namespace
