// The SVG layout test (issue 17): every plot of the demo, compare and FIB/SEM reports is free of
// overlapping text boxes, text cut at the frame, legends over data, "-0" ticks and log axes with fewer
// than three labelled ticks, measured with the plot library's own text geometry (svg_plot.hpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "emorph/report/svg_plot.hpp"
#include "cli/cli_test.hpp"

namespace {

// The plots of one report with their problems; at least `min_plots` plots must be there.
void expect_clean_layout(const std::string& report, std::size_t min_plots) {
  SCOPED_TRACE(report);
  const auto svgs = emorph::svg_elements(read_text(report));
  EXPECT_GE(svgs.size(), min_plots);
  for (std::size_t i = 0; i < svgs.size(); ++i) {
    for (const auto& problem : emorph::svg_layout_problems(svgs[i]))
      ADD_FAILURE() << "plot " << i << ": " << problem << "\n" << svgs[i].substr(0, 300);
  }
}

}  // namespace

TEST(CliReportLayout, DemoCompareAndFibsemPlotsHaveNoOverlappingText) {
  TempDir dir;
  // Small but complete: every default step of the demo (histogram, profiles, grey profile, LFP,
  // granulometry, particles and their size classes), a second sample for compare.
  auto r = run_cli("analyze --demo --size 48 --voxel 0.5 --seed 3 --out " + (dir / "F"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_cli("analyze --demo --preset B --size 64 --voxel 0.5 --set measure.granulometry=[NMC,pore] --out " +
              (dir / "B"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_cli("compare " + (dir / "F") + " " + (dir / "B") + " --names F,B --out " + (dir / "cmp"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(run_cli("synth --preset H --size 96 --voxel 0.02 --seed 3 --fibsem --out " + (dir / "fib")).exit_code, 0);
  r = run_cli("analyze " + (dir / "fib/fibsem.tif") + " --method fibsem --voxel 0.02 --set measure.tortuosity=[] --out " +
              (dir / "fibres"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_clean_layout(dir / "F/report.html", 6);
  expect_clean_layout(dir / "cmp/report.html", 4);
  expect_clean_layout(dir / "fibres/report.html", 3);
}
