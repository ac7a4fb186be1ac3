#include <algorithm>
#include <cstdio>

#include "commands.h"
#include "util/cli.h"

namespace glint::shm_manager {

int fail(std::string_view message) {
  std::fprintf(stderr, "shm_manager: %.*s\n", static_cast<int>(message.size()), message.data());
  return 1;
}

int bad_command_line(std::string_view message) {
  fail(message);
  return kUsageError;
}

std::string h5_problem(const std::string& path, bool gone_is_fine) {
  auto id = identify_file(path);
  if (id.ok()) return "";
  if (id.status().code() == Code::kNotFound) return gone_is_fine ? "" : path + ": no such file";
  return id.status().message();
}

Result<H5Target> inspect_h5(const std::string& path, bool rehash) {
  H5Target target;
  {
    // Closed before hashing or loading: the cache opens the file itself.
    auto source = H5Source::open(path);
    if (!source.ok()) return source.status();
    auto datasets = (*source)->numeric_datasets();
    if (!datasets.ok()) return datasets.status();
    target.datasets = std::move(*datasets);
  }
  FingerprintOptions options;
  options.rehash = rehash;
  auto fingerprint = fingerprint_file(path, options);
  if (!fingerprint.ok()) return fingerprint.status();
  target.fingerprint = std::move(*fingerprint);
  return target;
}

Result<CleanupTarget> cleanup_target(const std::string& path, bool rehash) {
  CleanupTarget target;
  target.path = absolute_path(path);
  // Read before hashing: hashing a damaged file replaces what is remembered of it.
  std::vector<std::string> remembered = remembered_md5s(target.path);
  auto id = identify_file(path);
  target.exists = id.ok();
  if (!id.ok() && id.status().code() != Code::kNotFound) return id.status();
  if (target.exists) {
    FingerprintOptions options;
    options.rehash = rehash;
    auto fingerprint = fingerprint_file(path, options);
    if (!fingerprint.ok()) return fingerprint.status();
    target.md5s.push_back(fingerprint->md5);
  }
  for (std::string& md5 : remembered) {
    if (std::find(target.md5s.begin(), target.md5s.end(), md5) == target.md5s.end()) {
      target.md5s.push_back(std::move(md5));
    }
  }
  return target;
}

}  // namespace glint::shm_manager
