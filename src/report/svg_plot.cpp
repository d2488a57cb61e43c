// Minimal SVG line/bar charts with "nice" axis ticks (Heckbert 1990, Graphics Gems "nice numbers"), laid
// out so that no text overlaps: legend below the plot area, marker labels in rows above it.
#include "emorph/report/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <regex>
#include <sstream>

namespace emorph {
namespace {

const char* kPalette[] = {"#e4572e", "#17bebb", "#ffc914", "#2e282a", "#76b041", "#4c78a8", "#b279a2", "#9d755d"};
constexpr double kFont = 11, kTitleFont = 13;

double nice_step(double range, int target_ticks) {
  const double raw = range / std::max(1, target_ticks);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return mag * (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10);
}

// Tick labels: plain numbers up to a million (grey values read better as 20000 than 2e+04), never "-0".
std::string fmt(double v) {
  char buf[32];
  if (std::fabs(v) < 1e-12) return "0";
  if (std::fabs(v) >= 1e6 || std::fabs(v) < 1e-3)
    std::snprintf(buf, sizeof buf, "%.2g", v);
  else
    std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// Characters as displayed (an HTML entity or a UTF-8 sequence is one).
std::size_t display_length(const std::string& text) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '&') {
      const auto semi = text.find(';', i);
      if (semi != std::string::npos && semi - i <= 8) i = semi;
    } else if ((c & 0xC0) == 0x80) {
      continue;
    }
    ++n;
  }
  return n;
}

struct Tick {
  double value;  // data units (log_x: the value itself, not its logarithm)
  std::string label;
};

// Keeps ticks left to right whose labels (centred at pos(value), `gap` px apart) do not collide.
std::vector<Tick> thin_ticks(const std::vector<Tick>& ticks, const std::function<double(double)>& pos, double gap) {
  std::vector<Tick> kept;
  double last_right = -std::numeric_limits<double>::infinity();
  for (const auto& t : ticks) {
    const double half = svg_text_width(t.label, kFont) / 2;
    if (pos(t.value) - half < last_right + gap) continue;
    kept.push_back(t);
    last_right = pos(t.value) + half;
  }
  return kept;
}

std::vector<Tick> linear_ticks(double lo, double hi, int target) {
  std::vector<Tick> ticks;
  const double step = nice_step(hi - lo, target);
  for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step; k += 1) ticks.push_back({k * step, fmt(k * step)});
  return ticks;
}

// At least three labelled ticks on a log axis over [10^lo, 10^hi]: decades, then 1-2-5, then 1..9 per
// decade, then nice linear steps (a range inside one decade).
std::vector<Tick> log_ticks(double lo, double hi, const std::function<double(double)>& pos) {
  for (const std::vector<double>& mantissas : {std::vector<double>{1}, {1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}}) {
    std::vector<Tick> ticks;
    for (double e = std::floor(lo); e <= hi + 1e-9; e += 1)
      for (double m : mantissas) {
        const double v = m * std::pow(10.0, e);
        if (std::log10(v) >= lo - 1e-9 && std::log10(v) <= hi + 1e-9) ticks.push_back({v, fmt(v)});
      }
    auto kept = thin_ticks(ticks, pos, 6);
    if (kept.size() >= 3) return kept;
  }
  for (int target = 6; target >= 2; --target) {
    auto ticks = linear_ticks(std::pow(10.0, lo), std::pow(10.0, hi), target);
    ticks.erase(std::remove_if(ticks.begin(), ticks.end(), [](const Tick& t) { return t.value <= 0; }), ticks.end());
    auto kept = thin_ticks(ticks, pos, 6);
    if (kept.size() >= 3 || target == 2) return kept;
  }
  return {};
}

struct Label {  // a marker or band label placed in the rows above the plot area
  double x0, x1, anchor_x;
  std::string anchor, text, role;
  int row = 0;
};

}  // namespace

