// Status and Result<T>: how the cache library reports failure.
//
// The cache library never throws across its API and never aborts. Every
// fallible call returns a Status or a Result<T>; the message names the input
// (file, dataset, segment), the cause and, where there is one, what to do.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace glint {

enum class Code {
  kOk = 0,
  kInvalidArgument,   // a bad value from the caller (name, option, dataset)
  kNotFound,          // a file, dataset or segment that does not exist
  kPermissionDenied,  // ownership or mode forbids the operation
  kNoSpace,           // not enough room in the shared-memory file system
  kCorrupt,           // bytes that fail validation (segment header, HDF5 file)
  kUnsupported,       // a dtype, rank or layout this format cannot hold
  kIOError,           // any other failure of the operating system or HDF5
};

std::string_view code_name(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  // One line for a person: what failed, with which input, why, what to do.
  const std::string& message() const { return message_; }

  // Prefixes the message with context ("loading 'images': ...").
  Status with_context(std::string_view context) const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}              // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {       // NOLINT: implicit by design
    assert(!status_.ok() && "a Result built from a Status must carry an error");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace glint

// Returns early from the enclosing function when `expr` yields an error.
#define GLINT_RETURN_IF_ERROR(expr)              \
  do {                                           \
    ::glint::Status glint_status_ = (expr);      \
    if (!glint_status_.ok()) return glint_status_; \
  } while (0)
