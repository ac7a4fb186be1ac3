#include "read_at.h"

#include <unistd.h>

#include <cerrno>
#include <string>

#include "util/posix_error.h"

namespace glint {

Result<uint64_t> read_at(int fd, uint64_t offset, void* dst, uint64_t size, std::string_view what) {
  auto* out = static_cast<uint8_t*>(dst);
  uint64_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return posix_error("read " + std::string(what), errno);
    if (n == 0) break;
    done += static_cast<uint64_t>(n);
  }
  return done;
}

}  // namespace glint
