// Writing a file so that its path shows either the old content or the whole
// new one, never a half-written file: the bytes go to a temporary file next
// to the target, which is then renamed over it. Used by the fingerprint
// store, checkpoints and the dataset generator.
#pragma once

#include <string>
#include <string_view>

#include "glint/status.h"
#include "util/unique_fd.h"

namespace glint {

struct AtomicFileOptions {
  // Default true: commit() replaces an existing target. When false, commit()
  // fails with kInvalidArgument "'<target>' already exists" (see
  // exists_hint) instead (checked
  // atomically where the file system supports RENAME_NOREPLACE).
  bool overwrite = true;
  // Default true: commit() fsyncs the file before the rename and the
  // directory after it, so the new content survives a crash. False for
  // caches that can be rebuilt (a lost entry is only recomputed).
  bool sync = true;
  // Default 0666: permission bits of the new file, minus the umask.
  unsigned mode = 0666;
  // Default none: what to do about an existing target, added to the error
  // without overwrite: "'<target>' already exists: <exists_hint>".
  const char* exists_hint = nullptr;
};

// A temporary file "<target>.tmp.<pid>.<n>" that becomes `target` on commit().
// Move-only; not thread-safe. The destructor removes the temporary file
// unless commit() succeeded.
class AtomicFile {
 public:
  // Creates the empty temporary file in the directory of `target`. When
  // that directory cannot hold it, fails with posix_error: "cannot create
  // <temp path>: <cause>", or "<context> '<dir>': <cause>" when a context is
  // given ("cannot create a temporary file in the output directory").
  static Result<AtomicFile> create(const std::string& target, const AtomicFileOptions& options = {},
                                   std::string_view context = {});

  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  const std::string& target() const { return target_; }
  // Other writers (HDF5) may open this path and write it themselves.
  const std::string& temp_path() const { return temp_path_; }

  // Appends all of `bytes`; posix_error("write <temp path>", errno) on failure.
  Status write(std::string_view bytes);

  // Closes the file and renames it to the target (see AtomicFileOptions).
  // Errors name the target: "rename <temp> to <target>: <cause>".
  Status commit();

 private:
  AtomicFile(std::string target, std::string temp_path, UniqueFd fd, const AtomicFileOptions& options)
      : target_(std::move(target)), temp_path_(std::move(temp_path)), fd_(std::move(fd)), options_(options) {}

  std::string target_;
  std::string temp_path_;  // empty once committed or moved from
  UniqueFd fd_;
  AtomicFileOptions options_;
};

// The whole round trip: create, write `bytes`, commit. On any failure the
// target is unchanged and no temporary file is left.
Status write_file_atomically(const std::string& path, std::string_view bytes, const AtomicFileOptions& options = {});

// The directory part of `path` ("." for a bare name, "/" for "/x").
std::string directory_of(const std::string& path);

}  // namespace glint
