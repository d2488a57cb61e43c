#pragma once
// Volume<T> owns a contiguous (z, y, x) buffer, x fastest; VolumeView<T> is the non-owning view every
// algorithm takes, so slabs, crops and numpy arrays pass without copies. All sizes are 64-bit.
#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "emorph/dtype.hpp"
#include "emorph/error.hpp"

namespace emorph {

struct Shape {
  int64_t nz = 0, ny = 0, nx = 0;
  int64_t voxels() const { return nz * ny * nx; }
  int64_t operator[](int axis) const { return axis == 0 ? nz : axis == 1 ? ny : nx; }
  bool operator==(const Shape&) const = default;
  std::string str() const;  // "NZ x NY x NX"
};

// Physical voxel size in micrometres per axis (z, y, x).
struct Spacing {
  double dz = 1.0, dy = 1.0, dx = 1.0;
  double operator[](int axis) const { return axis == 0 ? dz : axis == 1 ? dy : dx; }
  bool isotropic() const { return dz == dy && dy == dx; }
  double voxel_volume_um3() const { return dz * dy * dx; }
  bool operator==(const Spacing&) const = default;
};

// Element strides per axis (z, y, x).
struct Strides {
  int64_t sz = 0, sy = 0, sx = 0;
  bool operator==(const Strides&) const = default;
};

// Half-open box [z0, z1) x [y0, y1) x [x0, x1) in voxels.
struct Box {
  int64_t z0 = 0, z1 = 0, y0 = 0, y1 = 0, x0 = 0, x1 = 0;
  Shape shape() const { return {z1 - z0, y1 - y0, x1 - x0}; }
};

// Validates a shape and returns its voxel count; throws InputError naming `what` for zero, negative
// or overflowing sizes (the byte size must fit in 63 bits).
int64_t checked_voxel_count(const Shape& shape, std::size_t bytes_per_voxel, const std::string& what);

// Throws InputError naming `what` unless box lies inside shape and is non-empty.
void check_box_inside(const Box& box, const Shape& shape, const std::string& what);

template <class T>
class VolumeView {
 public:
  VolumeView() = default;
  VolumeView(T* data, Shape shape, Spacing spacing = {}, int thickness_axis = 0)
      : data_(data), shape_(shape), strides_{shape.ny * shape.nx, shape.nx, 1}, spacing_(spacing),
        thickness_axis_(thickness_axis) {}
  VolumeView(T* data, Shape shape, Strides strides, Spacing spacing, int thickness_axis)
      : data_(data), shape_(shape), strides_(strides), spacing_(spacing), thickness_axis_(thickness_axis) {}
  // A view of T converts to a view of const T.
  template <class U, class = std::enable_if_t<std::is_same_v<const U, T> && !std::is_same_v<U, T>>>
  VolumeView(const VolumeView<U>& other)
      : data_(other.data()), shape_(other.shape()), strides_(other.strides()), spacing_(other.spacing()),
        thickness_axis_(other.thickness_axis()) {}

  T* data() const { return data_; }
  const Shape& shape() const { return shape_; }
  const Strides& strides() const { return strides_; }
  const Spacing& spacing() const { return spacing_; }
  int thickness_axis() const { return thickness_axis_; }
  int64_t nz() const { return shape_.nz; }
  int64_t ny() const { return shape_.ny; }
  int64_t nx() const { return shape_.nx; }
  int64_t size() const { return shape_.voxels(); }
  bool empty() const { return size() == 0; }
  bool is_contiguous() const {
    return strides_.sx == 1 && strides_.sy == shape_.nx && strides_.sz == shape_.nx * shape_.ny;
  }

  T& operator()(int64_t z, int64_t y, int64_t x) const {
    return data_[z * strides_.sz + y * strides_.sy + x * strides_.sx];
  }
  // Pointer to the first voxel of row (z, y); rows are contiguous when strides().sx == 1.
  T* row(int64_t z, int64_t y) const { return data_ + z * strides_.sz + y * strides_.sy; }

  VolumeView crop(const Box& b) const {
    check_box_inside(b, shape_, "crop box");
    return VolumeView(&(*this)(b.z0, b.y0, b.x0), b.shape(), strides_, spacing_, thickness_axis_);
  }
  VolumeView slab(int64_t z0, int64_t z1) const { return crop({z0, z1, 0, shape_.ny, 0, shape_.nx}); }

  VolumeView with_spacing(Spacing s) const {
    VolumeView v = *this;
    v.spacing_ = s;
    return v;
  }

