// Writing a file under a temporary name next to its destination, then
// renaming it into place, so the destination is either absent, the old file,
// or complete: never half written.
#pragma once

#include <string>

#include "glint/status.h"

namespace glint::synth {

class TempOutput {
 public:
  // Reserves a fresh, empty temporary file in the directory of `target`
  // (".NAME.tmp-PID-N", created with mode 0666 minus the umask). Fails
  // (kNotFound, kPermissionDenied, kIOError) when that directory cannot hold
  // it; fails with kInvalidArgument when `target` is a directory, or exists
  // and `overwrite` is false.
  static Result<TempOutput> reserve(const std::string& target, bool overwrite);

  TempOutput(TempOutput&& other) noexcept;
  TempOutput& operator=(TempOutput&&) = delete;
  TempOutput(const TempOutput&) = delete;
  TempOutput& operator=(const TempOutput&) = delete;
  // Removes the temporary file unless commit() succeeded.
  ~TempOutput();

  const std::string& temp_path() const { return temp_path_; }
  const std::string& target() const { return target_; }

  // Syncs the finished temporary file to disk and renames it to the target.
  // Without `overwrite`, fails rather than replace a target that appeared
  // meanwhile.
  Status commit();

 private:
  TempOutput(std::string target, std::string temp_path, bool overwrite)
      : target_(std::move(target)), temp_path_(std::move(temp_path)), overwrite_(overwrite) {}

  std::string target_;
  std::string temp_path_;  // empty once committed or moved from
  bool overwrite_ = false;
};

// Error of an already existing output, shared with callers that check early.
Status already_exists(const std::string& target);

}  // namespace glint::synth
