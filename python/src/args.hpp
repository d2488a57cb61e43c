#pragma once
// Python keyword values -> library parameters, with the CLI's spellings accepted too
// (phases="pore=0,NMC=1" or {"pore": 0, "NMC": 1}).
#include <pybind11/pybind11.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "emorph/error.hpp"
#include "emorph/param_table.hpp"
#include "emorph/phase_table.hpp"

namespace emorph::python {

// {"a": 1, "b": 2} -> "a=1,b=2" (17 significant digits); a str is returned as it is.
std::string spec_arg(const pybind11::object& obj, const char* keyword);

// "a=1,b=2", {"a": 1, "b": 2} or None (empty) -> (name, value) pairs; errors name `keyword`.
std::vector<std::pair<std::string, double>> name_values_arg(const pybind11::object& obj, const char* keyword);

// The phase table from phases= (None: the default table) and density= (None: the table's densities).
PhaseTable phase_table_arg(const pybind11::object& phases, const pybind11::object& density);

// None, "NMC" or ["NMC", "pore"] -> names.
std::vector<std::string> names_arg(const pybind11::object& obj, const char* keyword);

// The "Parameters" entries of labels, phase, spacing and phases of a function on a phase of a label
// volume, or on a mask with phase=None (particles, granulometry, local_thickness).
extern const char* const kPhaseMaskParamsDoc;

// Throws ValueError unless axis is 0, 1 or 2.
int axis_arg(int axis);

// Runs f(); an InputError from it is raised again with its options spelt as Python keywords (the library
// names them the CLI's way: "--exclude-depleted" becomes "exclude_depleted").
template <class F>
decltype(auto) with_keyword_spelling(F&& f) {
  try {
    return f();
  } catch (const InputError& e) {
    throw InputError(keyword_spelling(e.what()));
  }
}

// Issues each message as a Python UserWarning (the CLI prints them as "emorph: warning: ..."). Needs the GIL.
void warn_all(const std::vector<std::string>& messages);

}  // namespace emorph::python