 private:
  T* data_ = nullptr;
  Shape shape_{};
  Strides strides_{};
  Spacing spacing_{};
  int thickness_axis_ = 0;
};

template <class T>
class Volume {
 public:
  using value_type = T;
  Volume() = default;
  // Allocates without initialising: large volumes are filled by the caller (reader, algorithm).
  explicit Volume(Shape shape, Spacing spacing = {}, int thickness_axis = 0)
      : shape_(shape), spacing_(spacing), thickness_axis_(thickness_axis) {
    const int64_t n = checked_voxel_count(shape, sizeof(T), "volume shape");
    data_.reset(new T[static_cast<std::size_t>(n)]);
  }
  static Volume filled(Shape shape, Spacing spacing, T fill) {
    Volume v(shape, spacing);
    std::fill_n(v.data_.get(), v.size(), fill);
    return v;
  }

  Volume(Volume&&) noexcept = default;
  Volume& operator=(Volume&&) noexcept = default;
  Volume(const Volume&) = delete;
  Volume& operator=(const Volume&) = delete;

  Volume clone() const {
    Volume c(shape_, spacing_, thickness_axis_);
    std::copy_n(data_.get(), size(), c.data_.get());
    return c;
  }

  T* data() { return data_.get(); }
  const T* data() const { return data_.get(); }
  const Shape& shape() const { return shape_; }
  const Spacing& spacing() const { return spacing_; }
  void set_spacing(Spacing s) { spacing_ = s; }
  int thickness_axis() const { return thickness_axis_; }
  void set_thickness_axis(int axis) { thickness_axis_ = axis; }
  int64_t nz() const { return shape_.nz; }
  int64_t ny() const { return shape_.ny; }
  int64_t nx() const { return shape_.nx; }
  int64_t size() const { return shape_.voxels(); }
  std::size_t bytes() const { return static_cast<std::size_t>(size()) * sizeof(T); }
  T* begin() { return data(); }
  T* end() { return data() + size(); }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size(); }

  T& operator()(int64_t z, int64_t y, int64_t x) { return data_[(z * shape_.ny + y) * shape_.nx + x]; }
  const T& operator()(int64_t z, int64_t y, int64_t x) const { return data_[(z * shape_.ny + y) * shape_.nx + x]; }

  VolumeView<T> view() { return VolumeView<T>(data(), shape_, spacing_, thickness_axis_); }
  VolumeView<const T> view() const { return VolumeView<const T>(data(), shape_, spacing_, thickness_axis_); }
  operator VolumeView<T>() { return view(); }
  operator VolumeView<const T>() const { return view(); }

 private:
  std::unique_ptr<T[]> data_;
  Shape shape_{};
  Spacing spacing_{};
  int thickness_axis_ = 0;
};

// Copies any view (strided or not) into a new contiguous volume.
template <class T>
Volume<std::remove_const_t<T>> to_volume(VolumeView<T> v) {
  Volume<std::remove_const_t<T>> out(v.shape(), v.spacing(), v.thickness_axis());
  for (int64_t z = 0; z < v.nz(); ++z)
    for (int64_t y = 0; y < v.ny(); ++y)
      for (int64_t x = 0; x < v.nx(); ++x) out(z, y, x) = v(z, y, x);
  return out;
}

// A volume of any supported dtype, as readers return it.
class AnyVolume {
 public:
  using Variant = std::variant<Volume<uint8_t>, Volume<int8_t>, Volume<uint16_t>, Volume<int16_t>,
                               Volume<uint32_t>, Volume<int32_t>, Volume<float>>;
  AnyVolume() = default;
  template <class T>
  AnyVolume(Volume<T>&& v) : v_(std::move(v)) {}

  DType dtype() const {
    return std::visit([](const auto& v) { return dtype_of<typename std::decay_t<decltype(v)>::value_type>; }, v_);
  }
  Shape shape() const { return std::visit([](const auto& v) { return v.shape(); }, v_); }
  Spacing spacing() const { return std::visit([](const auto& v) { return v.spacing(); }, v_); }
  void set_spacing(Spacing s) { std::visit([&](auto& v) { v.set_spacing(s); }, v_); }
  std::size_t bytes() const { return std::visit([](const auto& v) { return v.bytes(); }, v_); }
  const void* raw_data() const { return std::visit([](const auto& v) -> const void* { return v.data(); }, v_); }

  template <class T> bool holds() const { return std::holds_alternative<Volume<T>>(v_); }
  template <class T> Volume<T>& as() { return get_checked<T>(*this); }
  template <class T> const Volume<T>& as() const { return get_checked<T>(*this); }

  // Calls f(Volume<T>&) with the held volume.
  template <class F> decltype(auto) visit(F&& f) { return std::visit(std::forward<F>(f), v_); }
  template <class F> decltype(auto) visit(F&& f) const { return std::visit(std::forward<F>(f), v_); }

 private:
  template <class T, class Self> static auto& get_checked(Self& self) {
    if (!self.template holds<T>())
      throw InputError("volume has dtype " + dtype_name(self.dtype()) + ", expected " + dtype_name(dtype_of<T>));
    return std::get<Volume<T>>(self.v_);
  }
  Variant v_;
};

}  // namespace emorph
