// A temporary directory removed (recursively) when the object dies.
#pragma once

#include <string>

#include "glint/tier.h"

namespace glint::testing {

class TempDir {
 public:
  // Creates a fresh directory under `parent` (default: $TMPDIR or /tmp).
  explicit TempDir(const std::string& parent = "");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A private segment directory for one test: a fresh directory under /dev/shm
// (a real tmpfs), so tests never see or disturb each other's segments.
class ShmDir : public TempDir {
 public:
  ShmDir() : TempDir(kDefaultShmDir) {}
};

}  // namespace glint::testing
