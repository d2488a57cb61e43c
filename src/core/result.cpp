#include "emorph/result.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "emorph/atomic_file.hpp"
#include "emorph/checksum.hpp"
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
  write_text_atomic(path, copy.dump(2) + "\n");
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
