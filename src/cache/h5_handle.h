// RAII for HDF5 identifiers, and the one place HDF5 return codes are checked.
#pragma once

#include <hdf5.h>

#include <mutex>
#include <string>
#include <utility>

#include "glint/dtype.h"
#include "glint/status.h"

namespace glint {

// Owns one hid_t and closes it with the matching H5?close.
class H5Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  H5Handle() = default;
  H5Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  H5Handle(H5Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), closer_(o.closer_) {}
  H5Handle& operator=(H5Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
      closer_ = o.closer_;
    }
    return *this;
  }
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;
  ~H5Handle() { reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset() {
    if (id_ >= 0 && closer_) closer_(id_);  // errors on close are not actionable
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// Wraps an hid_t result: invalid ids become kIOError "<what>: <HDF5 message>".
Result<H5Handle> h5_check(hid_t id, H5Handle::Closer closer, const std::string& what);
// Checks an herr_t result the same way.
Status h5_check(herr_t rc, const std::string& what);

// Serialises calls into HDF5 (safe with non-thread-safe builds too) and
// silences HDF5's own error printing, once, before first use.
std::unique_lock<std::recursive_mutex> h5_lock();

// The memory type that reads a dataset as `dtype` (IEEE half for float16).
hid_t h5_memory_type(DType dtype);

}  // namespace glint
