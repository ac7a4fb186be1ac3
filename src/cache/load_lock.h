// The lock that makes exactly one process load a segment.
//
// A lock file "<segment>.lock" next to the segment, held with flock(): the
// kernel releases it when the holder dies, so a crashed loader never blocks
// anyone. The holder unlinks the file before releasing it; a waiter that
// wakes up on an unlinked file starts over, so two processes can never
// believe they both hold the lock.
#pragma once

#include <string>

#include "glint/status.h"
#include "util/unique_fd.h"

namespace glint {

class LoadLock {
 public:
  // Blocks until the lock is held. `mode` is the lock file's permission bits
  // (0600, or 0660 when segments are shared with a group).
  static Result<LoadLock> acquire(const std::string& lock_path, unsigned mode);

  LoadLock(LoadLock&&) noexcept = default;
  LoadLock& operator=(LoadLock&&) = delete;
  ~LoadLock() { release(); }

  // Unlinks the lock file, then drops the lock. Idempotent.
  void release();

 private:
  LoadLock(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  std::string path_;
  UniqueFd fd_;
};

}  // namespace glint
