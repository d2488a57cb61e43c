#pragma once
// Option checks shared by several commands, with messages that name the value given.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <string>

namespace emorph::cli {

// A number >= 0 (CLI::NonNegativeNumber's message prints DBL_MAX as the bound).
inline CLI::Validator non_negative() {
  return CLI::Validator(
      [](std::string& text) {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || !(v >= 0)) return "must be a number >= 0, got '" + text + "'";
        return std::string();
      },
      "NUMBER >= 0");
}

// A voxel connectivity: 6, 18 or 26 (checked even where only some modes use it, e.g. --no-separate).
inline CLI::Validator connectivity_value() {
  return CLI::Validator(
      [](std::string& text) {
        if (text == "6" || text == "18" || text == "26") return std::string();
        return "must be 6, 18 or 26, got '" + text + "'";
      },
      "6|18|26");
}

}  // namespace emorph::cli
