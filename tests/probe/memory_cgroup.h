// A v1 memory cgroup with a limit, made for one test and removed after it:
// the reliability tests put a probe in it to load under a real memory limit.
// Needs root and the v1 memory controller at /sys/fs/cgroup/memory.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace glint::testing {

class MemoryCgroup {
 public:
  // Creates /sys/fs/cgroup/memory/glint_test_<pid>_<n> limited to `limit`
  // bytes. On failure valid() is false and skip_reason() says why.
  explicit MemoryCgroup(uint64_t limit);
  ~MemoryCgroup();  // moves nothing; removes the (by then empty) cgroup
  MemoryCgroup(const MemoryCgroup&) = delete;
  MemoryCgroup& operator=(const MemoryCgroup&) = delete;

  bool valid() const { return !dir_.empty(); }
  const std::string& skip_reason() const { return skip_reason_; }
  const std::string& dir() const { return dir_; }

  // Moves process `pid` into the cgroup.
  bool add(pid_t pid) const;
  // memory.max_usage_in_bytes, memory.failcnt (times the limit was hit).
  uint64_t max_usage() const;
  uint64_t failcnt() const;

 private:
  std::string dir_;
  std::string skip_reason_;
};

}  // namespace glint::testing
