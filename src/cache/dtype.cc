#include "glint/dtype.h"

#include <array>

namespace glint {
namespace {

struct DTypeRow {
  DType dtype;
  size_t size;
  std::string_view name;
  std::string_view typestr;
};

constexpr std::array<DTypeRow, 11> kTable = {{
    {DType::kInt8, 1, "int8", "|i1"},
    {DType::kUInt8, 1, "uint8", "|u1"},
    {DType::kInt16, 2, "int16", "<i2"},
    {DType::kUInt16, 2, "uint16", "<u2"},
    {DType::kInt32, 4, "int32", "<i4"},
    {DType::kUInt32, 4, "uint32", "<u4"},
    {DType::kInt64, 8, "int64", "<i8"},
    {DType::kUInt64, 8, "uint64", "<u8"},
    {DType::kFloat16, 2, "float16", "<f2"},
    {DType::kFloat32, 4, "float32", "<f4"},
    {DType::kFloat64, 8, "float64", "<f8"},
}};

const DTypeRow& row(DType dtype) { return kTable[static_cast<size_t>(dtype)]; }

}  // namespace

size_t dtype_size(DType dtype) { return row(dtype).size; }
std::string_view dtype_name(DType dtype) { return row(dtype).name; }
std::string_view dtype_typestr(DType dtype) { return row(dtype).typestr; }

std::optional<DType> dtype_from_typestr(std::string_view typestr) {
  for (const auto& r : kTable) {
    if (r.typestr == typestr) return r.dtype;
  }
  return std::nullopt;
}

std::optional<DType> dtype_from_name(std::string_view name) {
  for (const auto& r : kTable) {
    if (r.name == name) return r.dtype;
  }
  return std::nullopt;
}

}  // namespace glint
