// A memory mapping with a single owner. It holds no file descriptor: once
// mapped, the descriptor can be closed and the mapping stays valid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "glint/status.h"

namespace glint {

class Mapping {
 public:
  enum class Access { kReadOnly, kReadWrite };

  Mapping() = default;
  Mapping(Mapping&& other) noexcept
      : addr_(std::exchange(other.addr_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  Mapping& operator=(Mapping&& other) noexcept;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() { reset(); }

  // Maps `size` bytes of `fd` from offset 0, shared. `populate` prefaults the
  // pages (MAP_POPULATE). `what` names the file in errors.
  static Result<Mapping> map(int fd, size_t size, Access access, bool populate, std::string_view what);

  const uint8_t* data() const { return static_cast<const uint8_t*>(addr_); }
  uint8_t* mutable_data() { return static_cast<uint8_t*>(addr_); }
  size_t size() const { return size_; }
  bool valid() const { return addr_ != nullptr; }
  void reset();

 private:
  Mapping(void* addr, size_t size) : addr_(addr), size_(size) {}
  void* addr_ = nullptr;
  size_t size_ = 0;
};

}  // namespace glint
