// Element types a segment can hold, and their numpy spelling.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace glint {

enum class DType : uint8_t {
  kInt8, kUInt8, kInt16, kUInt16, kInt32, kUInt32, kInt64, kUInt64,
  kFloat16, kFloat32, kFloat64,
};

// Bytes per element (1, 2, 4 or 8).
size_t dtype_size(DType dtype);

// Short name for people: "uint8", "float16", ...
std::string_view dtype_name(DType dtype);

// The numpy array-interface type string stored in segment headers:
// "|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", "<f2", "<f4", "<f8".
std::string_view dtype_typestr(DType dtype);

// Inverse of dtype_typestr / dtype_name; nullopt for anything else.
std::optional<DType> dtype_from_typestr(std::string_view typestr);
std::optional<DType> dtype_from_name(std::string_view name);

}  // namespace glint
