#include "emorph/dtype.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "emorph/error.hpp"

namespace emorph {

std::size_t dtype_size(DType t) {
  return visit_dtype(t, [](auto v) { return sizeof(v); });
}

bool dtype_is_float(DType t) { return t == DType::f32; }

bool dtype_is_signed(DType t) { return t == DType::i8 || t == DType::i16 || t == DType::i32 || t == DType::f32; }

std::string dtype_name(DType t) {
  switch (t) {
    case DType::u8: return "uint8";
    case DType::i8: return "int8";
    case DType::u16: return "uint16";
    case DType::i16: return "int16";
    case DType::u32: return "uint32";
    case DType::i32: return "int32";
    case DType::f32: return "float32";
  }
  return "unknown";
}

DType parse_dtype(const std::string& name, const std::string& what) {
  std::string n = name;
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  if (!n.empty() && (n[0] == '<' || n[0] == '>' || n[0] == '=' || n[0] == '|')) n.erase(0, 1);
  static const std::map<std::string, DType> names = {
      {"uint8", DType::u8},   {"u1", DType::u8},      {"uchar", DType::u8},   {"unsigned char", DType::u8},
      {"int8", DType::i8},    {"i1", DType::i8},      {"char", DType::i8},    {"signed char", DType::i8},
      {"uint16", DType::u16}, {"u2", DType::u16},     {"ushort", DType::u16}, {"unsigned short", DType::u16},
      {"int16", DType::i16},  {"i2", DType::i16},     {"short", DType::i16},
      {"uint32", DType::u32}, {"u4", DType::u32},     {"uint", DType::u32},   {"unsigned int", DType::u32},
      {"int32", DType::i32},  {"i4", DType::i32},     {"int", DType::i32},
      {"float32", DType::f32}, {"f4", DType::f32},    {"float", DType::f32},
  };
  auto it = names.find(n);
  if (it == names.end())
    throw InputError(what + ": unsupported dtype '" + name +
                     "' (supported: uint8, int8, uint16, int16, uint32, int32, float32)");
  return it->second;
}

}  // namespace emorph
