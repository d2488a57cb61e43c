#pragma once
// A params struct's parameters declared once: one table of {key, member, unit, help} per struct drives
// the CLI options (apps/emorph/param_options.hpp), the Python keywords and docstring
// (python/src/param_keywords.hpp) and the JSON echo of `parameters`, instead of hand-kept copies per
// front end. Option names have one spelling, the key in snake_case: the CLI writes it --kebab-case; where
// a front end already spells a parameter otherwise (a contract name), the table names that spelling.
#include <cstdint>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <string>
#include <variant>
#include <vector>

#include "emorph/result.hpp"

namespace emorph {

template <class P>
struct Param {
  // std::optional<double>: unset is the front end's default (JSON null, Python None); a list of names is
  // a repeated CLI option, a JSON array and a Python str or list of str; a list of numbers is a CLI
  // comma-separated list, a JSON array and a Python list of float (empty: the front end's default).
  using Member = std::variant<double P::*, int P::*, int64_t P::*, uint64_t P::*, bool P::*, std::string P::*,
                              std::optional<double> P::*, std::vector<std::string> P::*, std::vector<double> P::*>;
  std::string key;   // snake_case: the Python keyword and the JSON key
  Member member;
  std::string unit;  // "" when dimensionless
  std::string help;  // one line, without the unit
  // The CLI option: "" gives --key in kebab-case, another name replaces it (a short contract name such as
  // "--psf"), "none" keeps the parameter off the CLI (a command-wide option sets it). A bool whose option
  // starts with "--no-" is a flag that sets it false ("--no-surface" for surface).
  std::string cli = "";
  // The Python keyword: "" is the key, another name replaces it, "none" keeps it off the Python function.
  std::string python = "";
  // Whether `parameters` in the JSON echoes it (false: a front-end switch such as return_labels).
  bool echo = true;
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

// The Python keyword of a parameter ("" when it has none).
template <class P>
std::string python_keyword(const Param<P>& param) {
  if (param.python == "none") return "";
  return param.python.empty() ? param.key : param.python;
}

// The table of a struct derived from P (a command's options that extend shared ones, e.g. the particle
// separation options of particles and contacts).
template <class Derived, class P>
ParamTable<Derived> derived_table(const ParamTable<P>& table) {
  static_assert(std::is_base_of_v<P, Derived>);
  ParamTable<Derived> out;
  for (const auto& param : table)
    std::visit(
        [&](auto member) {
          using T = std::decay_t<decltype(std::declval<P&>().*member)>;
          out.push_back({param.key, static_cast<T Derived::*>(member), param.unit, param.help, param.cli, param.python,
                         param.echo});
        },
        param.member);
  return out;
}

// The parameter `key` of `table` (its key, unit and help) bound to a member of another struct that holds
// the same parameter (analyze's configuration), which reads and documents it from the one table; the
// other struct's own front end spells it (no CLI option or Python keyword here). Throws std::logic_error
// when the table has no such key of type T.
template <class Q, class P, class T>
Param<Q> rebound(const ParamTable<P>& table, const std::string& key, T Q::*member) {
  for (const auto& param : table)
    if (param.key == key && std::holds_alternative<T P::*>(param.member))
      return {param.key, member, param.unit, param.help, "none", "none", param.echo};
  throw std::logic_error("rebound: no parameter '" + key + "' of this type");
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

// A parameter's value as JSON (an unset optional is null).
template <class T>
Json param_value_json(const T& value) {
  return Json(value);
}
inline Json param_value_json(const std::optional<double>& value) { return value ? Json(*value) : Json(nullptr); }

// {key: value} of every parameter: the echo of `parameters` in a JSON envelope or a truth file.
template <class P>
Json params_json(const P& params, const ParamTable<P>& table) {
  Json j = Json::object();
  for (const auto& param : table)
    if (param.echo) visit_param(param, params, [&](const auto& v) { j[param.key] = param_value_json(v); });
  return j;
}

// "float", "int", "bool", "str", "float, optional", "str or list of str" or "list of float": the Python type of the parameter, for docstrings.
template <class P>
std::string python_type(const Param<P>& param) {
  return std::visit(
      [](auto member) -> std::string {
        using T = std::decay_t<decltype(std::declval<P&>().*member)>;
        if constexpr (std::is_same_v<T, double>) return "float";
        else if constexpr (std::is_same_v<T, bool>) return "bool";
        else if constexpr (std::is_same_v<T, std::string>) return "str";
        else if constexpr (std::is_same_v<T, std::optional<double>>) return "float, optional";
        else if constexpr (std::is_same_v<T, std::vector<std::string>>) return "str or list of str, optional";
        else if constexpr (std::is_same_v<T, std::vector<double>>) return "list of float, optional";
        else return "int";
      },
      param.member);
}

// The default a front end shows: the JSON value, "None" for an unset optional or an empty list.
template <class T>
std::string default_text(const T& value) {
  return Json(value).dump();
}
inline std::string default_text(const std::optional<double>& value) { return value ? Json(*value).dump() : "None"; }
inline std::string default_text(const std::vector<std::string>& value) {
  return value.empty() ? "None" : Json(value).dump();
}
inline std::string default_text(const std::vector<double>& value) { return value.empty() ? "None" : Json(value).dump(); }

// The numpy-style "Parameters" entries of the table's Python keywords, defaults from `defaults`:
// "keyword : type\n    help, in unit (default value).\n" per parameter.
template <class P>
std::string params_doc(const ParamTable<P>& table, const P& defaults = {}) {
  std::ostringstream doc;
  for (const auto& param : table) {
    const std::string keyword = python_keyword(param);
    if (keyword.empty()) continue;
    doc << keyword << " : " << python_type(param) << "\n    " << keyword_spelling(param.help);
    if (!param.unit.empty()) doc << ", in " << param.unit;
    visit_param(param, defaults, [&](const auto& v) { doc << " (default " << default_text(v) << ").\n"; });
  }
  return doc.str();
}

// One parameter as the docs and the drift test list it: its spelling in each front end ("" where it
// has none), Python type, default, unit and help.
struct ParamRow {
  std::string key, cli, python, type, default_value, unit, help;
  bool echo = true;
};

template <class P>
std::vector<ParamRow> param_rows(const ParamTable<P>& table, const P& defaults = {}) {
  std::vector<ParamRow> rows;
  for (const auto& param : table) {
    ParamRow row{param.key, cli_option(param), python_keyword(param), python_type(param), "", param.unit, param.help,
                 param.echo};
    visit_param(param, defaults, [&](const auto& v) { row.default_value = default_text(v); });
    rows.push_back(row);
  }
  return rows;
}

}  // namespace emorph
