#include "emorph/result.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "emorph/atomic_file.hpp"
#include "emorph/checksum.hpp"
#include "emorph/parallel.hpp"
#include "emorph/version.hpp"

namespace fs = std::filesystem;

namespace emorph {

std::string input_sha256(const std::string& address) {
  const std::string path = file_part(address);
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(path))
      if (e.is_regular_file()) files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return sha256_files(files);
  }
  return sha256_file(path);
}

Json result_envelope(const std::string& command, const Json& parameters, const std::string& input_path,
                     const Json& results) {
  Json input = Json::object();
  if (!input_path.empty()) input = {{"path", input_path}, {"sha256", input_sha256(input_path)}};
  return {{"emorph_version", kVersion},
          {"command", command},
          {"parameters", parameters},
          {"input", input},
          {"parallel", {{"ranks", world_ranks()}, {"threads", thread_count()}}},
          {"results", results}};
}

namespace {
void replace_non_finite(Json& j) {
  if (j.is_number_float()) {
    if (!std::isfinite(j.get<double>())) j = nullptr;
  } else if (j.is_structured()) {
    for (auto& child : j) replace_non_finite(child);
  }
}
}  // namespace

void write_json(const std::string& path, const Json& j) {
  Json copy = j;
  replace_non_finite(copy);
  if (path == "-") {
    std::cout << copy.dump(2) << "\n" << std::flush;
    return;
  }
  write_text_atomic(path, copy.dump(2) + "\n");
}

namespace {

std::string scalar_text(const Json& j) {
  if (j.is_number_float()) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", j.get<double>());
    return buffer;
  }
  if (j.is_string()) return j.get<std::string>();
  return j.dump();
}

// Arrays: short scalar lists inline; long number lists as "N values, min .. max"; others by count.
std::string array_text(const Json& j) {
  bool scalars = std::all_of(j.begin(), j.end(), [](const Json& e) { return e.is_primitive(); });
  if (scalars && j.size() <= 6) {
    std::string text = "[";
    for (std::size_t i = 0; i < j.size(); ++i) text += (i ? ", " : "") + scalar_text(j[i]);
    return text + "]";
  }
  bool numbers = std::all_of(j.begin(), j.end(), [](const Json& e) { return e.is_number(); });
  if (numbers && !j.empty()) {
    double lo = j[0].get<double>(), hi = lo;
    for (const auto& e : j) lo = std::min(lo, e.get<double>()), hi = std::max(hi, e.get<double>());
    Json low = lo, high = hi;
    return "[" + std::to_string(j.size()) + " values, " + scalar_text(low) + " .. " + scalar_text(high) + "]";
  }
  return "[" + std::to_string(j.size()) + " entries]";
}

void summarize_into(const Json& j, int depth, std::vector<std::string>& lines) {
  const std::string indent(2 * depth, ' ');
  for (const auto& [key, value] : j.items()) {
    if (value.is_object() && !value.empty()) {
      lines.push_back(indent + key + ":");
      summarize_into(value, depth + 1, lines);
    } else if (value.is_array()) {
      lines.push_back(indent + key + ": " + array_text(value));
    } else {
      lines.push_back(indent + key + ": " + scalar_text(value));
    }
  }
}

}  // namespace

std::string summarize_results(const Json& results, int max_lines) {
  std::vector<std::string> lines;
  if (results.is_object())
    summarize_into(results, 0, lines);
  else
    lines.push_back(results.is_array() ? array_text(results) : scalar_text(results));
  std::string text;
  const int shown = static_cast<int>(lines.size()) > max_lines ? max_lines - 1 : static_cast<int>(lines.size());
  for (int i = 0; i < shown; ++i) text += lines[i] + "\n";
  if (shown < static_cast<int>(lines.size()))
    text += "... " + std::to_string(lines.size() - shown) + " more lines: --json PATH (or --json -) gives everything\n";
  return text;
}

void write_csv(const std::string& path, const std::vector<std::string>& header,
               const std::vector<std::vector<std::string>>& rows) {
  std::ostringstream out;
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << cells[i];
    out << "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
  write_text_atomic(path, out.str());
}

}  // namespace emorph
