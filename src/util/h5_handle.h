// RAII for HDF5 identifiers, and the one place HDF5 return codes and its
// error stack become a Status. Used by the cache (reading) and the dataset
// generator (writing).
#pragma once

#include <hdf5.h>

#include <mutex>
#include <string>
#include <utility>

#include "glint/status.h"

namespace glint {

// Owns one hid_t and releases it with the matching H5?close. Move-only; the
// destructor ignores close errors (call close() to see them).
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
  // Releases the identifier now; false if HDF5 reported an error.
  bool close() {
    if (id_ < 0 || closer_ == nullptr) return true;
    return closer_(std::exchange(id_, H5I_INVALID_HID)) >= 0;
  }
  // Releases the identifier, ignoring errors (they are not actionable here).
  void reset() { (void)close(); }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// kIOError "<what>: <cause>", the cause taken from the innermost frame of
// HDF5's error stack (its system error message when there is one, so "No
// space left on device" rather than HDF5's whole sentence). Clears the stack.
Status h5_error(const std::string& what);
// The same with the file named: "<what> '<path>': <cause>".
Status h5_error(const std::string& what, const std::string& path);

// Wraps an hid_t result: an invalid id becomes h5_error(what).
Result<H5Handle> h5_check(hid_t id, H5Handle::Closer closer, const std::string& what);
// Checks an herr_t result the same way.
Status h5_check(herr_t rc, const std::string& what);

// Serialises calls into HDF5 (safe with non-thread-safe builds too) and
// silences HDF5's own error printing for the whole process, once, before
// first use. For code that may run on several threads (the cache).
std::unique_lock<std::recursive_mutex> h5_lock();

// Stops HDF5 from printing its error stack to stderr while alive, so that
// failures reach the user once, as a Status. Restores the previous handler.
// For single-threaded programs that own HDF5 (the dataset generator).
class H5QuietErrors {
 public:
  H5QuietErrors();
  ~H5QuietErrors();
  H5QuietErrors(const H5QuietErrors&) = delete;
  H5QuietErrors& operator=(const H5QuietErrors&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

}  // namespace glint
