#pragma once
// Python keywords from a parameter table (emorph/param_table.hpp): a function declared as
// f(labels, spacing=None, *args, **kwargs) takes the table's Python keywords positionally (in table order)
// or by keyword, with the library's defaults, and documents them from the table.
#include <algorithm>
#include <limits>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "emorph/param_table.hpp"
#include "emorph/parse.hpp"

namespace emorph::python {

// Sets `params` from the extra positional arguments and the keywords of a call to `function`; a wrong
// count, an unknown or repeated keyword or a value of the wrong type is a TypeError, as for a signature.
// `fixed` counts the arguments before *args (for the message).
template <class P>
void set_params(P& params, const ParamTable<P>& table, const pybind11::args& args, const pybind11::kwargs& kwargs,
                const std::string& function, std::size_t fixed = 2,
                std::size_t max_positional = std::numeric_limits<std::size_t>::max()) {
  namespace py = pybind11;
  std::vector<const Param<P>*> keywords;
  for (const auto& param : table)
    if (!python_keyword(param).empty()) keywords.push_back(&param);
  // max_positional keeps a call written for an earlier argument order from silently setting another
  // parameter: past it, the table's parameters are accepted by keyword only.
  const std::size_t positional = std::min(keywords.size(), max_positional);
  if (args.size() > positional)
    throw py::type_error(function + "() takes at most " + std::to_string(positional + fixed) +
                         " positional arguments" +
                         (positional < keywords.size() ? "; give " + python_keyword(*keywords[positional]) +
                                                             " and later parameters by keyword"
                                                       : std::string()));
  auto set = [&](const Param<P>& param, const py::handle& value) {
    visit_param(param, params, [&](auto& member) {
      using T = std::decay_t<decltype(member)>;
      try {
        if constexpr (std::is_same_v<T, std::optional<double>>) {
          member = value.is_none() ? std::nullopt : std::optional<double>(value.cast<double>());
        } else if constexpr (std::is_same_v<T, std::vector<double>>) {  // also "A,B" as the CLI takes it
          if (value.is_none()) member.clear();
          else if (py::isinstance<py::str>(value)) member = parse_double_list(value.cast<std::string>(), python_keyword(param));
          else member = value.cast<T>();
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          if (value.is_none()) member.clear();
          else if (py::isinstance<py::str>(value)) member = {value.cast<std::string>()};
          else member = value.cast<T>();
        } else {
          member = value.cast<T>();
        }
      } catch (const py::cast_error&) {
        throw py::type_error(function + "(): " + python_keyword(param) + " must be of type " + python_type(param) +
                             ", got " + std::string(py::str(value.get_type().attr("__name__"))));
      }
    });
  };
  for (std::size_t i = 0; i < args.size(); ++i) set(*keywords[i], args[i]);
  for (const auto& [key, value] : kwargs) {
    const std::string name = py::str(key);
    std::size_t i = 0;
    while (i < keywords.size() && python_keyword(*keywords[i]) != name) ++i;
    if (i == keywords.size()) throw py::type_error(function + "() got an unexpected keyword argument '" + name + "'");
    if (i < args.size()) throw py::type_error(function + "() got multiple values for argument '" + name + "'");
    set(*keywords[i], value);
  }
}

}  // namespace emorph::python
