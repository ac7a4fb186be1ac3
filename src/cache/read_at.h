// Positioned reads that survive short reads and EINTR.
#pragma once

#include <cstdint>
#include <string_view>

#include "glint/status.h"

namespace glint {

// Reads up to `size` bytes at `offset` of `fd` into `dst` and returns how many
// it read: fewer than `size` only when the file ends first. Errors come from
// posix_error() with "read <what>" as context. Thread-safe (pread).
Result<uint64_t> read_at(int fd, uint64_t offset, void* dst, uint64_t size, std::string_view what);

}  // namespace glint