double svg_text_width(const std::string& text, double font_size, bool bold) {
  return static_cast<double>(display_length(text)) * font_size * (bold ? 0.68 : 0.62);
}

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
  const double W = spec.width;
  auto tx = [&](double x) { return spec.log_x ? std::log10(x) : x; };

  // Data ranges (x in log10 units on a log axis).
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = 0, y1 = -x0;
  bool any = false;
  double bar_half = 0;  // half the smallest bar spacing, in x units: bars stay inside the frame
  for (const auto& s : spec.series) {
    std::vector<double> xs;
    for (std::size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i]) || (spec.log_x && s.x[i] <= 0)) continue;
      x0 = std::min(x0, tx(s.x[i]));
      x1 = std::max(x1, tx(s.x[i]));
      y0 = std::min(y0, s.y[i]);
      y1 = std::max(y1, s.y[i]);
      xs.push_back(tx(s.x[i]));
      any = true;
    }
    if (s.bars && xs.size() > 1) {
      std::sort(xs.begin(), xs.end());
      double spacing = std::numeric_limits<double>::infinity();
      for (std::size_t i = 1; i < xs.size(); ++i)
        if (xs[i] > xs[i - 1]) spacing = std::min(spacing, xs[i] - xs[i - 1]);
      if (std::isfinite(spacing)) bar_half = std::max(bar_half, spacing / 2);
    }
  }
  for (const auto& m : spec.markers)
    if (std::isfinite(m.x) && (!spec.log_x || m.x > 0)) {
      x0 = std::min(x0, tx(m.x));
      x1 = std::max(x1, tx(m.x));
    }
  if (!any) x0 = 0, x1 = 1, y1 = 1;
  x0 -= bar_half;
  x1 += bar_half;
  if (x1 <= x0) x1 = x0 + 1;
  if (y1 <= y0) y1 = y0 + 1;
  y1 += 0.05 * (y1 - y0);

  // Vertical layout, part 1: the plot height fixes the y ticks, whose widest label fixes the left margin.
  // Title: wrapped at word boundaries to the plot's width.
  std::vector<std::string> title_lines;
  {
    std::istringstream words(spec.title);
    std::string word, line;
    while (words >> word) {
      const std::string longer = line.empty() ? word : line + " " + word;
      if (!line.empty() && svg_text_width(longer, kTitleFont, true) > W - 8) {
        title_lines.push_back(line);
        line = word;
      } else {
        line = longer;
      }
    }
    if (!line.empty()) title_lines.push_back(line);
  }
  const double title_h = title_lines.empty() ? 6 : 10 + 16 * static_cast<double>(title_lines.size());
  const double bottom = 46;
  const int y_target = std::max(2, std::min(5, static_cast<int>((spec.height - title_h - bottom) / 40)));
  const std::vector<Tick> y_ticks = linear_ticks(y0, y1, y_target);
  double y_tick_w = 0;
  for (const auto& t : y_ticks) y_tick_w = std::max(y_tick_w, svg_text_width(t.label, kFont));
  const double left = std::max(48.0, y_tick_w + 30);  // y title (x 3..15), gap, tick labels, 6 px to the axis
  double right = 16;
  double pw = W - left - right;
  auto px = [&](double x) { return left + (tx(x) - x0) / (x1 - x0) * pw; };
  auto px_log = [&](double v) { return left + (std::log10(v) - x0) / (x1 - x0) * pw; };

  // X ticks: as many as fit without their labels touching; the last label may need a wider margin.
  std::vector<Tick> x_ticks;
  for (int pass = 0; pass < 2; ++pass) {
    auto pos = [&](double v) { return spec.log_x ? px_log(v) : px(v); };
    if (spec.log_x) {
      x_ticks = log_ticks(x0, x1, pos);
    } else {
      for (int target = 6; target >= 2; --target) {
        x_ticks = thin_ticks(linear_ticks(x0, x1, target), pos, 8);
        if (x_ticks.size() == linear_ticks(x0, x1, target).size()) break;
      }
    }
    double overhang = 0;
    for (const auto& t : x_ticks) overhang = std::max(overhang, pos(t.value) + svg_text_width(t.label, kFont) / 2 - (W - 2));
    if (overhang <= 0) break;
    right += overhang;
    pw = W - left - right;
  }

  // Marker and band labels: rows above the plot area, each label in the first row where it fits.
  std::vector<Label> labels;
  for (const auto& b : spec.bands) {
    if (b.label.empty()) continue;
    const double a = std::clamp(px(std::max(b.x0, spec.log_x ? std::pow(10, x0) : x0)), left, left + pw);
    const double c = std::clamp(px(b.x1), left, left + pw);
    const double w = svg_text_width(b.label, kFont);
    const double centre = std::clamp((a + c) / 2, w / 2 + 2, W - w / 2 - 2);
    labels.push_back({centre - w / 2, centre + w / 2, centre, "middle", b.label, "band"});
  }
  for (const auto& m : spec.markers) {
    if (!std::isfinite(m.x) || (spec.log_x && m.x <= 0) || m.label.empty()) continue;
    const double x = px(m.x), w = svg_text_width(m.label, kFont);
    if (x + 3 + w <= W - 2)
      labels.push_back({x + 3, x + 3 + w, x + 3, "start", m.label, "marker"});
    else
      labels.push_back({x - 3 - w, x - 3, x - 3, "end", m.label, "marker"});
  }
  int rows = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    for (int row = 0;; ++row) {
      bool free = true;
      for (std::size_t j = 0; j < i; ++j)
        if (labels[j].row == row && labels[i].x0 < labels[j].x1 + 4 && labels[j].x0 < labels[i].x1 + 4) free = false;
      if (free) {
        labels[i].row = row;
        rows = std::max(rows, row + 1);
        break;
      }
    }
  }
  const double row_h = 13;
  const double top = title_h + 8 + rows * row_h;
  const double H = spec.height;
  const double ph = std::max(40.0, H - top - bottom);
  auto py = [&](double y) { return top + (1 - (y - y0) / (y1 - y0)) * ph; };

  // Legend below the x-axis title, entries flowing left to right.
  struct Entry {
    double x, y;
    std::string colour, text;
    bool bars, dashed;
  };
  std::vector<Entry> legend;
  {
    double lx = left, ly = top + ph + bottom + 8;
    std::size_t k = 0;
    for (const auto& s : spec.series) {
      const std::string colour = s.colour.empty() ? kPalette[k % 8] : s.colour;
      ++k;
      if (s.name.empty() || std::min(s.x.size(), s.y.size()) == 0) continue;
      const double w = 15 + svg_text_width(s.name, kFont) + 16;
      if (lx > left && lx + w > W - 2) lx = left, ly += 15;
      legend.push_back({lx, ly, colour, s.name, s.bars, s.dashed});
      lx += w;
    }
  }
  const double total_h = legend.empty() ? H : legend.back().y + 10;

  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(1);
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" width=\"" << W << "\" height=\"" << total_h
    << "\" viewBox=\"0 0 " << W << " " << total_h << "\" font-family=\"sans-serif\" font-size=\"" << kFont << "\""
    << (spec.log_x ? " data-log-x=\"1\"" : "") << ">";
  o << "<rect x=\"0\" y=\"0\" width=\"" << W << "\" height=\"" << total_h << "\" fill=\"white\"/>";
  for (std::size_t i = 0; i < title_lines.size(); ++i)
    o << "<text data-role=\"title\" x=\"" << W / 2 << "\" y=\"" << 18 + 16 * static_cast<double>(i)
      << "\" text-anchor=\"middle\" font-size=\"" << kTitleFont << "\" font-weight=\"bold\">" << html_escape(title_lines[i])
      << "</text>";
  for (const auto& b : spec.bands) {
    const double a = std::clamp(px(std::max(b.x0, spec.log_x ? std::pow(10, x0) : x0)), left, left + pw);
    const double c = std::clamp(px(b.x1), left, left + pw);
    o << "<rect x=\"" << a << "\" y=\"" << top << "\" width=\"" << std::max(0.0, c - a) << "\" height=\"" << ph
      << "\" fill=\"#4c78a8\" fill-opacity=\"0.10\"><title>" << html_escape(b.label) << "</title></rect>";
  }
  for (const auto& t : y_ticks)
    o << "<line x1=\"" << left << "\" x2=\"" << left + pw << "\" y1=\"" << py(t.value) << "\" y2=\"" << py(t.value)
      << "\" stroke=\"#e5e5e5\"/><text data-role=\"ytick\" x=\"" << left - 6 << "\" y=\"" << py(t.value) + 4
      << "\" text-anchor=\"end\">" << t.label << "</text>";
  for (const auto& t : x_ticks) {
    const double x = spec.log_x ? px_log(t.value) : px(t.value);
    o << "<line x1=\"" << x << "\" x2=\"" << x << "\" y1=\"" << top + ph << "\" y2=\"" << top + ph + 4
      << "\" stroke=\"#444\"/><text data-role=\"xtick\" x=\"" << x << "\" y=\"" << top + ph + 16
      << "\" text-anchor=\"middle\">" << t.label << "</text>";
  }
  o << "<rect data-role=\"frame\" x=\"" << left << "\" y=\"" << top << "\" width=\"" << pw << "\" height=\"" << ph
    << "\" fill=\"none\" stroke=\"#444\"/>";
  o << "<text data-role=\"xtitle\" x=\"" << left + pw / 2 << "\" y=\"" << top + ph + 36 << "\" text-anchor=\"middle\">"
    << html_escape(spec.x_label) << "</text>";
  o << "<text data-role=\"ytitle\" transform=\"translate(12," << top + ph / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
    << html_escape(spec.y_label) << "</text>";

  // Data, clipped to the plot area.
  static int clip_id = 0;
  const std::string clip = "plotclip" + std::to_string(++clip_id);
  o << "<clipPath id=\"" << clip << "\"><rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << pw << "\" height=\""
    << ph << "\"/></clipPath><g clip-path=\"url(#" << clip << ")\">";
  std::size_t k = 0;
  for (const auto& s : spec.series) {
    const std::string colour = s.colour.empty() ? kPalette[k % 8] : s.colour;
    ++k;
    const std::size_t n = std::min(s.x.size(), s.y.size());
    if (n == 0) continue;
    if (s.bars) {
      const double bw = std::max(1.0, 2 * bar_half / (x1 - x0) * pw * 0.9);
      for (std::size_t i = 0; i < n; ++i)
        if (std::isfinite(s.y[i]) && std::isfinite(s.x[i]) && (!spec.log_x || s.x[i] > 0))
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
          if (std::isfinite(s.y[i]) && std::isfinite(s.x[i]) && (!spec.log_x || s.x[i] > 0))
            o << "<circle cx=\"" << px(s.x[i]) << "\" cy=\"" << py(s.y[i]) << "\" r=\"2.5\" fill=\"" << colour << "\"/>";
    }
  }
  for (const auto& m : spec.markers)
    if (std::isfinite(m.x) && (!spec.log_x || m.x > 0))
      o << "<line x1=\"" << px(m.x) << "\" x2=\"" << px(m.x) << "\" y1=\"" << top << "\" y2=\"" << top + ph
        << "\" stroke=\"#333\" stroke-dasharray=\"3,3\"/>";
  o << "</g>";
  for (const auto& l : labels)
    o << "<text data-role=\"" << l.role << "\" x=\"" << l.anchor_x << "\" y=\"" << top - 4 - (rows - 1 - l.row) * row_h
      << "\" text-anchor=\"" << l.anchor << "\" fill=\"" << (l.role == "band" ? "#4c78a8" : "#333") << "\">"
      << html_escape(l.text) << "</text>";
  for (const auto& e : legend) {
    if (e.bars)  // a filled box for bars, a short stroke (dashed like its line) for lines
      o << "<rect x=\"" << e.x << "\" y=\"" << e.y - 9 << "\" width=\"10\" height=\"10\" fill=\"" << e.colour << "\"/>";
    else
      o << "<line x1=\"" << e.x - 2 << "\" x2=\"" << e.x + 12 << "\" y1=\"" << e.y - 4 << "\" y2=\"" << e.y - 4 << "\" stroke=\""
        << e.colour << "\" stroke-width=\"2.5\"" << (e.dashed ? " stroke-dasharray=\"4,2\"" : "") << "/>";
    o << "<text data-role=\"legend\" x=\"" << e.x + 15 << "\" y=\"" << e.y << "\">" << html_escape(e.text) << "</text>";
  }
  o << "</svg>";
  return o.str();
}

