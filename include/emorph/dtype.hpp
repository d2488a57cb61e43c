#pragma once
// Voxel data types a volume may hold, and their names as written in sidecars and JSON.
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

namespace emorph {

enum class DType { u8, i8, u16, i16, u32, i32, f32 };

template <class T> struct DTypeOf;
template <> struct DTypeOf<uint8_t> { static constexpr DType value = DType::u8; };
template <> struct DTypeOf<int8_t> { static constexpr DType value = DType::i8; };
template <> struct DTypeOf<uint16_t> { static constexpr DType value = DType::u16; };
template <> struct DTypeOf<int16_t> { static constexpr DType value = DType::i16; };
template <> struct DTypeOf<uint32_t> { static constexpr DType value = DType::u32; };
template <> struct DTypeOf<int32_t> { static constexpr DType value = DType::i32; };
template <> struct DTypeOf<float> { static constexpr DType value = DType::f32; };

template <class T> inline constexpr DType dtype_of = DTypeOf<std::remove_const_t<T>>::value;

std::size_t dtype_size(DType t);
bool dtype_is_float(DType t);
bool dtype_is_signed(DType t);
// numpy-style names: "uint8", "int16", "float32", ...
std::string dtype_name(DType t);
// Accepts numpy names and common aliases ("u1", "<u2", "float", "uchar", "short"...); throws InputError naming `what`.
DType parse_dtype(const std::string& name, const std::string& what);

// Calls f(T{}) with the C++ type of t.
template <class F> decltype(auto) visit_dtype(DType t, F&& f) {
  switch (t) {
    case DType::u8: return f(uint8_t{});
    case DType::i8: return f(int8_t{});
    case DType::u16: return f(uint16_t{});
    case DType::i16: return f(int16_t{});
    case DType::u32: return f(uint32_t{});
    case DType::i32: return f(int32_t{});
    case DType::f32: break;
  }
  return f(float{});
}

}  // namespace emorph
