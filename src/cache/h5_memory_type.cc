#include "h5_memory_type.h"

namespace glint {
namespace {

hid_t make_half_type() {
  hid_t t = H5Tcopy(H5T_IEEE_F32LE);
  H5Tset_fields(t, /*spos=*/15, /*epos=*/10, /*esize=*/5, /*mpos=*/0, /*msize=*/10);
  H5Tset_size(t, 2);
  H5Tset_ebias(t, 15);
  H5Tset_precision(t, 16);
  return t;  // lives for the whole process, like the H5T_NATIVE_* types
}

}  // namespace

hid_t h5_memory_type(DType dtype) {
  switch (dtype) {
    case DType::kInt8: return H5T_NATIVE_INT8;
    case DType::kUInt8: return H5T_NATIVE_UINT8;
    case DType::kInt16: return H5T_NATIVE_INT16;
    case DType::kUInt16: return H5T_NATIVE_UINT16;
    case DType::kInt32: return H5T_NATIVE_INT32;
    case DType::kUInt32: return H5T_NATIVE_UINT32;
    case DType::kInt64: return H5T_NATIVE_INT64;
    case DType::kUInt64: return H5T_NATIVE_UINT64;
    case DType::kFloat16: {
      static const hid_t half = make_half_type();
      return half;
    }
    case DType::kFloat32: return H5T_NATIVE_FLOAT;
    case DType::kFloat64: return H5T_NATIVE_DOUBLE;
  }
  return H5T_NATIVE_UINT8;
}

}  // namespace glint
