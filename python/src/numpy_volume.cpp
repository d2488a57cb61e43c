#include "numpy_volume.hpp"

#include <atomic>
#include <cmath>
#include <sstream>

#include <pybind11/gil.h>

namespace emorph::python {

namespace {
constexpr int kNumpyAligned = 0x0100;  // NPY_ARRAY_ALIGNED
std::atomic<std::uintptr_t> g_last_input{0};
}  // namespace

void record_input_address(const void* p) { g_last_input.store(reinterpret_cast<std::uintptr_t>(p)); }
std::uintptr_t last_input_address() { return g_last_input.load(); }

static double number_arg(const py::handle& obj, const char* what) {
  try {
    return obj.cast<double>();
  } catch (const py::cast_error&) {
    throw py::type_error(std::string(what) + " must be numbers in um (dz, dy, dx), got " +
                         py::str(py::type::of(obj).attr("__name__")).cast<std::string>());
  }
}

Spacing spacing_arg(const py::object& spacing) {
  if (spacing.is_none()) return {};
  double v[3];
  if (py::isinstance<py::str>(spacing))
    throw py::type_error("spacing must be a number or a sequence (dz, dy, dx) in um, got a string");
  if (py::isinstance<py::sequence>(spacing) || (py::isinstance<py::array>(spacing) &&
                                                py::reinterpret_borrow<py::array>(spacing).ndim() > 0)) {
    const auto seq = py::reinterpret_borrow<py::sequence>(spacing);
    if (py::len(seq) != 3)
      throw py::value_error("spacing must be a number or 3 values (dz, dy, dx) in um, got " +
                            std::to_string(py::len(seq)) + " values");
    for (int i = 0; i < 3; ++i) v[i] = number_arg(seq[i], "spacing values");
  } else {
    v[0] = v[1] = v[2] = number_arg(spacing, "spacing");
  }
  for (double d : v)
    if (!std::isfinite(d) || d <= 0) {
      std::ostringstream os;
      os << "spacing must be positive and finite (um), got " << d;
      throw py::value_error(os.str());
    }
  return {v[0], v[1], v[2]};
}

py::tuple spacing_tuple(const Spacing& s) { return py::make_tuple(s.dz, s.dy, s.dx); }

std::string dtype_str(const py::array& a) { return py::str(a.dtype()).cast<std::string>(); }

std::string shape_str(const py::array& a) {
  std::string s = "(";
  for (py::ssize_t i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape(i));
  return s + (a.ndim() == 1 ? ",)" : ")");
}

void check_volume_array(const py::handle& obj, const char* name) {
  if (!py::isinstance<py::array>(obj))
    throw py::type_error(std::string(name) + " must be a numpy.ndarray (z, y, x), got " +
                         py::str(py::type::of(obj).attr("__name__")).cast<std::string>() +
                         "; convert with numpy.asarray(...)");
  const auto a = py::reinterpret_borrow<py::array>(obj);
  if (a.ndim() != 3)
    throw py::value_error(std::string(name) + " must be a 3D array (z, y, x), got a " + std::to_string(a.ndim()) +
                          "D array of shape " + shape_str(a) + "; for one slice use a[np.newaxis]");
  if (a.size() == 0) throw py::value_error(std::string(name) + " is empty (shape " + shape_str(a) + ")");
  if (!(a.flags() & py::array::c_style))
    throw py::value_error(std::string(name) +
                          " must be C-contiguous (emorph reads numpy buffers in place, without copying); "
                          "this is a strided or transposed view: pass numpy.ascontiguousarray(" +
                          name + ") to make an explicit copy");
  if (!(a.flags() & kNumpyAligned))
    throw py::value_error(std::string(name) + " is not aligned in memory; pass numpy.ascontiguousarray(" + name +
                          ") or a copy");
}

void throw_dtype(const py::array& a, const char* name, const std::string& expected, const std::string& conversion) {
  throw py::type_error(std::string(name) + " must have dtype " + expected + ", got " + dtype_str(a) +
                       "; convert with " + name + ".astype(" + conversion + ")");
}

VolumeView<const uint8_t> u8_arg(const py::handle& obj, const char* name, const Spacing& spacing) {
  check_volume_array(obj, name);
  const auto a = py::reinterpret_borrow<py::array>(obj);
  if (!has_dtype<uint8_t>(a) && !is_bool(a)) throw_dtype(a, name, "uint8 (or bool)", "np.uint8");
  return view_of<uint8_t>(a, spacing);
}

VolumeView<const float> f32_arg(const py::handle& obj, const char* name, const Spacing& spacing) {
  check_volume_array(obj, name);
  const auto a = py::reinterpret_borrow<py::array>(obj);
  if (!has_dtype<float>(a)) throw_dtype(a, name, "float32", "np.float32");
  auto v = view_of<float>(a, spacing);
  check_finite(v, name);
  return v;
}

void check_finite(VolumeView<const float> v, const char* name) {
  int64_t bad = -1;
  {
    py::gil_scoped_release release;
    const int64_t n = v.size();
    const float* p = v.data();
    int64_t first = n;
#pragma omp parallel for reduction(min : first) schedule(static)
    for (int64_t i = 0; i < n; ++i)
      if (!std::isfinite(p[i]) && i < first) first = i;
    if (first < n) bad = first;
  }
  if (bad >= 0) {
    const int64_t plane = v.ny() * v.nx();
    const int64_t z = bad / plane, y = (bad % plane) / v.nx(), x = bad % v.nx();
    throw py::value_error(std::string(name) + " holds NaN or infinite values (first at z=" + std::to_string(z) +
                          ", y=" + std::to_string(y) + ", x=" + std::to_string(x) +
                          "); replace them first, e.g. numpy.nan_to_num(" + name + ")");
  }
}

py::array to_numpy(AnyVolume&& volume) {
  return volume.visit([](auto& v) -> py::array { return to_numpy(std::move(v)); });
}

}  // namespace emorph::python
