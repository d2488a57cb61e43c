// Memory budget of a run: parsing sizes, the process-wide limit and the peak resident set (VmHWM).
#include "emorph/memory_budget.hpp"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cmath>
#include <fstream>
#include <string>

#include "emorph/error.hpp"

namespace emorph {
namespace {

std::atomic<uint64_t> g_limit{0};  // 0: default

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

uint64_t parse_memory_size(const std::string& text, const std::string& option) {
  const std::string what = option + ": expected a size such as 512MiB or 4GiB, got '" + text + "'";
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  require(i > 0 && text.find_first_of("0123456789") < i, what);
  double value = 0;
  try {
    std::size_t used = 0;
    value = std::stod(text.substr(0, i), &used);
    require(used == i, what);
  } catch (const std::logic_error&) {
    throw InputError(what);
  }
  std::string unit = lower(text.substr(i));
  while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
  double scale = 0;
  if (unit.empty() || unit == "b") scale = 1;
  else if (unit == "k" || unit == "kib") scale = 1024.0;
  else if (unit == "m" || unit == "mib") scale = 1024.0 * 1024;
  else if (unit == "g" || unit == "gib") scale = 1024.0 * 1024 * 1024;
  else if (unit == "t" || unit == "tib") scale = 1024.0 * 1024 * 1024 * 1024;
  else if (unit == "kb") scale = 1e3;
  else if (unit == "mb") scale = 1e6;
  else if (unit == "gb") scale = 1e9;
  else if (unit == "tb") scale = 1e12;
  else throw InputError(what + " (units: KiB, MiB, GiB, TiB or kB, MB, GB, TB)");
  const double bytes = std::floor(value * scale);
  require(std::isfinite(bytes) && bytes >= 1, option + ": the memory limit must be at least 1 byte, got '" + text + "'");
  require(bytes < 9.2e18, option + ": '" + text + "' is beyond 2^63 bytes");
  return static_cast<uint64_t>(bytes);
}

uint64_t physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : UINT64_MAX;
}

uint64_t default_memory_limit() {
  return static_cast<uint64_t>(static_cast<double>(physical_memory_bytes()) * kDefaultMemoryShare);
}

void set_memory_limit(uint64_t bytes) { g_limit = bytes; }
uint64_t memory_limit() {
  const uint64_t limit = g_limit;
  return limit ? limit : default_memory_limit();
}
bool memory_limit_is_default() { return g_limit == 0; }

bool exceeds_memory_limit(uint64_t bytes) { return bytes > memory_limit(); }

uint64_t peak_resident_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;  // "VmHWM:   1234 kB"
  return 0;
}

}  // namespace emorph
