// How much of a file is in memory, and what a process's mapping of it costs:
// the "one copy per machine" checks of the disk tier.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace glint::testing {

// Rss and Pss (bytes) of `pid`'s mappings of `path`, from /proc/PID/smaps.
struct MappingCost {
  uint64_t rss = 0;
  uint64_t pss = 0;
  bool found = false;
};
MappingCost mapping_cost(pid_t pid, const std::string& path);

// Bytes of `path` resident in the page cache (mincore over a fresh mapping).
uint64_t resident_bytes(const std::string& path);

}  // namespace glint::testing
