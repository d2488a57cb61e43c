#pragma once
// Python keywords from a parameter table (emorph/param_table.hpp): a function declared as
// f(labels, spacing=None, *args, **kwargs) takes the table's parameters positionally (in table order)
// or by keyword, with the library's defaults, and documents them from the table.
#include <pybind11/pybind11.h>

#include <string>
#include <type_traits>

#include "emorph/param_table.hpp"

namespace emorph::python {

// Sets `params` from the extra positional arguments and the keywords of a call to `function`; a wrong
// count, an unknown or repeated keyword or a value of the wrong type is a TypeError, as for a signature.
template <class P>
void set_params(P& params, const ParamTable<P>& table, const pybind11::args& args, const pybind11::kwargs& kwargs,
                const std::string& function) {
  namespace py = pybind11;
  if (args.size() > table.size())
    throw py::type_error(function + "() takes at most " + std::to_string(table.size() + 2) + " positional arguments");
  auto set = [&](const Param<P>& param, const py::handle& value) {
    visit_param(param, params, [&](auto& member) {
      try {
        member = value.cast<std::decay_t<decltype(member)>>();
      } catch (const py::cast_error&) {
        throw py::type_error(function + "(): " + param.key + " must be of type " + python_type(param) + ", got " +
                             std::string(py::str(value.get_type().attr("__name__"))));
      }
    });
  };
  for (std::size_t i = 0; i < args.size(); ++i) set(table[i], args[i]);
  for (const auto& [key, value] : kwargs) {
    const std::string name = py::str(key);
    std::size_t i = 0;
    while (i < table.size() && table[i].key != name) ++i;
    if (i == table.size()) throw py::type_error(function + "() got an unexpected keyword argument '" + name + "'");
    if (i < args.size()) throw py::type_error(function + "() got multiple values for argument '" + name + "'");
    set(table[i], value);
  }
}

}  // namespace emorph::python
