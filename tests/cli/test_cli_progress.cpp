// End-to-end: long steps show their progress on stderr also when it is not a terminal, one line per 10 %
// of each step ("emorph: LABEL  40% (1.2 s)"); --quiet shows none; stdout keeps only the summary.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_test.hpp"

namespace {

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Runs the CLI without --quiet (run_cli adds it), stdout and stderr redirected to files: not a terminal.
std::string stderr_of(const TempDir& dir, const std::string& args) {
  const std::string cmd = std::string(EMORPH_CLI) + " " + args + " >" + (dir / "out.txt") + " 2>" + (dir / "err.txt");
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd << "\n" << slurp(dir / "err.txt");
  return slurp(dir / "err.txt");
}

// The percentages of the progress lines of one step, in order.
std::vector<int> percents(const std::string& log, const std::string& label) {
  std::vector<int> p;
  const std::regex line("^emorph: " + label + " +([0-9]+)% \\([0-9.]+ s\\)$");
  std::istringstream in(log);
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (std::regex_match(l, m, line)) p.push_back(std::stoi(m[1]));
  }
  return p;
}

// At most one line per tenth, increasing, ending at 100 %.
void expect_log_lines(const std::string& log, const std::string& label) {
  const auto p = percents(log, label);
  ASSERT_FALSE(p.empty()) << "no progress line for " << label << " in:\n" << log;
  EXPECT_LE(p.size(), 11u) << log;
  EXPECT_EQ(p.back(), 100) << log;
  for (std::size_t i = 1; i < p.size(); ++i) {
    EXPECT_GT(p[i], p[i - 1]) << log;
    EXPECT_NE(p[i] / 10, p[i - 1] / 10) << "two lines in one tenth:\n" << log;
  }
  EXPECT_EQ(log.find('\r'), std::string::npos) << "terminal redraws in a log";
}

}  // namespace

TEST(CliProgress, LongStepsLogOneLinePerTenthWhenStderrIsAFile) {
  TempDir dir;
  ASSERT_EQ(run_cli("synth --preset F --size 48 --voxel 0.5 --seed 3 --out " + dir / "s").exit_code, 0);
  const std::string labels = dir / "s/labels.tif";

  const std::string tau = stderr_of(dir, "tortuosity " + labels + " --phase pore --voxel 0.5");
  expect_log_lines(tau, "tortuosity");
  // The solver reports by residual decades: a multigrid solve of ~20 iterations passes several tenths.
  EXPECT_GE(percents(tau, "tortuosity").size(), 3u) << tau;
  expect_log_lines(stderr_of(dir, "granulometry " + labels + " --phase NMC --voxel 0.5"), "granulometry");
  const std::string particles = stderr_of(dir, "particles " + labels + " --phase NMC --voxel 0.5");
  expect_log_lines(particles, "particles");
  expect_log_lines(particles, "separating particles");
  // stdout holds the summary only.
  EXPECT_EQ(slurp(dir / "out.txt").find("emorph:"), std::string::npos);

  const std::string quiet = stderr_of(dir, "--quiet tortuosity " + labels + " --phase pore --voxel 0.5");
  EXPECT_TRUE(percents(quiet, "tortuosity").empty()) << quiet;
}
