#include <cstdio>

#include "commands.h"

namespace glint::shm_manager {

int fail(std::string_view message) {
  std::fprintf(stderr, "shm_manager: %.*s\n", static_cast<int>(message.size()), message.data());
  return 1;
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

}  // namespace glint::shm_manager
