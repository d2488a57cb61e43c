// Figure S5b of Etiemble et al. 2017 as an SVG: calibration samples and the least-squares line.
#include "emorph/report/calibration_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "emorph/report/svg_plot.hpp"

namespace emorph {

std::string lfp_calibration_svg(const LfpCalibration& c) {
  PlotSpec p;
  char title[160];
  std::snprintf(title, sizeof title, "LFP calibration: fraction = %.4g + %.4g x grey (r2 = %.4f, %lld samples)",
                c.intercept, c.slope, c.r_squared, static_cast<long long>(c.samples));
  p.title = title;
  p.x_label = "mean grey of the matrix (LFP + CB/PVdF + pores)";
  p.y_label = "LFP volume fraction of the matrix";
  p.width = 640;
  p.series.push_back({"samples", c.grey, c.lfp_fraction, "#e4572e", false, false, true});
  if (!c.grey.empty()) {
    const auto [lo, hi] = std::minmax_element(c.grey.begin(), c.grey.end());
    const double pad = 0.05 * (*hi - *lo);
    const double x0 = *lo - pad, x1 = *hi + pad;
    p.series.push_back({"fit", {x0, x1}, {c.fraction(x0), c.fraction(x1)}, "#3d5a80", false, true, false});
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + render_svg(p) + "\n";
}

}  // namespace emorph
