#include "mapping.h"

#include <sys/mman.h>

#include <cerrno>
#include <string>

#include "util/posix_error.h"

namespace glint {

Mapping& Mapping::operator=(Mapping&& other) noexcept {
  if (this != &other) {
    reset();
    addr_ = std::exchange(other.addr_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

Result<Mapping> Mapping::map(int fd, size_t size, Access access, bool populate, std::string_view what) {
  if (size == 0) return Status(Code::kInvalidArgument, "cannot map empty file " + std::string(what));
  int prot = access == Access::kReadOnly ? PROT_READ : PROT_READ | PROT_WRITE;
  int flags = MAP_SHARED | (populate ? MAP_POPULATE : 0);
  void* addr = ::mmap(/*addr=*/nullptr, size, prot, flags, fd, /*offset=*/0);
  if (addr == MAP_FAILED) return posix_error("mmap " + std::string(what), errno);
  return Mapping(addr, size);
}

void Mapping::reset() {
  if (addr_ != nullptr) ::munmap(addr_, size_);
  addr_ = nullptr;
  size_ = 0;
}

}  // namespace glint