std::vector<std::string> svg_elements(const std::string& html) {
  std::vector<std::string> out;
  for (std::size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) {
    const auto end = html.find("</svg>", at);
    if (end == std::string::npos) break;
    out.push_back(html.substr(at, end + 6 - at));
    at = end;
  }
  return out;
}

namespace {

std::string attribute(const std::string& tag, const std::string& name) {
  const std::regex re("\\s" + name + "=\"([^\"]*)\"");
  std::smatch m;
  return std::regex_search(tag, m, re) ? m[1].str() : "";
}

double number_or(const std::string& s, double fallback) { return s.empty() ? fallback : std::stod(s); }

}  // namespace

std::vector<SvgTextBox> svg_text_boxes(const std::string& svg) {
  std::vector<SvgTextBox> boxes;
  const double root_size = number_or(attribute(svg.substr(0, svg.find('>')), "font-size"), 16);
  const std::regex text_re("<text([^>]*)>([^<]*)</text>");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), text_re); it != std::sregex_iterator(); ++it) {
    const std::string attrs = " " + (*it)[1].str(), text = (*it)[2].str();
    const double size = number_or(attribute(attrs, "font-size"), root_size);
    const double w = svg_text_width(text, size, attribute(attrs, "font-weight") == "bold");
    const std::string anchor = attribute(attrs, "text-anchor");
    const double before = anchor == "middle" ? w / 2 : anchor == "end" ? w : 0;  // extent before the anchor point
    const double ascent = 0.8 * size, descent = 0.25 * size;
    SvgTextBox b;
    b.text = text;
    b.role = attribute(attrs, "data-role");
    const std::string transform = attribute(attrs, "transform");
    std::smatch m;
    if (std::regex_search(transform, m, std::regex("translate\\(([-0-9.e]+),\\s*([-0-9.e]+)\\)\\s*rotate\\(-90\\)"))) {
      // Rotated a quarter turn anticlockwise: the text runs upwards from the anchor point.
      const double ax = std::stod(m[1].str()), ay = std::stod(m[2].str());
      b.x0 = ax - ascent, b.x1 = ax + descent, b.y0 = ay - (w - before), b.y1 = ay + before;
    } else {
      const double x = number_or(attribute(attrs, "x"), 0), y = number_or(attribute(attrs, "y"), 0);
      b.x0 = x - before, b.x1 = x - before + w, b.y0 = y - ascent, b.y1 = y + descent;
    }
    boxes.push_back(b);
  }
  return boxes;
}

