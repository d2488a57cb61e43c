#pragma once
// A struct's fields declared once, by member name: EMORPH_JSON_FIELDS(to_json_name, Type, a, b, ...) defines
// `Json to_json_name(const Type& s)` = {"a": s.a, "b": s.b, ...}, so a result's JSON keys are its member names
// and cannot drift from the struct (one list instead of a hand-kept {"key", s.member} block per front end).
// Used by the results layer (the .cpp files that turn algorithm structs into JSON), not by algorithm headers.
#include <cmath>
#include <optional>

#include "emorph/result.hpp"

namespace emorph {

// The JSON value of one field: an empty optional is null, anything else as nlohmann converts it.
template <class T>
Json field_json(const T& value) {
  return Json(value);
}
template <class T>
Json field_json(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

// As field_json, and a NaN or infinite number is null (an undefined statistic: an R^2 of equal values).
template <class T>
Json field_json_or_null(const T& value) {
  if constexpr (std::is_floating_point_v<T>)
    return std::isfinite(value) ? Json(value) : Json(nullptr);
  else
    return field_json(value);
}

}  // namespace emorph

#define EMORPH_FIELD_JSON_ENTRY(member) emorph_fields_j[#member] = ::emorph::field_json(emorph_fields_s.member);
#define EMORPH_FIELD_JSON_OR_NULL_ENTRY(member) \
  emorph_fields_j[#member] = ::emorph::field_json_or_null(emorph_fields_s.member);

// Defines `Json function(const Type&)` (prefix `inline` or `static` as needed; at least one member).
#define EMORPH_JSON_FIELDS(function, Type, ...)                                                        \
  ::emorph::Json function(const Type& emorph_fields_s) {                                               \
    ::emorph::Json emorph_fields_j = ::emorph::Json::object();                                         \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(EMORPH_FIELD_JSON_ENTRY, __VA_ARGS__)) return emorph_fields_j; \
  }

// The same with non-finite numbers written as null.
#define EMORPH_JSON_FIELDS_OR_NULL(function, Type, ...)                                                        \
  ::emorph::Json function(const Type& emorph_fields_s) {                                                       \
    ::emorph::Json emorph_fields_j = ::emorph::Json::object();                                                 \
    NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(EMORPH_FIELD_JSON_OR_NULL_ENTRY, __VA_ARGS__)) return emorph_fields_j; \
  }
