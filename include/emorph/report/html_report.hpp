#pragma once
// A self-contained HTML page (inline CSS, inline SVG, PNG as data URIs): opens offline, no network.
#include <string>
#include <utility>
#include <vector>

namespace emorph {

std::string base64_encode(const std::string& bytes);

class HtmlReport {
 public:
  explicit HtmlReport(std::string title);

  void heading(const std::string& text, int level = 2);
  void paragraph(const std::string& text);  // escaped
  void raw_html(const std::string& html);   // trusted fragment (e.g. an SVG from render_svg)
  void table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
             const std::string& caption = "");
  // A table whose columns are grouped under spanning headers: `groups` = (label, number of columns), in
  // order, covering every column of `header`.
  void grouped_table(const std::vector<std::pair<std::string, int>>& groups, const std::vector<std::string>& header,
                     const std::vector<std::vector<std::string>>& rows, const std::string& caption = "");
  void warning(const std::string& text);  // escaped, in a highlighted box
  // Embeds a PNG file's bytes as a data URI; throws InputError if the file cannot be read.
  void png_file(const std::string& path, const std::string& caption, int display_width = 0);
  void begin_grid();  // following figures side by side until end_grid()
  void end_grid();

  std::string html() const;
  void write(const std::string& path) const;  // atomic

 private:
  std::string title_;
  std::string body_;
};

}  // namespace emorph
