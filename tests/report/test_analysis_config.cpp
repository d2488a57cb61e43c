#include <gtest/gtest.h>

#include "emorph/error.hpp"
#include "emorph/report/analysis_config.hpp"

using namespace emorph;

TEST(AnalysisConfig, ExampleParsesToDefaults) {
  AnalysisConfig c = parse_analysis_config(example_analysis_config(), "example.toml");
  AnalysisConfig d;
  EXPECT_EQ(c.method, d.method);
  EXPECT_EQ(c.classes, d.classes);
  EXPECT_EQ(c.granulometry, d.granulometry);
  EXPECT_EQ(c.out_dir, d.out_dir);
  EXPECT_FALSE(c.demo);
}

TEST(AnalysisConfig, ReadsValues) {
  AnalysisConfig c = parse_analysis_config(R"(
[input]
path = "a.tif"
voxel_um = [0.01, 0.02, 0.02]
axis = 1
[segment]
method = "manual:50,120"
classes = ["pore", "NMC"]
[density]
NMC = 4.7
[profile]
exclude_collector_um = 10.5
)", "c.toml");
  EXPECT_EQ(c.input, "a.tif");
  EXPECT_EQ(*c.voxel, (Spacing{0.01, 0.02, 0.02}));
  EXPECT_EQ(c.axis, 1);
  EXPECT_EQ(c.method, "manual:50,120");
  EXPECT_EQ(c.density, "NMC=4.7");
  EXPECT_DOUBLE_EQ(c.exclude_collector_um, 10.5);
}

TEST(AnalysisConfig, ErrorsNameLineAndKey) {
  try {
    parse_analysis_config("[input]\npath = \"a.tif\"\nvoxle_um = 0.3\n", "bad.toml");
    FAIL() << "unknown key accepted";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("bad.toml:3"), std::string::npos) << m;
    EXPECT_NE(m.find("input.voxle_um"), std::string::npos) << m;
  }
  EXPECT_THROW(parse_analysis_config("[input]\naxis = 3\n", "x"), InputError);
  EXPECT_THROW(parse_analysis_config("[input]\nvoxel_um = -1\n", "x"), InputError);
  EXPECT_THROW(parse_analysis_config("[measure]\nparticles = \"NMC\"\n", "x"), InputError);
  EXPECT_THROW(parse_analysis_config("[oops]\n", "x"), InputError);
  EXPECT_THROW(parse_analysis_config("[input\n", "x"), InputError);
  EXPECT_THROW(read_analysis_config("/nonexistent/config.toml"), InputError);
}
