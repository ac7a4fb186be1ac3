// Owning HDF5 identifiers, and turning HDF5's error stack into a Status.
// Private to the generator.
#pragma once

#include <hdf5.h>

#include <string>
#include <utility>

#include "glint/status.h"

namespace glint::synth {

// One HDF5 identifier and the function that releases it. Move-only; the
// destructor ignores close errors (use close() to see them).
class H5Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  H5Handle() = default;
  H5Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~H5Handle() { reset(); }
  H5Handle(H5Handle&& other) noexcept
      : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}
  H5Handle& operator=(H5Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      closer_ = other.closer_;
    }
    return *this;
  }
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // Releases the identifier now; false if HDF5 reported an error.
  bool close() {
    if (id_ < 0) return true;
    const herr_t rc = closer_(std::exchange(id_, H5I_INVALID_HID));
    return rc >= 0;
  }

 private:
  void reset() {
    if (id_ >= 0) closer_(std::exchange(id_, H5I_INVALID_HID));
  }
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// Stops HDF5 from printing its error stack to stderr while alive, so that
// failures reach the user once, as a Status. Restores the previous handler.
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

// kIOError "`what` 'path': cause", the cause taken from the innermost HDF5
// error (its system error message when there is one).
Status h5_error(const std::string& what, const std::string& path);

}  // namespace glint::synth
