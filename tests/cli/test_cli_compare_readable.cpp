// emorph compare as a reader sees it (issue 17): readable grouped tables, one colour per sample in every
// plot, the matrix over the electrode without the collector, surfaces and D10/D90 in table.csv, and a
// warning for a partial input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "cli/cli_test.hpp"

TEST(CliCompareReadable, TablesColoursMatrixAndWarnings) {
  TempDir dir;
  ASSERT_EQ(run_cli("analyze --demo --size 48 --voxel 0.5 --seed 3 --out " + (dir / "F")).exit_code, 0);
  // B without particles: a partial input.
  auto r = run_cli("analyze --demo --preset B --size 64 --voxel 0.5 --set measure.particles=[] --out " + (dir / "B"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_cli("compare " + (dir / "F") + " " + (dir / "B") + " --names F,B --out " + (dir / "cmp"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("B: no particles results"), std::string::npos) << r.err;
  const auto cmp = read_json(dir / "cmp/compare.json");
  EXPECT_NE(cmp["warnings"].dump().find("B: no particles"), std::string::npos) << cmp["warnings"].dump();

  const std::string html = read_text(dir / "cmp/report.html");
  EXPECT_NE(html.find("class=\"warning\""), std::string::npos);
  EXPECT_NE(html.find("colspan="), std::string::npos);  // grouped headers
  // No raw snake_case column names in the report's tables.
  const std::regex header_cell("<th[^>]*>([^<]*)</th>");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), header_cell); it != std::sregex_iterator(); ++it)
    EXPECT_EQ((*it)[1].str().find('_'), std::string::npos) << (*it)[1].str();

  // One colour per sample across every plot: each legend entry's swatch colour, by sample name.
  std::map<std::string, std::set<std::string>> colours;
  const std::regex entry("stroke=\"(#[0-9a-f]{6})\"[^>]*/><text data-role=\"legend\"[^>]*>(F|B)[ <]");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), entry); it != std::sregex_iterator(); ++it)
    colours[(*it)[2].str()].insert((*it)[1].str());
  ASSERT_EQ(colours.size(), 2u);
  EXPECT_EQ(colours["F"].size(), 1u);
  EXPECT_EQ(colours["B"].size(), 1u);
  EXPECT_NE(*colours["F"].begin(), *colours["B"].begin());
  EXPECT_EQ(html.find("collector fraction through the thickness"), std::string::npos);

  // The matrix over the electrode: no collector share, the shares add up to 100 %.
  const std::string matrix = read_text(dir / "cmp/matrix_composition.csv");
  EXPECT_EQ(matrix.find("collector"), std::string::npos) << matrix;
  std::istringstream lines(matrix);
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line)) {
    std::istringstream cells(line);
    std::string c;
    std::getline(cells, c, ',');  // sample
    std::getline(cells, c, ',');  // matrix vol% of electrode
    double sum = 0;
    while (std::getline(cells, c, ','))
      if (!c.empty()) sum += std::stod(c);
    EXPECT_NEAR(sum, 100.0, 1e-6) << line;
  }
  // Surfaces and the size spread in table.csv and compare.json.
  const std::string table = read_text(dir / "cmp/table.csv");
  for (const char* col : {"NMC_d10_um", "NMC_d90_um", "NMC_specific_surface_per_um", "NMC_specific_surface_m2_per_g"})
    EXPECT_NE(table.find(col), std::string::npos) << col;
  EXPECT_TRUE(cmp["samples"][0]["NMC_d10_um"].is_number());
  EXPECT_TRUE(cmp["samples"][0]["phases"]["NMC"]["specific_surface_m2_per_g"].is_number());
}
