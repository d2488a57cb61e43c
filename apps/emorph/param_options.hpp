#pragma once
// CLI11 options from a parameter table (emorph/param_table.hpp): one option per parameter that has one,
// its help the table's help and unit, its default shown.
#include <CLI/CLI.hpp>
#include <string>
#include <type_traits>

#include "emorph/param_table.hpp"

namespace emorph::cli {

// `help_prefix` names the part of a command the options belong to ("XCT: ").
template <class P>
void add_param_options(CLI::App* sub, P& params, const ParamTable<P>& table, const std::string& help_prefix = "") {
  for (const auto& param : table) {
    const std::string flag = cli_option(param);
    if (flag.empty()) continue;
    const std::string help = help_prefix + param.help + (param.unit.empty() ? "" : ", " + param.unit);
    visit_param(param, params, [&](auto& value) {
      if constexpr (std::is_same_v<std::decay_t<decltype(value)>, bool>)
        sub->add_flag(flag, value, help);
      else
        sub->add_option(flag, value, help)->capture_default_str();
    });
  }
}

}  // namespace emorph::cli
