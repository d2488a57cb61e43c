#pragma once
// Results reach Python as the same JSON the CLI writes (CONTRACT.md keys, units in key names), turned
// into plain dicts, lists, floats, ints, str and None, so Python and CLI figures are equal by construction.
#include <pybind11/pybind11.h>

#include "emorph/result.hpp"

namespace emorph::python {

pybind11::object to_python(const Json& j);
// The inverse for parameters given as dicts (e.g. weight percents): numbers, strings, lists, dicts.
Json to_json(const pybind11::handle& obj);

}  // namespace emorph::python