std::vector<std::string> svg_layout_problems(const std::string& svg) {
  std::vector<std::string> problems;
  const std::string root = svg.substr(0, svg.find('>'));
  const double W = number_or(attribute(root, "width"), 0), H = number_or(attribute(root, "height"), 0);
  const auto boxes = svg_text_boxes(svg);
  auto describe = [](const SvgTextBox& b) { return b.role + " '" + b.text + "'"; };
  constexpr double kSlack = 0.5;  // px: boxes that only touch do not overlap
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const auto& a = boxes[i];
    if (a.x0 < -kSlack || a.y0 < -kSlack || a.x1 > W + kSlack || a.y1 > H + kSlack) problems.push_back(describe(a) + " is cut at the frame");
    for (std::size_t j = i + 1; j < boxes.size(); ++j) {
      const auto& b = boxes[j];
      if (a.x0 < b.x1 - kSlack && b.x0 < a.x1 - kSlack && a.y0 < b.y1 - kSlack && b.y0 < a.y1 - kSlack)
        problems.push_back(describe(a) + " overlaps " + describe(b));
    }
    if ((a.role == "xtick" || a.role == "ytick") && std::regex_match(a.text, std::regex("-0(\\.0*)?")))
      problems.push_back("tick label '" + a.text + "'");
  }
  std::smatch m;
  const std::regex frame_re("<rect data-role=\"frame\"([^>]*)>");
  if (std::regex_search(svg, m, frame_re)) {
    const std::string f = " " + m[1].str();
    const double fx = number_or(attribute(f, "x"), 0), fy = number_or(attribute(f, "y"), 0);
    const double fw = number_or(attribute(f, "width"), 0), fh = number_or(attribute(f, "height"), 0);
    for (const auto& b : boxes)
      if (b.role == "legend" && b.x0 < fx + fw && fx < b.x1 && b.y0 < fy + fh && fy < b.y1)
        problems.push_back("legend '" + b.text + "' lies inside the plot area");
  }
  if (attribute(root, "data-log-x") == "1") {
    const auto ticks = std::count_if(boxes.begin(), boxes.end(), [](const SvgTextBox& b) { return b.role == "xtick"; });
    if (ticks < 3) problems.push_back("log axis with " + std::to_string(ticks) + " labelled ticks");
  }
  return problems;
}

}  // namespace emorph
