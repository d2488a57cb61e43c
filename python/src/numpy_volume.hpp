#pragma once
// numpy <-> emorph volumes at the binding edge. Inputs: a C-contiguous, aligned, native-byte-order 3D
// ndarray of an accepted dtype becomes a VolumeView over the numpy buffer (no copy); anything else
// raises a Python exception naming the argument and the fix. Outputs: a Volume's buffer is handed to
// numpy with a capsule that owns it (no copy).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "emorph/volume.hpp"

namespace emorph::python {

namespace py = pybind11;

// `spacing=` keyword: None (1 um), a number (isotropic) or (dz, dy, dx) in um; positive and finite.
Spacing spacing_arg(const py::object& spacing);
py::tuple spacing_tuple(const Spacing& s);

// Checks everything but the dtype: an ndarray, 3D, non-empty, C-contiguous, aligned, native byte order.
// Raises TypeError / ValueError with a message naming `name`.
void check_volume_array(const py::handle& obj, const char* name);

// Records the address of the last buffer handed to the library, so tests can prove by pointer identity
// that no copy was made.
void record_input_address(const void* p);
std::uintptr_t last_input_address();

// The element type of a VolumeView<const T>: T.
template <class View>
using element_t = std::remove_const_t<std::remove_pointer_t<decltype(std::declval<View>().data())>>;

// A view over the array's buffer; call only after the dtype was checked.
template <class T>
VolumeView<const T> view_of(const py::array& a, const Spacing& spacing) {
  const Shape shape{static_cast<int64_t>(a.shape(0)), static_cast<int64_t>(a.shape(1)),
                    static_cast<int64_t>(a.shape(2))};
  record_input_address(a.data());
  return VolumeView<const T>(static_cast<const T*>(a.data()), shape, spacing);
}

// True when the array's dtype is T in native byte order (numpy's PyArray_EquivTypes).
template <class T>
bool has_dtype(const py::array& a) {
  return py::array_t<T, 0>::check_(a);
}
inline bool is_bool(const py::array& a) { return a.dtype().kind() == 'b' && a.itemsize() == 1; }

// "uint8" etc. for messages.
std::string dtype_str(const py::array& a);
std::string shape_str(const py::array& a);

// Raises TypeError: "`name` must have dtype <expected>, got <actual>; convert with name.astype(...)".
[[noreturn]] void throw_dtype(const py::array& a, const char* name, const std::string& expected,
                              const std::string& conversion);

// A uint8 mask or label volume: uint8 or bool (viewed as 0/1 bytes, no copy).
VolumeView<const uint8_t> u8_arg(const py::handle& obj, const char* name, const Spacing& spacing);

// A float32 grey volume; NaN or infinite values raise ValueError (checked without the GIL).
VolumeView<const float> f32_arg(const py::handle& obj, const char* name, const Spacing& spacing);

// Raises ValueError naming `name` when the view holds a NaN or an infinity (scan without the GIL).
void check_finite(VolumeView<const float> v, const char* name);

// Calls f(VolumeView<const T>) for the array's dtype among the library's volume dtypes
// (uint8, int8, uint16, int16, uint32, int32, float32; bool as uint8). float32 input is checked for NaN.
template <class F>
decltype(auto) visit_array(const py::handle& obj, const char* name, const Spacing& spacing, F&& f) {
  check_volume_array(obj, name);
  const py::array a = py::reinterpret_borrow<py::array>(obj);
  if (has_dtype<uint8_t>(a) || is_bool(a)) return f(view_of<uint8_t>(a, spacing));
  if (has_dtype<int8_t>(a)) return f(view_of<int8_t>(a, spacing));
  if (has_dtype<uint16_t>(a)) return f(view_of<uint16_t>(a, spacing));
  if (has_dtype<int16_t>(a)) return f(view_of<int16_t>(a, spacing));
  if (has_dtype<uint32_t>(a)) return f(view_of<uint32_t>(a, spacing));
  if (has_dtype<int32_t>(a)) return f(view_of<int32_t>(a, spacing));
  if (has_dtype<float>(a)) {
    auto v = view_of<float>(a, spacing);
    check_finite(v, name);
    return f(v);
  }
  throw_dtype(a, name, "one of uint8, bool, int8, uint16, int16, uint32, int32, float32", "np.float32");
}

// Hands a Volume's buffer to numpy without copying: the capsule owns the Volume.
template <class T>
py::array to_numpy(Volume<T>&& volume) {
  auto* owner = new Volume<T>(std::move(volume));
  py::capsule capsule(owner, [](void* p) { delete static_cast<Volume<T>*>(p); });
  const auto s = owner->shape();
  return py::array_t<T>({s.nz, s.ny, s.nx}, owner->data(), capsule);
}

py::array to_numpy(AnyVolume&& volume);

}  // namespace emorph::python
