#include "util/h5_handle.h"

namespace glint {
namespace {

herr_t keep_innermost(unsigned n, const H5E_error2_t* error, void* out) {
  // Walking upward, n == 0 is the deepest frame: the actual cause.
  if (n == 0 && error != nullptr && error->desc != nullptr) *static_cast<std::string*>(out) = error->desc;
  return 0;
}

// HDF5 wraps system errors as "..., errno = 28, error message = 'No space
// left on device', ..."; a person wants only the quoted part.
std::string short_cause(const std::string& desc) {
  const std::string key = "error message = '";
  const auto start = desc.find(key);
  if (start == std::string::npos) return desc;
  const auto end = desc.find('\'', start + key.size());
  return desc.substr(start + key.size(), end == std::string::npos ? end : end - start - key.size());
}

std::string take_cause() {
  std::string desc;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &desc);
  H5Eclear2(H5E_DEFAULT);
  return desc.empty() ? "HDF5 reported an error" : short_cause(desc);
}

}  // namespace

Status h5_error(const std::string& what) { return Status(Code::kIOError, what + ": " + take_cause()); }

Status h5_error(const std::string& what, const std::string& path) {
  return h5_error(what + " '" + path + "'");
}

Result<H5Handle> h5_check(hid_t id, H5Handle::Closer closer, const std::string& what) {
  if (id < 0) return h5_error(what);
  return H5Handle(id, closer);
}

Status h5_check(herr_t rc, const std::string& what) {
  if (rc < 0) return h5_error(what);
  return Status::Ok();
}

std::unique_lock<std::recursive_mutex> h5_lock() {
  static std::recursive_mutex mu;
  static std::once_flag once;
  std::unique_lock<std::recursive_mutex> lock(mu);
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
  return lock;
}

H5QuietErrors::H5QuietErrors() {
  H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

H5QuietErrors::~H5QuietErrors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }

}  // namespace glint
