#include "io/header_text.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "emorph/error.hpp"

namespace emorph::io {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> split_ws(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream ss(s);
  std::string w;
  while (ss >> w) out.push_back(w);
  return out;
}

int64_t header_int(const std::string& text, const std::string& name, const std::string& field) {
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE)
    throw InputError(name + ": field '" + field + "' has an invalid integer '" + text + "'");
  return v;
}

double header_double(const std::string& text, const std::string& name, const std::string& field) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0')
    throw InputError(name + ": field '" + field + "' has an invalid number '" + text + "'");
  return v;
}

}  // namespace emorph::io
