#include "args.hpp"

#include <cmath>
#include <sstream>

#include <pybind11/stl.h>

namespace emorph::python {

namespace py = pybind11;

// The CLI's NAME=VALUE,... spelling of a dict, so one parser validates both.
std::string spec_arg(const py::object& obj, const char* keyword) {
  if (py::isinstance<py::str>(obj)) return obj.cast<std::string>();
  if (!py::isinstance<py::dict>(obj))
    throw py::type_error(std::string(keyword) + " must be a dict {name: value} or a string \"name=value,...\"");
  std::ostringstream os;
  os.precision(17);
  bool first = true;
  for (auto item : py::reinterpret_borrow<py::dict>(obj)) {
    if (!py::isinstance<py::str>(item.first)) throw py::type_error(std::string(keyword) + " keys must be phase names (str)");
    double v = 0;
    try {
      v = item.second.cast<double>();
    } catch (const py::cast_error&) {
      throw py::type_error(std::string(keyword) + "[" + item.first.cast<std::string>() + "] must be a number");
    }
    os << (first ? "" : ",") << item.first.cast<std::string>() << "=" << v;
    first = false;
  }
  return os.str();
}

std::vector<std::pair<std::string, double>> name_values_arg(const py::object& obj, const char* keyword) {
  if (obj.is_none()) return {};
  return parse_name_values(spec_arg(obj, keyword), keyword);
}

PhaseTable phase_table_arg(const py::object& phases, const py::object& density) {
  PhaseTable table = phases.is_none() ? PhaseTable::default_table() : PhaseTable::parse(spec_arg(phases, "phases"), "phases");
  if (!density.is_none()) table.set_densities(spec_arg(density, "density"), "density");
  return table;
}

std::vector<std::string> names_arg(const py::object& obj, const char* keyword) {
  if (obj.is_none()) return {};
  if (py::isinstance<py::str>(obj)) return {obj.cast<std::string>()};
  try {
    return obj.cast<std::vector<std::string>>();
  } catch (const py::cast_error&) {
    throw py::type_error(std::string(keyword) + " must be a phase name or a list of phase names");
  }
}

const char* const kPhaseMaskParamsDoc = R"doc(labels : numpy.ndarray of uint8 or bool
    C-contiguous (z, y, x) label volume; with ``phase=None`` a mask (the phase is mask != 0).
phase : str, optional
    Phase name in the phase table, as ``--phase``.
spacing : float or (dz, dy, dx), optional
    Voxel size in um (default 1).
phases : dict or str, optional
    Phase table {name: label} or "pore=0,NMC=1,...".
)doc";

int axis_arg(int axis) {
  if (axis < 0 || axis > 2) throw py::value_error("axis must be 0, 1 or 2 (got " + std::to_string(axis) + ")");
  return axis;
}

void warn_all(const std::vector<std::string>& messages) {
  for (const auto& m : messages)
    if (PyErr_WarnEx(PyExc_UserWarning, ("emorph: " + m).c_str(), 1) != 0) throw py::error_already_set();
}

}  // namespace emorph::python
