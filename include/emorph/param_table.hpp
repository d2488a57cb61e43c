#pragma once
// A params struct's parameters declared once: one table of {key, member, unit, help} per struct drives
// the CLI options (apps/emorph/param_options.hpp), the Python keywords and docstring
// (python/src/param_keywords.hpp) and the JSON echo of `parameters`, instead of hand-kept copies per
// front end. Option names have one spelling, the key in snake_case: the CLI writes it --kebab-case.
#include <cstdint>
#include <sstream>
#include <type_traits>
#include <utility>
#include <string>
#include <variant>
#include <vector>

#include "emorph/result.hpp"

namespace emorph {

template <class P>
struct Param {
  using Member = std::variant<double P::*, int P::*, int64_t P::*, uint64_t P::*, bool P::*, std::string P::*>;
  std::string key;   // snake_case: the Python keyword and the JSON key
  Member member;
  std::string unit;  // "" when dimensionless
  std::string help;  // one line, without the unit
  // The CLI option: "" gives --key in kebab-case, another name replaces it (a short contract name such as
  // "--psf"), "none" keeps the parameter off the CLI (a command-wide option sets it).
  std::string cli = "";
};

template <class P>
using ParamTable = std::vector<Param<P>>;

// "--exclude-depleted" for "exclude_depleted".
std::string option_flag(const std::string& key);

// `message` with each CLI option (--exclude-depleted) spelt as its Python keyword (exclude_depleted): the
// library names options the CLI's way, the Python module shows its own spelling.
std::string keyword_spelling(const std::string& message);

// The CLI option of a parameter ("" when it has none).
template <class P>
std::string cli_option(const Param<P>& param) {
  if (param.cli == "none") return "";
  return param.cli.empty() ? option_flag(param.key) : param.cli;
}

// Calls f(value&) with the parameter's member of `params`, typed.
template <class P, class F>
void visit_param(const Param<P>& param, P& params, F&& f) {
  std::visit([&](auto member) { f(params.*member); }, param.member);
}
template <class P, class F>
void visit_param(const Param<P>& param, const P& params, F&& f) {
  std::visit([&](auto member) { f(params.*member); }, param.member);
}

// {key: value} of every parameter: the echo of `parameters` in a JSON envelope or a truth file.
template <class P>
Json params_json(const P& params, const ParamTable<P>& table) {
  Json j = Json::object();
  for (const auto& param : table) visit_param(param, params, [&](const auto& v) { j[param.key] = v; });
  return j;
}

// "float", "int", "bool" or "str": the Python type of the parameter, for docstrings.
template <class P>
std::string python_type(const Param<P>& param) {
  return std::visit(
      [](auto member) -> std::string {
        using T = std::decay_t<decltype(std::declval<P&>().*member)>;
        if constexpr (std::is_same_v<T, double>) return "float";
        else if constexpr (std::is_same_v<T, bool>) return "bool";
        else if constexpr (std::is_same_v<T, std::string>) return "str";
        else return "int";
      },
      param.member);
}

// The numpy-style "Parameters" entries of the table, defaults from `defaults`:
// "key : type\n    help, in unit (default value).\n" per parameter.
template <class P>
std::string params_doc(const ParamTable<P>& table, const P& defaults = {}) {
  std::ostringstream doc;
  for (const auto& param : table) {
    doc << param.key << " : " << python_type(param) << "\n    " << param.help;
    if (!param.unit.empty()) doc << ", in " << param.unit;
    visit_param(param, defaults, [&](const auto& v) { doc << " (default " << Json(v).dump() << ").\n"; });
  }
  return doc.str();
}

}  // namespace emorph
