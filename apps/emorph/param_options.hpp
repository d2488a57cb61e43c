#pragma once
// CLI11 options from a parameter table (emorph/param_table.hpp): one option per parameter that has one,
// its help the table's help and unit, its default shown. Checks and exclusions between options stay with
// the command (sub->get_option(flag)).
#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "emorph/param_table.hpp"
#include "emorph/parse.hpp"

namespace emorph::cli {

// `help_prefix` names the part of a command the options belong to ("XCT: ").
template <class P>
void add_param_options(CLI::App* sub, P& params, const ParamTable<P>& table, const std::string& help_prefix = "") {
  for (const auto& param : table) {
    const std::string flag = cli_option(param);
    if (flag.empty()) continue;
    const std::string help = help_prefix + param.help + (param.unit.empty() ? "" : ", " + param.unit);
    visit_param(param, params, [&](auto& value) {
      using T = std::decay_t<decltype(value)>;
      if constexpr (std::is_same_v<T, bool>) {
        if (flag.rfind("--no-", 0) == 0)
          sub->add_flag_callback(flag, [&value] { value = false; }, help);
        else
          sub->add_flag(flag, value, help);
      } else if constexpr (std::is_same_v<T, std::optional<double>>) {
        auto* option = sub->add_option_function<double>(flag, [&value](double v) { value = v; }, help);
        if (value) option->default_str(default_text(value));
      } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
        sub->add_option(flag, value, help);
      } else if constexpr (std::is_same_v<T, std::vector<double>>) {  // one comma-separated list
        sub->add_option_function<std::string>(
            flag, [&value, flag](const std::string& text) { value = parse_double_list(text, flag); }, help);
      } else {
        sub->add_option(flag, value, help)->capture_default_str();
      }
    });
  }
}

}  // namespace emorph::cli
