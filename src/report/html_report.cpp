#include "emorph/report/html_report.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "emorph/atomic_file.hpp"
#include "emorph/error.hpp"
#include "emorph/report/svg_plot.hpp"
#include "emorph/version.hpp"

namespace emorph {

std::string base64_encode(const std::string& in) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += table[v >> 18];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += table[v & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += table[v >> 18];
    out += table[(v >> 12) & 63];
    out += i + 1 < in.size() ? table[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

HtmlReport::HtmlReport(std::string title) : title_(std::move(title)) {}

void HtmlReport::heading(const std::string& text, int level) {
  const std::string tag = "h" + std::to_string(std::clamp(level, 1, 4));
  body_ += "<" + tag + ">" + html_escape(text) + "</" + tag + ">\n";
}

void HtmlReport::paragraph(const std::string& text) { body_ += "<p>" + html_escape(text) + "</p>\n"; }

void HtmlReport::raw_html(const std::string& html) { body_ += "<div class=\"fig\">" + html + "</div>\n"; }

namespace {

// One HTML table; a row of group headers above the column headers when `groups` is not empty.
std::string html_table(const std::vector<std::pair<std::string, int>>& groups, const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows, const std::string& caption) {
  std::ostringstream o;
  o << (groups.empty() ? "<table>" : "<table class=\"grouped\">");
  if (!caption.empty()) o << "<caption>" << html_escape(caption) << "</caption>";
  o << "<thead><tr>";
  if (!groups.empty()) {
    for (const auto& [label, span] : groups) o << "<th colspan=\"" << span << "\" class=\"group\">" << html_escape(label) << "</th>";
    o << "</tr><tr>";
  }
  for (const auto& h : header) o << "<th>" << html_escape(h) << "</th>";
  o << "</tr></thead><tbody>";
  for (const auto& r : rows) {
    o << "<tr>";
    for (const auto& c : r) o << "<td>" << html_escape(c) << "</td>";
    o << "</tr>";
  }
  o << "</tbody></table>\n";
  return o.str();
}

}  // namespace

void HtmlReport::table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                       const std::string& caption) {
  body_ += html_table({}, header, rows, caption);
}

void HtmlReport::grouped_table(const std::vector<std::pair<std::string, int>>& groups, const std::vector<std::string>& header,
                               const std::vector<std::vector<std::string>>& rows, const std::string& caption) {
  body_ += html_table(groups, header, rows, caption);
}

void HtmlReport::warning(const std::string& text) { body_ += "<p class=\"warning\">" + html_escape(text) + "</p>\n"; }

void HtmlReport::png_file(const std::string& path, const std::string& caption, int display_width) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(path + ": cannot read image for the report");
  std::stringstream ss;
  ss << f.rdbuf();
  body_ += "<figure><img alt=\"" + html_escape(caption) + "\" src=\"data:image/png;base64," + base64_encode(ss.str()) +
           "\"" + (display_width > 0 ? " width=\"" + std::to_string(display_width) + "\"" : std::string()) +
           "><figcaption>" + html_escape(caption) + "</figcaption></figure>\n";
}

void HtmlReport::begin_grid() { body_ += "<div class=\"grid\">\n"; }
void HtmlReport::end_grid() { body_ += "</div>\n"; }

std::string HtmlReport::html() const {
  static const char* css = R"(body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1400px;color:#222;padding:0 16px}
h1{font-size:24px;border-bottom:2px solid #e4572e;padding-bottom:6px}h2{font-size:19px;margin-top:28px;color:#333}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}
th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}caption{text-align:left;font-weight:bold;padding:4px 0}
.grid{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}figure{margin:0}figcaption{font-size:12px;color:#555}
img{image-rendering:pixelated;border:1px solid #ccc}.fig{display:inline-block}footer{margin-top:32px;font-size:12px;color:#777}
th.group{text-align:center;background:#e6e6e6}table.grouped td{white-space:nowrap}.warning{background:#fff4e5;border-left:4px solid #e4572e;padding:6px 10px})";
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + html_escape(title_) +
         "</title><style>" + css + "</style></head><body>\n<h1>" + html_escape(title_) + "</h1>\n" + body_ +
         "<footer>emorph " + kVersion + "</footer>\n</body></html>\n";
}

void HtmlReport::write(const std::string& path) const { write_text_atomic(path, html()); }

}  // namespace emorph
