// svg_plot's layout rules and the checker that the report layout test relies on: the checker finds
// each kind of problem in a hand-made SVG, and render_svg avoids them on crowded plots.
#include <gtest/gtest.h>

#include "emorph/report/svg_plot.hpp"

using namespace emorph;

namespace {

bool mentions(const std::vector<std::string>& problems, const std::string& what) {
  for (const auto& p : problems)
    if (p.find(what) != std::string::npos) return true;
  return false;
}

std::vector<double> range(double a, double b, int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(a + (b - a) * i / (n - 1));
  return v;
}

}  // namespace

// Negative controls: the checker must be able to fail.
TEST(SvgLayout, CheckerFindsEachProblem) {
  const std::string head = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"100\" font-size=\"11\"";
  auto problems = svg_layout_problems(head + "><text x=\"50\" y=\"50\">overlapping</text><text x=\"60\" y=\"52\">text</text></svg>");
  EXPECT_TRUE(mentions(problems, "overlaps"));
  problems = svg_layout_problems(head + "><text x=\"190\" y=\"50\">cut at the frame</text></svg>");
  EXPECT_TRUE(mentions(problems, "cut at the frame"));
  problems = svg_layout_problems(head + "><text data-role=\"ytick\" x=\"20\" y=\"50\" text-anchor=\"end\">-0</text></svg>");
  EXPECT_TRUE(mentions(problems, "-0"));
  problems = svg_layout_problems(head + " data-log-x=\"1\"><text data-role=\"xtick\" x=\"20\" y=\"90\">1</text>"
                                        "<text data-role=\"xtick\" x=\"120\" y=\"90\">10</text></svg>");
  EXPECT_TRUE(mentions(problems, "log axis with 2"));
  problems = svg_layout_problems(head + "><rect data-role=\"frame\" x=\"10\" y=\"10\" width=\"150\" height=\"60\"/>"
                                        "<text data-role=\"legend\" x=\"100\" y=\"30\">in</text></svg>");
  EXPECT_TRUE(mentions(problems, "inside the plot area"));
  // A rotated y title is measured upright: it collides with a tick label beside it.
  problems = svg_layout_problems(head + "><text transform=\"translate(12,50) rotate(-90)\" text-anchor=\"middle\">volume fraction</text>"
                                        "<text x=\"14\" y=\"50\">0.5</text></svg>");
  EXPECT_TRUE(mentions(problems, "overlaps"));
}

// Crowded plots: close D10/D50/D90 markers near the right frame, long legend names, a narrow plot, a
// log axis inside one decade, a range crossing zero, grey values in the tens of thousands.
TEST(SvgLayout, CrowdedPlotsLayOutCleanly) {
  PlotSpec p;
  p.title = "NMC: equivalent sphere diameters of a rather long title";
  p.x_label = "diameter (um)";
  p.y_label = "fraction per bin";
  p.width = 440;
  p.log_x = true;
  p.series.push_back({"by number", range(3, 8, 12), range(0.1, 0.0, 12), "", false, false, true});
  p.series.push_back({"by volume, the longest legend entry of all", range(3, 8, 12), range(0.0, 0.2, 12), "", false, false, true});
  p.markers = {{7.6, "D10"}, {7.8, "D50"}, {7.95, "D90"}};
  auto svg = render_svg(p);
  EXPECT_TRUE(svg_layout_problems(svg).empty()) << svg_layout_problems(svg)[0];

  PlotSpec g;
  g.title = "Mean grey of the matrix around NMC (density profile, Beer-Lambert)";
  g.x_label = "position (um)";
  g.y_label = "mean grey";
  g.width = 900;
  g.series.push_back({"matrix (all but NMC and collector)", range(-0.5, 30, 60), range(-2000, 24000, 60), "", false, false, false});
  g.bands.push_back({10, 30, "bulk window"});
  g.markers = {{10.2, "T1"}};
  svg = render_svg(g);
  const auto problems = svg_layout_problems(svg);
  EXPECT_TRUE(problems.empty()) << problems[0];
  EXPECT_EQ(svg.find(">-0<"), std::string::npos);
  EXPECT_EQ(svg.find("e+04"), std::string::npos);  // grey values as plain numbers

  PlotSpec bars;
  bars.width = 360;
  bars.series.push_back({"removed between openings", range(1, 15, 15), range(0.1, 0.3, 15), "", true, false, false});
  svg = render_svg(bars);
  EXPECT_TRUE(svg_layout_problems(svg).empty());
}

// Every text box of a plot is measured: ticks, titles and legend entries.
TEST(SvgLayout, BoxesCoverEveryText) {
  PlotSpec p;
  p.title = "t";
  p.x_label = "x";
  p.y_label = "y";
  p.series.push_back({"s", {0, 1}, {0, 1}, "", false, false, false});
  const auto boxes = svg_text_boxes(render_svg(p));
  for (const char* role : {"title", "xtick", "ytick", "xtitle", "ytitle", "legend"})
    EXPECT_TRUE(std::any_of(boxes.begin(), boxes.end(), [&](const SvgTextBox& b) { return b.role == role; })) << role;
}
