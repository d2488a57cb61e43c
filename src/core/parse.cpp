#include "emorph/parse.hpp"

#include <cmath>
#include <set>
#include <sstream>

#include "emorph/error.hpp"
#include "emorph/text.hpp"

namespace emorph {

double parse_double(const std::string& text, const std::string& option) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || !std::isfinite(v))
    throw InputError(option + ": '" + printable(text) + "' is not a finite number");
  return v;
}

long long parse_int(const std::string& text, const std::string& option) {
  std::size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size()) throw InputError(option + ": '" + printable(text) + "' is not an integer");
  return v;
}

std::vector<std::string> split_list(const std::string& text, const std::string& option) {
  if (text.empty()) throw InputError(option + ": empty list");
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    out.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (out.back().empty()) throw InputError(option + ": empty item in the list '" + printable(text) + "'");
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

void require_unique_names(const std::vector<std::string>& names, const std::string& option) {
  std::set<std::string> seen;
  for (const auto& n : names)
    if (!seen.insert(n).second) throw InputError(option + ": '" + printable(n) + "' is given twice");
}

std::vector<std::string> parse_name_list(const std::string& text, const std::string& option) {
  auto names = split_list(text, option);
  require_unique_names(names, option);
  return names;
}

std::vector<double> parse_double_list(const std::string& text, const std::string& option) {
  std::vector<double> out;
  for (const auto& item : split_list(text, option)) out.push_back(parse_double(item, option));
  return out;
}

Spacing parse_spacing(const std::string& spec, const std::string& option) {
  auto v = parse_double_list(spec, option);
  if (v.size() != 1 && v.size() != 3)
    throw InputError(option + ": expected one voxel size or three (DZ,DY,DX) in um, got '" + spec + "'");
  for (double d : v) {
    if (d <= 0) throw InputError(option + ": voxel size must be positive, got '" + printable(spec) + "'");
    // Sizes are in um: 1e-6 um (a picometre) to 1e6 um (a metre) spans every imaging method;
    // outside it the value is a unit mistake, and lengths from it underflow or overflow downstream.
    if (d < 1e-6 || d > 1e6)
      throw InputError(option + ": voxel size " + printable(spec) + " um is outside the plausible range 1e-6 to 1e6 um "
                       "(sizes are in micrometres)");
  }
  return v.size() == 1 ? Spacing{v[0], v[0], v[0]} : Spacing{v[0], v[1], v[2]};
}

Box parse_box(const std::string& spec_in, const Shape& shape, const Spacing& spacing, const std::string& option) {
  std::string spec = spec_in;
  bool um = false;
  if (spec.size() > 2 && spec.substr(spec.size() - 2) == "um") {
    um = true;
    spec.resize(spec.size() - 2);
  }
  std::vector<std::string> parts;
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) parts.push_back(item);
  if (parts.size() != 3) throw InputError(option + ": expected z0:z1,y0:y1,x0:x1, got '" + spec_in + "'");
  int64_t lo[3], hi[3];
  for (int a = 0; a < 3; ++a) {
    auto colon = parts[a].find(':');
    if (colon == std::string::npos) throw InputError(option + ": range '" + parts[a] + "' lacks ':' in '" + spec_in + "'");
    std::string a0 = parts[a].substr(0, colon), a1 = parts[a].substr(colon + 1);
    if (um) {
      // Voxel i has its centre at (i + 0.5) * d: keep the voxels whose centres lie in [u0, u1].
      const double d = spacing[a];
      const double u0 = a0.empty() ? 0.0 : parse_double(a0, option);
      const double u1 = a1.empty() ? shape[a] * d : parse_double(a1, option);
      lo[a] = static_cast<int64_t>(std::ceil(u0 / d - 0.5));
      hi[a] = static_cast<int64_t>(std::floor(u1 / d - 0.5)) + 1;
    } else {
      lo[a] = a0.empty() ? 0 : parse_int(a0, option);
      hi[a] = a1.empty() ? shape[a] : parse_int(a1, option);
    }
  }
  Box b{lo[0], hi[0], lo[1], hi[1], lo[2], hi[2]};
  check_box_inside(b, shape, option);
  return b;
}

}  // namespace emorph
