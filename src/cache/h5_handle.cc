#include "h5_handle.h"

namespace glint {
namespace {

// The innermost message of HDF5's error stack, for one readable line.
herr_t take_message(unsigned /*n*/, const H5E_error2_t* err, void* out) {
  auto* msg = static_cast<std::string*>(out);
  if (err && err->desc) *msg = err->desc;
  return 0;
}

std::string last_h5_error() {
  std::string msg;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, take_message, &msg);
  H5Eclear2(H5E_DEFAULT);
  return msg.empty() ? "HDF5 error" : msg;
}

hid_t make_half_type() {
  hid_t t = H5Tcopy(H5T_IEEE_F32LE);
  H5Tset_fields(t, /*spos=*/15, /*epos=*/10, /*esize=*/5, /*mpos=*/0, /*msize=*/10);
  H5Tset_size(t, 2);
  H5Tset_ebias(t, 15);
  H5Tset_precision(t, 16);
  return t;  // lives for the whole process, like the H5T_NATIVE_* types
}

}  // namespace

std::unique_lock<std::recursive_mutex> h5_lock() {
  static std::recursive_mutex mu;
  static std::once_flag once;
  std::unique_lock<std::recursive_mutex> lock(mu);
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
  return lock;
}

Result<H5Handle> h5_check(hid_t id, H5Handle::Closer closer, const std::string& what) {
  if (id < 0) return Status(Code::kIOError, what + ": " + last_h5_error());
  return H5Handle(id, closer);
}

Status h5_check(herr_t rc, const std::string& what) {
  if (rc < 0) return Status(Code::kIOError, what + ": " + last_h5_error());
  return Status::Ok();
}

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
