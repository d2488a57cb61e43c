// Minimal SVG line/bar charts with "nice" axis ticks (Heckbert 1990, Graphics Gems "nice numbers").
#include "emorph/report/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace emorph {
namespace {

const char* kPalette[] = {"#e4572e", "#17bebb", "#ffc914", "#2e282a", "#76b041", "#4c78a8", "#b279a2", "#9d755d"};

double nice_step(double range, int target_ticks) {
  const double raw = range / std::max(1, target_ticks);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return mag * (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10);
}

std::string fmt(double v) {
  char buf[32];
  if (v != 0 && (std::fabs(v) >= 1e5 || std::fabs(v) < 1e-3))
    std::snprintf(buf, sizeof buf, "%.2g", v);
  else
    std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_svg(const PlotSpec& spec) {
  const double left = 64, right = 16, top = spec.title.empty() ? 14 : 32, bottom = 46;
  const double W = spec.width, H = spec.height, pw = W - left - right, ph = H - top - bottom;
  auto tx = [&](double x) { return spec.log_x ? std::log10(x) : x; };

  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = 0, y1 = -x0;
  bool any = false;
  for (const auto& s : spec.series)
    for (std::size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i]) || (spec.log_x && s.x[i] <= 0)) continue;
      x0 = std::min(x0, tx(s.x[i]));
      x1 = std::max(x1, tx(s.x[i]));
      y0 = std::min(y0, s.y[i]);
      y1 = std::max(y1, s.y[i]);
      any = true;
    }
  for (const auto& m : spec.markers)
    if (std::isfinite(m.x) && (!spec.log_x || m.x > 0)) {
      x0 = std::min(x0, tx(m.x));
      x1 = std::max(x1, tx(m.x));
    }
  if (!any) x0 = 0, x1 = 1, y1 = 1;
  if (x1 <= x0) x1 = x0 + 1;
  if (y1 <= y0) y1 = y0 + 1;
  y1 += 0.05 * (y1 - y0);
  auto px = [&](double x) { return left + (tx(x) - x0) / (x1 - x0) * pw; };
  auto py = [&](double y) { return top + (1 - (y - y0) / (y1 - y0)) * ph; };

  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(1);
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" width=\"" << W << "\" height=\"" << H
    << "\" viewBox=\"0 0 " << W << " " << H << "\" font-family=\"sans-serif\" font-size=\"11\">";
  o << "<rect x=\"0\" y=\"0\" width=\"" << W << "\" height=\"" << H << "\" fill=\"white\"/>";
  if (!spec.title.empty())
    o << "<text x=\"" << W / 2 << "\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">"
      << html_escape(spec.title) << "</text>";
  for (const auto& b : spec.bands) {
    double a = px(std::max(b.x0, spec.log_x ? std::pow(10, x0) : x0)), c = px(b.x1);
    a = std::clamp(a, left, left + pw);
    c = std::clamp(c, left, left + pw);
    o << "<rect x=\"" << a << "\" y=\"" << top << "\" width=\"" << std::max(0.0, c - a) << "\" height=\"" << ph
      << "\" fill=\"#4c78a8\" fill-opacity=\"0.10\"><title>" << html_escape(b.label) << "</title></rect>";
    if (!b.label.empty())
      o << "<text x=\"" << (a + c) / 2 << "\" y=\"" << top + 12 << "\" text-anchor=\"middle\" fill=\"#4c78a8\">"
        << html_escape(b.label) << "</text>";
  }
  // Axes and ticks.
  const double ys = nice_step(y1 - y0, 5);
  for (double v = std::ceil(y0 / ys) * ys; v <= y1 + 1e-9 * ys; v += ys) {
    o << "<line x1=\"" << left << "\" x2=\"" << left + pw << "\" y1=\"" << py(v) << "\" y2=\"" << py(v)
      << "\" stroke=\"#e5e5e5\"/><text x=\"" << left - 6 << "\" y=\"" << py(v) + 4 << "\" text-anchor=\"end\">"
      << fmt(v) << "</text>";
  }
  if (spec.log_x) {
    for (double e = std::floor(x0); e <= x1 + 1e-9; e += 1)
      if (e >= x0 - 1e-9)
        o << "<text x=\"" << left + (e - x0) / (x1 - x0) * pw << "\" y=\"" << top + ph + 16
          << "\" text-anchor=\"middle\">" << fmt(std::pow(10.0, e)) << "</text>";
  } else {
    const double xs = nice_step(x1 - x0, 6);
    for (double v = std::ceil(x0 / xs) * xs; v <= x1 + 1e-9 * xs; v += xs)
      o << "<line x1=\"" << px(v) << "\" x2=\"" << px(v) << "\" y1=\"" << top + ph << "\" y2=\"" << top + ph + 4
        << "\" stroke=\"#444\"/><text x=\"" << px(v) << "\" y=\"" << top + ph + 16 << "\" text-anchor=\"middle\">"
        << fmt(v) << "</text>";
  }
  o << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << pw << "\" height=\"" << ph
    << "\" fill=\"none\" stroke=\"#444\"/>";
  o << "<text x=\"" << left + pw / 2 << "\" y=\"" << H - 8 << "\" text-anchor=\"middle\">" << html_escape(spec.x_label)
    << "</text>";
  o << "<text transform=\"translate(14," << top + ph / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
    << html_escape(spec.y_label) << "</text>";

  std::size_t k = 0;
  double legend_y = top + 14;
  for (const auto& s : spec.series) {
    const std::string colour = s.colour.empty() ? kPalette[k % 8] : s.colour;
    ++k;
    const std::size_t n = std::min(s.x.size(), s.y.size());
    if (n == 0) continue;
    if (s.bars) {
      const double bw = n > 1 ? std::max(1.0, pw / static_cast<double>(n) * 0.9) : 8;
      for (std::size_t i = 0; i < n; ++i)
        if (std::isfinite(s.y[i]) && std::isfinite(s.x[i]))
          o << "<rect x=\"" << px(s.x[i]) - bw / 2 << "\" y=\"" << py(std::max(0.0, s.y[i])) << "\" width=\"" << bw
            << "\" height=\"" << std::fabs(py(0) - py(s.y[i])) << "\" fill=\"" << colour << "\" fill-opacity=\"0.8\"/>";
    } else {
      o << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"1.6\""
        << (s.dashed ? " stroke-dasharray=\"5,3\"" : "") << " points=\"";
      for (std::size_t i = 0; i < n; ++i)
        if (std::isfinite(s.y[i]) && std::isfinite(s.x[i]) && (!spec.log_x || s.x[i] > 0))
          o << px(s.x[i]) << "," << py(s.y[i]) << " ";
      o << "\"/>";
      if (s.markers)
        for (std::size_t i = 0; i < n; ++i)
          if (std::isfinite(s.y[i]) && std::isfinite(s.x[i]))
            o << "<circle cx=\"" << px(s.x[i]) << "\" cy=\"" << py(s.y[i]) << "\" r=\"2.5\" fill=\"" << colour << "\"/>";
    }
    if (!s.name.empty()) {
      o << "<rect x=\"" << left + pw - 130 << "\" y=\"" << legend_y - 8 << "\" width=\"10\" height=\"10\" fill=\""
        << colour << "\"/><text x=\"" << left + pw - 115 << "\" y=\"" << legend_y + 1 << "\">" << html_escape(s.name)
        << "</text>";
      legend_y += 14;
    }
  }
  for (const auto& m : spec.markers) {
    if (!std::isfinite(m.x) || (spec.log_x && m.x <= 0)) continue;
    o << "<line x1=\"" << px(m.x) << "\" x2=\"" << px(m.x) << "\" y1=\"" << top << "\" y2=\"" << top + ph
      << "\" stroke=\"#333\" stroke-dasharray=\"3,3\"/><text x=\"" << px(m.x) + 3 << "\" y=\"" << top + 24
      << "\" fill=\"#333\">" << html_escape(m.label) << "</text>";
  }
  o << "</svg>";
  return o.str();
}

}  // namespace emorph
