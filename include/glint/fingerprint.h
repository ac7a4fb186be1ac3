// The identity of an HDF5 file: the MD5 of all its bytes.
//
// Hashing a large file takes seconds, so the result is remembered per user,
// keyed on the file's identity (device, inode, size, mtime, ctime). Any write
// to the file changes its ctime, so a changed file is hashed again. The store
// is a directory the user owns and nobody else can write
// ($XDG_CACHE_HOME/glint/fingerprints, else ~/.cache/glint/fingerprints).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "glint/status.h"

namespace glint {

struct FileIdentity {
  uint64_t dev = 0;
  uint64_t ino = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
};

struct Fingerprint {
  std::string path;       // absolute path
  std::string md5;        // 32 lower-case hex digits
  FileIdentity identity;  // of the file that was hashed
  bool remembered = false;  // true when taken from the store, not hashed now
};

struct FingerprintOptions {
  // Where remembered fingerprints live; "" means the per-user default above.
  std::string store_dir;
  // Hash the whole file even if a fingerprint is remembered.
  bool rehash = false;
  // Remember the result (false: neither read nor write the store).
  bool remember = true;
};

// Stats `path` (kNotFound if missing; kInvalidArgument for a directory or
// any other non-regular file).
Result<FileIdentity> identify_file(const std::string& path);

// MD5 of every byte of `path`, lower-case hex. Reads with large sequential
// reads; errors (posix_error, code from errno) name the path and the cause.
Result<std::string> md5_file(const std::string& path);

// The fingerprint of `path`, from the store when the identity matches.
// A store that is missing is created (mode 0700); one owned by another user
// or writable by group/others is ignored (the file is hashed, nothing saved).
Result<Fingerprint> fingerprint_file(const std::string& path, const FingerprintOptions& options);

// The absolute path by which fingerprints and segment trailers name `path`,
// also for a file that no longer exists (its folder resolved where it can be).
std::string absolute_path(const std::string& path);

// What the store remembers of the file last known at `absolute` (an
// absolute_path): its MD5s, newest first. This is how a file that was
// deleted or damaged since is still found by its path. `store_dir` "" means
// the per-user default; an untrusted or missing store remembers nothing.
std::vector<std::string> remembered_md5s(const std::string& absolute, const std::string& store_dir = "");

}  // namespace glint
