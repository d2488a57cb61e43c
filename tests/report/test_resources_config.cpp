// [resources] memory_limit: a size string, checked when the config is read (issue 18).
#include <gtest/gtest.h>

#include "emorph/error.hpp"
#include "emorph/report/analysis_config.hpp"

namespace {

TEST(ResourcesConfig, MemoryLimitIsReadAndChecked) {
  EXPECT_EQ(emorph::parse_analysis_config("[resources]\nmemory_limit = \"4GiB\"\n", "a.toml").memory_limit, "4GiB");
  EXPECT_EQ(emorph::parse_analysis_config("", "a.toml").memory_limit, "");
  for (const char* bad : {"[resources]\nmemory_limit = \"lots\"\n", "[resources]\nmemory_limit = 4\n",
                          "[resources]\nmemroy_limit = \"4GiB\"\n"}) {
    try {
      emorph::parse_analysis_config(bad, "a.toml");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const emorph::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("resources."), std::string::npos) << e.what();
    }
  }
}

}  // namespace
