// Library errors as Python exceptions, translated in exactly one place.
//
// Binding code never builds a glint.Error itself: it calls
// raise_status(status), which throws StatusError; the one translator that
// bind_errors() registers turns it into the glint.Error subclass of the
// status code, carrying the library's message unchanged.
#pragma once

#include <pybind11/pybind11.h>

#include <stdexcept>

#include "glint/status.h"

namespace glint::python {

class StatusError : public std::runtime_error {
 public:
  explicit StatusError(const Status& status)
      : std::runtime_error(status.message()), code_(status.code()) {}
  Code code() const { return code_; }

 private:
  Code code_;
};

// Throws StatusError for a failed status; returns for an OK one.
void raise_status(const Status& status);

// Unwraps a result or raises its status.
template <typename T>
T value_or_raise(Result<T>&& result) {
  if (!result.ok()) raise_status(result.status());
  return std::move(result).value();
}

// Adds glint.Error and one subclass per status code to `m`, and registers
// the translator.
void bind_errors(pybind11::module_& m);

}  // namespace glint::python
