#include "util/byte_size.h"

#include <cstdio>

namespace glint {

std::string format_bytes(uint64_t bytes) {
  char buf[64];
  if (bytes > 0 && bytes < 100 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  }
  return buf;
}

}  // namespace glint
