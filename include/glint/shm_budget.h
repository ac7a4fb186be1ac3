// A cap on the shared memory one user's glint segments may occupy:
// --max_shm SIZE|PERCENT on the programs, GLINT_MAX_SHM in the environment.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "glint/status.h"

namespace glint {

// The environment variable the programs read when --max_shm is not given
// (so that every trainer of a sweep gets the same budget).
inline constexpr const char* kMaxShmEnv = "GLINT_MAX_SHM";

struct ShmBudget {
  // Exactly one kind is set, or none (no budget, the default).
  uint64_t bytes = 0;   // an absolute cap
  double percent = 0;   // a share of the shared-memory file system's size, (0, 100]

  bool limited() const { return bytes > 0 || percent > 0; }
  // The cap in bytes for a file system of `fs_bytes`; UINT64_MAX if none.
  uint64_t cap(uint64_t fs_bytes) const;
  // For messages: "2048.0 MiB" (bytes, in MiB; KiB below 100 KiB), "50%", or "none".
  std::string text() const;
};

// Parses "512M", "2G", "1.5GiB", "3000000000", "40%" (units K, M, G, T are
// powers of 1024, with or without "B"/"iB"; case does not matter). "" and
// "none" mean no budget. kInvalidArgument says what is accepted.
Result<ShmBudget> parse_shm_budget(std::string_view text);

}  // namespace glint
