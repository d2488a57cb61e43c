// The TOML configuration's seed corpus (fuzz/corpus/config) with seeded random mutations, inside the
// normal suite: every input parses or throws InputError naming the file (the libFuzzer target
// fuzz_config explores further). Also the rules of issue 15 for configs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string_view>
#include <vector>

#include "emorph/error.hpp"
#include "emorph/report/analysis_config.hpp"
#include "support/mutate.hpp"

namespace fs = std::filesystem;
using namespace emorph;

namespace {

const fs::path kCorpus = fs::path(EMORPH_SOURCE_DIR) / "fuzz" / "corpus" / "config";

// Characters inserted by the mutations: the syntax of the formats read.
constexpr std::string_view kAlphabet = "0123456789-: =\n\"[]{},.e#";

std::string config_error(const std::string& text) {
  try {
    parse_analysis_config(text, "c.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ConfigFuzzReplay, MutatedSeedsParseOrThrowInputError) {
  int seeds = 0;
  std::mt19937_64 rng(15);
  for (const auto& e : fs::directory_iterator(kCorpus)) {
    std::ifstream f(e.path());
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string seed = ss.str();
    ++seeds;
    std::string input = seed;
    for (int i = 0; i <= 2000; ++i) {
      try {
        parse_analysis_config(input, "c.toml");
      } catch (const InputError&) {
      } catch (const std::exception& ex) {
        ADD_FAILURE() << "non-InputError exception " << typeid(ex).name() << ": " << ex.what() << "\ninput:\n" << input;
      }
      input = test::mutate(i % 3 == 0 ? seed : input, rng, kAlphabet);
    }
  }
  EXPECT_GE(seeds, 2);
}

// fuzz_config's finding: an integer a double cannot hold exactly threw bad_optional_access (abort).
TEST(ConfigFuzzReplay, HugeIntegersWhereNumbersAreExpectedDoNotAbort) {
  EXPECT_EQ(config_error("[density]\nNMC = 888888888888804032\n"), "");
  EXPECT_EQ(config_error("[input]\nvoxel_um = 888888888888804033\n"), "");
  EXPECT_EQ(config_error("[profile]\nexclude_collector_um = 888888888888804033\n"), "");
  EXPECT_EQ(parse_analysis_config("[density]\nNMC = 888888888888804032\n", "c.toml").density, "NMC=8.88889e+17");
}

TEST(ConfigFuzzReplay, InputPathAndDemoTogetherAreRefused) {
  const std::string msg = config_error("[input]\npath = \"a.tif\"\n[demo]\nsize = 32\n");
  EXPECT_NE(msg.find("c.toml"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[input] path and [demo]"), std::string::npos) << msg;
  EXPECT_EQ(config_error("[demo]\nsize = 32\n"), "");
  EXPECT_EQ(config_error("[input]\npath = \"a.tif\"\n"), "");
}

TEST(ConfigFuzzReplay, NegativeExclusionWidthsAreRefused) {
  for (const std::string key : {"exclude_collector_um", "exclude_surface_um"}) {
    const std::string msg = config_error("[profile]\n" + key + " = -1\n");
    EXPECT_NE(msg.find("profile." + key), std::string::npos) << msg;
    EXPECT_EQ(config_error("[profile]\n" + key + " = 0\n"), "");
  }
}
