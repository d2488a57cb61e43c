#pragma once
// Inline SVG charts for the self-contained HTML report: no JavaScript, no network, readable offline.
#include <string>
#include <utility>
#include <vector>

namespace emorph {

struct PlotSeries {
  std::string name;
  std::vector<double> x, y;
  std::string colour;  // "#rrggbb"; empty: from the palette
  bool bars = false;   // draw as bars (histograms) instead of a line
  bool dashed = false;
  bool markers = false;
};

struct PlotMarker {  // a labelled vertical line (threshold, D50, ...)
  double x = 0;
  std::string label;
};

struct PlotBand {  // a shaded x range (bulk window)
  double x0 = 0, x1 = 0;
  std::string label;
};

struct PlotSpec {
  std::string title, x_label, y_label;
  std::vector<PlotSeries> series;
  std::vector<PlotMarker> markers;
  std::vector<PlotBand> bands;
  int width = 640, height = 340;
  bool log_x = false;
};

// Renders the plot as an <svg> element string; empty series are skipped, non-finite points dropped.
std::string render_svg(const PlotSpec& spec);

// Escapes &, <, >, " for HTML/SVG text.
std::string html_escape(const std::string& text);

}  // namespace emorph
