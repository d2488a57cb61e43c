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
// Layout: the legend goes below the plot area (never over data), marker and band labels in rows above
// it (never over each other), the left margin fits the widest y tick label before the y-axis title.
// spec.height is the height without the legend rows.
std::string render_svg(const PlotSpec& spec);

// The layout's text metric: the width in px of `text` at `font_size` (0.62 em per character, bold 0.68:
// at least DejaVu Sans's average, the sans-serif font Chromium uses on Debian).
double svg_text_width(const std::string& text, double font_size, bool bold = false);

struct SvgTextBox {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // px, in the svg's coordinates
  std::string text, role;                // role: title, xtick, ytick, xtitle, ytitle, legend, marker, band
};

// The boxes of every <text> of one <svg> written by render_svg, measured with svg_text_width from the
// element's position, anchor, size and rotation.
std::vector<SvgTextBox> svg_text_boxes(const std::string& svg);

// Layout problems of one render_svg plot, each a sentence (empty: none): overlapping text boxes, text
// outside the svg, a legend entry inside the plot area, a "-0" tick label, a log axis with fewer than
// three labelled ticks.
std::vector<std::string> svg_layout_problems(const std::string& svg);

// Every <svg ...>...</svg> element of an HTML page.
std::vector<std::string> svg_elements(const std::string& html);

// Escapes &, <, >, " for HTML/SVG text.
std::string html_escape(const std::string& text);

}  // namespace emorph
