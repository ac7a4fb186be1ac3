// A tmpfs of a chosen size that only one forked child sees: the child enters
// a new mount namespace, makes "/" private and mounts the tmpfs, so its size
// and its "used" figure are exact and nothing leaks to the host. Needs root.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace glint::testing {

// What the body found, sent back to the parent (the body runs in the child
// and must not use gtest assertions).
class Findings {
 public:
  explicit Findings(int fd) : fd_(fd) {}
  // Records a failure unless `ok`; returns `ok`.
  bool expect(bool ok, const std::string& what);
  void note(const std::string& what);

 private:
  int fd_;
};

struct IsolatedRun {
  std::string skip_reason;             // non-empty: the test could not run here
  std::vector<std::string> failures;   // each a failed expectation
  std::vector<std::string> notes;
  bool crashed = false;                // the child died or exited non-zero
};

// Mounts a tmpfs of `bytes` in a private namespace and runs body(dir, findings)
// there, in a child process.
IsolatedRun run_in_private_tmpfs(uint64_t bytes,
                                 const std::function<void(const std::string& dir, Findings& findings)>& body);

// Bytes used in the file system holding `dir` (statvfs).
uint64_t fs_used_bytes(const std::string& dir);
uint64_t fs_free_bytes(const std::string& dir);

// Names in `dir`, sorted.
std::vector<std::string> dir_entries(const std::string& dir);

}  // namespace glint::testing
