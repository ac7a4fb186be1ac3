// Remembered fingerprints: one small JSON file per (device, inode) in a
// directory that only the user can write.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "glint/fingerprint.h"
#include "util/unique_fd.h"

namespace glint {

class FingerprintStore {
 public:
  // Opens (creating if needed) the store; nullopt when it cannot be trusted
  // or created, in which case fingerprints are computed but not remembered.
  static std::optional<FingerprintStore> open(const std::string& dir);

  // The remembered MD5 for `id`, if its full identity matches and the entry
  // was not written within 20 ms (kRacyWindowNs) of the file's last change,
  // its ctime (a "racy" entry is ignored, as git does).
  std::optional<std::string> lookup(const FileIdentity& id) const;

  // The MD5s of the entries that name `path`, newest first, whatever the
  // file at that path is now.
  std::vector<std::string> md5s_of_path(const std::string& path) const;

  // Saves atomically (temp file + rename). Failures are ignored: the store
  // is only an accelerator.
  void save(const FileIdentity& id, const std::string& md5, const std::string& path,
            int64_t hashed_at_ns) const;

  // An exclusive lock for hashing this file, so that processes starting
  // together hash it once. Released when the returned descriptor closes.
  UniqueFd lock(const FileIdentity& id) const;

  const std::string& dir() const { return dir_; }

 private:
  explicit FingerprintStore(std::string dir) : dir_(std::move(dir)) {}
  std::string entry_path(const FileIdentity& id) const;
  std::string dir_;
};

// $XDG_CACHE_HOME/glint/fingerprints, else $HOME/.cache/glint/fingerprints.
std::string default_store_dir();

}  // namespace glint
