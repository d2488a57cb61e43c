#include "json_python.hpp"

#include <string>

namespace emorph::python {

namespace py = pybind11;

py::object to_python(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
      return py::none();
    case Json::value_t::boolean:
      return py::bool_(j.get<bool>());
    case Json::value_t::number_integer:
      return py::int_(j.get<int64_t>());
    case Json::value_t::number_unsigned:
      return py::int_(j.get<uint64_t>());
    case Json::value_t::number_float:
      return py::float_(j.get<double>());
    case Json::value_t::string:
      return py::str(j.get_ref<const std::string&>());
    case Json::value_t::array: {
      py::list out;
      for (const auto& e : j) out.append(to_python(e));
      return out;
    }
    case Json::value_t::object: {
      py::dict out;
      for (const auto& [key, value] : j.items()) out[py::str(key)] = to_python(value);
      return out;
    }
    case Json::value_t::binary:
      break;
  }
  throw py::type_error("emorph: unexpected binary JSON value in a result");
}

Json to_json(const py::handle& obj) {
  if (obj.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(obj)) return obj.cast<bool>();
  if (py::isinstance<py::int_>(obj)) return obj.cast<int64_t>();
  if (py::isinstance<py::float_>(obj)) return obj.cast<double>();
  if (py::isinstance<py::str>(obj)) return obj.cast<std::string>();
  if (py::isinstance<py::dict>(obj)) {
    Json out = Json::object();
    for (auto item : py::reinterpret_borrow<py::dict>(obj)) out[py::str(item.first).cast<std::string>()] = to_json(item.second);
    return out;
  }
  if (py::isinstance<py::sequence>(obj)) {
    Json out = Json::array();
    for (auto item : py::reinterpret_borrow<py::sequence>(obj)) out.push_back(to_json(item));
    return out;
  }
  if (py::hasattr(obj, "__float__")) return obj.cast<double>();  // numpy scalars
  throw py::type_error("cannot convert a " + py::str(py::type::of(obj).attr("__name__")).cast<std::string>() +
                       " to a parameter value");
}

}  // namespace emorph::python
