#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "emorph/error.hpp"
#include "emorph/report/html_report.hpp"
#include "emorph/report/svg_plot.hpp"
#include "support/checks.hpp"
#include "support/test_support.hpp"

using namespace emorph;

TEST(Report, Base64KnownVectors) {
  // RFC 4648 section 10 test vectors.
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Report, SvgPlotHasSeriesMarkersAndEscapes) {
  PlotSpec p;
  p.title = "NMC <profile>";
  p.series.push_back({"NMC", {0, 1, 2}, {0.5, 0.4, std::nan("")}, "", false, false, false});
  p.markers.push_back({1.5, "D50"});
  p.bands.push_back({0.5, 1.5, "bulk"});
  const std::string svg = render_svg(p);
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("NMC &lt;profile&gt;"), std::string::npos);
  EXPECT_NE(svg.find("polyline"), std::string::npos);
  EXPECT_NE(svg.find("D50"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
}

TEST(Report, WritesSelfContainedPage) {
  test::TempDir dir;
  HtmlReport r("Sample F");
  r.heading("Fractions");
  r.table({"phase", "vol%"}, {{"NMC", "41.2"}, {"pore", "29.0"}});
  r.write(dir / "report.html");
  const std::string html = test::read_text(dir / "report.html");
  EXPECT_NE(html.find("<td>41.2</td>"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);  // nothing fetched from a network
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_THROW(r.png_file(dir / "missing.png", "x"), InputError);
}
